// handOffMessage end to end (SPEC §10, issue 13 item 3): a real temporary database, messages stored
// the way receiving stores them (storeMessage, with their hand-off job), and real local servers —
// the events receiver that verifies with the Standard Webhooks reference library, a recording
// server for byte-exact bodies, and an upstream for the connector target. Forward: the body as it
// came, its content type, webhook-id = message id across retries, signatures, the attempt record,
// the retry schedule and Retry-After, network failures, the dead letter, 410, outdated jobs,
// Replay. Run a connector: body and mapped parameters, result kept, failures. Retention.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Webhook } from "standardwebhooks";
import { ZAuthConfigInput } from "@/lib/auth-configs/schema";
import { ZConnectorInput } from "@/lib/connectors/schema";
import { dialect, type TDb } from "@/lib/db";
import { JITTER, MAX_ATTEMPTS, RETRY_SCHEDULE_MS } from "@/lib/events/delivery-schedule";
import { generateSigningKey } from "@/lib/events/signing";
import { startReceiver, type TRespond } from "@/lib/events/testing/receiver";
import { headerValues, startServer, type TTestServer } from "@/lib/http/testing/servers";
import { findJob, findJobs, failJobsForGood } from "@/lib/jobs/testing/find-jobs";
import { rejectsWith } from "@/lib/testing/assert";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { LISTENER_JOB } from "./jobs";
import { ZListenerInput } from "./schema";

let temp: TTempDb;
let db: TDb;
let store: typeof import("./store");
let receive: typeof import("./receive");
let handoff: typeof import("./handoff");
let invalidate: typeof import("@/lib/cache/invalidation").invalidate;
let actor: { id: string; email: string };
let serviceId: string;
let upstream: TTestServer;
const closers: Array<() => Promise<void>> = [];

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-handoff-", env: { PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1" } }));
  store = await import("./store");
  receive = await import("./receive");
  handoff = await import("./handoff");
  ({ invalidate } = await import("@/lib/cache/invalidation"));
  const user = await db.user.create({ data: { email: "h@example.test", name: "h", role: "ADMIN", passwordHash: "scrypt$x", active: true, mustChangePassword: false } });
  actor = { id: user.id, email: user.email };
  const { createAuthConfig } = await import("@/lib/auth-configs/store");
  const none = await createAuthConfig(ZAuthConfigInput.parse({ name: "None", protocol: "NONE", subProtocol: "NONE" }), actor);
  serviceId = (await db.service.create({ data: { name: "Orders", authConfigId: none.id } })).id;
  upstream = await startServer();
  closers.push(upstream.close);
});

after(async () => {
  for (const c of closers) await c();
  const { flushRuns } = await import("@/lib/runs/log");
  await flushRuns();
  const { closeDispatchers } = await import("@/lib/http/dispatcher");
  await closeDispatchers();
  await db?.$disconnect();
  await temp?.cleanup();
});

let n = 0;

/** A listener (unique name and path) with these settings; its id and path. */
async function newListener(extra: Record<string, unknown>): Promise<{ id: string; path: string }> {
  const path = `handoff/l-${++n}`;
  const parsed = ZListenerInput.safeParse({ name: `Hand-off ${n}`, path, ...extra });
  assert.ok(parsed.success, `the input is valid: ${JSON.stringify(parsed.error?.issues)}`);
  const { id } = await store.createListener(parsed.data, actor);
  return { id, path };
}

/** Stores a message as receiving does (with its hand-off job); its id. */
function newMessage(
  l: { id: string; path: string },
  body: Buffer | string,
  opts: { contentType?: string | null; query?: string; headers?: Array<[string, string]>; receivedAt?: Date; handOff?: boolean } = {},
): Promise<string> {
  const contentType = opts.contentType === undefined ? "application/json" : opts.contentType;
  return receive.storeMessage({
    listenerId: l.id,
    handOff: opts.handOff ?? true,
    method: "POST",
    path: l.path,
    query: opts.query ?? "",
    headers: opts.headers ?? (contentType ? [["content-type", contentType]] : []),
    contentType,
    body: typeof body === "string" ? Buffer.from(body) : body,
    remoteAddress: "127.0.0.1",
    receivedAt: opts.receivedAt ?? new Date(),
  });
}

