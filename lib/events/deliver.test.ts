// deliverEvent end to end (SPEC §9, issue 12 item 6): a real temporary database and a local
// receiver that verifies every delivery with the Standard Webhooks reference library
// (lib/events/testing/receiver.ts). The body and headers, key rotation, the attempt record, the
// retry schedule and Retry-After, 3xx, 410 and enabling delivery again, network failures, the dead
// letter, redelivery with the same webhook-id, outdated jobs, pause, and the outbound policy.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Webhook } from "standardwebhooks";
import { ZAuthConfigInput } from "@/lib/auth-configs/schema";
import type { TDb } from "@/lib/db";
import { findJob } from "@/lib/jobs/testing/find-jobs";
import { rejectsWith } from "@/lib/testing/assert";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { JITTER, MAX_ATTEMPTS, RETRY_SCHEDULE_MS } from "./delivery-schedule";
import { ZSubscriptionInput, type TSubscriptionFormValues } from "./schema";
import { generateSigningKey } from "./signing";
import { startReceiver, type TRespond } from "./testing/receiver";

let temp: TTempDb;
let db: TDb;
let store: typeof import("./store");
let deliver: typeof import("./deliver");
let poll: typeof import("./poll");
let invalidate: typeof import("@/lib/cache/invalidation").invalidate;
let actor: { id: string; email: string };
let serviceId: string;
const closers: Array<() => Promise<void>> = [];

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-deliver-", env: { PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1" } }));
  store = await import("./store");
  deliver = await import("./deliver");
  poll = await import("./poll");
  ({ invalidate } = await import("@/lib/cache/invalidation"));
  const user = await db.user.create({ data: { email: "d@example.test", name: "d", role: "ADMIN", passwordHash: "scrypt$x", active: true, mustChangePassword: false } });
  actor = { id: user.id, email: user.email };
  const { createAuthConfig } = await import("@/lib/auth-configs/store");
  const none = await createAuthConfig(ZAuthConfigInput.parse({ name: "None", protocol: "NONE", subProtocol: "NONE" }), actor);
  serviceId = (await db.service.create({ data: { name: "S", authConfigId: none.id } })).id;
});

after(async () => {
  for (const c of closers) await c();
  const { closeDispatchers } = await import("@/lib/http/dispatcher");
  await closeDispatchers();
  await db?.$disconnect();
  await temp?.cleanup();
});

let n = 0;

function subscriptionInput(extra: Partial<TSubscriptionFormValues>) {
  const parsed = ZSubscriptionInput.safeParse({ name: `Deliver ${++n}`, serviceId, type: "WEBHOOK", callbackUrl: "http://127.0.0.1:9/x", ...extra });
  assert.ok(parsed.success, `the input is valid: ${JSON.stringify(parsed.error?.issues)}`);
  return parsed.data;
}

/** A receiver (verifying with `key`), and a subscription delivering to it, signed with `key` unless unsigned. */
async function setup(opts: { respond?: TRespond; unsigned?: boolean; receiverKey?: string } = {}) {
  const key = generateSigningKey();
  const rx = await startReceiver({ secret: opts.receiverKey ?? key, respond: opts.respond });
  closers.push(rx.close);
  const { id } = await store.createSubscription(subscriptionInput({ callbackUrl: rx.url, signingKey: opts.unsigned ? "" : key }), actor);
  return { rx, id, key };
}

/** Stores one event the way polls and hooks do (with its delivery job); returns its id. */
async function newEvent(subscriptionId: string, data: unknown = { n: 1 }, resource = "orders"): Promise<string> {
  const [id] = await db.$transaction((tx) => poll.storeEvents(tx, subscriptionId, resource, [{ type: "CREATED", itemId: "item-1", occurredAt: new Date("2026-04-01T08:00:00.123Z"), data }], false));
  return id!;
}

