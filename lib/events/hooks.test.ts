// The inbound URL of webhook subscriptions (SPEC §9, issue 12 item 4 and "Bad input"):
// handleHookRequest behind a real node:http server routed as server.ts does, a temporary database,
// requests sent with node:http so that paths go out exactly as written. Any content type stored;
// HMAC signatures computed independently with node:crypto; Standard Webhooks signed by the
// reference library; 401/404/405/413 store nothing; a 202 means the event and its delivery job are
// committed; many senders at once all get in.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { ZAuthConfigInput } from "@/lib/auth-configs/schema";
import type { TDb } from "@/lib/db";
import { findJob, findJobs } from "@/lib/jobs/testing/find-jobs";
import { rawRequest, type TRawAnswer, type TRawRequest } from "@/lib/testing/raw-request";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { ZSubscriptionInput, type TSubscriptionFormValues } from "./schema";
import { generateSigningKey } from "./signing";

const MAX_BYTES = 64 * 1024;

let temp: TTempDb;
let db: TDb;
let store: typeof import("./store");
let server: Server;
let port: number;
let actor: { id: string; email: string };
let serviceId: string;

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-hooks-", env: { PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1", PATCHBAY_HOOK_MAX_BYTES: String(MAX_BYTES) } }));
  store = await import("./store");
  const { handleHookRequest, HOOKS_PREFIX } = await import("./hooks");
  // As server.ts routes: /api/hooks/* to the handler, anything else elsewhere.
  server = createServer((req, res) => {
    if ((req.url ?? "").startsWith(HOOKS_PREFIX)) void handleHookRequest(req, res);
    else res.writeHead(418).end("not a hook");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as AddressInfo).port;
  const user = await db.user.create({ data: { email: "h@example.test", name: "h", role: "ADMIN", passwordHash: "scrypt$x", active: true, mustChangePassword: false } });
  actor = { id: user.id, email: user.email };
  const { createAuthConfig } = await import("@/lib/auth-configs/store");
  const none = await createAuthConfig(ZAuthConfigInput.parse({ name: "None", protocol: "NONE", subProtocol: "NONE" }), actor);
  serviceId = (await db.service.create({ data: { name: "S", authConfigId: none.id } })).id;
});

after(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await db?.$disconnect();
  await temp?.cleanup();
});

let n = 0;
async function createSub(extra: Partial<TSubscriptionFormValues> = {}): Promise<string> {
  const parsed = ZSubscriptionInput.safeParse({ name: `Hook ${++n}`, serviceId, type: "WEBHOOK", callbackUrl: "http://127.0.0.1:9/x", ...extra });
  assert.ok(parsed.success, `the input is valid: ${JSON.stringify(parsed.error?.issues)}`);
  return (await store.createSubscription(parsed.data, actor)).id;
}

const send = (path: string, opts?: TRawRequest): Promise<TRawAnswer> => rawRequest(port, path, opts);