/** A receiver (verifying with `key`) and a FORWARD listener to it, signed with `key` unless unsigned. */
async function forwardSetup(opts: { respond?: TRespond; unsigned?: boolean } = {}) {
  const key = generateSigningKey();
  const rx = await startReceiver({ secret: key, respond: opts.respond });
  closers.push(rx.close);
  const l = await newListener({ target: "FORWARD", callbackUrl: rx.url, signingKey: opts.unsigned ? "" : key });
  return { rx, l, key };
}

const messageOf = (id: string) => db.inboundMessage.findUniqueOrThrow({ where: { id } });
const attemptsOf = (messageId: string) => db.messageAttempt.findMany({ where: { messageId }, orderBy: { number: "asc" } });
const handOffJob = (messageId: string, seq: number) => findJob(db, { name: LISTENER_JOB.handOff, singletonKey: `${messageId}:${seq}` });

describe("forward", () => {
  test("a JSON body is POSTed as it came, its content type kept; webhook-id = message id; the signature verifies; delivered with one attempt", async () => {
    const { rx, l } = await forwardSetup({ respond: () => ({ status: 204 }) });
    const body = '{ "order": 42,\n  "lines": [1, 2.50, "x"] }'; // spacing and number forms must survive
    const id = await newMessage(l, body, { contentType: "application/json; charset=utf-8" });
    assert.ok(await handOffJob(id, 0), "storeMessage sent the hand-off job");
    assert.equal((await messageOf(id)).status, "pending");
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    assert.equal(rx.received.length, 1);
    const r = rx.received[0]!;
    assert.equal(r.id, id);
    assert.equal(r.body, body);
    assert.equal(r.verified, true, "Webhook(secret).verify accepted the forward");
    assert.match(r.signature, /^v1,[A-Za-z0-9+/=]+$/);
    const m = await messageOf(id);
    assert.equal(m.status, "delivered");
    assert.ok(m.handedOnAt, "handedOnAt set");
    assert.deepEqual([m.attemptCount, m.roundAttempts, m.lastStatusCode, m.lastError, m.nextAttemptAt, m.targetSeq], [1, 1, 204, null, null, 0]);
    const attempts = await attemptsOf(id);
    assert.equal(attempts.length, 1);
    assert.deepEqual([attempts[0]!.number, attempts[0]!.statusCode, attempts[0]!.error], [1, 204, null]);
    assert.equal(Number(r.timestamp), Math.floor(attempts[0]!.at.getTime() / 1000), "webhook-timestamp is the attempt's time");
    // Done: the same job again sends nothing.
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    assert.equal(rx.received.length, 1);
    assert.equal((await attemptsOf(id)).length, 1);
  });

  test("a binary body arrives byte for byte with its content type; the signature over the bytes verifies", async () => {
    const key = generateSigningKey();
    upstream.route("/binary", (_req, res) => res.writeHead(200).end("ok"));
    const l = await newListener({ target: "FORWARD", callbackUrl: `${upstream.origin}/binary`, signingKey: key });
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7 + 3) % 256)); // every byte value, NULs and invalid UTF-8 included
    const id = await newMessage(l, bytes, { contentType: "application/x-protobuf" });
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    const seen = upstream.seen.filter((s) => s.url === "/binary");
    assert.equal(seen.length, 1);
    const s = seen[0]!;
    assert.equal(s.method, "POST");
    assert.ok(s.body.equals(bytes), `the body is byte-exact (${s.body.length} bytes received of ${bytes.length})`);
    assert.deepEqual(headerValues(s.rawHeaders, "content-type"), ["application/x-protobuf"]);
    const h = (name: string) => headerValues(s.rawHeaders, name)[0] ?? "";
    assert.equal(h("webhook-id"), id);
    // Webhook.verify ends with JSON.parse of the payload, so for bytes the reference library's own
    // signature over them is compared instead (the same computation verify makes first).
    const expected = new Webhook(key).sign(id, new Date(Number(h("webhook-timestamp")) * 1000), s.body);
    assert.equal(h("webhook-signature"), expected, "signed over the exact bytes, as the reference library signs");
    assert.equal((await messageOf(id)).status, "delivered");
  });

  test("a message without a content type is sent as application/octet-stream", async () => {
    upstream.route("/untyped", (_req, res) => res.writeHead(200).end());
    const l = await newListener({ target: "FORWARD", callbackUrl: `${upstream.origin}/untyped` });
    const id = await newMessage(l, "plain", { contentType: null });
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    const s = upstream.seen.filter((x) => x.url === "/untyped")[0]!;
    assert.deepEqual(headerValues(s.rawHeaders, "content-type"), ["application/octet-stream"]);
    assert.equal(s.body.toString(), "plain");
  });

  test("without a signing key: webhook-id and webhook-timestamp, no signature", async () => {
    const { rx, l } = await forwardSetup({ unsigned: true });
    const id = await newMessage(l, '{"a":1}');
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    assert.equal(rx.received.length, 1);
    assert.equal(rx.received[0]!.id, id);
    assert.match(rx.received[0]!.timestamp, /^\d+$/);
    assert.equal(rx.received[0]!.signature, "");
    assert.equal(rx.received[0]!.verified, false, "nothing to verify");
    assert.equal((await messageOf(id)).status, "delivered");
  });
});