const eventOf = (id: string) => db.event.findUniqueOrThrow({ where: { id } });
const attemptsOf = (eventId: string) => db.deliveryAttempt.findMany({ where: { eventId }, orderBy: { number: "asc" } });
const deliverJob = (eventId: string, seq: number) => findJob(db, { name: "events.deliver", singletonKey: `${eventId}:${seq}` });

describe("a delivery", () => {
  test("body {id,type,subscriptionId,resource,occurredAt,data}; webhook-id = event id; the signature verifies with the reference library; delivered with its attempt", async () => {
    const { rx, id } = await setup({ respond: () => ({ status: 204 }) });
    const eventId = await newEvent(id, { id: 7, name: "Ada", nested: { ok: true } });
    await deliver.deliverEvent({ eventId, seq: 0 });
    assert.equal(rx.received.length, 1);
    const r = rx.received[0]!;
    assert.equal(r.id, eventId);
    assert.equal(r.verified, true, "Webhook(secret).verify accepted the delivery");
    assert.match(r.signature, /^v1,[A-Za-z0-9+/=]+$/);
    assert.deepEqual(JSON.parse(r.body), {
      id: eventId,
      type: "orders.created",
      subscriptionId: id,
      resource: "orders",
      occurredAt: "2026-04-01T08:00:00.123Z",
      data: { id: 7, name: "Ada", nested: { ok: true } },
    });
    const e = await eventOf(eventId);
    assert.equal(e.deliveryStatus, "delivered");
    assert.ok(e.deliveredAt, "deliveredAt set");
    assert.equal(e.nextAttemptAt, null);
    assert.deepEqual([e.attemptCount, e.lastStatusCode, e.lastError], [1, 204, null]);
    const [a] = await attemptsOf(eventId);
    assert.ok(a, "one attempt stored");
    assert.deepEqual([a.number, a.statusCode, a.error, a.responseExcerpt], [1, 204, null, null]);
    assert.ok(a.durationMs >= 0 && Number.isInteger(a.durationMs), `a duration (${a.durationMs})`);
    assert.equal(Number(r.timestamp), Math.floor(a.at.getTime() / 1000), "webhook-timestamp is the attempt's time");
    // Done: the same job again sends nothing.
    await deliver.deliverEvent({ eventId, seq: 0 });
    assert.equal(rx.received.length, 1);
  });

  test("the attempt keeps a response excerpt of at most 4 KB", async () => {
    const { id } = await setup({ respond: () => ({ status: 200, body: `${"é".repeat(3000)}${"x".repeat(5000)}` }) });
    const eventId = await newEvent(id);
    await deliver.deliverEvent({ eventId, seq: 0 });
    const [a] = await attemptsOf(eventId);
    assert.ok(a?.responseExcerpt, "an excerpt");
    assert.ok(Buffer.byteLength(a.responseExcerpt, "utf8") <= deliver.RESPONSE_EXCERPT_BYTES + 3, `≤ 4 KB (${Buffer.byteLength(a.responseExcerpt)} bytes)`);
    assert.ok(a.responseExcerpt.startsWith("éé"), "the beginning of the body");
  });

  test("without a signature key: webhook-id and webhook-timestamp, no signature", async () => {
    const { rx, id } = await setup({ unsigned: true });
    const eventId = await newEvent(id);
    await deliver.deliverEvent({ eventId, seq: 0 });
    assert.equal(rx.received[0]!.id, eventId);
    assert.match(rx.received[0]!.timestamp, /^\d+$/);
    assert.equal(rx.received[0]!.signature, "");
    assert.equal((await eventOf(eventId)).deliveryStatus, "delivered");
  });

  test("during a rotation both keys sign in one header: a receiver still on the old key verifies, and so does one on the new key", async () => {
    const { rx, id, key: oldKey } = await setup();
    const { key: newKey, previousKeyUntil } = await store.rotateSigningKey(id, actor);
    assert.ok(previousKeyUntil, "the old key has a grace period");
    const eventId = await newEvent(id);
    await deliver.deliverEvent({ eventId, seq: 0 });
    const r = rx.received[0]!;
    assert.equal(r.verified, true, "the receiver with the OLD key verifies");
    const sigs = r.signature.split(" ");
    assert.equal(sigs.length, 2, r.signature);
    for (const k of [oldKey, newKey]) {
      assert.doesNotThrow(() => new Webhook(k).verify(r.body, { "webhook-id": r.id, "webhook-timestamp": r.timestamp, "webhook-signature": r.signature }), "verifies with each key");
    }
    // Once the grace period is over, only the new key signs.
    await db.eventSubscription.update({ where: { id }, data: { previousKeyUntil: new Date(Date.now() - 1000) } });
    invalidate("subscription", id);
    const second = await newEvent(id);
    await deliver.deliverEvent({ eventId: second, seq: 0 });
    const r2 = rx.received[1]!;
    assert.equal(r2.signature.split(" ").length, 1);
    assert.equal(r2.verified, false, "the old key no longer verifies");
    assert.doesNotThrow(() => new Webhook(newKey).verify(r2.body, { "webhook-id": r2.id, "webhook-timestamp": r2.timestamp, "webhook-signature": r2.signature }));
  });
});

