// /api/v1/subscriptions, /api/v1/subscriptions/{id}/events, /api/v1/events/{id}, Poll now and
// Redeliver end to end (SPEC §9, issue 12 item 7): the lean handler behind a real HTTP server on a
// temp database, called with fetch. Answers in their documented shapes, paging walked one row at a
// time, filters, 404s, 400s naming the field, roles, a real poll against a local upstream, the 409
// of a webhook subscription, the redelivery's new job — and no key or secret in any answer.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { z } from "zod";
import type { TDb } from "@/lib/db";
import { startServer, type TTestServer } from "@/lib/http/testing/servers";
import { findJob } from "@/lib/jobs/testing/find-jobs";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { ZEventDetail, ZEventsPage, ZPollResult, ZRedeliverResponse, ZSubscription, ZSubscriptionsPage } from "./schemas-events";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, asserted field by field
type TJson = any;
type TRes = { status: number; headers: Headers; json: TJson; text: string };

const HMAC_SECRET = "CANARY-events-api-hmac-secret-7c1d";

let temp: TTempDb;
let db: TDb;
let upstream: TTestServer;
let api: Server;
let base: string;
let adminToken: string;
let memberToken: string;
const ids: Record<string, string> = {};
/** Every key and secret seeded: none may appear in an answer. */
const secrets: string[] = [HMAC_SECRET];
/** Every answer body this file received. */
const answers: string[] = [];
/** The upstream's items, changed by the tests. */
let items: Array<{ id: number; name: string }> = [];
const T0 = Date.parse("2025-03-01T10:00:00.000Z");

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-events-api-", env: { PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1", PATCHBAY_URL: "https://patchbay.example.test" } }));
  const { handleApiRequest } = await import("./handler");
  api = createServer((req, res) => void handleApiRequest(req, res));
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(api.address() as AddressInfo).port}/api/v1`;

  upstream = await startServer();
  upstream.route("/items", (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(items)));
  upstream.route("/hook", (_req, res) => void res.writeHead(204).end());

  const mk = async (email: string, role: "ADMIN" | "MEMBER") => {
    const u = await db.user.create({ data: { email, name: email.split("@")[0], role, passwordHash: "scrypt$x", active: true } });
    return { id: u.id, email: u.email, name: u.name, role, mustChangePassword: false };
  };
  const admin = await mk("admin@events-api.test", "ADMIN");
  const member = await mk("member@events-api.test", "MEMBER");
  ids.admin = admin.id;
  const tokens = await import("@/lib/api-tokens/store");
  adminToken = (await tokens.createApiToken({ name: "admin", expires: "never", rateLimit: null }, admin)).token;
  memberToken = (await tokens.createApiToken({ name: "member", expires: "never", rateLimit: null }, member)).token;

  const { ZAuthConfigInput } = await import("@/lib/auth-configs/schema");
  const { createAuthConfig } = await import("@/lib/auth-configs/store");
  const none = await createAuthConfig(ZAuthConfigInput.parse({ protocol: "NONE", subProtocol: "NONE", name: "No auth" }), admin);
  ids.service = (await db.service.create({ data: { name: "Shop", authConfigId: none.id } })).id;

  const { ZSubscriptionInput } = await import("@/lib/events/schema");
  const store = await import("@/lib/events/store");
  const { generateSigningKey } = await import("@/lib/events/signing");
  const callbackUrl = `${upstream.origin}/hook`;
  const resource = (name: string, url: string) => ({ name, url, idField: "id" });
  const create = async (input: Record<string, unknown>) => (await store.createSubscription(ZSubscriptionInput.parse({ serviceId: ids.service, callbackUrl, ...input }), admin)).id;

  const signingKey = generateSigningKey();
  const verifyKey = generateSigningKey();
  secrets.push(signingKey, verifyKey);
  ids.orders = await create({ name: "Orders", type: "POLLING", refreshMinutes: 5, resources: [resource("orders", `${upstream.origin}/orders?since=\${gmtDate:yyyy-MM-dd'T'HH:mm:ss'Z'}`)], signingKey });
  ids.live = await create({ name: "Live items", type: "POLLING", refreshMinutes: 60, emitExisting: true, resources: [resource("items", `${upstream.origin}/items`)] });
  const firstHookKey = generateSigningKey();
  secrets.push(firstHookKey);
  ids.hooks = await create({ name: "Hooks (Standard Webhooks)", type: "WEBHOOK", signingKey: firstHookKey, verifyMode: "STANDARD_WEBHOOKS", verifySecret: verifyKey });
  ids.hmac = await create({ name: "Hooks (HMAC)", type: "WEBHOOK", verifyMode: "HMAC_SHA256", verifyHeader: "X-Signature", verifySecret: HMAC_SECRET });
  ids.zulu = await create({ name: "Zulu", type: "POLLING", refreshMinutes: 1, resources: [resource("things", `${upstream.origin}/things`)] });
  // Rotation: the new key and the one that keeps signing for 24 h are both secrets.
  secrets.push((await store.rotateSigningKey(ids.hooks, admin)).key);
  const sealed = await db.eventSubscription.findMany({ omit: { signingKey: false, previousSigningKey: false, verifySecret: false } });
  for (const s of sealed) for (const v of [s.signingKey, s.previousSigningKey, s.verifySecret]) if (v) secrets.push(v);

  // Events of Orders: 6, stored at known times (two at the same time, for the id tie-break).
  const { storeEvents } = await import("@/lib/events/poll");
  const evIds = await db.$transaction((tx) =>
    storeEvents(
      tx,
      ids.orders,
      "orders",
      [
        { type: "CREATED", itemId: "o-1", occurredAt: new Date(T0), data: { id: "o-1", total: 10 } },
        { type: "CREATED", itemId: "o-2", occurredAt: new Date(T0 + 1000), data: { id: "o-2", total: 20 } },
        { type: "UPDATED", itemId: "o-1", occurredAt: new Date(T0 + 2000), data: { id: "o-1", total: 11 } },
        { type: "CREATED", itemId: "o-3", occurredAt: new Date(T0 + 3000), data: { id: "o-3", total: 30 } },
        { type: "UPDATED", itemId: "o-2", occurredAt: new Date(T0 + 4000), json: `${"[".repeat(300)}1${"]".repeat(300)}` },
        { type: "CREATED", itemId: "o-4", occurredAt: new Date(T0 + 5000), data: { id: "o-4", total: 40 } },
      ],
      false,
    ),
  );
  const createdAt = [0, 1, 2, 3, 3, 5];
  for (const [i, id] of evIds.entries()) await db.event.update({ where: { id }, data: { createdAt: new Date(T0 + createdAt[i]! * 60_000) } });
  [ids.e1, ids.e2, ids.e3, ids.e4, ids.deep, ids.e6] = evIds as [string, string, string, string, string, string];
  // e1: delivered at the first attempt; e2: dead-lettered after two attempts; e3: payload cut.
  await db.event.update({ where: { id: ids.e1 }, data: { deliveryStatus: "delivered", attemptCount: 1, roundAttempts: 1, deliverySeq: 0, lastStatusCode: 200, lastAttemptAt: new Date(T0 + 10_000), deliveredAt: new Date(T0 + 10_000), nextAttemptAt: null } });
  await db.deliveryAttempt.create({ data: { eventId: ids.e1, number: 1, at: new Date(T0 + 10_000), statusCode: 200, durationMs: 12, responseExcerpt: "ok" } });
  await db.event.update({ where: { id: ids.e2 }, data: { deliveryStatus: "dead", attemptCount: 2, roundAttempts: 2, deliverySeq: 2, lastStatusCode: 500, lastError: "HTTP 500", lastAttemptAt: new Date(T0 + 20_000), nextAttemptAt: null } });
  await db.deliveryAttempt.create({ data: { eventId: ids.e2, number: 1, at: new Date(T0 + 15_000), statusCode: null, durationMs: 15_000, error: "Timed out after 15 s" } });
  await db.deliveryAttempt.create({ data: { eventId: ids.e2, number: 2, at: new Date(T0 + 20_000), statusCode: 500, durationMs: 30, error: "HTTP 500", responseExcerpt: "boom" } });
  await db.event.update({ where: { id: ids.e3 }, data: { payloadTruncated: true, payload: '{"id":"o-1","tot' } });

  // A webhook message, to the signed webhook subscription.
  const [hookEvent] = await db.$transaction((tx) => storeEvents(tx, ids.hooks, "webhook", [{ type: "RECEIVED", itemId: null, occurredAt: new Date(T0), json: '{"hello":"world"}' }], false));
  ids.hookEvent = hookEvent!;
});

after(async () => {
  await new Promise((r) => api?.close(r));
  await upstream?.close();
  const { closeDispatchers } = await import("@/lib/http/dispatcher");
  await closeDispatchers();
  await db?.$disconnect();
  await temp?.cleanup();
});

async function call(path: string, init: RequestInit & { token?: string | null } = {}): Promise<TRes> {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? adminToken : init.token;
  if (token) headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(`${base}${path}`, { ...init, headers });
  const text = await res.text();
  answers.push(text);
  let json: TJson = null;
  try {
    json = JSON.parse(text);
  } catch {
    // asserted by the callers
  }
  return { status: res.status, headers: res.headers, json, text };
}
const post = (path: string, token?: string | null) => call(path, { method: "POST", token });

function assertError(r: TRes, status: number, code: string) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
  assert.equal(r.json.error.code, code, r.text);
  assert.equal(r.json.error.requestId, r.headers.get("x-request-id"));
}

/** The answer is exactly what the response schema describes (no field it does not list). */
function exact(schema: z.ZodType, value: unknown, what: string) {
  const parsed = schema.safeParse(value);
  assert.ok(parsed.success, `${what}: ${parsed.success ? "" : parsed.error.message}`);
  assert.deepEqual(parsed.data, value, `${what}: no field the schema does not describe`);
}

/** Every item of a list, following nextCursor with `limit` per page. */
async function walk(path: string, limit: number): Promise<TJson[]> {
  const out: TJson[] = [];
  let cursor: string | null = null;
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 100, `${path}: paging ends`);
    const sep = path.includes("?") ? "&" : "?";
    const r = await call(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length <= limit, `${path}: at most ${limit} per page`);
    out.push(...r.json.items);
    cursor = r.json.nextCursor;
    if (!cursor) return out;
  }
}

describe("subscriptions", () => {
  test("the list: every subscription in name order, in the documented shape; members may read", async () => {
    const r = await call("/subscriptions", { token: memberToken });
    assert.equal(r.status, 200, r.text);
    exact(ZSubscriptionsPage, r.json, "GET /subscriptions");
    assert.deepEqual(
      r.json.items.map((s: TJson) => s.name),
      ["Hooks (HMAC)", "Hooks (Standard Webhooks)", "Live items", "Orders", "Zulu"],
    );
    assert.equal(r.json.nextCursor, null);
    const orders = r.json.items.find((s: TJson) => s.id === ids.orders);
    assert.equal(orders.type, "POLLING");
    assert.equal(orders.serviceId, ids.service);
    assert.equal(orders.serviceName, "Shop");
    assert.equal(orders.environmentId, null);
    assert.equal(orders.status, "Active");
    assert.equal(orders.signed, true);
    assert.equal(orders.refreshMinutes, 5);
    assert.equal(orders.hookUrl, null);
    assert.equal(orders.resources.length, 1);
    assert.equal(orders.resources[0].name, "orders");
    assert.match(orders.resources[0].url, /\$\{gmtDate:yyyy-MM-dd'T'HH:mm:ss'Z'\}$/);
    assert.equal(orders.callbackUrl, `${upstream.origin}/hook`);
    assert.equal(orders.failingDeliveries, 1, "the dead-lettered event");
    assert.equal(orders.consecutiveFailures, 0);
    assert.equal(orders.deliveryDisabledReason, null);
    const hooks = r.json.items.find((s: TJson) => s.id === ids.hooks);
    assert.equal(hooks.type, "WEBHOOK");
    assert.equal(hooks.hookUrl, `https://patchbay.example.test/api/hooks/${ids.hooks}`);
    assert.deepEqual(hooks.resources, []);
    assert.equal(hooks.refreshMinutes, null);
    assert.equal(hooks.events24h, 1);
    const hmac = r.json.items.find((s: TJson) => s.id === ids.hmac);
    assert.equal(hmac.signed, false);
  });

  test("paging: limit=1 walks every subscription once, in the same order; limit=2 too", async () => {
    const all = (await call("/subscriptions?limit=200")).json.items.map((s: TJson) => s.id);
    assert.equal(all.length, 5);
    assert.deepEqual((await walk("/subscriptions", 1)).map((s) => s.id), all);
    assert.deepEqual((await walk("/subscriptions", 2)).map((s) => s.id), all);
  });

  test("one subscription: the same shape as in the list; 404 for an unknown id", async () => {
    const r = await call(`/subscriptions/${ids.live}`, { token: memberToken });
    assert.equal(r.status, 200, r.text);
    exact(ZSubscription, r.json, "GET /subscriptions/{id}");
    const listed = (await call("/subscriptions")).json.items.find((s: TJson) => s.id === ids.live);
    assert.deepEqual(r.json, listed);
    assertError(await call("/subscriptions/no-such-subscription"), 404, "NOT_FOUND");
  });

  test("bad paging parameters and unknown ones: 400 naming the field", async () => {
    for (const [q, field] of [["limit=0", "limit"], ["limit=201", "limit"], ["cursor=%%%", "cursor"]] as const) {
      const r = await call(`/subscriptions?${q}`);
      assertError(r, 400, "VALIDATION");
      assert.ok(r.json.error.details.fields[field], `${q}: ${r.text}`);
    }
    const unknown = await call("/subscriptions?name=Orders");
    assertError(unknown, 400, "VALIDATION");
    assert.match(unknown.json.error.message, /"name"/);
  });

  test("no token: 401", async () => {
    for (const path of ["/subscriptions", `/subscriptions/${ids.orders}`, `/subscriptions/${ids.orders}/events`, `/events/${ids.e1}`]) assertError(await call(path, { token: null }), 401, "UNAUTHENTICATED");
    assertError(await post(`/subscriptions/${ids.live}/poll`, null), 401, "UNAUTHENTICATED");
    assertError(await post(`/events/${ids.e1}/redeliver`, null), 401, "UNAUTHENTICATED");
  });
});