describe("forward failures and retries", () => {
  /** Asserts the retry state after a failed attempt made between t0 and t1 and returns the message. */
  async function assertRetrying(id: string, seq: number, t0: number, t1: number, minDelay: number, maxDelay: number) {
    const m = await messageOf(id);
    assert.equal(m.status, "retrying");
    assert.equal(m.targetSeq, seq + 1);
    assert.ok(m.nextAttemptAt, "a next attempt");
    const at = m.nextAttemptAt.getTime();
    assert.ok(at >= t0 + minDelay && at <= t1 + maxDelay, `next attempt ${at - t0} ms after the attempt began, expected within [${minDelay}, ${maxDelay}] (+ the attempt)`);
    const job = await handOffJob(id, seq + 1);
    assert.ok(job, "the next attempt's job was sent");
    assert.equal(job.startAfter.getTime(), at, "the job waits for the next attempt");
    assert.deepEqual(job.data, { messageId: id, seq: seq + 1 });
    return m;
  }

  test("HTTP 500: retrying, targetSeq + 1, the next job at the scheduled time; the attempt keeps status and excerpt; webhook-id stable across retries", async () => {
    let fail = true;
    const { rx, l } = await forwardSetup({ respond: () => (fail ? { status: 500, body: "boom" } : { status: 200 }) });
    const id = await newMessage(l, '{"n":1}');
    const t0 = Date.now();
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    const base = RETRY_SCHEDULE_MS[1]!;
    const m = await assertRetrying(id, 0, t0, Date.now(), base * (1 - JITTER), base * (1 + JITTER));
    assert.deepEqual([m.lastStatusCode, m.lastError, m.attemptCount, m.roundAttempts, m.handedOnAt], [500, "HTTP 500", 1, 1, null]);
    const [a] = await attemptsOf(id);
    assert.deepEqual([a!.number, a!.statusCode, a!.responseExcerpt, a!.error], [1, 500, "boom", null]);
    // The failed attempt's job is outdated now.
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    assert.equal(rx.received.length, 1);
    // The retry delivers, with the same webhook-id and body.
    fail = false;
    await handoff.handOffMessage({ messageId: id, seq: 1 });
    assert.deepEqual(rx.received.map((r) => [r.id, r.verified]), [[id, true], [id, true]]);
    assert.equal(rx.received[0]!.body, rx.received[1]!.body);
    const done = await messageOf(id);
    assert.deepEqual([done.status, done.attemptCount, done.roundAttempts, done.lastError, done.nextAttemptAt], ["delivered", 2, 2, null, null]);
    assert.deepEqual((await attemptsOf(id)).map((x) => [x.number, x.statusCode]), [[1, 500], [2, 200]]);
  });

  test("Retry-After in seconds is honoured", async () => {
    const { l } = await forwardSetup({ respond: () => ({ status: 503, headers: { "retry-after": "120" } }) });
    const id = await newMessage(l, "{}");
    const t0 = Date.now();
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    await assertRetrying(id, 0, t0, Date.now(), 120_000, 120_000);
  });

  test("nothing listening on the port: retrying with the network error recorded", async () => {
    const closed = await startReceiver();
    await closed.close();
    const l = await newListener({ target: "FORWARD", callbackUrl: closed.url });
    const id = await newMessage(l, "{}");
    const t0 = Date.now();
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    const base = RETRY_SCHEDULE_MS[1]!;
    const m = await assertRetrying(id, 0, t0, Date.now(), base * (1 - JITTER), base * (1 + JITTER));
    assert.match(m.lastError ?? "", /refused the connection/);
    assert.equal(m.lastStatusCode, null);
    const [a] = await attemptsOf(id);
    assert.equal(a!.statusCode, null);
    assert.match(a!.error ?? "", /refused the connection/);
  });

  test("after the last attempt the message is dead-lettered: no further job", async () => {
    const { l } = await forwardSetup({ respond: () => ({ status: 500 }) });
    const id = await newMessage(l, "{}");
    await db.inboundMessage.update({ where: { id }, data: { roundAttempts: MAX_ATTEMPTS - 1, attemptCount: MAX_ATTEMPTS - 1 } });
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    const m = await messageOf(id);
    assert.equal(m.status, "dead");
    assert.equal(m.nextAttemptAt, null);
    assert.equal(m.targetSeq, 0);
    assert.match(m.lastError ?? "", new RegExp(`after ${MAX_ATTEMPTS} attempts: HTTP 500`));
    assert.equal(await handOffJob(id, 1), null);
    assert.equal((await attemptsOf(id))[0]!.number, MAX_ATTEMPTS);
    assert.equal((await store.getListener(l.id))!.failing, 1);
  });

  test("410 Gone: dead at once, with the reason; no further job", async () => {
    const { rx, l } = await forwardSetup({ respond: () => ({ status: 410 }) });
    const id = await newMessage(l, "{}");
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    const m = await messageOf(id);
    assert.deepEqual([m.status, m.lastStatusCode, m.nextAttemptAt], ["dead", 410, null]);
    assert.match(m.lastError ?? "", /410/);
    assert.equal(await handOffJob(id, 1), null);
    assert.equal(rx.received.length, 1);
  });

  test("an outdated job (another seq) does nothing", async () => {
    const { rx, l } = await forwardSetup();
    const id = await newMessage(l, "{}");
    await handoff.handOffMessage({ messageId: id, seq: 5 });
    await handoff.handOffMessage({ messageId: "m-does-not-exist", seq: 0 });
    assert.equal(rx.received.length, 0);
    assert.equal((await attemptsOf(id)).length, 0);
    const m = await messageOf(id);
    assert.deepEqual([m.status, m.targetSeq, m.attemptCount], ["pending", 0, 0]);
  });

  test("Replay starts a new round that delivers again, with the same webhook-id", async () => {
    const { rx, l } = await forwardSetup();
    const id = await newMessage(l, '{"replay":true}');
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    assert.equal((await messageOf(id)).status, "delivered");
    await store.replayMessage(id, actor);
    const m = await messageOf(id);
    assert.deepEqual([m.status, m.targetSeq, m.roundAttempts], ["pending", 1, 0]);
    assert.ok(await handOffJob(id, 1), "a job for the new round");
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    assert.equal(rx.received.length, 1, "the old round's job is outdated");
    await handoff.handOffMessage({ messageId: id, seq: 1 });
    assert.deepEqual(rx.received.map((r) => [r.id, r.verified, r.body]), [[id, true, '{"replay":true}'], [id, true, '{"replay":true}']]);
    const done = await messageOf(id);
    assert.deepEqual([done.status, done.attemptCount, done.roundAttempts], ["delivered", 2, 1]);
    assert.deepEqual((await attemptsOf(id)).map((a) => a.number), [1, 2]);
  });

  test("Replay of a dead message delivers once the callback takes it again", async () => {
    let gone = true;
    const { rx, l } = await forwardSetup({ respond: () => ({ status: gone ? 410 : 200 }) });
    const id = await newMessage(l, "{}");
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    assert.equal((await messageOf(id)).status, "dead");
    gone = false;
    await store.replayMessage(id, actor);
    await handoff.handOffMessage({ messageId: id, seq: 1 });
    const m = await messageOf(id);
    assert.deepEqual([m.status, m.lastError, m.lastStatusCode], ["delivered", null, 200]);
    assert.ok(m.handedOnAt, "handedOnAt set");
    assert.equal(rx.received.length, 2);
  });

  test("a store-only listener's message cannot be replayed", async () => {
    const l = await newListener({ target: "STORE" });
    const id = await newMessage(l, "{}", { handOff: false });
    assert.equal((await messageOf(id)).status, "stored");
    assert.equal(await handOffJob(id, 0), null, "no hand-off job for a store-only message");
    await rejectsWith(store.replayMessage(id, actor), "CONFLICT");
  });
});

