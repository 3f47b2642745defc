// pollSubscription end to end (SPEC §9, issue 12 item 3 and "Bad input"): subscriptions created
// through the store, a local upstream whose items change (lib/events/testing/upstream.ts), a real
// temporary database. Baseline and emitExisting, updated dates with Java patterns and time zones,
// epoch millis, content hashes, pagination, Items path, ${gmtDate:…}, {{VAR}}, the service's auth
// configuration, every kind of bad answer (nothing emitted, ledger and cursor unchanged, then
// recovery), eventual consistency, two polls at once, the poll job chain, and a property test over
// random snapshot sequences comparing the events with the true creations and updates.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ZAuthConfigInput } from "@/lib/auth-configs/schema";
import type { TDb } from "@/lib/db";
import { findJob, findJobs } from "@/lib/jobs/testing/find-jobs";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { ZSubscriptionInput, type TSubscriptionFormValues } from "./schema";
import { startUpstream, type TUpstream } from "./testing/upstream";

const API_KEY = "CANARY-poll-api-key-5521";

let temp: TTempDb;
let db: TDb;
let up: TUpstream;
let store: typeof import("./store");
let poll: typeof import("./poll");
let actor: { id: string; email: string };
let serviceId: string;
let keyServiceId: string;

type TResourceValues = NonNullable<TSubscriptionFormValues["resources"]>[number];

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-poll-", env: { PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1" } }));
  store = await import("./store");
  poll = await import("./poll");
  up = await startUpstream();
  const user = await db.user.create({ data: { email: "p@example.test", name: "p", role: "ADMIN", passwordHash: "scrypt$x", active: true, mustChangePassword: false } });
  actor = { id: user.id, email: user.email };
  const configs = await import("@/lib/auth-configs/store");
  const none = await configs.createAuthConfig(ZAuthConfigInput.parse({ name: "None", protocol: "NONE", subProtocol: "NONE" }), actor);
  const key = await configs.createAuthConfig(ZAuthConfigInput.parse({ name: "Key", protocol: "HTTP", subProtocol: "API_KEY", headerName: "X-Key", prefix: "", apiKey: API_KEY }), actor);
  serviceId = (await db.service.create({ data: { name: "Plain", authConfigId: none.id } })).id;
  keyServiceId = (await db.service.create({ data: { name: "Keyed", authConfigId: key.id } })).id;
});

after(async () => {
  await up?.close();
  const { closeDispatchers } = await import("@/lib/http/dispatcher");
  await closeDispatchers();
  await db?.$disconnect();
  await temp?.cleanup();
});

let n = 0;
/** A fresh resource path per call, so tests never share upstream state. */
const resourcePath = (p: string) => `${p}${++n}`;

async function createSub(resources: TResourceValues[], extra: Partial<TSubscriptionFormValues> = {}): Promise<string> {
  const parsed = ZSubscriptionInput.safeParse({
    name: `Poll ${++n}`,
    serviceId,
    type: "POLLING",
    callbackUrl: "http://127.0.0.1:9/callback",
    refreshMinutes: 1,
    resources,
    ...extra,
  });
  assert.ok(parsed.success, `the input is valid: ${JSON.stringify(parsed.error?.issues)}`);
  return (await store.createSubscription(parsed.data, actor)).id;
}

async function pollOk(id: string) {
  const r = await poll.pollSubscription(id);
  assert.ok(r, "a polling subscription polls");
  assert.equal(r.committed, true, `committed (${r.reason})`);
  return r;
}