describe("events", () => {
  const events = (q = "") => `/subscriptions/${ids.orders}/events${q}`;

  test("the list: newest first (ties by id), in the documented shape, without the data", async () => {
    const r = await call(events(), { token: memberToken });
    assert.equal(r.status, 200, r.text);
    exact(ZEventsPage, r.json, "GET /subscriptions/{id}/events");
    const got = r.json.items.map((e: TJson) => e.id);
    const tied = [ids.e4, ids.deep].sort().reverse();
    assert.deepEqual(got, [ids.e6, ...tied, ids.e3, ids.e2, ids.e1]);
    assert.equal(r.json.nextCursor, null);
    const dead = r.json.items.find((e: TJson) => e.id === ids.e2);
    assert.deepEqual(
      { type: dead.type, eventType: dead.eventType, resource: dead.resource, itemId: dead.itemId, deliveryStatus: dead.deliveryStatus, attemptCount: dead.attemptCount, lastStatusCode: dead.lastStatusCode, lastError: dead.lastError },
      { type: "CREATED", eventType: "orders.created", resource: "orders", itemId: "o-2", deliveryStatus: "dead", attemptCount: 2, lastStatusCode: 500, lastError: "HTTP 500" },
    );
    assert.equal(dead.occurredAt, new Date(T0 + 1000).toISOString());
    assert.equal(dead.createdAt, new Date(T0 + 60_000).toISOString());
    assert.equal(dead.lastAttemptAt, new Date(T0 + 20_000).toISOString());
    assert.equal(dead.nextAttemptAt, null);
    const pending = r.json.items.find((e: TJson) => e.id === ids.e6);
    assert.equal(pending.deliveryStatus, "pending");
    assert.equal(pending.attemptCount, 0);
    assert.equal(r.json.items.find((e: TJson) => e.id === ids.e3).eventType, "orders.updated");
    assert.ok(!r.text.includes('"total"'), "no payload in the list");
  });

  test("paging: limit=1 walks every event once, newest first", async () => {
    const all = (await call(events("?limit=200"))).json.items.map((e: TJson) => e.id);
    assert.equal(all.length, 6);
    assert.deepEqual((await walk(events(), 1)).map((e) => e.id), all);
    assert.deepEqual((await walk(events(), 4)).map((e) => e.id), all);
    assert.deepEqual((await walk(events("?type=CREATED"), 1)).map((e) => e.id), [ids.e6, ids.e4, ids.e2, ids.e1]);
  });

  test("filters by type and by delivery status", async () => {
    const ofType = await call(events("?type=UPDATED"));
    assert.deepEqual(ofType.json.items.map((e: TJson) => e.id), [ids.deep, ids.e3]);
    const dead = await call(events("?status=dead"));
    assert.deepEqual(dead.json.items.map((e: TJson) => e.id), [ids.e2]);
    const both = await call(events("?type=UPDATED&status=delivered"));
    assert.deepEqual(both.json.items, []);
    const hooks = await call(`/subscriptions/${ids.hooks}/events?type=RECEIVED`);
    assert.deepEqual(hooks.json.items.map((e: TJson) => [e.id, e.eventType, e.itemId]), [[ids.hookEvent, "webhook.received", null]]);
  });

  test("a bad type, status, limit or cursor: 400 naming the field; an unknown subscription: 404", async () => {
    for (const [q, field] of [["type=DELETED", "type"], ["type=created", "type"], ["status=lost", "status"], ["limit=x", "limit"], ["cursor=abc", "cursor"]] as const) {
      const r = await call(events(`?${q}`));
      assertError(r, 400, "VALIDATION");
      assert.ok(r.json.error.details.fields[field], `${q}: ${r.text}`);
    }
    const unknown = await call(events("?resource=orders"));
    assertError(unknown, 400, "VALIDATION");
    assert.match(unknown.json.error.message, /"resource"/);
    const typeError = await call(events("?type=DELETED"));
    assert.match(typeError.json.error.message, /CREATED, UPDATED, RECEIVED/);
    // A subscriptions cursor (a name, not a time) is not an events cursor.
    const subsCursor = (await call("/subscriptions?limit=1")).json.nextCursor;
    const foreign = await call(events(`?cursor=${subsCursor}`));
    assertError(foreign, 400, "VALIDATION");
    assert.ok(foreign.json.error.details.fields.cursor, foreign.text);
    assertError(await call("/subscriptions/no-such-subscription/events"), 404, "NOT_FOUND");
  });

  test("one event: data parsed, attempts oldest first; a cut payload is data null; too deep is text; 404 unknown", async () => {
    const r = await call(`/events/${ids.e2}`, { token: memberToken });
    assert.equal(r.status, 200, r.text);
    exact(ZEventDetail, r.json, "GET /events/{id}");
    assert.equal(r.json.subscriptionId, ids.orders);
    assert.equal(r.json.subscriptionName, "Orders");
    assert.deepEqual(r.json.data, { id: "o-2", total: 20 });
    assert.equal(r.json.dataTruncated, false);
    assert.equal(r.json.dataAsText, false);
    assert.deepEqual(r.json.attempts, [
      { number: 1, at: new Date(T0 + 15_000).toISOString(), statusCode: null, durationMs: 15_000, error: "Timed out after 15 s", responseExcerpt: null },
      { number: 2, at: new Date(T0 + 20_000).toISOString(), statusCode: 500, durationMs: 30, error: "HTTP 500", responseExcerpt: "boom" },
    ]);

    const cut = await call(`/events/${ids.e3}`);
    exact(ZEventDetail, cut.json, "a cut payload");
    assert.equal(cut.json.data, null);
    assert.equal(cut.json.dataTruncated, true);

    const deep = await call(`/events/${ids.deep}`);
    assert.equal(deep.status, 200, deep.text);
    exact(ZEventDetail, deep.json, "a deep payload");
    assert.equal(deep.json.dataAsText, true);
    assert.equal(deep.json.data, `${"[".repeat(300)}1${"]".repeat(300)}`);

    const hook = await call(`/events/${ids.hookEvent}`);
    assert.deepEqual(hook.json.data, { hello: "world" });
    assert.deepEqual(hook.json.attempts, []);

    assertError(await call("/events/no-such-event"), 404, "NOT_FOUND");
  });
});