describe("run a connector", () => {
  let connectorSeq = 0;
  async function connectorListener(opts: { route: string; status?: number; mapping?: unknown[]; environmentId?: string }) {
    const { createConnector } = await import("@/lib/connectors/store");
    const name = `Order connector ${++connectorSeq}`;
    const connector = await createConnector(
      ZConnectorInput.parse({
        name,
        serviceId,
        method: "POST",
        urlTemplate: `${upstream.origin}/${opts.route}/{orderId}`,
        bodyType: "JSON",
        responseMapping: [{ name: "ref", path: "$.ref" }],
      }),
      actor,
    );
    const l = await newListener({
      target: "CONNECTOR",
      connectorId: connector.id,
      mapping: opts.mapping ?? [
        { from: "query", name: "orderId", to: "path", param: "orderId" },
        { from: "header", name: "X-Tenant", to: "query", param: "tenant" },
      ],
      ...(opts.environmentId ? { environmentId: opts.environmentId } : {}),
    });
    return { l, connectorId: connector.id };
  }

  test("the body becomes the connector's body, query and header mapped to path and query; the result is kept; delivered", async () => {
    upstream.route("/orders/42", (_req, res, body) => {
      const got = JSON.parse(body.toString()) as { sku: string };
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ ref: `R-42-${got.sku}` }));
    });
    const { l } = await connectorListener({ route: "orders" });
    const body = '{"sku": "A-1",  "qty": 3}';
    const id = await newMessage(l, body, { query: "orderId=42&other=x", headers: [["content-type", "application/json"], ["x-tenant", "acme"]] });
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    const seen = upstream.seen.filter((s) => s.url.startsWith("/orders/42"));
    assert.equal(seen.length, 1, `the upstream got the run: ${JSON.stringify(upstream.seen.map((s) => s.url))}`);
    const s = seen[0]!;
    assert.equal(s.method, "POST");
    assert.equal(s.url, "/orders/42?tenant=acme");
    assert.equal(s.body.toString(), body, "the message body, as it came");
    assert.deepEqual(headerValues(s.rawHeaders, "content-type"), ["application/json"]);
    const m = await messageOf(id);
    assert.equal(m.status, "delivered");
    assert.ok(m.handedOnAt, "handedOnAt set");
    assert.deepEqual(JSON.parse(m.result ?? "null"), { status: 201, outputs: { ref: "R-42-A-1" }, error: null });
    assert.deepEqual([m.lastStatusCode, m.lastError, m.attemptCount], [201, null, 1]);
    const [a] = await attemptsOf(id);
    assert.equal(a!.statusCode, 201);
    assert.equal(a!.responseExcerpt, '{"ref":"R-42-A-1"}');
  });

  test("an upstream 500: failed, result.status 500, not retried", async () => {
    upstream.route("/broken/7", (_req, res) => res.writeHead(500, { "content-type": "application/json" }).end('{"error":"down"}'));
    const { l } = await connectorListener({ route: "broken" });
    const id = await newMessage(l, "{}", { query: "orderId=7" });
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    const m = await messageOf(id);
    assert.equal(m.status, "failed");
    assert.equal(m.handedOnAt, null);
    assert.equal(m.lastError, "HTTP 500");
    assert.deepEqual(JSON.parse(m.result ?? "null"), { status: 500, outputs: { ref: null }, error: null });
    assert.equal(await handOffJob(id, 1), null, "a connector run is not retried");
    assert.equal(m.nextAttemptAt, null);
  });

  test("a run that cannot be made (path parameter not mapped, body not JSON): failed with the error kept", async () => {
    const { l } = await connectorListener({ route: "orders" });
    const noParam = await newMessage(l, "{}", { query: "" });
    await handoff.handOffMessage({ messageId: noParam, seq: 0 });
    let m = await messageOf(noParam);
    assert.equal(m.status, "failed");
    const r = JSON.parse(m.result ?? "null") as { status: null; error: string };
    assert.equal(r.status, null);
    assert.match(r.error, /orderId/);
    assert.equal((await attemptsOf(noParam))[0]!.statusCode, null);

    const notJson = await newMessage(l, "<order id='1'/>", { contentType: "application/xml", query: "orderId=1" });
    await handoff.handOffMessage({ messageId: notJson, seq: 0 });
    m = await messageOf(notJson);
    assert.equal(m.status, "failed");
    assert.match((JSON.parse(m.result ?? "null") as { error: string }).error, /not valid JSON/);
  });

  test("Replay runs the connector again", async () => {
    let calls = 0;
    upstream.route("/again/5", (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ref: `call-${++calls}` })));
    const { l } = await connectorListener({ route: "again" });
    const id = await newMessage(l, "{}", { query: "orderId=5" });
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    await store.replayMessage(id, actor);
    await handoff.handOffMessage({ messageId: id, seq: 1 });
    const m = await messageOf(id);
    assert.equal(m.status, "delivered");
    assert.deepEqual(JSON.parse(m.result ?? "null"), { status: 200, outputs: { ref: "call-2" }, error: null });
    assert.equal((await attemptsOf(id)).length, 2);
  });

  test("the connector cannot be deleted while a listener runs it; a connector gone by other means is a failure recorded with the message", async () => {
    const { deleteConnector } = await import("@/lib/connectors/store");
    const { l, connectorId } = await connectorListener({ route: "orders" });
    await rejectsWith(deleteConnector(connectorId, actor), "CONFLICT");
    // Gone anyway (say, removed by hand in the database, past its foreign keys): the hand-off records why.
    if (dialect() === "postgres") {
      // PostgreSQL always checks foreign keys: a session in replica mode skips their triggers (the
      // test cluster's user is a superuser), for this transaction only.
      await db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
        await tx.$executeRaw`DELETE FROM "Connector" WHERE "id" = ${connectorId}`;
      });
    } else {
      await db.$executeRawUnsafe("PRAGMA foreign_keys = OFF");
      try {
        await db.$executeRaw`DELETE FROM "Connector" WHERE "id" = ${connectorId}`;
      } finally {
        await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
      }
    }
    assert.equal(await db.connector.count({ where: { id: connectorId } }), 0, "the connector is gone");
    assert.equal((await db.listener.findUniqueOrThrow({ where: { id: l.id } })).connectorId, connectorId, "its listener still points at it");
    invalidate("connector", connectorId);
    const id = await newMessage(l, "{}", { query: "orderId=42" });
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    const m = await messageOf(id);
    assert.equal(m.status, "failed");
    assert.match(m.lastError ?? "", /connector no longer exists/);
    assert.deepEqual(JSON.parse(m.result ?? "null"), { status: null, outputs: null, error: "The listener's connector no longer exists." });
    assert.equal((await attemptsOf(id)).length, 1);
  });

  test("mappedInputs: absent sources are left out, header names match in any case, a query parameter may repeat", () => {
    const mapping = [
      { from: "query", name: "a", to: "path", param: "p" },
      { from: "header", name: "X-Tenant", to: "query", param: "tenant" },
      { from: "query", name: "missing", to: "query", param: "m" },
      { from: "header", name: "x-absent", to: "path", param: "q" },
    ] as const;
    const out = handoff.mappedInputs([...mapping], "a=1%2F2&a=3", [["X-TENANT", "acme"]]);
    assert.deepEqual(out, { pathParams: { p: "1/2" }, queryParams: [["tenant", "acme"]] });
  });

  test("a message body holding {{…}} is sent as it came: a partner's text is not an environment template", async () => {
    upstream.route("/tpl/9", (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
    const { l } = await connectorListener({ route: "tpl" });
    const body = '{"note":"{{TOKEN}}"}';
    const id = await newMessage(l, body, { query: "orderId=9" });
    await handoff.handOffMessage({ messageId: id, seq: 0 });
    const m = await messageOf(id);
    assert.equal(m.status, "delivered", `the run: ${m.result}`);
    assert.equal(upstream.seen.filter((s) => s.url.startsWith("/tpl/9"))[0]?.body.toString(), body);
  });
});

