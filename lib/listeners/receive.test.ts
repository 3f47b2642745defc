// Receiving at /api/hooks/<path> (receive.ts, SPEC §10, issue 13 item 2 and "Bad input"):
// handleInboundRequest behind a real node:http server routed as server.ts does, a temporary
// database, requests sent with node:http so that paths go out exactly as written. Any content type
// stored byte-exact with its method, path, query, headers (credentials redacted), size and remote
// address; every sender-authentication mode against senders computed independently (node:crypto,
// the Standard Webhooks reference library); 401/404/405/413 store nothing; a 202 means the message
// and its hand-off job are committed; path spellings reach only the listener they literally name;
// unknown paths still reach webhook subscriptions; many senders at once all get in exactly once.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { ZAuthConfigInput } from "@/lib/auth-configs/schema";
import type { TDb } from "@/lib/db";
import { generateSigningKey } from "@/lib/events/signing";
import { ZSubscriptionInput } from "@/lib/events/schema";
import { findJobs } from "@/lib/jobs/testing/find-jobs";
import { rawRequest, type TRawAnswer, type TRawRequest } from "@/lib/testing/raw-request";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { REDACTED } from "./message";
import { ZListenerInput, type TListenerFormValues } from "./schema";

let temp: TTempDb;
let db: TDb;
let store: typeof import("./store");
let server: Server;
let port: number;
let actor: { id: string; email: string };
let serviceId: string;

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-listen-", env: { PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1" } }));
  store = await import("./store");
  const { handleInboundRequest } = await import("./receive");
  const { HOOKS_PREFIX } = await import("@/lib/events/hooks");
  // As server.ts routes: /api/hooks/* to the inbound handler, anything else elsewhere.
  server = createServer((req, res) => {
    if ((req.url ?? "").startsWith(HOOKS_PREFIX)) void handleInboundRequest(req, res);
    else res.writeHead(418).end("not a hook");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as AddressInfo).port;
  const user = await db.user.create({ data: { email: "l@example.test", name: "l", role: "ADMIN", passwordHash: "scrypt$x", active: true, mustChangePassword: false } });
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
/** A listener at `path` (unique per test: callers prefix it), Store only and POST unless told. */
async function createListener(path: string, extra: Partial<TListenerFormValues> = {}): Promise<string> {
  const parsed = ZListenerInput.safeParse({ name: `Listener ${++n}`, path, ...extra });
  assert.ok(parsed.success, `the input is valid: ${JSON.stringify(parsed.error?.issues)}`);
  return (await store.createListener(parsed.data, actor)).id;
}

const send = (path: string, opts?: TRawRequest): Promise<TRawAnswer> => rawRequest(port, path, opts);

const hook = (path: string) => `/api/hooks/${path}`;
const messagesOf = (listenerId: string) => db.inboundMessage.findMany({ where: { listenerId }, orderBy: [{ receivedAt: "asc" }, { id: "asc" }], omit: { body: false } });
const messageOf = (id: string) => db.inboundMessage.findUniqueOrThrow({ where: { id }, omit: { body: false } });
const headersOf = (m: { headers: string }) => new Map(JSON.parse(m.headers) as Array<[string, string]>);

describe("accepted messages", () => {
  test("POST JSON → 202 {id}; the message row (method, path, query, headers, content type, size, address, body) exists by then; Store only: status stored, no job", async () => {
    const id = await createListener("acc1/orders");
    const body = `{"order": 42,  "items": [1, 2], "note": "ünï"}`;
    const t0 = Date.now();
    const res = await send(`${hook("acc1/orders")}?source=erp&x=%20y`, { body, headers: { "content-type": "application/json; charset=utf-8", "x-partner": "acme" } });
    assert.equal(res.status, 202, res.text);
    assert.match(String(res.headers["content-type"]), /application\/json/);
    assert.ok(res.json?.id, "a message id");
    assert.deepEqual(Object.keys(res.json), ["id"], "the answer is { id } only");
    const m = await messageOf(res.json.id);
    assert.equal(m.listenerId, id);
    assert.deepEqual(
      [m.method, m.path, m.query, m.contentType, m.size, m.remoteAddress, m.status, m.targetSeq, m.nextAttemptAt],
      ["POST", "acc1/orders", "source=erp&x=%20y", "application/json; charset=utf-8", Buffer.byteLength(body), "127.0.0.1", "stored", 0, null],
    );
    assert.ok(Buffer.from(m.body).equals(Buffer.from(body)), "the body byte-exact");
    assert.ok(m.receivedAt.getTime() >= t0 - 1000 && m.receivedAt.getTime() <= Date.now() + 1000, `receivedAt is now: ${m.receivedAt.toISOString()}`);
    const headers = headersOf(m);
    assert.equal(headers.get("x-partner"), "acme");
    assert.equal(headers.get("content-type"), "application/json; charset=utf-8");
    assert.equal(headers.get("host"), `127.0.0.1:${port}`);
    assert.equal((await findJobs(db, { name: "listeners.handoff", data: { messageId: m.id } })).length, 0, "Store only: no hand-off job");
  });

  test("XML, form, text, binary and empty bodies are stored byte-exact with their content type; malformed JSON too", async () => {
    await createListener("acc2/in");
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41, 0x0d, 0x0a, 0x1f]);
    const cases: Array<{ body: Buffer; type: string | undefined }> = [
      { body: Buffer.from(`<?xml version="1.0"?>\r\n<order id="42"><x>&amp;</x></order>`), type: "application/xml" },
      { body: Buffer.from("a=1&b=two+words&c=%C3%BC"), type: "application/x-www-form-urlencoded" },
      { body: Buffer.from("plain text, ünïcode\n\ttabbed  "), type: "text/plain; charset=utf-8" },
      { body: binary, type: "application/octet-stream" },
      { body: Buffer.from("latin1 \xe9", "latin1"), type: "text/plain; charset=iso-8859-1" },
      { body: Buffer.from(`{"broken": `), type: "application/json" },
      { body: Buffer.alloc(0), type: "text/plain" },
      { body: Buffer.from("no content type"), type: undefined },
    ];
    for (const c of cases) {
      const res = await send(hook("acc2/in"), { body: c.body, headers: c.type ? { "content-type": c.type } : {} });
      assert.equal(res.status, 202, `${c.type}: ${res.text}`);
      const m = await messageOf(res.json!.id!);
      assert.ok(Buffer.from(m.body).equals(c.body), `${c.type}: byte-exact (got ${Buffer.from(m.body).toString("hex")})`);
      assert.equal(m.size, c.body.length, `${c.type}: size`);
      assert.equal(m.contentType, c.type ?? null, `${c.type}: content type`);
    }
  });

  test("each allowed method is stored as sent; GET without a body stores an empty one", async () => {
    await createListener("acc3/any", { methods: ["POST", "PUT", "PATCH", "GET", "DELETE"] });
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const res = await send(hook("acc3/any"), { method, body: `{"m":"${method}"}`, headers: { "content-type": "application/json" } });
      assert.equal(res.status, 202, `${method}: ${res.text}`);
      const m = await messageOf(res.json!.id!);
      assert.equal(m.method, method);
      assert.equal(Buffer.from(m.body).toString(), `{"m":"${method}"}`);
    }
    const get = await send(`${hook("acc3/any")}?ping=1`, { method: "GET" });
    assert.equal(get.status, 202, get.text);
    const m = await messageOf(get.json!.id!);
    assert.deepEqual([m.method, m.query, m.size, Buffer.from(m.body).length], ["GET", "ping=1", 0, 0]);
  });

  test("a hand-off target (forward): status pending and one job listeners.handoff <id>:0, committed with the message", async () => {
    const id = await createListener("acc4/fwd", { target: "FORWARD", callbackUrl: "http://127.0.0.1:9/x" });
    const res = await send(hook("acc4/fwd"), { body: "<a/>", headers: { "content-type": "text/xml" } });
    assert.equal(res.status, 202, res.text);
    const m = await messageOf(res.json!.id!);
    assert.equal(m.listenerId, id);
    assert.equal(m.status, "pending");
    assert.equal(m.targetSeq, 0);
    assert.ok(m.nextAttemptAt, "the first attempt is due");
    const jobs = await findJobs(db, { name: "listeners.handoff", data: { messageId: m.id } });
    assert.equal(jobs.length, 1, "one job");
    assert.equal(jobs[0]!.singletonKey, `${m.id}:0`);
    assert.deepEqual(jobs[0]!.data, { messageId: m.id, seq: 0 });
  });

  test("received times are real dates: filters by time and the list's 24 h count and last received see them", async () => {
    const id = await createListener("acc5/t");
    const t0 = new Date(Date.now() - 1000);
    for (let i = 0; i < 3; i++) assert.equal((await send(hook("acc5/t"), { body: String(i) })).status, 202);
    assert.equal(await db.inboundMessage.count({ where: { listenerId: id, receivedAt: { gte: t0 } } }), 3, "newer than t0");
    assert.equal(await db.inboundMessage.count({ where: { listenerId: id, receivedAt: { lt: t0 } } }), 0, "none older");
    const detail = await store.getListener(id);
    assert.ok(detail, "found");
    assert.equal(detail.messages24h, 3);
    assert.ok(detail.lastReceivedAt && detail.lastReceivedAt.getTime() >= t0.getTime(), "last received");
    const newest = await db.inboundMessage.findFirst({ where: { listenerId: id }, orderBy: [{ receivedAt: "desc" }, { id: "desc" }], omit: { body: false } });
    assert.equal(Buffer.from(newest!.body).toString(), "2", "newest first by receivedAt");
  });

  test("300 senders at concurrency 50: every 202 id stored exactly once, count of 202s = count of rows", async () => {
    const id = await createListener("acc6/many", { target: "FORWARD", callbackUrl: "http://127.0.0.1:9/x" });
    const total = 300;
    const answers: TRawAnswer[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < total) {
          const i = next++;
          answers[i] = await send(hook("acc6/many"), { body: JSON.stringify({ i, pad: "x".repeat(1000) }), headers: { "content-type": "application/json" } });
        }
      }),
    );
    const accepted = answers.filter((a) => a.status === 202);
    assert.equal(accepted.length, total, answers.find((a) => a.status !== 202)?.text ?? "");
    const ids = accepted.map((a) => a.json!.id!);
    assert.equal(new Set(ids).size, ids.length, "every answer names its own message");
    const rows = await messagesOf(id);
    assert.equal(rows.length, accepted.length, "count of 202s = count of rows");
    assert.deepEqual(rows.map((r) => r.id).sort(), [...ids].sort(), "exactly the acknowledged ids");
    assert.deepEqual(rows.map((r) => (JSON.parse(Buffer.from(r.body).toString()) as { i: number }).i).sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i));
    assert.equal((await findJobs(db, { name: "listeners.handoff", singletonKey: ids.map((m) => `${m}:0`) })).length, total, "one hand-off job each");
  });
});