describe("failures and retries", () => {
  /** Asserts the retry state after a failed attempt made between t0 and t1 (ms) and returns the event. */
  async function assertRetrying(eventId: string, seq: number, t0: number, t1: number, minDelay: number, maxDelay: number) {
    const e = await eventOf(eventId);
    assert.equal(e.deliveryStatus, "retrying");
    assert.equal(e.deliverySeq, seq + 1);
    assert.ok(e.nextAttemptAt, "a next attempt");
    const at = e.nextAttemptAt.getTime();
    assert.ok(at >= t0 + minDelay && at <= t1 + maxDelay, `next attempt ${at - t0} ms after the attempt began, expected within [${minDelay}, ${maxDelay}] (+ the attempt)`);
    const job = await deliverJob(eventId, seq + 1);
    assert.ok(job, "the next attempt's job was sent");
    assert.equal(job.startAfter.getTime(), at, "the job waits for the next attempt");
    return e;
  }

  test("HTTP 500: retrying, the next attempt within the schedule's jitter bounds, its job sent; the error and excerpt kept", async () => {
    const { id } = await setup({ respond: () => ({ status: 500, body: "boom" }) });
    const eventId = await newEvent(id);
    const t0 = Date.now();
    await deliver.deliverEvent({ eventId, seq: 0 });
    const t1 = Date.now();
    const base = RETRY_SCHEDULE_MS[1]!;
    const e = await assertRetrying(eventId, 0, t0, t1, base * (1 - JITTER), base * (1 + JITTER));
    assert.deepEqual([e.lastStatusCode, e.lastError, e.attemptCount, e.roundAttempts], [500, "HTTP 500", 1, 1]);
    const [a] = await attemptsOf(eventId);
    assert.deepEqual([a!.statusCode, a!.responseExcerpt], [500, "boom"]);
    // The job of the failed attempt is outdated now.
    await deliver.deliverEvent({ eventId, seq: 0 });
    assert.equal((await attemptsOf(eventId)).length, 1);
  });

  test("Retry-After in seconds is honoured", async () => {
    const { id } = await setup({ respond: () => ({ status: 503, headers: { "retry-after": "120" } }) });
    const eventId = await newEvent(id);
    const t0 = Date.now();
    await deliver.deliverEvent({ eventId, seq: 0 });
    await assertRetrying(eventId, 0, t0, Date.now(), 120_000, 120_000);
  });

  test("a redirect is not followed: a failed attempt, retried", async () => {
    const other = await startReceiver();
    closers.push(other.close);
    const { rx, id } = await setup({ respond: () => ({ status: 302, headers: { location: other.url } }) });
    const eventId = await newEvent(id);
    const t0 = Date.now();
    await deliver.deliverEvent({ eventId, seq: 0 });
    const base = RETRY_SCHEDULE_MS[1]!;
    const e = await assertRetrying(eventId, 0, t0, Date.now(), base * (1 - JITTER), base * (1 + JITTER));
    assert.equal(e.lastStatusCode, 302);
    assert.equal(rx.received.length, 1);
    assert.equal(other.received.length, 0, "the redirect target got nothing");
  });

  test("410 Gone: the subscription's delivery is stopped with a reason, events are held; enableDelivery sends them again", async () => {
    let gone = true;
    const { rx, id } = await setup({ respond: () => ({ status: gone ? 410 : 200 }) });
    const first = await newEvent(id);
    await deliver.deliverEvent({ eventId: first, seq: 0 });
    const sub = await db.eventSubscription.findUniqueOrThrow({ where: { id } });
    assert.match(sub.deliveryDisabledReason ?? "", /410/);
    assert.equal((await store.getSubscription(id))!.status, "Delivery stopped");
    let e = await eventOf(first);
    assert.deepEqual([e.deliveryStatus, e.nextAttemptAt, e.lastStatusCode], ["held", null, 410]);
    assert.equal(await deliverJob(first, 1), null, "no retry job");

    // Another event meanwhile is held without being sent.
    const second = await newEvent(id);
    await deliver.deliverEvent({ eventId: second, seq: 0 });
    assert.equal(rx.received.length, 1);
    assert.equal((await eventOf(second)).deliveryStatus, "held");

    gone = false;
    assert.equal(await store.enableDelivery(id, actor), 2);
    assert.equal((await db.eventSubscription.findUniqueOrThrow({ where: { id } })).deliveryDisabledReason, null);
    for (const eventId of [first, second]) {
      e = await eventOf(eventId);
      assert.equal(e.deliveryStatus, "pending");
      assert.ok(await deliverJob(eventId, e.deliverySeq), "a job for the new round");
      await deliver.deliverEvent({ eventId, seq: e.deliverySeq });
      assert.equal((await eventOf(eventId)).deliveryStatus, "delivered");
    }
    assert.deepEqual(rx.received.map((r) => r.id), [first, first, second]);
  });

  test("connection refused: the error is recorded and the delivery retried", async () => {
    const closed = await startReceiver();
    await closed.close();
    const { id } = await setup();
    await db.eventSubscription.update({ where: { id }, data: { callbackUrl: closed.url } });
    invalidate("subscription", id);
    const eventId = await newEvent(id);
    const t0 = Date.now();
    await deliver.deliverEvent({ eventId, seq: 0 });
    const base = RETRY_SCHEDULE_MS[1]!;
    const e = await assertRetrying(eventId, 0, t0, Date.now(), base * (1 - JITTER), base * (1 + JITTER));
    assert.match(e.lastError ?? "", /refused the connection/);
    const [a] = await attemptsOf(eventId);
    assert.equal(a!.statusCode, null);
    assert.match(a!.error ?? "", /refused the connection/);
  });

  test("no answer within the attempt timeout: the error is recorded and the delivery retried", async () => {
    const { rx, id } = await setup({ respond: () => new Promise(() => {}) });
    const eventId = await newEvent(id);
    const t0 = Date.now();
    await deliver.deliverEvent({ eventId, seq: 0 });
    assert.equal(rx.received.length, 1, "the request arrived");
    const base = RETRY_SCHEDULE_MS[1]!;
    const e = await assertRetrying(eventId, 0, t0, Date.now(), base * (1 - JITTER), base * (1 + JITTER));
    assert.match(e.lastError ?? "", /No response within 15 s/);
    assert.equal((await attemptsOf(eventId))[0]!.statusCode, null);
  });

  test("after the last attempt the delivery is dead-lettered: no further job", async () => {
    const { id } = await setup({ respond: () => ({ status: 500 }) });
    const eventId = await newEvent(id);
    await db.event.update({ where: { id: eventId }, data: { roundAttempts: MAX_ATTEMPTS - 1, attemptCount: MAX_ATTEMPTS - 1 } });
    await deliver.deliverEvent({ eventId, seq: 0 });
    const e = await eventOf(eventId);
    assert.equal(e.deliveryStatus, "dead");
    assert.equal(e.nextAttemptAt, null);
    assert.match(e.lastError ?? "", new RegExp(`after ${MAX_ATTEMPTS} attempts: HTTP 500`));
    assert.equal(await deliverJob(eventId, 1), null);
    assert.equal((await attemptsOf(eventId))[0]!.number, MAX_ATTEMPTS);
    assert.equal((await store.getSubscription(id))!.failingDeliveries, 1);
  });
});