describe("retention", () => {
  test("pruneMessages deletes only messages older than their own listener's retention, with their attempts, never one still being handed on", async () => {
    const day = 86_400_000;
    const now = Date.now();
    const short = await newListener({ target: "STORE", retentionDays: 1 });
    const long = await newListener({ target: "STORE", retentionDays: 30 });
    const oldShort = await newMessage(short, "old", { handOff: false, receivedAt: new Date(now - 2 * day) });
    const newShort = await newMessage(short, "new", { handOff: false, receivedAt: new Date(now - day / 2) });
    const oldLong = await newMessage(long, "old but kept", { handOff: false, receivedAt: new Date(now - 2 * day) });
    const veryOldLong = await newMessage(long, "very old", { handOff: false, receivedAt: new Date(now - 31 * day) });
    const fwd = await newListener({ target: "FORWARD", callbackUrl: "http://127.0.0.1:9/x", retentionDays: 1 });
    const stillRetrying = await newMessage(fwd, "retrying", { receivedAt: new Date(now - 3 * day) });
    await db.inboundMessage.update({ where: { id: stillRetrying }, data: { status: "retrying", targetSeq: 4, nextAttemptAt: new Date(now + 3_600_000) } });
    const deadOld = await newMessage(fwd, "dead", { receivedAt: new Date(now - 3 * day) });
    await db.inboundMessage.update({ where: { id: deadOld }, data: { status: "dead", nextAttemptAt: null } });
    await db.messageAttempt.create({ data: { messageId: oldShort, number: 1, at: new Date(now - 2 * day), durationMs: 1, statusCode: 200 } });
    const deleted = await handoff.pruneMessages(new Date(now));
    assert.ok(deleted >= 2, `${deleted} deleted`);
    const left = new Set((await db.inboundMessage.findMany({ where: { listenerId: { in: [short.id, long.id, fwd.id] } }, select: { id: true } })).map((m) => m.id));
    assert.deepEqual([left.has(oldShort), left.has(newShort), left.has(oldLong), left.has(veryOldLong)], [false, true, true, false]);
    assert.deepEqual([left.has(stillRetrying), left.has(deadOld)], [true, false], "a message still being handed on is kept until its last attempt; a dead one goes");
    assert.equal(await db.messageAttempt.count({ where: { messageId: oldShort } }), 0, "its attempts went with it");
    assert.equal(await handoff.pruneMessages(new Date(now)), 0, "nothing more to delete");
  });
});