const eventsOf = (subscriptionId: string) => db.event.findMany({ where: { subscriptionId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
const subOf = (id: string) => db.eventSubscription.findUniqueOrThrow({ where: { id } });
const ledgerOf = async (subscriptionId: string) =>
  (await db.seenItem.findMany({ where: { subscriptionId }, orderBy: { itemId: "asc" } })).map((r) => ({ itemId: r.itemId, resource: r.resource, updatedAt: r.updatedAt?.toISOString() ?? null, hash: r.hash }));
const pathOf = (u: string) => new URL(u, up.url).pathname;

describe("first poll and plain changes", () => {
  test("the first poll records the baseline and emits nothing; a new item later is CREATED with its delivery job", async () => {
    const res = resourcePath("orders");
    up.setItems(res, [{ id: 1, name: "a" }, { id: "two", name: "b" }]);
    const id = await createSub([{ name: "orders", url: `${up.url}/${res}`, idField: "id" }]);
    const first = await pollOk(id);
    assert.equal(first.events, 0);
    assert.deepEqual(first.resources, [{ resource: "orders", items: 2, events: 0, pages: 1, stoppedAtPageLimit: false, error: null }]);
    assert.equal((await eventsOf(id)).length, 0);
    assert.deepEqual((await ledgerOf(id)).map((l) => l.itemId), ["1", "two"]);
    const sub = await subOf(id);
    assert.equal(sub.lastPollError, null);
    assert.ok(sub.lastPollAt, "lastPollAt set");

    up.setItems(res, [{ id: 1, name: "a" }, { id: "two", name: "b" }, { id: 3, name: "c" }]);
    const second = await pollOk(id);
    assert.equal(second.events, 1);
    const events = await eventsOf(id);
    assert.deepEqual(
      events.map((e) => [e.type, e.resource, e.itemId, JSON.parse(e.payload), e.deliveryStatus]),
      [["CREATED", "orders", "3", { id: 3, name: "c" }, "pending"]],
    );
    const job = await findJob(db, { name: "events.deliver", singletonKey: `${events[0]!.id}:0` });
    assert.ok(job, "a delivery job was committed with the event");
    assert.deepEqual(job.data, { eventId: events[0]!.id, seq: 0 });

    // Nothing changed: nothing emitted.
    assert.equal((await pollOk(id)).events, 0);
    assert.equal((await eventsOf(id)).length, 1);
  });

  test("emitExisting: every item of the first poll is CREATED, each with a delivery job", async () => {
    const res = resourcePath("all");
    up.setItems(res, [{ id: 1 }, { id: 2 }, { id: 3 }]);
    const id = await createSub([{ name: "all", url: `${up.url}/${res}`, idField: "id" }], { emitExisting: true });
    assert.equal((await pollOk(id)).events, 3);
    const events = await eventsOf(id);
    assert.deepEqual(events.map((e) => [e.type, e.itemId]).sort(), [["CREATED", "1"], ["CREATED", "2"], ["CREATED", "3"]]);
    for (const e of events) {
      assert.equal((await findJobs(db, { name: "events.deliver", singletonKey: `${e.id}:0` })).length, 1, `delivery job of ${e.itemId}`);
    }
    assert.equal((await pollOk(id)).events, 0, "the second poll emits nothing new");
  });

  test("updated date with a Java pattern and a time zone: a later date is UPDATED once (occurred at that instant); the same date with other content is nothing", async () => {
    const res = resourcePath("dated");
    const item = (modified: string, name: string) => ({ id: "A", modified, name });
    up.setItems(res, [item("2026-03-01 12:00:00", "v1")]);
    const id = await createSub([{ name: "dated", url: `${up.url}/${res}`, idField: "id", updatedDateField: "modified", updatedDateFormat: "yyyy-MM-dd HH:mm:ss", updatedDateTimeZone: "Europe/Berlin" }]);
    await pollOk(id);
    assert.equal((await ledgerOf(id))[0]!.updatedAt, "2026-03-01T11:00:00.000Z", "read in Berlin time (CET, +01:00)");

    up.setItems(res, [item("2026-03-01 12:00:00", "changed without a new date")]);
    assert.equal((await pollOk(id)).events, 0, "the dates decide");

    up.setItems(res, [item("2026-07-01 09:30:00", "v2")]);
    assert.equal((await pollOk(id)).events, 1);
    assert.equal((await pollOk(id)).events, 0, "unchanged: nothing");
    const events = await eventsOf(id);
    assert.deepEqual(events.map((e) => [e.type, e.itemId, e.occurredAt.toISOString(), JSON.parse(e.payload).name]), [["UPDATED", "A", "2026-07-01T07:30:00.000Z", "v2"]]);
    // The cursor is the latest change seen.
    const state = JSON.parse((await subOf(id)).pollState) as Record<string, { cursor: string | null }>;
    assert.equal(state.dated!.cursor, "2026-07-01T07:30:00.000Z");
  });

  test("epochMillis dates; an item dated in the future does not move the cursor past the poll's time", async () => {
    const res = resourcePath("epoch");
    const t0 = Date.parse("2026-01-05T10:00:00Z");
    up.setItems(res, [{ id: 1, ts: t0 }]);
    const id = await createSub([{ name: "epoch", url: `${up.url}/${res}`, idField: "id", updatedDateField: "ts", updatedDateFormat: "epochMillis" }]);
    await pollOk(id);
    up.setItems(res, [{ id: 1, ts: t0 + 1 }, { id: 2, ts: Date.now() + 365 * 86_400_000 }]);
    await pollOk(id);
    const events = await eventsOf(id);
    assert.deepEqual(events.map((e) => [e.type, e.itemId]).sort(), [["CREATED", "2"], ["UPDATED", "1"]]);
    assert.equal(events.find((e) => e.itemId === "1")!.occurredAt.getTime(), t0 + 1);
    const sub = await subOf(id);
    const cursor = (JSON.parse(sub.pollState) as Record<string, { cursor: string }>).epoch!.cursor;
    assert.ok(Date.parse(cursor) <= sub.lastPollAt!.getTime(), `cursor ${cursor} not after the poll (${sub.lastPollAt!.toISOString()})`);
  });

  test("no date fields: the content hash decides (key order does not matter)", async () => {
    const res = resourcePath("hash");
    up.setItems(res, [{ id: 1, a: 1, b: 2 }, { id: 2, a: 1 }]);
    const id = await createSub([{ name: "hash", url: `${up.url}/${res}`, idField: "id" }]);
    await pollOk(id);
    up.setItems(res, [{ b: 2, a: 1, id: 1 }, { id: 2, a: 1 }]);
    assert.equal((await pollOk(id)).events, 0, "same content, keys reordered");
    up.setItems(res, [{ b: 2, a: 1, id: 1 }, { id: 2, a: 2 }]);
    assert.equal((await pollOk(id)).events, 1);
    assert.equal((await pollOk(id)).events, 0);
    assert.deepEqual((await eventsOf(id)).map((e) => [e.type, e.itemId, JSON.parse(e.payload)]), [["UPDATED", "2", { id: 2, a: 2 }]]);
  });
});

describe("reading the upstream", () => {
  test("pagination: Link rel=next is followed up to the page limit (stoppedAtPageLimit), all pages otherwise", async () => {
    const res = resourcePath("paged");
    up.setItems(res, [1, 2, 3, 4, 5].map((id) => ({ id })));
    up.setPageSize(2);
    try {
      const limited = await createSub([{ name: "paged", url: `${up.url}/${res}`, idField: "id" }], { pageLimit: 2, emitExisting: true });
      const r = await pollOk(limited);
      assert.deepEqual(r.resources[0], { resource: "paged", items: 4, events: 4, pages: 2, stoppedAtPageLimit: true, error: null });
      const seen = up.requests.filter((q) => pathOf(q.url) === `/${res}`).map((q) => new URL(q.url, up.url).searchParams.get("page"));
      assert.deepEqual(seen, [null, "2"]);

      const all = await createSub([{ name: "paged", url: `${up.url}/${res}`, idField: "id" }], { pageLimit: 10, emitExisting: true });
      const r2 = await pollOk(all);
      assert.deepEqual(r2.resources[0], { resource: "paged", items: 5, events: 5, pages: 3, stoppedAtPageLimit: false, error: null });
      assert.deepEqual((await eventsOf(all)).map((e) => e.itemId).sort(), ["1", "2", "3", "4", "5"]);
    } finally {
      up.setPageSize(null);
    }
  });

  test("Items path $.data picks the array out of an object", async () => {
    const res = resourcePath("wrapped");
    up.setItems(res, [{ id: "x" }, { id: "y" }]);
    const id = await createSub([{ name: "wrapped", url: `${up.url}/${res}?wrap=1`, idField: "id", itemsPath: "$.data" }], { emitExisting: true });
    const r = await pollOk(id);
    assert.equal(r.resources[0]!.error, null);
    assert.deepEqual((await eventsOf(id)).map((e) => e.itemId).sort(), ["x", "y"]);
  });

  test("${gmtDate:…} is the previous successful poll in GMT (first poll: when the subscription was enabled)", async () => {
    const res = resourcePath("since");
    up.setItems(res, []);
    const id = await createSub([{ name: "since", url: `${up.url}/${res}?since=\${gmtDate:yyyy-MM-dd'T'HH:mm:ss'Z'}`, idField: "id" }]);
    const iso = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;
    const sinceSeen = () => up.requests.filter((q) => pathOf(q.url) === `/${res}`).map((q) => new URL(q.url, up.url).searchParams.get("since"));
    const { enabledAt } = await subOf(id);
    await pollOk(id);
    assert.deepEqual(sinceSeen(), [iso(enabledAt)]);
    assert.ok(up.requests.some((q) => q.url === `/${res}?since=${iso(enabledAt)}`), "the colons stay as they are in the URL");
    const firstPollAt = (await subOf(id)).lastPollAt!;
    await pollOk(id);
    assert.deepEqual(sinceSeen(), [iso(enabledAt), iso(firstPollAt)]);
    const secondPollAt = (await subOf(id)).lastPollAt!;

    // A failed poll does not move it: the next one still asks since the last successful poll.
    up.setFailure(res, { status: 503, body: "busy" });
    const failed = await poll.pollSubscription(id);
    assert.match(failed!.resources[0]!.error ?? "", /HTTP 503/);
    up.setFailure(res, null);
    const state = JSON.parse((await subOf(id)).pollState) as Record<string, { lastSuccessAt: string }>;
    assert.equal(state.since!.lastSuccessAt, secondPollAt.toISOString());
    await pollOk(id);
    assert.deepEqual(sinceSeen().slice(2), [iso(secondPollAt), iso(secondPollAt)]);
  });

  async function environmentWith(vars: Array<{ name: string; value: string; secret: boolean }>): Promise<string> {
    const envs = await import("@/lib/environments/store");
    const envId = (await envs.createEnvironment({ name: `Env ${++n}`, description: "" }, actor)).id;
    await envs.setVariables(envId, vars, actor);
    return envId;
  }

  test("{{VAR}} in the path and query comes from the subscription's environment", async () => {
    const res = resourcePath("vars");
    up.setItems(res, [{ id: 1 }]);
    const envId = await environmentWith([{ name: "RES", value: res, secret: false }, { name: "TOKEN", value: "CANARY-var-secret-771", secret: true }]);
    const id = await createSub([{ name: "vars", url: `${up.url}/{{RES}}?t={{TOKEN}}`, idField: "id" }], { environmentId: envId, emitExisting: true });
    const r = await pollOk(id);
    assert.equal(r.resources[0]!.error, null);
    assert.equal(r.events, 1);
    assert.ok(up.requests.some((q) => q.url === `/${res}?t=CANARY-var-secret-771`), "variables were substituted in the request");
  });

  test("{{VAR}} as the whole base URL ({{BASE_URL}}/items, as connectors use it) is accepted and resolved", async () => {
    const res = resourcePath("base");
    up.setItems(res, [{ id: 1 }]);
    const envId = await environmentWith([{ name: "BASE_URL", value: up.url, secret: false }]);
    const id = await createSub([{ name: "base", url: `{{BASE_URL}}/${res}`, idField: "id" }], { environmentId: envId, emitExisting: true });
    const r = await pollOk(id);
    assert.equal(r.resources[0]!.error, null);
    assert.equal(r.events, 1);
  });

  test("the service's auth configuration is applied to poll requests (API key header)", async () => {
    const res = resourcePath("keyed");
    up.setItems(res, [{ id: 1 }]);
    const id = await createSub([{ name: "keyed", url: `${up.url}/${res}`, idField: "id" }], { serviceId: keyServiceId });
    await pollOk(id);
    const seen = up.requests.filter((q) => pathOf(q.url) === `/${res}`);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.headers["x-key"], API_KEY);
    assert.match(String(seen[0]!.headers.accept), /application\/json/);
  });
});

describe("bad answers", () => {
  test("non-JSON, HTTP 500, an items path that selects nothing, a missing ID: an error on the subscription, nothing emitted, ledger and cursor unchanged; then it recovers", async () => {
    const res = resourcePath("flaky");
    const item = (id: number, day: number) => ({ id, updated: `2026-02-${String(day).padStart(2, "0")}T00:00:00Z` });
    up.setItems(res, [item(1, 1), item(2, 1)]);
    const id = await createSub([{ name: "flaky", url: `${up.url}/${res}?wrap=1`, idField: "id", itemsPath: "$.data", updatedDateField: "updated", updatedDateFormat: "yyyy-MM-dd'T'HH:mm:ss'Z'" }]);
    await pollOk(id);
    const before = await subOf(id);
    const ledgerBefore = await ledgerOf(id);
    // What happens upstream while polls fail is emitted once they work again.
    const changed = [item(1, 2), item(2, 1), item(3, 3)];

    const cases: Array<{ what: string; set: () => void; error: RegExp }> = [
      { what: "non-JSON", set: () => up.setFailure(res, { status: 200, body: "<html>maintenance</html>", contentType: "text/html" }), error: /not JSON \(text\/html\)/ },
      { what: "HTTP 500", set: () => up.setFailure(res, { status: 500, body: "database down" }), error: /HTTP 500: database down/ },
      { what: "items path selects nothing", set: () => up.setFailure(res, { status: 200, body: JSON.stringify({ items: [] }), contentType: "application/json" }), error: /items path \$\.data selects nothing/ },
      {
        what: "missing ID field",
        set: () => {
          up.setFailure(res, null);
          up.setItems(res, [...changed, { name: "no id", updated: "2026-02-04T00:00:00Z" }]);
        },
        error: /no ID field "id"/,
      },
    ];
    let failures = 0;
    for (const c of cases) {
      c.set();
      const r = await poll.pollSubscription(id);
      assert.ok(r, c.what);
      assert.equal(r.committed, true, `${c.what}: the failure is recorded`);
      assert.equal(r.events, 0, `${c.what}: nothing emitted`);
      assert.match(r.resources[0]!.error ?? "", c.error, c.what);
      const sub = await subOf(id);
      failures++;
      assert.match(sub.lastPollError ?? "", c.error, `${c.what}: shown on the subscription`);
      assert.equal(sub.consecutiveFailures, failures, `${c.what}: consecutive failures`);
      assert.equal(sub.pollState, before.pollState, `${c.what}: cursor unchanged`);
      assert.deepEqual(await ledgerOf(id), ledgerBefore, `${c.what}: ledger unchanged`);
      assert.equal((await eventsOf(id)).length, 0, `${c.what}: no events`);
    }
    assert.equal((await store.getSubscription(id))!.status, "Failing", `after ${store.FAILING_AFTER} failures`);

    up.setItems(res, changed);
    const ok = await pollOk(id);
    assert.equal(ok.resources[0]!.error, null);
    const sub = await subOf(id);
    assert.equal(sub.lastPollError, null);
    assert.equal(sub.consecutiveFailures, 0);
    assert.equal((await store.getSubscription(id))!.status, "Active");
    assert.deepEqual((await eventsOf(id)).map((e) => [e.type, e.itemId]).sort(), [["CREATED", "3"], ["UPDATED", "1"]]);
    assert.equal((await pollOk(id)).events, 0, "and not again");
  });

  test("one failing resource does not hold back the others; its own ledger stays", async () => {
    const good = resourcePath("good");
    const bad = resourcePath("bad");
    up.setItems(good, [{ id: 1 }]);
    up.setItems(bad, [{ id: 1 }]);
    const id = await createSub([
      { name: "good", url: `${up.url}/${good}`, idField: "id" },
      { name: "bad", url: `${up.url}/${bad}`, idField: "id" },
    ]);
    await pollOk(id);
    up.setItems(good, [{ id: 1 }, { id: 2 }]);
    up.setItems(bad, [{ id: 1 }, { id: 2 }]);
    up.setFailure(bad, { status: 502, body: "" });
    const r = await pollOk(id);
    assert.equal(r.events, 1);
    assert.match((await subOf(id)).lastPollError ?? "", /^bad: The API answered HTTP 502/);
    up.setFailure(bad, null);
    await pollOk(id);
    assert.deepEqual((await eventsOf(id)).map((e) => [e.resource, e.itemId]).sort(), [["bad", "2"], ["good", "2"]]);
  });
});

describe("consistency", () => {
  test("eventual consistency: a stale replica answering every other request causes no duplicate or spurious events", async () => {
    const res = resourcePath("replica");
    const v1 = [{ id: 1, updated: 1_000, v: 1 }, { id: 2, updated: 1_000, v: 1 }];
    up.setItems(res, v1);
    const id = await createSub([{ name: "replica", url: `${up.url}/${res}`, idField: "id", updatedDateField: "updated", updatedDateFormat: "epochMillis" }]);
    await pollOk(id);
    const v2 = [{ id: 1, updated: 2_000, v: 2 }, { id: 2, updated: 1_000, v: 1 }, { id: 3, updated: 2_000, v: 1 }];
    up.setItems(res, v2);
    up.setStale(res, v1);
    try {
      for (let i = 0; i < 6; i++) await pollOk(id);
    } finally {
      up.setStale(res, null);
    }
    assert.deepEqual((await eventsOf(id)).map((e) => [e.type, e.itemId, JSON.parse(e.payload).v]).sort(), [["CREATED", "3", 1], ["UPDATED", "1", 2]]);
  });

  test("two polls at once: exactly one commits, the events are not doubled", async () => {
    const res = resourcePath("race");
    up.setItems(res, [{ id: 1 }]);
    const id = await createSub([{ name: "race", url: `${up.url}/${res}`, idField: "id" }]);
    await pollOk(id);
    up.setItems(res, [{ id: 1 }, { id: 2 }, { id: 3 }]);
    const results = await Promise.all([poll.pollSubscription(id), poll.pollSubscription(id)]);
    assert.deepEqual(results.map((r) => r!.committed).sort(), [false, true]);
    const loser = results.find((r) => !r!.committed)!;
    assert.equal(loser.events, 0);
    assert.ok(loser.reason, "the discarded poll says why");
    assert.deepEqual((await eventsOf(id)).map((e) => e.itemId).sort(), ["2", "3"]);
    assert.equal((await pollOk(id)).events, 0);
    assert.equal((await eventsOf(id)).length, 2);
  });

  test("the poll job chain: a poll with the current seq advances pollSeq and sends the next poll job; an outdated seq does nothing", async () => {
    const res = resourcePath("chain");
    up.setItems(res, [{ id: 1 }]);
    const id = await createSub([{ name: "chain", url: `${up.url}/${res}`, idField: "id" }], { refreshMinutes: 5 });
    const created = await subOf(id);
    const firstJob = await findJob(db, { name: "events.poll", singletonKey: `${id}:${created.pollSeq}` });
    assert.ok(firstJob, "creating the subscription sent its first poll job");
    assert.deepEqual(firstJob.data, { subscriptionId: id, seq: created.pollSeq });

    const r = await poll.pollSubscription(id, { job: { seq: created.pollSeq } });
    assert.equal(r?.committed, true);
    const sub = await subOf(id);
    assert.equal(sub.pollSeq, created.pollSeq + 1);
    const expected = Math.max(sub.lastPollAt!.getTime(), created.nextPollAt!.getTime() + 5 * 60_000);
    assert.ok(sub.nextPollAt, "the next poll is scheduled");
    assert.ok(Math.abs(sub.nextPollAt.getTime() - expected) < 60_000, `next poll one interval after the due time (${sub.nextPollAt.toISOString()})`);
    const next = await findJob(db, { name: "events.poll", singletonKey: `${id}:${sub.pollSeq}` });
    assert.ok(next, "the next poll job exists");
    assert.deepEqual(next.data, { subscriptionId: id, seq: sub.pollSeq });
    assert.equal(next.startAfter.getTime(), sub.nextPollAt.getTime());

    up.setItems(res, [{ id: 1 }, { id: 2 }]);
    const jobsBefore = (await findJobs(db, { name: "events.poll" })).length;
    assert.equal(await poll.pollSubscription(id, { job: { seq: created.pollSeq } }), null, "an outdated job does nothing");
    const after = await subOf(id);
    assert.equal(after.pollSeq, sub.pollSeq);
    assert.equal(after.lastPollAt!.getTime(), sub.lastPollAt!.getTime());
    assert.equal((await findJobs(db, { name: "events.poll" })).length, jobsBefore, "no poll job sent");
    assert.equal((await eventsOf(id)).length, 0);

    // Poll now (no job) does not touch the chain.
    await pollOk(id);
    assert.equal((await subOf(id)).pollSeq, sub.pollSeq);
    assert.equal((await eventsOf(id)).length, 1);
  });

  test("a batch of scheduled polls (the worker's): each current one polled and committed with its events and next job; outdated and paused ones do nothing", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = resourcePath("batch");
      up.setItems(res, [{ id: `${i}-a` }, { id: `${i}-b` }]);
      ids.push(await createSub([{ name: "batch", url: `${up.url}/${res}`, idField: "id" }], { emitExisting: true }));
    }
    const [a, b, outdated, paused] = ids as [string, string, string, string];
    await store.setPaused(paused, true, actor);
    const seqs = new Map<string, number>();
    for (const id of ids) seqs.set(id, (await subOf(id)).pollSeq);
    await poll.pollSubscriptions(ids.map((id) => ({ subscriptionId: id, seq: id === outdated ? seqs.get(id)! - 1 : seqs.get(id)! })));
    for (const id of [a, b]) {
      const sub = await subOf(id);
      assert.equal(sub.pollSeq, seqs.get(id)! + 1, "the chain moved on");
      assert.ok(sub.lastPollAt, "the poll is recorded");
      assert.equal((await eventsOf(id)).length, 2, "both items emitted (emitExisting)");
      assert.ok(await findJob(db, { name: "events.poll", singletonKey: `${id}:${sub.pollSeq}` }), "its next poll job was sent");
      const eventIds = (await eventsOf(id)).map((e) => e.id);
      assert.equal((await findJobs(db, { name: "events.deliver", singletonKey: eventIds.map((e) => `${e}:0`) })).length, 2, "each event has its delivery job");
    }
    for (const id of [outdated, paused]) {
      const sub = await subOf(id);
      assert.equal(sub.pollSeq, seqs.get(id)!, "untouched chain");
      assert.equal(sub.lastPollAt, null, "not polled");
      assert.equal((await eventsOf(id)).length, 0);
    }
  });

  test("a paused subscription's chain does nothing; events of a Poll now while paused are held", async () => {
    const res = resourcePath("paused");
    up.setItems(res, [{ id: 1 }]);
    const id = await createSub([{ name: "paused", url: `${up.url}/${res}`, idField: "id" }], { emitExisting: true });
    await store.setPaused(id, true, actor);
    const { pollSeq } = await subOf(id);
    assert.equal(await poll.pollSubscription(id, { job: { seq: pollSeq } }), null);
    const r = await pollOk(id);
    assert.equal(r.events, 1);
    const [e] = await eventsOf(id);
    assert.equal(e!.deliveryStatus, "held");
    assert.equal((await findJobs(db, { name: "events.deliver", keyPrefix: `${e!.id}:` })).length, 0, "no delivery job while held");
    await store.setPaused(id, false, actor);
    assert.equal((await db.event.findUniqueOrThrow({ where: { id: e!.id } })).deliveryStatus, "pending");
    assert.equal((await findJobs(db, { name: "events.deliver", keyPrefix: `${e!.id}:` })).length, 1, "its delivery job once resumed");
  });
});