describe("Poll now", () => {
  test("a member may not: 403, nothing polled", async () => {
    const before = upstream.seen.length;
    assertError(await post(`/subscriptions/${ids.live}/poll`, memberToken), 403, "FORBIDDEN");
    assert.equal(upstream.seen.length, before, "the upstream was not called");
  });

  test("the first poll with emitExisting: one event per item, committed; the next poll emits only what changed; audited", async () => {
    items = [
      { id: 1, name: "one" },
      { id: 2, name: "two" },
      { id: 3, name: "three" },
    ];
    const r = await post(`/subscriptions/${ids.live}/poll`);
    assert.equal(r.status, 200, r.text);
    exact(ZPollResult, r.json, "POST /subscriptions/{id}/poll");
    assert.deepEqual(r.json, { committed: true, events: 3, resources: [{ resource: "items", items: 3, events: 3, pages: 1, stoppedAtPageLimit: false, error: null }], reason: null });
    const listed = await call(`/subscriptions/${ids.live}/events`);
    assert.deepEqual(listed.json.items.map((e: TJson) => [e.type, e.itemId]).sort(), [["CREATED", "1"], ["CREATED", "2"], ["CREATED", "3"]]);
    assert.ok(listed.json.items.every((e: TJson) => e.deliveryStatus === "pending" && e.eventType === "items.created"), listed.text);

    items = [...items, { id: 4, name: "four" }];
    const again = await post(`/subscriptions/${ids.live}/poll`);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.events, 1);
    const sub = await call(`/subscriptions/${ids.live}`);
    assert.notEqual(sub.json.lastPollAt, null);
    assert.equal(sub.json.lastPollError, null);
    assert.equal(sub.json.events24h, 4);

    const entries = await db.auditEntry.findMany({ where: { objectId: ids.live, action: "test" } });
    assert.equal(entries.length, 2);
    assert.equal(entries[0]!.actorId, ids.admin);
    assert.deepEqual((entries.map((e) => e.details) as TJson[]).map((d) => [d.pollNow, d.events, d.committed]).sort(), [[true, 1, true], [true, 3, true]]);
  });

  test("a resource that fails: 200 with its reason, nothing emitted, shown on the subscription", async () => {
    const before = await db.event.count({ where: { subscriptionId: ids.zulu } });
    const r = await post(`/subscriptions/${ids.zulu}/poll`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.events, 0);
    assert.equal(r.json.resources[0].resource, "things");
    assert.equal(typeof r.json.resources[0].error, "string", r.text);
    assert.equal(await db.event.count({ where: { subscriptionId: ids.zulu } }), before);
    const sub = await call(`/subscriptions/${ids.zulu}`);
    assert.equal(sub.json.consecutiveFailures, 1);
    assert.equal(typeof sub.json.lastPollError, "string");
  });

  test("a webhook subscription: 409 CONFLICT saying why; an unknown one: 404", async () => {
    const r = await post(`/subscriptions/${ids.hooks}/poll`);
    assertError(r, 409, "CONFLICT");
    assert.match(r.json.error.message, /webhook subscription/);
    assertError(await post("/subscriptions/no-such-subscription/poll"), 404, "NOT_FOUND");
  });

  test("other methods: 405 with Allow", async () => {
    const r = await call(`/subscriptions/${ids.live}/poll`);
    assertError(r, 405, "METHOD_NOT_ALLOWED");
    assert.equal(r.headers.get("allow"), "POST");
  });
});