describe("sender authentication", () => {
  const body = JSON.stringify({ event: "paid", amount: 12.5 });
  const json = { "content-type": "application/json" };
  const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString("base64")}`;

  /** The 401s all say the same: the code and message, nothing naming the part that was wrong. */
  function assertVague(res: TRawAnswer, label: string): void {
    assert.equal(res.status, 401, `${label}: ${res.text}`);
    assert.equal(res.json?.error?.code, "UNAUTHENTICATED", label);
    assert.equal(res.json?.error?.message, "The request could not be authenticated.", label);
    assert.doesNotMatch(res.text, /password|user|secret|signature|header|prefix|timestamp|hmac/i, `${label}: the answer names no part`);
  }

  test("Basic: right → 202 with Authorization redacted; wrong password, wrong user, missing, malformed → 401, nothing stored", async () => {
    const id = await createListener("auth1/basic", { auth: { mode: "BASIC", username: "partner", password: "pa:ss wörd" } });
    const ok = await send(hook("auth1/basic"), { body, headers: { ...json, authorization: basic("partner:pa:ss wörd") } });
    assert.equal(ok.status, 202, ok.text);
    const m = await messageOf(ok.json!.id!);
    assert.equal(headersOf(m).get("authorization"), REDACTED);
    assert.ok(!m.headers.includes(Buffer.from("partner:pa:ss wörd").toString("base64")), "no credential in the stored headers");
    for (const [label, headers] of [
      ["wrong password", { authorization: basic("partner:pa:ss word") }],
      ["wrong user", { authorization: basic("Partner:pa:ss wörd") }],
      ["missing", {}],
      ["bearer", { authorization: "Bearer pa:ss wörd" }],
      ["not base64", { authorization: "Basic !!!" }],
      ["no colon", { authorization: basic("partner") }],
    ] as Array<[string, Record<string, string>]>) {
      assertVague(await send(hook("auth1/basic"), { body, headers: { ...json, ...headers } }), label);
    }
    assert.equal((await messagesOf(id)).length, 1, "only the authenticated message");
  });

  test("shared secret header: right → 202 with the header redacted; wrong, missing, other header → 401, nothing stored", async () => {
    const id = await createListener("auth2/shared", { auth: { mode: "SHARED_SECRET", headerName: "X-Api-Token", headerValue: "tok-9f8e7d" } });
    const ok = await send(hook("auth2/shared"), { body, headers: { ...json, "x-api-token": "tok-9f8e7d" } });
    assert.equal(ok.status, 202, ok.text);
    const m = await messageOf(ok.json!.id!);
    assert.equal(headersOf(m).get("x-api-token"), REDACTED);
    assert.ok(!m.headers.includes("tok-9f8e7d"), "no secret in the stored headers");
    for (const [label, headers] of [
      ["wrong", { "x-api-token": "tok-9f8e7e" }],
      ["prefix of it", { "x-api-token": "tok-9f8e7" }],
      ["empty", { "x-api-token": "" }],
      ["missing", {}],
      ["another header", { "x-other-token": "tok-9f8e7d" }],
    ] as Array<[string, Record<string, string>]>) {
      assertVague(await send(hook("auth2/shared"), { body, headers: { ...json, ...headers } }), label);
    }
    assert.equal((await messagesOf(id)).length, 1);
  });

  test("HMAC GitHub-style X-Hub-Signature-256: sha256=<hex> computed with node:crypto → 202, redacted; wrong secret, tampered body, no prefix → 401", async () => {
    const secret = "It's a Secret to Everybody";
    const id = await createListener("auth3/github", { auth: { mode: "HMAC", headerName: "X-Hub-Signature-256", algorithm: "sha256", encoding: "hex", prefix: "sha256=", secret } });
    const hex = createHmac("sha256", secret).update(body).digest("hex");
    for (const signature of [`sha256=${hex}`, `sha256=${hex.toUpperCase()}`]) {
      const ok = await send(hook("auth3/github"), { body, headers: { ...json, "x-hub-signature-256": signature } });
      assert.equal(ok.status, 202, `${signature}: ${ok.text}`);
      const m = await messageOf(ok.json!.id!);
      assert.equal(headersOf(m).get("x-hub-signature-256"), REDACTED);
      assert.ok(!m.headers.includes(hex), "no signature in the stored headers");
    }
    const binary = Buffer.from([0, 1, 2, 0xff, 0xfe]);
    const binOk = await send(hook("auth3/github"), { body: binary, headers: { "content-type": "application/octet-stream", "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(binary).digest("hex")}` } });
    assert.equal(binOk.status, 202, "a binary body signed as bytes");
    for (const [label, headers, sent] of [
      ["wrong secret", { "x-hub-signature-256": `sha256=${createHmac("sha256", "other").update(body).digest("hex")}` }, body],
      ["tampered body", { "x-hub-signature-256": `sha256=${hex}` }, body.replace("12.5", "1250")],
      ["no prefix", { "x-hub-signature-256": hex }, body],
      ["sha1 prefix", { "x-hub-signature-256": `sha1=${hex}` }, body],
      ["missing", {}, body],
    ] as Array<[string, Record<string, string>, string]>) {
      assertVague(await send(hook("auth3/github"), { body: sent, headers: { ...json, ...headers } }), label);
    }
    assert.equal((await messagesOf(id)).length, 3);
  });

  test("HMAC SHA-1 in base64 without a prefix → 202; the hex of it or a SHA-256 → 401", async () => {
    const secret = "sha1-secret";
    const id = await createListener("auth4/sha1", { auth: { mode: "HMAC", headerName: "X-Signature", algorithm: "sha1", encoding: "base64", prefix: "", secret } });
    const mac = createHmac("sha1", secret).update(body).digest();
    const ok = await send(hook("auth4/sha1"), { body, headers: { ...json, "x-signature": mac.toString("base64") } });
    assert.equal(ok.status, 202, ok.text);
    assertVague(await send(hook("auth4/sha1"), { body, headers: { ...json, "x-signature": mac.toString("hex") } }), "hex instead of base64");
    assertVague(await send(hook("auth4/sha1"), { body, headers: { ...json, "x-signature": createHmac("sha256", secret).update(body).digest("base64") } }), "sha256");
    assert.equal((await messagesOf(id)).length, 1);
  });

  test("Standard Webhooks: signed by the reference library → 202 with webhook-signature redacted; tampered, stale, unsigned, other key → 401", async () => {
    const secret = generateSigningKey();
    const id = await createListener("auth5/sw", { auth: { mode: "STANDARD_WEBHOOKS", secret } });
    const sender = new Webhook(secret);
    const signed = (msgId: string, at: Date, payload: string, wh = sender) => ({ ...json, "webhook-id": msgId, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": wh.sign(msgId, at, payload) });
    const ok = await send(hook("auth5/sw"), { body, headers: signed("msg_1", new Date(), body) });
    assert.equal(ok.status, 202, ok.text);
    const m = await messageOf(ok.json!.id!);
    const headers = headersOf(m);
    assert.equal(headers.get("webhook-signature"), REDACTED);
    assert.equal(headers.get("webhook-id"), "msg_1");
    assertVague(await send(hook("auth5/sw"), { body: body.replace("12.5", "1250"), headers: signed("msg_2", new Date(), body) }), "tampered");
    assertVague(await send(hook("auth5/sw"), { body, headers: signed("msg_3", new Date(Date.now() - 3_600_000), body) }), "stale");
    assertVague(await send(hook("auth5/sw"), { body, headers: json }), "unsigned");
    assertVague(await send(hook("auth5/sw"), { body, headers: signed("msg_4", new Date(), body, new Webhook(generateSigningKey())) }), "another key");
    assert.equal((await messagesOf(id)).length, 1);
  });

  test("a changed secret applies at once: the old one → 401, the new one → 202", async () => {
    const values = { name: "Rotating", path: "auth6/rot", auth: { mode: "SHARED_SECRET" as const, headerName: "X-Token", headerValue: "old-value" } };
    const id = await createListener(values.path, values);
    assert.equal((await send(hook("auth6/rot"), { body, headers: { "x-token": "old-value" } })).status, 202);
    await store.updateListener(id, ZListenerInput.parse({ ...values, auth: { ...values.auth, headerValue: "new-value" } }), actor);
    assertVague(await send(hook("auth6/rot"), { body, headers: { "x-token": "old-value" } }), "old value");
    assert.equal((await send(hook("auth6/rot"), { body, headers: { "x-token": "new-value" } })).status, 202);
    // An edit with the secret left blank keeps it: the sender still gets in.
    await store.updateListener(id, ZListenerInput.parse({ ...values, name: "Rotating renamed", auth: { ...values.auth, headerValue: "" } }), actor);
    assert.equal((await send(hook("auth6/rot"), { body, headers: { "x-token": "new-value" } })).status, 202, "kept");
    assertVague(await send(hook("auth6/rot"), { body }), "still checked");
  });

  test("a moved path applies at once: the old one → 404, the new one → 202", async () => {
    const values = { name: "Moving", path: "auth7/old" };
    const id = await createListener(values.path, values);
    assert.equal((await send(hook("auth7/old"), { body })).status, 202);
    await store.updateListener(id, ZListenerInput.parse({ ...values, path: "auth7/new" }), actor);
    assert.equal((await send(hook("auth7/old"), { body })).status, 404);
    assert.equal((await send(hook("auth7/new"), { body })).status, 202);
    assert.equal((await messagesOf(id)).length, 2);
  });
});