describe("sweep", () => {
  test("a hand-off whose job failed for good gets its job again; one still queued is not doubled; finished ones are left alone", async () => {
    const { sweepHandOffChains } = await import("./worker");
    const { rx, l } = await forwardSetup();
    const lost = await newMessage(l, '{"lost":true}');
    const queued = await newMessage(l, '{"queued":true}');
    const done = await newMessage(l, '{"done":true}');
    await handoff.handOffMessage({ messageId: done, seq: 0 });
    const past = new Date(Date.now() - 10 * 60_000);
    await db.inboundMessage.updateMany({ where: { id: { in: [lost, queued] } }, data: { nextAttemptAt: past } });
    // The lost chain: its job failed for good (say, its process died holding the last attempt).
    assert.equal(await failJobsForGood(db, { name: LISTENER_JOB.handOff, singletonKey: `${lost}:0` }), 1, "the lost chain's job failed for good");
    const t0 = Date.now();
    assert.ok((await sweepHandOffChains()) >= 2, "both overdue messages looked at");
    const jobsOf = (id: string) => findJobs(db, { name: LISTENER_JOB.handOff, singletonKey: `${id}:0` });
    const lostJobs = await jobsOf(lost);
    assert.deepEqual(lostJobs.map((j) => j.state).sort(), ["created", "failed"]);
    assert.ok(lostJobs.find((j) => j.state === "created")!.startAfter.getTime() >= t0 - 1000, "due now");
    assert.deepEqual((await jobsOf(queued)).map((j) => j.state), ["created"], "the queued chain is not doubled");
    assert.equal((await jobsOf(done)).length, 1, "a delivered message is not swept");
    await handoff.handOffMessage({ messageId: lost, seq: 0 });
    assert.equal((await messageOf(lost)).status, "delivered");
    assert.ok(rx.received.some((r) => r.id === lost), "the lost message was forwarded");
  });
});