describe("Redeliver", () => {
  test("a member may not: 403, nothing changed", async () => {
    const before = await db.event.findUniqueOrThrow({ where: { id: ids.e2 } });
    assertError(await post(`/events/${ids.e2}/redeliver`, memberToken), 403, "FORBIDDEN");
    const after = await db.event.findUniqueOrThrow({ where: { id: ids.e2 } });
    assert.equal(after.deliverySeq, before.deliverySeq);
    assert.equal(after.deliveryStatus, "dead");
  });

  test("a dead-lettered event: 202, pending again with a new delivery job; audited", async () => {
    const r = await post(`/events/${ids.e2}/redeliver`);
    assert.equal(r.status, 202, r.text);
    exact(ZRedeliverResponse, r.json, "POST /events/{id}/redeliver");
    assert.deepEqual(r.json, { id: ids.e2, deliveryStatus: "pending" });
    const e = await db.event.findUniqueOrThrow({ where: { id: ids.e2 } });
    assert.equal(e.deliveryStatus, "pending");
    assert.equal(e.deliverySeq, 3);
    assert.equal(e.roundAttempts, 0);
    assert.equal(e.attemptCount, 2, "past attempts stay counted");
    const job = await findJob(db, { name: "events.deliver", singletonKey: `${ids.e2}:3` });
    assert.ok(job, "a delivery job for the new round");
    assert.deepEqual(job.data, { eventId: ids.e2, seq: 3 });
    assert.equal(job.state, "created");
    const listed = await call(`/subscriptions/${ids.orders}/events?status=pending`);
    assert.ok(listed.json.items.some((x: TJson) => x.id === ids.e2), listed.text);
    assert.equal(await db.auditEntry.count({ where: { action: "redeliver", objectId: ids.orders } }), 1);
  });

  test("a delivered event may be sent again too; an unknown event: 404", async () => {
    const r = await post(`/events/${ids.e1}/redeliver`);
    assert.equal(r.status, 202, r.text);
    assert.equal((await db.event.findUniqueOrThrow({ where: { id: ids.e1 } })).deliverySeq, 1);
    assertError(await post("/events/no-such-event/redeliver"), 404, "NOT_FOUND");
  });
});

