// The job interface's contract (lib/jobs/types.ts) against the embedded runtime on a real SQLite
// database: send, delayed send, singletons, workers with concurrency, retries with backoff, a
// lease that lets a job run again when its claim expires, recurring schedules, and stop() that
// drains and returns unfinished work. The same contract will hold for pg-boss (issue 14).
// Crashes with real processes: crash.test.ts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { createTempDatabase } from "@/lib/testing/temp-db";
import { mayRetry, retryDelayMs, MAX_RETRY_DELAY_MS } from "./backoff";
import { EmbeddedJobQueue, nextCronTime } from "./embedded";
import type { TJob } from "./types";
import { createPrismaClient } from "@/lib/db";
import type { TTempDb } from "@/lib/testing/temp-db";

let db: TDb;
let cleanup: () => Promise<void>;
const queues: EmbeddedJobQueue[] = [];

before(async () => {
  ({ db, cleanup } = await createTempDatabase("patchbay-jobs-"));
});
after(async () => {
  for (const q of queues) await q.stop({ graceMs: 100 });
  await db?.$disconnect();
  await cleanup?.();
});

function queue(opts: ConstructorParameters<typeof EmbeddedJobQueue>[1] = {}) {
  const q = new EmbeddedJobQueue(db, { schedulerIntervalMs: 50, log: () => {}, ...opts });
  queues.push(q);
  return q;
}

let seq = 0;
const uniqueName = (p: string) => `${p}.${++seq}`;

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const stateOf = async (id: string) => (await db.job.findUniqueOrThrow({ where: { id } })).state;

describe("backoff", () => {
  test("fixed or doubled per attempt, capped at a day", () => {
    assert.deepEqual([1, 2, 3, 4].map((a) => retryDelayMs(a, 1000, true)), [1000, 2000, 4000, 8000]);
    assert.deepEqual([1, 2, 3].map((a) => retryDelayMs(a, 1000, false)), [1000, 1000, 1000]);
    assert.equal(retryDelayMs(60, 1000, true), MAX_RETRY_DELAY_MS);
    assert.equal(mayRetry(1, 2), true);
    assert.equal(mayRetry(3, 2), false);
  });
  test("cron: 5 fields, UTC; anything else is a VALIDATION error", () => {
    assert.equal(nextCronTime("7 * * * *", new Date("2026-01-01T10:15:00Z")).toISOString(), "2026-01-01T11:07:00.000Z");
    assert.equal(nextCronTime("*/15 * * * *", new Date("2026-01-01T10:15:00Z")).toISOString(), "2026-01-01T10:30:00.000Z");
    for (const bad of ["* * * *", "61 * * * *", "every minute", "* * * * * *"]) {
      assert.throws(() => nextCronTime(bad, new Date()), (e: unknown) => e instanceof AppError && e.code === "VALIDATION", bad);
    }
  });
});

