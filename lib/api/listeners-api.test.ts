// /api/v1/listeners, /api/v1/listeners/{id}/messages and /api/v1/listeners/{id}/messages/{messageId}
// end to end (SPEC §10, issue 13 item 6): the lean handler behind a real HTTP server on a temp
// database, called with fetch; messages received through the listener's own URL (the same lean
// routing as server.ts). Answers in their documented shapes, paging newest first without bodies,
// bodies as UTF-8 text or base64, filters, 404s, 400s, 401 — and no secret in any answer.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { z } from "zod";
import type { TDb } from "@/lib/db";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { ZListenersPage, ZMessageDetail, ZMessagesPage } from "./schemas-listeners";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, asserted field by field
type TJson = any;
type TRes = { status: number; headers: Headers; json: TJson; text: string };

const HMAC_SECRET = "CANARY-listener-api-hmac-secret-41f0";
const PASSWORD = "CANARY-listener-api-password-93aa";

let temp: TTempDb;
let db: TDb;
let server: Server;
let origin: string;
let adminToken: string;
const ids: Record<string, string> = {};
const answers: string[] = [];

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-listeners-api-", env: { PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1", PATCHBAY_URL: "https://patchbay.example.test" } }));
  const { handleApiRequest } = await import("./handler");
  const { handleInboundRequest } = await import("@/lib/listeners/receive");
  server = createServer((req, res) => {
    if ((req.url ?? "").startsWith("/api/hooks/")) void handleInboundRequest(req, res);
    else void handleApiRequest(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const u = await db.user.create({ data: { email: "admin@listeners-api.test", name: "admin", role: "ADMIN", passwordHash: "scrypt$x", active: true } });
  const admin = { id: u.id, email: u.email, name: u.name, role: "ADMIN" as const, mustChangePassword: false };
  const tokens = await import("@/lib/api-tokens/store");
  adminToken = (await tokens.createApiToken({ name: "admin", expires: "never", rateLimit: null }, admin)).token;
  const { ZListenerInput } = await import("@/lib/listeners/schema");
  const { createListener } = await import("@/lib/listeners/store");
  ids.orders = (await createListener(ZListenerInput.parse({ name: "Partner orders", path: "acme/orders", methods: ["POST", "PUT"], auth: { mode: "HMAC", headerName: "X-Hub-Signature-256", prefix: "sha256=", secret: HMAC_SECRET } }), admin)).id;
  ids.basic = (await createListener(ZListenerInput.parse({ name: "Basic inbox", path: "basic", auth: { mode: "BASIC", username: "partner", password: PASSWORD } }), admin)).id;
});

after(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await db?.$disconnect();
  await temp?.cleanup();
});

async function call(path: string, token: string | null = adminToken): Promise<TRes> {
  const headers = new Headers();
  if (token) headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(`${origin}/api/v1${path}`, { headers });
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

/** Sends a message to the orders listener, signed as a GitHub-style sender signs. */
async function sendOrder(body: Buffer, contentType: string): Promise<string> {
  const signature = `sha256=${createHmac("sha256", HMAC_SECRET).update(body).digest("hex")}`;
  const res = await fetch(`${origin}/api/hooks/acme/orders?batch=7`, { method: "POST", body: new Uint8Array(body), headers: { "content-type": contentType, "x-hub-signature-256": signature } });
  assert.equal(res.status, 202, await res.clone().text());
  return ((await res.json()) as { id: string }).id;
}

function exact(schema: z.ZodType, value: unknown, what: string) {
  const parsed = schema.safeParse(value);
  assert.ok(parsed.success, `${what}: ${parsed.success ? "" : parsed.error.message}`);
  assert.deepEqual(parsed.data, value, `${what}: no field the schema does not describe`);
}

describe("listeners API", () => {
  test("GET /listeners: both listeners in name order, their URL and sender authentication, no secret", async () => {
    const r = await call("/listeners");
    assert.equal(r.status, 200, r.text);
    exact(ZListenersPage, r.json, "listeners page");
    assert.deepEqual(r.json.items.map((l: TJson) => l.name), ["Basic inbox", "Partner orders"]);
    const orders = r.json.items[1];
    assert.equal(orders.url, "https://patchbay.example.test/api/hooks/acme/orders");
    assert.equal(orders.senderAuthentication, "HMAC");
    assert.deepEqual(orders.methods, ["POST", "PUT"]);
    const paged = await call("/listeners?limit=1");
    assert.equal(paged.json.items.length, 1);
    assert.ok(paged.json.nextCursor, "a second page");
  });

  test("messages: newest first without bodies, paged; the detail has the body (text or base64), headers redacted", async () => {
    const json = await sendOrder(Buffer.from('{"order":1}'), "application/json");
    const xml = await sendOrder(Buffer.from("<order id='2'/>"), "application/xml");
    const binary = await sendOrder(Buffer.from([0xff, 0x00, 0xfe, 0x10]), "application/octet-stream");
    const list = await call(`/listeners/${ids.orders}/messages`);
    assert.equal(list.status, 200, list.text);
    exact(ZMessagesPage, list.json, "messages page");
    assert.deepEqual(list.json.items.map((m: TJson) => m.id), [binary, xml, json]);
    assert.equal(list.json.items[2].query, "batch=7");
    assert.equal(list.json.items[2].status, "stored");
    assert.ok(!("body" in list.json.items[0]), "lists carry no body");

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: TRes = await call(`/listeners/${ids.orders}/messages?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      assert.equal(page.status, 200, page.text);
      seen.push(...page.json.items.map((m: TJson) => m.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [binary, xml, json], "paging one at a time walks every message once");

    const d = await call(`/listeners/${ids.orders}/messages/${json}`);
    assert.equal(d.status, 200, d.text);
    exact(ZMessageDetail, d.json, "message detail");
    assert.equal(d.json.body, '{"order":1}');
    assert.equal(d.json.bodyEncoding, "utf8");
    assert.equal(d.json.headers.find(([n]: [string]) => n === "x-hub-signature-256")?.[1], "[redacted]");
    const b = await call(`/listeners/${ids.orders}/messages/${binary}`);
    assert.equal(b.json.bodyEncoding, "base64");
    assert.deepEqual([...Buffer.from(b.json.body, "base64")], [0xff, 0x00, 0xfe, 0x10]);
  });

  test("404 for an unknown listener and for another listener's message; 400 for a bad status or cursor; 401 without a token", async () => {
    const id = await sendOrder(Buffer.from("{}"), "application/json");
    assert.equal((await call("/listeners/nope/messages")).status, 404);
    assert.equal((await call(`/listeners/${ids.basic}/messages/${id}`)).status, 404);
    assert.equal((await call(`/listeners/${ids.orders}/messages/nope`)).status, 404);
    const bad = await call(`/listeners/${ids.orders}/messages?status=lost`);
    assert.equal(bad.status, 400, bad.text);
    assert.match(bad.text, /status/);
    assert.equal((await call(`/listeners/${ids.orders}/messages?cursor=zzz`)).status, 400);
    assert.equal((await call("/listeners", null)).status, 401);
  });

  test("no secret in any answer", () => {
    for (const a of answers) for (const s of [HMAC_SECRET, PASSWORD]) assert.ok(!a.includes(s), "a secret leaked into an answer");
  });
});