describe("a batch (the delivery worker's)", () => {
  test("a slow receiver does not hold the batch: the fast outcome is written and the batch ends; the slow one is recorded when it comes", async () => {
    const fast = await setup({ respond: () => ({ status: 204 }) });
    const slow = await setup({ respond: () => new Promise((r) => setTimeout(() => r({ status: 200 }), 2500)) });
    const quick = await newEvent(fast.id);
    const late = await newEvent(slow.id);
    const t0 = Date.now();
    await deliver.deliverEvents([{ eventId: quick, seq: 0 }, { eventId: late, seq: 0 }]);
    assert.ok(Date.now() - t0 < 2400, `the batch ended before the slow receiver answered (${Date.now() - t0} ms)`);
    assert.equal((await eventOf(quick)).deliveryStatus, "delivered");
    assert.equal((await eventOf(late)).deliveryStatus, "pending", "still on its way");
    const deadline = Date.now() + 10_000;
    while ((await eventOf(late)).deliveryStatus !== "delivered") {
      assert.ok(Date.now() < deadline, "the slow delivery is recorded once it is answered");
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal((await attemptsOf(late)).length, 1);
  });

  test("an event whose subscription's key cannot be read fails alone, as a recorded attempt; the others in the batch are delivered", async () => {
    const good = await setup({ respond: () => ({ status: 200 }) });
    const broken = await setup({ respond: () => ({ status: 200 }) });
    const ok = await newEvent(good.id);
    const bad = await newEvent(broken.id);
    await db.eventSubscription.update({ where: { id: broken.id }, data: { signingKey: "v1:not-a-sealed-value" } });
    invalidate("subscription", broken.id);
    await deliver.deliverEvents([{ eventId: ok, seq: 0 }, { eventId: bad, seq: 0 }], { wait: true });
    assert.equal((await eventOf(ok)).deliveryStatus, "delivered");
    const e = await eventOf(bad);
    assert.equal(e.deliveryStatus, "retrying");
    assert.match(e.lastError ?? "", /^Not sent: /);
    assert.equal(broken.rx.received.length, 0, "nothing was sent for it");
  });
});

describe("redelivery, outdated jobs, pause, outbound policy", () => {
  test("a redelivered event is delivered again with the same webhook-id", async () => {
    const { rx, id } = await setup();
    const eventId = await newEvent(id);
    await deliver.deliverEvent({ eventId, seq: 0 });
    await store.redeliverEvent(eventId, actor);
    const e = await eventOf(eventId);
    assert.deepEqual([e.deliveryStatus, e.deliverySeq, e.roundAttempts], ["pending", 1, 0]);
    assert.ok(await deliverJob(eventId, 1), "a job for the redelivery");
    await deliver.deliverEvent({ eventId, seq: 1 });
    assert.deepEqual(rx.received.map((r) => [r.id, r.verified]), [[eventId, true], [eventId, true]]);
    assert.equal(rx.received[0]!.body, rx.received[1]!.body, "the same body");
    assert.deepEqual((await attemptsOf(eventId)).map((a) => a.number), [1, 2]);
    assert.equal((await eventOf(eventId)).attemptCount, 2);
  });

  test("redeliverFailedSince sends the dead-lettered events again", async () => {
    const { rx, id } = await setup();
    const dead = await newEvent(id);
    const ok = await newEvent(id);
    await db.event.update({ where: { id: dead }, data: { deliveryStatus: "dead", nextAttemptAt: null } });
    await deliver.deliverEvent({ eventId: ok, seq: 0 });
    assert.equal(await store.redeliverFailedSince(id, new Date(Date.now() - 60_000), actor), 1);
    const e = await eventOf(dead);
    assert.equal(e.deliveryStatus, "pending");
    await deliver.deliverEvent({ eventId: dead, seq: e.deliverySeq });
    assert.deepEqual(rx.received.map((r) => r.id).sort(), [dead, ok].sort());
  });

  test("a callback URL changed in the form is used from the next attempt on", async () => {
    const { rx, id, key } = await setup();
    const moved = await startReceiver({ secret: key });
    closers.push(moved.close);
    const first = await newEvent(id);
    await deliver.deliverEvent({ eventId: first, seq: 0 });
    const name = (await db.eventSubscription.findUniqueOrThrow({ where: { id } })).name;
    await store.updateSubscription(id, { ...subscriptionInput({ callbackUrl: moved.url }), name }, actor);
    const second = await newEvent(id);
    await deliver.deliverEvent({ eventId: second, seq: 0 });
    assert.deepEqual(rx.received.map((r) => r.id), [first]);
    assert.deepEqual(moved.received.map((r) => [r.id, r.verified]), [[second, true]], "the key was kept (blank on edit)");
  });

  test("an outdated job (another seq) does nothing", async () => {
    const { rx, id } = await setup();
    const eventId = await newEvent(id);
    await deliver.deliverEvent({ eventId, seq: 5 });
    assert.equal(rx.received.length, 0);
    assert.equal((await attemptsOf(eventId)).length, 0);
    assert.equal((await eventOf(eventId)).deliveryStatus, "pending");
  });

  test("paused: the delivery is held, nothing sent; resuming releases it", async () => {
    const { rx, id } = await setup();
    const eventId = await newEvent(id);
    await store.setPaused(id, true, actor);
    await deliver.deliverEvent({ eventId, seq: 0 });
    assert.equal(rx.received.length, 0);
    assert.equal((await eventOf(eventId)).deliveryStatus, "held");
    await store.setPaused(id, false, actor);
    const e = await eventOf(eventId);
    assert.equal(e.deliveryStatus, "pending");
    assert.ok(await deliverJob(eventId, e.deliverySeq), "a job after resuming");
    await deliver.deliverEvent({ eventId, seq: e.deliverySeq });
    assert.equal(rx.received.length, 1);
    assert.equal((await eventOf(eventId)).deliveryStatus, "delivered");
  });

  for (const blocked of ["http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data"]) {
    test(`a callback the outbound policy blocks (${new URL(blocked).hostname}): the attempt's error names the policy, nothing is sent`, async () => {
      const { rx, id } = await setup();
      await db.eventSubscription.update({ where: { id }, data: { callbackUrl: blocked } });
      invalidate("subscription", id);
      const eventId = await newEvent(id);
      await deliver.deliverEvent({ eventId, seq: 0 });
      assert.equal(rx.received.length, 0);
      const [a] = await attemptsOf(eventId);
      assert.ok(a, "the attempt is recorded");
      assert.equal(a.statusCode, null);
      assert.match(a.error ?? "", /PATCHBAY_OUTBOUND_ALLOW/);
      assert.equal((await eventOf(eventId)).deliveryStatus, "retrying");
    });
  }

  test("a callback URL the outbound policy blocks is refused on save, naming the field", async () => {
    const err = await rejectsWith(store.createSubscription(subscriptionInput({ callbackUrl: "http://169.254.169.254/latest" }), actor), "VALIDATION");
    assert.ok(err.fieldErrors?.callbackUrl, `field errors: ${JSON.stringify(err.fieldErrors)}`);
    assert.match(err.fieldErrors.callbackUrl[0]!, /Blocked by the outbound policy/);
  });
});