const hook = (id: string) => `/api/hooks/${id}`;
const eventsOf = (subscriptionId: string) => db.event.findMany({ where: { subscriptionId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });

describe("accepted messages", () => {
  test("POST JSON → 202 {id}; the event (RECEIVED, resource webhook, payload = the body) and its delivery job are committed by then", async () => {
    const id = await createSub();
    const body = `{"order": 42,  "items": [1, 2]}`;
    const res = await send(hook(id), { body, headers: { "content-type": "application/json", "webhook-id": "msg_abc" } });
    assert.equal(res.status, 202, res.text);
    assert.ok(res.json?.id, "an event id");
    assert.match(String(res.headers["content-type"]), /application\/json/);
    const e = await db.event.findUnique({ where: { id: res.json.id } });
    assert.ok(e, "the event row exists once 202 was received");
    assert.deepEqual([e.subscriptionId, e.type, e.resource, e.payload, e.itemId, e.deliveryStatus], [id, "RECEIVED", "webhook", body, "msg_abc", "pending"]);
    const job = await findJob(db, { name: "events.deliver", singletonKey: `${e.id}:0` });
    assert.ok(job, "its delivery job too");
    assert.deepEqual(job.data, { eventId: e.id, seq: 0 });
  });

  test("XML, text, binary and empty bodies are stored as {contentType, text} or {contentType, base64}", async () => {
    const id = await createSub();
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41]);
    const cases: Array<{ body: string | Buffer; type: string; stored: unknown }> = [
      { body: `<?xml version="1.0"?><order id="42"/>`, type: "application/xml", stored: { contentType: "application/xml", text: `<?xml version="1.0"?><order id="42"/>` } },
      { body: "a=1&b=two", type: "application/x-www-form-urlencoded", stored: { contentType: "application/x-www-form-urlencoded", text: "a=1&b=two" } },
      { body: "plain text, ünïcode", type: "text/plain; charset=utf-8", stored: { contentType: "text/plain; charset=utf-8", text: "plain text, ünïcode" } },
      { body: binary, type: "application/octet-stream", stored: { contentType: "application/octet-stream", base64: binary.toString("base64") } },
      { body: "", type: "text/plain", stored: { contentType: "text/plain", text: "" } },
    ];
    for (const c of cases) {
      const res = await send(hook(id), { body: c.body, headers: { "content-type": c.type } });
      assert.equal(res.status, 202, `${c.type}: ${res.text}`);
      const e = await db.event.findUniqueOrThrow({ where: { id: res.json!.id! } });
      assert.deepEqual(JSON.parse(e.payload), c.stored, c.type);
    }
  });

  test("a subscription whose delivery is stopped (410) still stores messages, held", async () => {
    const id = await createSub();
    await db.eventSubscription.update({ where: { id }, data: { deliveryDisabledReason: "410 Gone" } });
    const { invalidate } = await import("@/lib/cache/invalidation");
    invalidate("subscription", id);
    const res = await send(hook(id), { body: "{}", headers: { "content-type": "application/json" } });
    assert.equal(res.status, 202);
    const e = await db.event.findUniqueOrThrow({ where: { id: res.json!.id! } });
    assert.equal(e.deliveryStatus, "held");
    assert.equal((await findJobs(db, { name: "events.deliver", singletonKey: `${e.id}:0` })).length, 0, "no delivery job while held");
  });

  test("200 senders at once: all 202, exactly 200 events", async () => {
    const id = await createSub();
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => send(hook(id), { body: JSON.stringify({ i }), headers: { "content-type": "application/json" } })));
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [202], answers.find((a) => a.status !== 202)?.text ?? "");
    const events = await eventsOf(id);
    assert.equal(events.length, 200);
    assert.deepEqual(events.map((e) => (JSON.parse(e.payload) as { i: number }).i).sort((a, b) => a - b), Array.from({ length: 200 }, (_, i) => i));
    assert.equal(new Set(answers.map((a) => a.json?.id)).size, 200, "every answer names its own event");
  });
});

