// Routing by role (issue 14 item 3): health on every role, the web parts only where the role has
// them, a worker answering nothing else. The prefixes are the handlers' own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { API_PATH, HOOKS_PATH, ROLE_PARTS, routeOf, type TRole, type TRoute } from "./roles";

const ROLES: TRole[] = ["all", "web", "worker"];

test("every role answers /healthz and /readyz, with or without a query", () => {
  for (const role of ROLES) {
    assert.equal(routeOf(role, "/healthz"), "healthz", role);
    assert.equal(routeOf(role, "/readyz"), "readyz", role);
    assert.equal(routeOf(role, "/readyz?probe=lb"), "readyz", role);
  }
});

test("the web roles route as the single process always did", () => {
  const cases: Array<[string, TRoute]> = [
    ["/api/v1", "api"],
    ["/api/v1/connectors", "api"],
    ["/api/v1?x=1", "api"],
    ["/api/v1/connectors/abc/run?env=prod", "api"],
    ["/api/v10", "next"],
    ["/api/v1x/y", "next"],
    ["/api/hooks/abc", "hooks"],
    ["/api/hooks/", "hooks"],
    ["/api/hooks", "next"],
    ["/", "next"],
    ["/connectors", "next"],
    ["/healthz/more", "next"],
    ["/readyz.json", "next"],
  ];
  for (const role of ["all", "web"] as const) {
    for (const [url, route] of cases) assert.equal(routeOf(role, url), route, `${role} ${url}`);
  }
});

test("a worker answers only health: the API, hooks and pages are not found there", () => {
  for (const url of ["/", "/api/v1/connectors", "/api/hooks/abc", "/login", "/healthz/x", "/_next/static/x.js"]) {
    assert.equal(routeOf("worker", url), "not-found", url);
  }
});

test("what each role runs: background work on all and worker, the web parts on all and web", () => {
  assert.deepEqual(ROLE_PARTS, {
    all: { web: true, background: true },
    web: { web: true, background: false },
    worker: { web: false, background: true },
  });
});

test("the prefixes are the lean handlers' own", async () => {
  const { API_PREFIX } = await import("@/lib/api/handler");
  const { HOOKS_PREFIX } = await import("@/lib/events/hooks");
  assert.equal(API_PATH, API_PREFIX);
  assert.equal(HOOKS_PATH, HOOKS_PREFIX);
});