describe("embedded job queue", () => {
  test("a job is stored, claimed once, handled with its data, and completed", async () => {
    const q = queue();
    const name = uniqueName("basic");
    const seen: TJob[] = [];
    q.work<{ n: number }>(name, {}, async (job) => {
      seen.push(job);
    });
    const id = await q.send(name, { n: 1 });
    assert.ok(id, "an id");
    assert.equal(await stateOf(id), "created");
    await q.start();
    await until("completion", async () => (await stateOf(id)) === "completed");
    assert.deepEqual(seen, [{ id, name, data: { n: 1 }, attempt: 1 }]);
  });

  test("a delayed send waits for startAfter", async () => {
    const q = queue();
    const name = uniqueName("delayed");
    const ran: number[] = [];
    q.work(name, { pollIntervalMs: 20 }, async () => {
      ran.push(Date.now());
    });
    await q.start();
    const at = new Date(Date.now() + 400);
    const id = (await q.send(name, null, { startAfter: at }))!;
    await until("completion", async () => (await stateOf(id)) === "completed");
    assert.ok(ran[0] >= at.getTime(), "not before startAfter");
  });

  test("a singleton key admits one waiting or running job; after it finished, a new one", async () => {
    const q = queue();
    const name = uniqueName("single");
    const first = await q.send(name, 1, { singletonKey: "k" });
    assert.ok(first, "first accepted");
    assert.equal(await q.send(name, 2, { singletonKey: "k" }), null);
    assert.ok(await q.send(name, 3, { singletonKey: "other" }), "another key is another job");
    assert.ok(await q.send(uniqueName("single"), 4, { singletonKey: "k" }), "another queue is another job");
    q.work(name, {}, async () => {});
    await q.start();
    await until("completion", async () => (await stateOf(first!)) === "completed");
    assert.ok(await q.send(name, 5, { singletonKey: "k" }), "free again once the first completed");
  });

  test("concurrency: at most N of a queue run at once in this process", async () => {
    const q = queue();
    const name = uniqueName("conc");
    let running = 0;
    let most = 0;
    q.work(name, { concurrency: 3 }, async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 60));
      running--;
    });
    const ids = await Promise.all(Array.from({ length: 10 }, (_, i) => q.send(name, i)));
    await q.start();
    await until("all completed", async () => (await db.job.count({ where: { id: { in: ids as string[] }, state: "completed" } })) === 10);
    assert.equal(most, 3);
  });

  test("a failed attempt is retried after its backoff, then failed for good with the last error", async () => {
    const q = queue();
    const name = uniqueName("retry");
    const attempts: number[] = [];
    q.work(name, { pollIntervalMs: 20 }, async (job) => {
      attempts.push(job.attempt);
      throw new Error(`boom ${job.attempt}`);
    });
    const id = (await q.send(name, null, { retryLimit: 2, retryDelaySeconds: 0.05, retryBackoff: true }))!;
    await q.start();
    await until("failed", async () => (await stateOf(id)) === "failed");
    assert.deepEqual(attempts, [1, 2, 3]);
    const row = await db.job.findUniqueOrThrow({ where: { id } });
    assert.equal(row.lastError, "boom 3");
    assert.equal(row.attempt, 3);
  });

  test("a retry that succeeds completes the job", async () => {
    const q = queue();
    const name = uniqueName("flaky");
    q.work(name, { pollIntervalMs: 20 }, async (job) => {
      if (job.attempt === 1) throw new Error("once");
    });
    const id = (await q.send(name, null, { retryDelaySeconds: 0.02 }))!;
    await q.start();
    await until("completed", async () => (await stateOf(id)) === "completed");
    assert.equal((await db.job.findUniqueOrThrow({ where: { id } })).attempt, 2);
  });

  test("a claim whose lease ran out (its process died) is claimed again; beyond the retry limit it fails", async () => {
    const name = uniqueName("lease");
    const id = (await queue().send(name, null, { expireInSeconds: 0.2, retryLimit: 1 }))!;
    // A "dead" claim: active with a lease in the past, as a killed process leaves it.
    await db.job.update({ where: { id }, data: { state: "active", attempt: 1, leaseUntil: new Date(Date.now() - 1) } });
    const q = queue();
    const attempts: number[] = [];
    q.work(name, { pollIntervalMs: 20 }, async (job) => {
      attempts.push(job.attempt);
    });
    await q.start();
    await until("completed", async () => (await stateOf(id)) === "completed");
    assert.deepEqual(attempts, [2]);

    const spent = (await queue().send(name, null, { expireInSeconds: 0.2, retryLimit: 1 }))!;
    await db.job.update({ where: { id: spent }, data: { state: "active", attempt: 2, leaseUntil: new Date(Date.now() - 1) } });
    await until("failed", async () => (await stateOf(spent)) === "failed");
    assert.match((await db.job.findUniqueOrThrow({ where: { id: spent } })).lastError ?? "", /did not finish within 0.2 s/);
  });

  test("two queues on one database never run a job twice", async () => {
    const name = uniqueName("race");
    const runs = new Map<string, number>();
    const handler = async (job: TJob) => {
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 5));
    };
    const a = queue();
    const b = queue();
    a.work(name, { concurrency: 4, pollIntervalMs: 10 }, handler);
    b.work(name, { concurrency: 4, pollIntervalMs: 10 }, handler);
    const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => a.send(name, i)));
    await Promise.all([a.start(), b.start()]);
    await until("all completed", async () => (await db.job.count({ where: { id: { in: ids as string[] }, state: "completed" } })) === 40);
    assert.equal(runs.size, 40);
    assert.ok([...runs.values()].every((n) => n === 1), "each job ran once");
  });

  test("a schedule sends one job per due time, once even with two schedulers; registering it again keeps its due time", async () => {
    const name = uniqueName("tick");
    const a = queue();
    const b = queue();
    await a.schedule(name, "* * * * *", { x: 1 });
    const first = await db.jobSchedule.findUniqueOrThrow({ where: { name } });
    assert.ok(first.nextAt.getTime() > Date.now(), "due in the future");
    await b.schedule(name, "* * * * *", { x: 1 });
    assert.equal((await db.jobSchedule.findUniqueOrThrow({ where: { name } })).nextAt.getTime(), first.nextAt.getTime());
    // Due now; both schedulers race for it.
    await db.jobSchedule.update({ where: { name }, data: { nextAt: new Date(Date.now() - 1000) } });
    await Promise.all([a.runScheduler(), b.runScheduler(), a.runScheduler()]);
    const jobs = await db.job.findMany({ where: { name } });
    assert.equal(jobs.length, 1);
    assert.deepEqual(JSON.parse(jobs[0].data), { x: 1 });
    assert.ok((await db.jobSchedule.findUniqueOrThrow({ where: { name } })).nextAt.getTime() > Date.now(), "moved to the next due time");
    await a.unschedule(name);
    assert.equal(await db.jobSchedule.count({ where: { name } }), 0);
    await assert.rejects(a.schedule(name, "not cron"), (e: unknown) => e instanceof AppError && e.code === "VALIDATION");
  });

  test("stop drains running jobs; what does not finish within the grace goes back, this attempt not counted", async () => {
    const q = queue();
    const name = uniqueName("drain");
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    q.work<string>(name, { concurrency: 2, pollIntervalMs: 10 }, async (job) => {
      if (job.data === "slow") await blocked;
      else await new Promise((r) => setTimeout(r, 50));
    });
    const fast = (await q.send(name, "fast"))!;
    const slow = (await q.send(name, "slow"))!;
    await q.start();
    await until("both running", async () => (await db.job.count({ where: { id: { in: [fast, slow] }, state: "active" } })) === 2);
    await q.stop({ graceMs: 300 });
    release();
    assert.equal(await stateOf(fast), "completed");
    const back = await db.job.findUniqueOrThrow({ where: { id: slow } });
    assert.deepEqual([back.state, back.attempt, back.leaseUntil], ["created", 0, null]);
    // Nothing is claimed after stop.
    const later = (await q.send(name, "fast"))!;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await stateOf(later), "created");
  });

  test("a handler that runs longer than its lease keeps it (renewed): never run twice at once, completed once", async () => {
    const q = queue();
    const name = uniqueName("long");
    const starts = new Map<string, number>();
    q.work(name, { concurrency: 2, pollIntervalMs: 10 }, async (job) => {
      starts.set(job.id, (starts.get(job.id) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 700));
    });
    const id = (await q.send(name, null, { expireInSeconds: 0.3, retryLimit: 0 }))!;
    await q.start();
    await until("completed", async () => (await stateOf(id)) === "completed");
    assert.deepEqual([...starts.values()], [1]);
  });

  test("stop right after start: a claim in progress goes back instead of running past stop", async () => {
    const q = queue();
    const name = uniqueName("early");
    let ran = 0;
    q.work(name, {}, async () => {
      ran++;
    });
    const id = (await q.send(name, null))!;
    await q.start();
    await q.stop({ graceMs: 1000 });
    const state = await stateOf(id);
    assert.ok(state === "created" || (state === "completed" && ran === 1), `finished or returned, not left running (${state}, ran ${ran})`);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await stateOf(id), state, "nothing happens after stop");
  });

  test("cleanup deletes completed jobs after a day and failed ones after two weeks", async () => {
    const name = uniqueName("old");
    const day = 24 * 3600_000;
    const mk = (state: string, ago: number) => db.job.create({ data: { name, data: "null", state, completedAt: new Date(Date.now() - ago) } });
    await Promise.all([mk("completed", 2 * day), mk("completed", 1000), mk("failed", 2 * day), mk("failed", 15 * day)]);
    await queue().cleanup();
    const left = await db.job.findMany({ where: { name }, orderBy: { state: "asc" } });
    assert.deepEqual(left.map((j) => j.state), ["completed", "failed"]);
  });
});