describe("property: the events are exactly the creations and updates", () => {
  // Small deterministic PRNG (mulberry32): a failure names its seed.
  function rng(seed: number) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  type TItem = { id: string; updated: number; body: number };
  type TRun = { seed: number; dated: boolean; emitExisting: boolean; pageSize: number | null; stale?: boolean };

  const runs: TRun[] = [
    { seed: 11, dated: true, emitExisting: false, pageSize: null },
    { seed: 23, dated: true, emitExisting: true, pageSize: 3 },
    { seed: 37, dated: false, emitExisting: false, pageSize: 2 },
    { seed: 41, dated: false, emitExisting: true, pageSize: null },
    { seed: 59, dated: true, emitExisting: false, pageSize: 4 },
    // A replica one snapshot behind answers every other request (one request per poll without
    // paging): the dates must keep the old versions from coming back as updates.
    { seed: 71, dated: true, emitExisting: false, pageSize: null, stale: true },
    { seed: 83, dated: true, emitExisting: true, pageSize: null, stale: true },
  ];

  for (const { seed, dated, emitExisting, pageSize, stale } of runs) {
    test(`seed ${seed}: ${dated ? "updated dates" : "content hashes"}, emitExisting ${emitExisting}, page size ${pageSize ?? "none"}${stale ? ", stale replica" : ""}`, async () => {
      const rand = rng(seed);
      const res = resourcePath("prop");
      let clock = 1_700_000_000_000;
      let nextId = 0;
      const world = new Map<string, TItem>();
      const add = () => {
        const it = { id: `i${++nextId}`, updated: (clock += 1000), body: Math.floor(rand() * 1000) };
        world.set(it.id, it);
      };
      for (let i = 0; i < 3; i++) add();
      const id = await createSub(
        [{ name: "prop", url: `${up.url}/${res}`, idField: "id", ...(dated ? { updatedDateField: "updated", updatedDateFormat: "epochMillis" } : {}) }],
        { emitExisting, pageLimit: 100 },
      );
      // The latest version of each item the subscriber has been told of (or that the baseline recorded).
      const known = new Map<string, TItem>();
      const newer = (it: TItem, before: TItem) => (dated ? it.updated > before.updated : JSON.stringify(it) !== JSON.stringify(before));
      let previous: TItem[] | null = null;
      up.setPageSize(pageSize);
      try {
        for (let step = 0; step < 8; step++) {
          // Visible now: every item but a few hidden ones (an item missing from one poll is not deleted).
          const visible = [...world.values()].filter(() => rand() > 0.15).map((it) => ({ ...it }));
          visible.sort(() => rand() - 0.5);
          up.setItems(res, visible);
          if (stale && previous) up.setStale(res, previous);
          // The upstream counts requests per resource: the 2nd, 4th, … poll reads the stale replica.
          const seen = stale && previous && (step + 1) % 2 === 0 ? previous : visible;
          const expected: string[] = [];
          for (const it of seen) {
            const before = known.get(it.id);
            if (step === 0 && !emitExisting) known.set(it.id, it);
            else if (!before) {
              expected.push(`CREATED ${it.id} ${it.body}`);
              known.set(it.id, it);
            } else if (newer(it, before)) {
              expected.push(`UPDATED ${it.id} ${it.body}`);
              known.set(it.id, it);
            }
          }
          const earlier = (await db.event.findMany({ where: { subscriptionId: id }, select: { id: true } })).map((e) => e.id);
          await pollOk(id);
          const emitted = (await db.event.findMany({ where: { subscriptionId: id, id: { notIn: earlier } } })).map(
            (e) => `${e.type} ${e.itemId} ${(JSON.parse(e.payload) as TItem).body}`,
          );
          assert.deepEqual(emitted.sort(), expected.sort(), `seed ${seed}, step ${step}`);
          previous = visible;

          // The next snapshot: some new items, some updated (a later date and other content).
          const adds = Math.floor(rand() * 3);
          for (let i = 0; i < adds; i++) add();
          for (const it of world.values()) {
            if (rand() < 0.3) {
              it.updated = clock += 1000;
              it.body += 1 + Math.floor(rand() * 5);
            }
          }
        }
      } finally {
        up.setPageSize(null);
        up.setStale(res, null);
      }
    });
  }
});