describe("refused requests", () => {
  test("a method not allowed → 405 with Allow listing the listener's methods, nothing stored", async () => {
    const id = await createListener("ref1/m", { methods: ["PUT", "POST"] });
    for (const method of ["GET", "DELETE", "PATCH"]) {
      const res = await send(hook("ref1/m"), { method, body: method === "GET" ? undefined : "{}" });
      assert.equal(res.status, 405, `${method}: ${res.text}`);
      assert.equal(res.headers.allow, "PUT, POST");
    }
    assert.equal((await messagesOf(id)).length, 0);
  });

  test("over the listener's size limit → 413 (declared length and chunked), nothing stored; exactly the limit → 202", async () => {
    const limit = 64 * 1024;
    const id = await createListener("ref2/size", { sizeLimitBytes: limit });
    const big = Buffer.alloc(limit + 1, "a");
    for (const chunked of [false, true]) {
      const res = await send(hook("ref2/size"), { body: big, headers: { "content-type": "text/plain" }, chunked });
      assert.equal(res.status, 413, `chunked ${chunked}: ${res.text}`);
      assert.equal(res.json?.error?.code, "PAYLOAD_TOO_LARGE");
    }
    const huge = await send(hook("ref2/size"), { body: Buffer.alloc(limit * 16, "b"), chunked: true });
    assert.equal(huge.status, 413, "reading stops at the limit");
    assert.equal((await messagesOf(id)).length, 0);
    const fits = await send(hook("ref2/size"), { body: Buffer.alloc(limit, "a"), headers: { "content-type": "text/plain" }, chunked: true });
    assert.equal(fits.status, 202, "exactly the limit is accepted");
    assert.equal((await messagesOf(id))[0]!.size, limit);
  });

  test("413 comes before the sender check: an unsigned oversized message does not learn anything about the signature", async () => {
    const id = await createListener("ref3/both", { sizeLimitBytes: 10, auth: { mode: "SHARED_SECRET", headerName: "X-Token", headerValue: "v" } });
    assert.equal((await send(hook("ref3/both"), { body: "x".repeat(11), headers: { "x-token": "v" } })).status, 413);
    assert.equal((await send(hook("ref3/both"), { body: "x".repeat(11) })).status, 413);
    assert.equal((await messagesOf(id)).length, 0);
  });

  test("unknown paths → 404; a disabled listener → 404 (nothing stored) until enabled again", async () => {
    const id = await createListener("ref4/on");
    for (const path of [hook("ref4/nope"), hook("ref4"), hook("ref4/on/more"), "/api/hooks/"]) {
      const res = await send(path, { body: "{}" });
      assert.equal(res.status, 404, `${path}: ${res.text}`);
    }
    await store.setListenerEnabled(id, false, actor);
    const off = await send(hook("ref4/on"), { body: "{}" });
    assert.equal(off.status, 404, off.text);
    assert.equal(off.json?.error?.code, "NOT_FOUND");
    assert.equal((await messagesOf(id)).length, 0);
    await store.setListenerEnabled(id, true, actor);
    assert.equal((await send(hook("ref4/on"), { body: "{}" })).status, 202, "enabled again");
  });

  test("path tricks reach no other listener: .., ., %2F, %2e, //, backslash → 404; case and one trailing / are the same path (pathKey is lower-case, path.ts)", async () => {
    const a = await createListener("pt/a");
    const b = await createListener("pt/b");
    const ab = await createListener("pt/a/b");
    const tricks = [
      "/api/hooks/pt/a/../b",
      "/api/hooks/pt/./b",
      "/api/hooks/pt/a/b/..",
      "/api/hooks/pt/a%2Fb",
      "/api/hooks/pt/a%2fb",
      "/api/hooks/pt%2Fb",
      "/api/hooks/pt/%2e%2e/pt/b",
      "/api/hooks/pt/%62",
      "/api/hooks/pt//b",
      "/api/hooks//pt/b",
      "/api/hooks/pt/a//b",
      "/api/hooks/pt\\b",
      "/api/hooks/pt/a\\b",
      "/api/hooks/pt/b//",
      "/api/hooks/pt/b;x",
      "/api/hooks/pt/b%00",
      "/api/hooks/pt/b%20",
      "/api/hooks/../hooks/pt/b",
    ];
    for (const path of tricks) {
      const res = await send(path, { body: "{}" });
      assert.equal(res.status, 404, `${path}: ${res.status} ${res.text}`);
    }
    assert.deepEqual([(await messagesOf(a)).length, (await messagesOf(b)).length, (await messagesOf(ab)).length], [0, 0, 0], "no trick stored anything");

    // Case: one path whatever the case ("Orders" and "orders" cannot both exist), so A/B is a/b.
    const upper = await send("/api/hooks/PT/A/B", { body: "{}" });
    assert.equal(upper.status, 202, upper.text);
    const m = await messageOf(upper.json!.id!);
    assert.equal(m.listenerId, ab, "A/B reaches the listener at a/b and no other");
    assert.equal(m.path, "PT/A/B", "the path as sent");
    const slash = await send("/api/hooks/pt/a/b/?q=1", { body: "{}" });
    assert.equal(slash.status, 202, "one trailing slash is tolerated");
    assert.equal((await messageOf(slash.json!.id!)).listenerId, ab);
    assert.deepEqual([(await messagesOf(a)).length, (await messagesOf(b)).length, (await messagesOf(ab)).length], [0, 0, 2]);
  });

  test("a webhook subscription's /api/hooks/<subscriptionId> still works (falls through); its upper-case form reaches nothing", async () => {
    await createListener("sub1/x");
    const parsed = ZSubscriptionInput.parse({ name: "Webhook sub", serviceId, type: "WEBHOOK", callbackUrl: "http://127.0.0.1:9/x" });
    const { createSubscription } = await import("@/lib/events/store");
    const subId = (await createSubscription(parsed, actor)).id;
    const res = await send(hook(subId), { body: `{"x":1}`, headers: { "content-type": "application/json" } });
    assert.equal(res.status, 202, res.text);
    const e = await db.event.findUnique({ where: { id: res.json!.id! } });
    assert.ok(e, "an event of the subscription, not a listener message");
    assert.equal(e.subscriptionId, subId);
    assert.equal(await db.inboundMessage.count({ where: { id: res.json!.id! } }), 0);
    assert.equal((await send(hook(subId.toUpperCase()), { body: "{}" })).status, 404);
    // Listeners are looked up first (by lower-case key): none may take the subscription's URL, in any case.
    for (const path of [subId, subId.toUpperCase()]) {
      await assert.rejects(store.createListener(ZListenerInput.parse({ name: `Hijack ${path}`, path }), actor), /webhook subscription/, path);
    }
    assert.equal((await send(hook(subId), { body: "{}" })).status, 202, "still the subscription's");
    assert.equal(await db.event.count({ where: { subscriptionId: subId } }), 2);
  });

  test("a disabled listener's 404 says what an unknown path says", async () => {
    const id = await createListener("ref5/off");
    await store.setListenerEnabled(id, false, actor);
    const off = await send(hook("ref5/off"), { body: "{}" });
    const unknown = await send(hook("ref5/never"), { body: "{}" });
    assert.deepEqual([off.status, off.json?.error?.code, off.json?.error?.message], [unknown.status, unknown.json?.error?.code, unknown.json?.error?.message]);
  });
});