describe("batches", () => {
  test("workBatch: up to batchSize jobs per call, up to concurrency calls at once, each job completed once", async () => {
    const q = queue();
    const name = uniqueName("batch");
    const seen = new Map<number, number>();
    const sizes: number[] = [];
    let running = 0;
    let most = 0;
    q.workBatch<number>(name, { batchSize: 4, concurrency: 2, pollIntervalMs: 20 }, async (jobs) => {
      running++;
      most = Math.max(most, running);
      sizes.push(jobs.length);
      for (const j of jobs) seen.set(j.data, (seen.get(j.data) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 40));
      running--;
    });
    const ids = await q.sendMany(name, Array.from({ length: 19 }, (_, i) => ({ data: i })));
    await q.start();
    await until("all completed", async () => (await db.job.count({ where: { id: { in: ids as string[] }, state: "completed" } })) === 19);
    assert.equal(seen.size, 19);
    assert.ok([...seen.values()].every((n) => n === 1), "each job handled once");
    assert.ok(sizes.every((n) => n >= 1 && n <= 4), `batch sizes within 1..4: ${sizes.join(",")}`);
    assert.ok(sizes.some((n) => n === 4), "full batches when enough is due");
    assert.equal(most, 2);
  });

  test("a batch that throws fails each of its jobs, each retried by its own settings", async () => {
    const q = queue();
    const name = uniqueName("batchfail");
    const attempts = new Map<string, number[]>();
    q.workBatch(name, { batchSize: 10, pollIntervalMs: 20 }, async (jobs) => {
      for (const j of jobs) attempts.set(j.id, [...(attempts.get(j.id) ?? []), j.attempt]);
      if (jobs.some((j) => j.attempt === 1)) throw new Error("first attempts fail");
    });
    const [a, b] = (await q.sendMany(name, [{ data: 1, opts: { retryDelaySeconds: 0.02 } }, { data: 2, opts: { retryLimit: 0 } }])) as string[];
    await q.start();
    await until("a completed", async () => (await stateOf(a!)) === "completed");
    await until("b failed", async () => (await stateOf(b!)) === "failed");
    assert.deepEqual(attempts.get(a!), [1, 2]);
    assert.deepEqual(attempts.get(b!), [1]);
    assert.equal((await db.job.findUniqueOrThrow({ where: { id: b! } })).lastError, "first attempts fail");
  });

  test("sendMany: ids in order; a singleton key taken, or repeated in the call, gives null", async () => {
    const q = queue();
    const name = uniqueName("many");
    assert.ok(await q.send(name, 0, { singletonKey: "taken" }), "first send");
    const ids = await q.sendMany(name, [{ data: 1, opts: { singletonKey: "taken" } }, { data: 2, opts: { singletonKey: "k" } }, { data: 3 }, { data: 4, opts: { singletonKey: "k" } }]);
    assert.equal(ids.length, 4);
    assert.equal(ids[0], null);
    assert.equal(ids[3], null);
    const rows = await db.job.findMany({ where: { id: { in: [ids[1]!, ids[2]!] } } });
    assert.deepEqual(rows.map((r) => JSON.parse(r.data)).sort(), [2, 3]);
    assert.equal(rows.find((r) => r.id === ids[1])?.singletonKey, "k");
    assert.deepEqual(await q.sendMany(name, []), []);
  });

  test("stop returns an unfinished batch, this attempt not counted", async () => {
    const q = queue();
    const name = uniqueName("batchstop");
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    let started = false;
    q.workBatch(name, { batchSize: 5, pollIntervalMs: 20 }, async () => {
      started = true;
      await blocked;
    });
    const ids = (await q.sendMany(name, [{ data: 1 }, { data: 2 }, { data: 3 }])) as string[];
    await q.start();
    await until("batch started", () => started);
    await q.stop({ graceMs: 50 });
    release();
    const rows = await db.job.findMany({ where: { id: { in: ids } } });
    assert.deepEqual(rows.map((r) => [r.state, r.attempt]), [["created", 0], ["created", 0], ["created", 0]]);
  });
});