describe("nextLink and itemsOf", () => {
  test("nextLink: rel=next among others, quoted or not, several rel values, relative targets resolved; none → null", () => {
    const base = "https://api.example.test/v1/items?page=1";
    assert.equal(poll.nextLink(undefined, base), null);
    assert.equal(poll.nextLink(`<https://api.example.test/v1/items?page=1>; rel="prev"`, base), null);
    assert.equal(poll.nextLink(`<https://x.test/p?page=2>; rel="next"`, base), "https://x.test/p?page=2");
    assert.equal(poll.nextLink(`<?page=0>; rel="first", <?page=2>; rel=next`, base), "https://api.example.test/v1/items?page=2");
    assert.equal(poll.nextLink(`</v1/items?cursor=abc>; title="more"; rel="nofollow next"`, base), "https://api.example.test/v1/items?cursor=abc");
    assert.equal(poll.nextLink(`<page3>; REL="Next"`, base), "https://api.example.test/v1/page3");
  });

  test("itemsOf: the top-level array, a path to an array, a path over items, an empty page; a wrong path or a non-array → VALIDATION", async () => {
    const { AppError } = await import("@/lib/errors");
    assert.deepEqual(poll.itemsOf([{ id: 1 }], ""), [{ id: 1 }]);
    assert.deepEqual(poll.itemsOf({ data: [{ id: 1 }, { id: 2 }] }, "$.data"), [{ id: 1 }, { id: 2 }]);
    assert.deepEqual(poll.itemsOf({ data: [{ id: 1 }, { id: 2 }] }, "$.data[*]"), [{ id: 1 }, { id: 2 }]);
    assert.deepEqual(poll.itemsOf({ d: { results: [] } }, "$.d.results[*]"), [], "an empty page is not a wrong path");
    assert.deepEqual(poll.itemsOf({ d: { results: [] } }, "$.d.results"), []);
    const isValidation = (e: unknown) => e instanceof AppError && e.code === "VALIDATION";
    assert.throws(() => poll.itemsOf({ data: [] }, ""), isValidation);
    assert.throws(() => poll.itemsOf({ other: [] }, "$.data"), isValidation);
    assert.throws(() => poll.itemsOf({ other: [] }, "$.data[*]"), isValidation);
  });
});