describe("group commit", () => {
  test("a write that fails (its listener is gone) does not sink the others committed with it: they are stored, it alone is refused", async () => {
    const id = await createListener("gc1/ok");
    const { storeMessage } = await import("./receive");
    const message = (listenerId: string, i: number) => ({ listenerId, handOff: false, method: "POST", path: "gc1/ok", query: "", headers: [] as Array<[string, string]>, contentType: "text/plain", body: Buffer.from(String(i)), remoteAddress: null, receivedAt: new Date() });
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => storeMessage(message(i === 17 ? "no-such-listener" : id, i))));
    const failed = results.flatMap((r, i) => (r.status === "rejected" ? [i] : []));
    assert.deepEqual(failed, [17], "only the write at fault fails");
    const { driverErrorKind } = await import("@/lib/db");
    const reason = (results[17] as PromiseRejectedResult).reason;
    assert.equal(driverErrorKind(reason), "ForeignKeyConstraintViolation", "a gone listener (answered 404 by receive.ts)");
    const ids = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const rows = await messagesOf(id);
    assert.deepEqual(rows.map((r) => r.id).sort(), [...ids].sort(), "every other one is stored, once");
    assert.equal(await db.inboundMessage.count({ where: { listenerId: "no-such-listener" } }), 0, "no orphan");
  });

  test("a write that gives the wrong number of results is rolled back, not committed and then written again", async () => {
    const id = await createListener("gc2/count");
    const { GroupCommit } = await import("@/lib/group-commit");
    const { getDb } = await import("@/lib/db");
    let calls = 0;
    const broken = new GroupCommit<string, string>(getDb, async (tx, items) => {
      calls++;
      for (const text of items) await tx.inboundMessage.create({ data: { listenerId: id, method: "POST", path: "gc2/count", headers: "[]", body: Buffer.from(text), size: text.length, status: "stored" } });
      return items.length > 1 ? ["only one"] : [];
    });
    const results = await Promise.allSettled(["a", "b", "c"].map((t) => broken.submit(t)));
    assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected", "rejected"]);
    assert.equal(calls, 1, "a fault that is not one write's data fails the group at once");
    assert.equal((await messagesOf(id)).length, 0, "nothing committed");
  });
});