describe("sender verification", () => {
  const SECRET = "hmac-secret-7f3a";
  const body = JSON.stringify({ event: "paid", amount: 12.5 });
  const mac = createHmac("sha256", SECRET).update(body).digest();

  test("HMAC-SHA256 in a named header: hex (either case), sha256= prefix, base64 → 202", async () => {
    const id = await createSub({ verifyMode: "HMAC_SHA256", verifyHeader: "X-Signature", verifySecret: SECRET });
    for (const signature of [mac.toString("hex"), mac.toString("hex").toUpperCase(), `sha256=${mac.toString("hex")}`, mac.toString("base64")]) {
      const res = await send(hook(id), { body, headers: { "content-type": "application/json", "x-signature": signature } });
      assert.equal(res.status, 202, `${signature}: ${res.text}`);
    }
    assert.equal((await eventsOf(id)).length, 4);
  });

  test("HMAC: a wrong or missing signature → 401, nothing stored", async () => {
    const id = await createSub({ verifyMode: "HMAC_SHA256", verifyHeader: "X-Signature", verifySecret: SECRET });
    const wrongSecret = createHmac("sha256", "other").update(body).digest("hex");
    const otherBody = createHmac("sha256", SECRET).update(`${body} `).digest("hex");
    for (const headers of [{}, { "x-signature": wrongSecret }, { "x-signature": otherBody }, { "x-signature": "" }, { "x-other": mac.toString("hex") }] as Array<Record<string, string>>) {
      const res = await send(hook(id), { body, headers: { "content-type": "application/json", ...headers } });
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(res.json?.error?.code, "UNAUTHENTICATED");
    }
    assert.equal((await eventsOf(id)).length, 0);
  });

  test("a changed secret applies at once: the old signature → 401, the new one → 202", async () => {
    const values = { verifyMode: "HMAC_SHA256" as const, verifyHeader: "X-Signature", verifySecret: SECRET };
    const id = await createSub(values);
    const name = (await db.eventSubscription.findUniqueOrThrow({ where: { id } })).name;
    const headers = (secret: string) => ({ "content-type": "application/json", "x-signature": createHmac("sha256", secret).update(body).digest("hex") });
    assert.equal((await send(hook(id), { body, headers: headers(SECRET) })).status, 202);
    await store.updateSubscription(id, ZSubscriptionInput.parse({ name, serviceId, type: "WEBHOOK", callbackUrl: "http://127.0.0.1:9/x", ...values, verifySecret: "rotated-secret" }), actor);
    assert.equal((await send(hook(id), { body, headers: headers(SECRET) })).status, 401);
    assert.equal((await send(hook(id), { body, headers: headers("rotated-secret") })).status, 202);
  });

  test("Standard Webhooks: a message signed by the reference library → 202 (webhook-id kept as the item id); a tampered body or an old timestamp → 401", async () => {
    const secret = generateSigningKey();
    const id = await createSub({ verifyMode: "STANDARD_WEBHOOKS", verifySecret: secret });
    const sender = new Webhook(secret);
    const signed = (msgId: string, at: Date, payload: string) => ({ "content-type": "application/json", "webhook-id": msgId, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": sender.sign(msgId, at, payload) });

    const ok = await send(hook(id), { body, headers: signed("msg_1", new Date(), body) });
    assert.equal(ok.status, 202, ok.text);
    assert.equal((await db.event.findUniqueOrThrow({ where: { id: ok.json!.id! } })).itemId, "msg_1");

    const tampered = await send(hook(id), { body: body.replace("12.5", "1250"), headers: signed("msg_2", new Date(), body) });
    assert.equal(tampered.status, 401);
    const old = new Date(Date.now() - 3_600_000);
    const stale = await send(hook(id), { body, headers: signed("msg_3", old, body) });
    assert.equal(stale.status, 401);
    const unsigned = await send(hook(id), { body, headers: { "content-type": "application/json" } });
    assert.equal(unsigned.status, 401);
    assert.equal((await eventsOf(id)).length, 1);
  });
});

describe("refused requests", () => {
  test(`over PATCHBAY_HOOK_MAX_BYTES → 413, nothing stored (declared length and chunked)`, async () => {
    const id = await createSub();
    const big = Buffer.alloc(MAX_BYTES + 1, "a");
    for (const chunked of [false, true]) {
      const res = await send(hook(id), { body: big, headers: { "content-type": "text/plain" }, chunked });
      assert.equal(res.status, 413, `chunked ${chunked}: ${res.text}`);
    }
    assert.equal((await eventsOf(id)).length, 0);
    const fits = await send(hook(id), { body: Buffer.alloc(MAX_BYTES, "a"), headers: { "content-type": "text/plain" } });
    assert.equal(fits.status, 202, "exactly the limit is accepted");
  });

  test("GET → 405 with Allow: POST", async () => {
    const id = await createSub();
    const res = await send(hook(id), { method: "GET" });
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, "POST");
    assert.equal((await eventsOf(id)).length, 0);
  });

  test("unknown ids, polling subscriptions, paused subscriptions and path tricks → 404", async () => {
    const id = await createSub();
    const paused = await createSub();
    await store.setPaused(paused, true, actor);
    const polling = (
      await store.createSubscription(
        ZSubscriptionInput.parse({ name: `Polling ${++n}`, serviceId, type: "POLLING", callbackUrl: "http://127.0.0.1:9/x", refreshMinutes: 5, resources: [{ name: "r", url: "http://127.0.0.1:9/r", idField: "id" }] }),
        actor,
      )
    ).id;
    const paths = [
      hook("cm0000000000000000000000"),
      hook(polling),
      hook(paused),
      "/api/hooks/%2e%2e/x",
      `/api/hooks/%2e%2e/${id}`,
      `/api/hooks/${id.toUpperCase()}`,
      `/api/hooks/${id}/extra`,
      `/api/hooks/${id}/`,
      `/api/hooks/${id}%2f`,
      `/api/hooks//${id}`,
      "/api/hooks/",
    ];
    for (const path of paths) {
      const res = await send(path, { body: "{}", headers: { "content-type": "application/json" } });
      assert.equal(res.status, 404, `${path}: ${res.status} ${res.text}`);
    }
    assert.equal(await db.event.count({ where: { subscriptionId: { in: [id, paused, polling] } } }), 0);
    // A query string is not part of the id.
    assert.equal((await send(`${hook(id)}?source=vendor`, { body: "{}", headers: { "content-type": "application/json" } })).status, 202);
    // Resumed: the URL answers again.
    await store.setPaused(paused, false, actor);
    assert.equal((await send(hook(paused), { body: "{}", headers: { "content-type": "application/json" } })).status, 202);
  });

  test("dot segments that a URL parser would normalize onto a real id are not the exact form → 404", async () => {
    const id = await createSub();
    for (const path of [`/api/hooks/x/../${id}`, `/api/hooks/%2e%2e/hooks/${id}`, `/api/hooks/./${id}`]) {
      const res = await send(path, { body: "{}", headers: { "content-type": "application/json" } });
      assert.equal(res.status, 404, `${path}: ${res.status} ${res.text}`);
    }
    assert.equal((await eventsOf(id)).length, 0);
  });
});
