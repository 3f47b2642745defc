import assert from "node:assert/strict";
import { test } from "node:test";
import { auditObjectHref, detailLabel, isIsoTime } from "./present";

test("objects with a page of their own link to it", () => {
  const cases: Array<[string, string]> = [
    ["AuthConfig", "/auth-configs/c1"],
    ["Service", "/services/c1"],
    ["Connector", "/connectors/c1"],
    ["Environment", "/environments/c1"],
    ["EventSubscription", "/events/c1"],
    ["Listener", "/listeners/c1"],
  ];
  for (const [objectType, href] of cases) assert.equal(auditObjectHref({ objectType, objectId: "c1", action: "update" }), href, objectType);
});

test("users and API tokens link to their lists, with or without an id", () => {
  assert.equal(auditObjectHref({ objectType: "User", objectId: "u1", action: "update" }), "/users");
  assert.equal(auditObjectHref({ objectType: "ApiToken", objectId: null, action: "create" }), "/api-tokens");
});

test("deletions, unknown types and entries without an id stay plain text", () => {
  assert.equal(auditObjectHref({ objectType: "Connector", objectId: "c1", action: "delete" }), null);
  assert.equal(auditObjectHref({ objectType: "User", objectId: "u1", action: "delete" }), null);
  assert.equal(auditObjectHref({ objectType: "Library", objectId: null, action: "export" }), null);
  assert.equal(auditObjectHref({ objectType: "Connector", objectId: null, action: "test" }), null);
  assert.equal(auditObjectHref({ objectType: "constructor", objectId: "x", action: "update" }), null);
});

test("ids are escaped in the path", () => {
  assert.equal(auditObjectHref({ objectType: "Service", objectId: "a/b?c", action: "update" }), "/services/a%2Fb%3Fc");
});

test("detail keys read as words", () => {
  assert.equal(detailLabel("secretsReplaced"), "Secrets replaced");
  assert.equal(detailLabel("token_sets"), "Token sets");
  assert.equal(detailLabel("ok"), "Ok");
  assert.equal(detailLabel("environmentId"), "Environment id");
  assert.equal(detailLabel("TTL"), "TTL");
  assert.equal(detailLabel("httpURLPath"), "Http URL path");
  assert.equal(detailLabel("_"), "_");
});

test("ISO times are recognised, other strings are not", () => {
  assert.ok(isIsoTime("2026-01-02T03:04:05.678Z"), "toISOString output");
  assert.ok(isIsoTime("2026-01-02T03:04:05Z"), "without milliseconds");
  assert.ok(!isIsoTime("2026-01-02"), "a date alone");
  assert.ok(!isIsoTime("renamed on 2026-01-02T03:04:05Z"), "inside text");
});