describe("the OpenAPI document", () => {
  test("lists the events endpoints with their schemas, the tag says at-least-once and unordered", async () => {
    const r = await call("/openapi.json");
    assert.equal(r.status, 200, r.text);
    const paths = r.json.paths;
    for (const [p, m] of [["/subscriptions", "get"], ["/subscriptions/{id}", "get"], ["/subscriptions/{id}/events", "get"], ["/events/{id}", "get"], ["/subscriptions/{id}/poll", "post"], ["/events/{id}/redeliver", "post"]]) {
      assert.ok(paths[p]?.[m], `${m} ${p}`);
    }
    const list = paths["/subscriptions/{id}/events"].get;
    assert.deepEqual(list.parameters.map((p: TJson) => p.name), ["id", "limit", "cursor", "type", "status"]);
    assert.deepEqual(list.parameters.find((p: TJson) => p.name === "type").schema.enum, ["CREATED", "UPDATED", "RECEIVED"]);
    assert.match(list.description, /at-least-once/);
    assert.match(list.description, /order is not guaranteed/);
    assert.ok(paths["/events/{id}/redeliver"].post.responses["202"], "redeliver answers 202");
    assert.ok(paths["/subscriptions/{id}/poll"].post.responses["409"], "poll documents its 409");
    assert.match(paths["/subscriptions/{id}/poll"].post.description, /Admins only/);
    const tag = r.json.tags.find((t: TJson) => t.name === "Events");
    assert.match(tag.description, /webhook-id/);
  });
});

describe("secrets", () => {
  test("no signature key, verification secret or sealed value in any answer", () => {
    assert.ok(answers.length > 50, `many answers were checked (${answers.length})`);
    assert.ok(secrets.length >= 10, "the keys, the secrets and their sealed forms");
    for (const text of answers) {
      for (const s of secrets) assert.ok(!text.includes(s), `a secret in an answer: ${text.slice(0, 200)}`);
      assert.ok(!text.includes("whsec_"), `a key in an answer: ${text.slice(0, 200)}`);
      // The API's own document may name fields of other endpoints; no answer about events does.
      if (!text.startsWith('{"openapi"')) assert.ok(!/signingKey|verifySecret/.test(text), `a secret field in an answer: ${text.slice(0, 200)}`);
    }
  });
});