describe("send inside the caller's transaction", () => {
  // Its own database and a second client on it: the app's client runs the queries outside an open
  // interactive transaction after it (one connection), so "not visible outside" is read through
  // another connection, as another process would.
  let t: TTempDb;
  let other: TDb;
  const mine: EmbeddedJobQueue[] = [];
  before(async () => {
    t = await createTempDatabase("patchbay-jobs-tx-");
    other = createPrismaClient(t.url);
  });
  after(async () => {
    for (const q of mine) await q.stop({ graceMs: 100 });
    await other?.$disconnect();
    await t?.cleanup();
  });
  const txQueue = () => {
    const q = new EmbeddedJobQueue(t.db, { schedulerIntervalMs: 50, log: () => {} });
    mine.push(q);
    return q;
  };

  test("the job exists only once the transaction commits; a worker never sees it before", async () => {
    const q = txQueue();
    const name = uniqueName("tx");
    const handled: string[] = [];
    q.work<string>(name, { pollIntervalMs: 20 }, async (job) => {
      handled.push(job.data);
    });
    await q.start();
    let id: string | null = null;
    await t.db.$transaction(async (tx) => {
      id = await q.send(name, "committed", { tx });
      assert.ok(id, "an id inside the transaction");
      assert.equal(await tx.job.count({ where: { id } }), 1, "visible to the transaction itself");
      assert.equal(await other.job.count({ where: { id } }), 0, "not visible outside before the commit");
      // Longer than the wake-up and several poll intervals: the worker finds nothing yet.
      await new Promise((r) => setTimeout(r, 150));
      assert.deepEqual(handled, [], "not handled before the commit");
    });
    assert.equal(await other.job.count({ where: { id: id! } }), 1, "visible after the commit");
    await until("handled after the commit", () => handled.length === 1);
    assert.deepEqual(handled, ["committed"]);
    await until("completed", async () => (await t.db.job.findUniqueOrThrow({ where: { id: id! } })).state === "completed");
  });

  test("a rolled-back transaction leaves no job, and its singleton key stays free", async () => {
    const q = txQueue();
    const name = uniqueName("rollback");
    let sentId: string | null = null;
    await assert.rejects(
      t.db.$transaction(async (tx) => {
        sentId = await q.send(name, "lost", { tx, singletonKey: "only-one" });
        assert.ok(sentId, "sent inside the transaction");
        throw new Error("roll back");
      }),
      /roll back/,
    );
    assert.equal(await t.db.job.count({ where: { name } }), 0, "no job after the rollback");
    assert.equal(await t.db.job.count({ where: { id: sentId! } }), 0);
    const again = await q.send(name, "kept", { singletonKey: "only-one" });
    assert.ok(again, "the singleton key was never taken");
    assert.equal(await t.db.job.count({ where: { name } }), 1);
  });

  test("the singleton key is checked inside the transaction: the same key twice in one transaction sends once", async () => {
    const q = txQueue();
    const name = uniqueName("tx-singleton");
    const ids = await t.db.$transaction(async (tx) => [await q.send(name, 1, { tx, singletonKey: "k" }), await q.send(name, 2, { tx, singletonKey: "k" })]);
    assert.ok(ids[0], "the first is sent");
    assert.equal(ids[1], null, "the second finds the key taken");
    assert.equal(await t.db.job.count({ where: { name } }), 1);
  });
});
