// The job interface's contract (lib/jobs/types.ts) on pg-boss (lib/jobs/pgboss.ts) against a real
// PostgreSQL database of the test cluster: send and work, delayed sends, singleton keys (waiting,
// retrying and running jobs hold them; completed and failed ones free them), sends inside a Prisma
// transaction, batches, retries, two queues on one database, schedules with two schedulers, stop()
// returning unfinished work, a database cut off under a running worker, and — with real processes
// (lib/jobs/testing/pgboss-worker-process.ts) — SIGKILL mid-job and SIGTERM.
// The same contract on SQLite: embedded.test.ts, crash.test.ts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createPrismaClient, type TDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { testPgCluster } from "@/lib/testing/pg-cluster";
import { TestProcesses, until, type TTestProcess } from "@/lib/testing/processes";
import { createPgTestDatabase } from "@/lib/testing/temp-db";
import { PGBOSS_SCHEMA, PgBossJobQueue, WORKER_OUTCOME_SQL, type TPgBossQueueOptions } from "./pgboss";
import type { TPgBossWorkerSettings } from "./testing/pgboss-worker-process";
import type { TJob } from "./types";

let adminUrl: string;
let url: string;
let drop: () => Promise<void>;
/** Reads pg-boss's tables on connections of its own, as another process would. */
let client: pg.Pool;
let db: TDb;
const queues: PgBossJobQueue[] = [];
const logs: string[] = [];
const processes = new TestProcesses();

before(async () => {
  adminUrl = await testPgCluster();
  ({ url, drop } = await createPgTestDatabase(adminUrl, "patchbay_pgboss_"));
  client = new pg.Pool({ connectionString: url, max: 3 });
  db = createPrismaClient(url);
});
after(async () => {
  // A failed test may leave a handler waiting: pg-boss's stop waits for its workers to end.
  for (const g of gates) g.open();
  await processes.killAll();
  for (const q of queues) await q.close({ graceMs: 1000 });
  await client?.end();
  await db?.$disconnect();
  await drop?.();
});

/** A queue on the test database: maintenance every second, failures collected instead of printed. */
function queue(opts: Partial<TPgBossQueueOptions> = {}) {
  const q = new PgBossJobQueue({ url, maintenanceIntervalSeconds: 1, log: (m, e) => logs.push(`${m} ${e instanceof Error ? e.message : String(e ?? "")}`), ...opts });
  queues.push(q);
  return q;
}

let seq = 0;
const uniqueName = (p: string) => `${p}.${++seq}`;

type TRow = { state: string; retry_count: number; singleton_key: string | null; output: { message?: string; value?: string } | null; started_on: Date | null };
async function row(id: string): Promise<TRow> {
  const { rows } = await client.query<TRow>(`SELECT state::text AS state, retry_count, singleton_key, output, started_on FROM ${PGBOSS_SCHEMA}.job WHERE id = $1`, [id]);
  assert.equal(rows.length, 1, `job ${id} is stored`);
  return rows[0]!;
}
const stateOf = async (id: string) => (await row(id)).state;
const countIn = async (name: string, states: string[]) =>
  Number((await client.query(`SELECT count(*) AS n FROM ${PGBOSS_SCHEMA}.job WHERE name = $1 AND state::text = ANY($2)`, [name, states])).rows[0].n);

const gates: Array<{ open: () => void }> = [];
/** A promise and the function that settles it (a handler that waits until the test lets it go). */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  gates.push({ open });
  return { opened, open };
}

describe("pg-boss job queue", () => {
  test("only pg-boss's worker outcome statements are contained (the patterns match pg-boss's own SQL)", () => {
    // pg-boss's SQL builders, to check the patterns of WORKER_OUTCOME_SQL against (an internal module of the pinned version).
    const plans = createRequire(import.meta.url)("pg-boss/src/plans.js") as Record<string, (schema: string, ...rest: unknown[]) => string>;
    const [complete, fail] = WORKER_OUTCOME_SQL;
    assert.match(plans.completeJobs(PGBOSS_SCHEMA), complete!);
    assert.match(plans.failJobsById(PGBOSS_SCHEMA), fail!);
    for (const other of ["failJobsByTimeout", "cancelJobs", "resumeJobs", "retryJobs", "insertJob", "insertJobs", "deleteJobs", "createQueue"]) {
      const sql = plans[other]!(PGBOSS_SCHEMA);
      assert.ok(WORKER_OUTCOME_SQL.every((re) => !re.test(sql)), `${other} is not taken for a worker outcome`);
    }
  });

  test("a job is stored, handled once with its data and attempt 1, and completed; any JSON payload", async () => {
    const q = queue();
    const name = uniqueName("basic");
    const seen: TJob[] = [];
    q.work<unknown>(name, {}, async (job) => {
      seen.push(job);
    });
    const id = (await q.send(name, { n: 1 }))!;
    assert.ok(id, "an id");
    assert.equal(await stateOf(id), "created");
    await q.start();
    await until("completion", async () => (await stateOf(id)) === "completed");
    assert.deepEqual(seen, [{ id, name, data: { n: 1 }, attempt: 1 }]);
    const text = (await q.send(name, "a string"))!;
    const none = (await q.send(name, null))!;
    await until("both completed", async () => (await stateOf(text)) === "completed" && (await stateOf(none)) === "completed");
    assert.deepEqual(seen.slice(1).map((j) => j.data).sort(), ["a string", null].sort());
  });

  test("a send in this process wakes its worker: handled long before the worker's next poll", async () => {
    const q = queue();
    const name = uniqueName("wake");
    const handled: string[] = [];
    // Polls once a minute: only the wake-up can make the job run within the 20 s of until().
    q.work(name, { pollIntervalMs: 60_000 }, async (job) => {
      handled.push(job.id);
    });
    await q.start();
    await new Promise((r) => setTimeout(r, 300)); // the worker's first (empty) fetch is over
    const id = (await q.send(name, null))!;
    await until("handled", () => handled.includes(id));
    const inTx = await db.$transaction((tx) => q.send(name, "tx", { tx }));
    await until("handled after its transaction", () => handled.includes(inTx!));
  });

  test("a delayed send waits for startAfter", async () => {
    const q = queue();
    const name = uniqueName("delayed");
    const ran: number[] = [];
    q.work(name, {}, async () => {
      ran.push(Date.now());
    });
    await q.start();
    const at = new Date(Date.now() + 1500);
    const id = (await q.send(name, null, { startAfter: at }))!;
    await until("completion", async () => (await stateOf(id)) === "completed");
    assert.ok(ran[0]! >= at.getTime(), `ran at ${ran[0]}, not before startAfter ${at.getTime()}`);
  });

  test("a singleton key is held by a waiting or running job; free again once it completed", async () => {
    const q = queue();
    const name = uniqueName("single");
    const first = (await q.send(name, 1, { singletonKey: "k" }))!;
    assert.ok(first, "first accepted");
    assert.equal(await q.send(name, 2, { singletonKey: "k" }), null, "taken while it waits");
    assert.ok(await q.send(name, 3, { singletonKey: "other" }), "another key is another job");
    assert.ok(await q.send(uniqueName("single"), 4, { singletonKey: "k" }), "another queue is another job");
    const [a, b] = [await q.send(name, 5), await q.send(name, 6)];
    assert.ok(a && b && a !== b, "jobs without a key are never refused");
    const held = gate();
    q.work<number>(name, { concurrency: 4 }, async (job) => {
      if (job.data === 1) await held.opened;
    });
    await q.start();
    await until("the keyed job runs", async () => (await stateOf(first)) === "active");
    assert.equal(await q.send(name, 7, { singletonKey: "k" }), null, "taken while it runs");
    held.open();
    await until("completion", async () => (await stateOf(first)) === "completed");
    const again = await q.send(name, 8, { singletonKey: "k" });
    assert.ok(again, "free again once the first completed");
    assert.equal((await row(again)).singleton_key, "k");
  });

  test("a job waiting for its retry holds its key; one failed for good frees it", async () => {
    const q = queue();
    const name = uniqueName("single-fail");
    q.work(name, {}, async () => {
      throw new Error("always");
    });
    await q.start();
    const retrying = (await q.send(name, null, { singletonKey: "r", retryLimit: 1, retryDelaySeconds: 3600, retryBackoff: false }))!;
    await until("waiting for its retry", async () => (await stateOf(retrying)) === "retry");
    assert.equal(await q.send(name, null, { singletonKey: "r" }), null, "taken while it waits for its retry");
    const spent = (await q.send(name, null, { singletonKey: "f", retryLimit: 0 }))!;
    await until("failed for good", async () => (await stateOf(spent)) === "failed");
    assert.ok(await q.send(name, null, { singletonKey: "f", startAfter: new Date(Date.now() + 3600_000) }), "free again (the chains' sweep sends it again)");
  });

  test("sendMany: ids in order; a singleton key taken, or repeated in the call, gives null", async () => {
    const q = queue();
    const name = uniqueName("many");
    assert.ok(await q.send(name, 0, { singletonKey: "taken" }), "first send");
    const ids = await q.sendMany(name, [{ data: 1, opts: { singletonKey: "taken" } }, { data: 2, opts: { singletonKey: "k" } }, { data: 3 }, { data: 4, opts: { singletonKey: "k" } }]);
    assert.equal(ids.length, 4);
    assert.equal(ids[0], null);
    assert.equal(ids[3], null);
    const { rows } = await client.query(`SELECT id, data, singleton_key FROM ${PGBOSS_SCHEMA}.job WHERE name = $1 AND id = ANY($2::uuid[])`, [name, [ids[1], ids[2]]]);
    assert.deepEqual(rows.map((r) => r.data).sort(), [2, 3]);
    assert.equal(rows.find((r) => r.id === ids[1])?.singleton_key, "k");
    assert.equal(await countIn(name, ["created"]), 3);
    assert.deepEqual(await q.sendMany(name, []), []);
  });

  test("workBatch: up to batchSize jobs per call, up to concurrency calls at once, each job handled once", async () => {
    const q = queue();
    const name = uniqueName("batch");
    const seen = new Map<number, number>();
    const sizes: number[] = [];
    let running = 0;
    let most = 0;
    q.workBatch<number>(name, { batchSize: 4, concurrency: 2 }, async (jobs) => {
      running++;
      most = Math.max(most, running);
      sizes.push(jobs.length);
      for (const j of jobs) seen.set(j.data, (seen.get(j.data) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 300));
      running--;
    });
    const ids = await q.sendMany(name, Array.from({ length: 19 }, (_, i) => ({ data: i })));
    await q.start();
    await until("all completed", async () => (await countIn(name, ["completed"])) === 19);
    assert.equal(new Set(ids).size, 19);
    assert.equal(seen.size, 19);
    assert.ok([...seen.values()].every((n) => n === 1), "each job handled once");
    assert.ok(sizes.every((n) => n >= 1 && n <= 4), `batch sizes within 1..4: ${sizes.join(",")}`);
    assert.ok(sizes.some((n) => n === 4), "full batches when enough is due");
    assert.equal(most, 2);
  });

  test("work with concurrency: at most N of a queue run at once in this process", async () => {
    const q = queue();
    const name = uniqueName("conc");
    let running = 0;
    let most = 0;
    q.work(name, { concurrency: 3 }, async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 150));
      running--;
    });
    await q.sendMany(name, Array.from({ length: 10 }, (_, i) => ({ data: i })));
    await q.start();
    await until("all completed", async () => (await countIn(name, ["completed"])) === 10);
    assert.equal(most, 3);
  });

  test("a failed attempt is retried, then failed for good with the last error", async () => {
    const q = queue();
    const name = uniqueName("retry");
    const attempts: number[] = [];
    q.work(name, {}, async (job) => {
      attempts.push(job.attempt);
      throw new Error(`boom ${job.attempt}`);
    });
    const id = (await q.send(name, null, { retryLimit: 2, retryDelaySeconds: 0, retryBackoff: false }))!;
    await q.start();
    await until("failed", async () => (await stateOf(id)) === "failed");
    assert.deepEqual(attempts, [1, 2, 3]);
    const r = await row(id);
    assert.equal(r.output?.message, "boom 3");
    assert.equal(r.retry_count, 2);
    assert.ok(logs.some((l) => l.includes(`job(s) of ${name} failed for good`)), "the final failure is logged");
  });

  test("a batch that throws fails each of its jobs, each retried by its own settings", async () => {
    const q = queue();
    const name = uniqueName("batchfail");
    const attempts = new Map<string, number[]>();
    q.workBatch(name, { batchSize: 10 }, async (jobs) => {
      for (const j of jobs) attempts.set(j.id, [...(attempts.get(j.id) ?? []), j.attempt]);
      if (jobs.some((j) => j.attempt === 1)) throw new Error("first attempts fail");
    });
    const [a, b] = (await q.sendMany(name, [{ data: 1, opts: { retryDelaySeconds: 0, retryBackoff: false } }, { data: 2, opts: { retryLimit: 0 } }])) as string[];
    await q.start();
    await until("a completed", async () => (await stateOf(a!)) === "completed");
    await until("b failed", async () => (await stateOf(b!)) === "failed");
    assert.deepEqual(attempts.get(a!), [1, 2]);
    assert.deepEqual(attempts.get(b!), [1]);
    assert.equal((await row(b!)).output?.message, "first attempts fail");
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
    a.work(name, { concurrency: 4 }, handler);
    b.work(name, { concurrency: 4 }, handler);
    const ids = await a.sendMany(name, Array.from({ length: 40 }, (_, i) => ({ data: i })));
    await Promise.all([a.start(), b.start()]);
    await until("all completed", async () => (await countIn(name, ["completed"])) === 40);
    assert.equal(runs.size, 40);
    assert.deepEqual([...runs.keys()].sort(), [...(ids as string[])].sort());
    assert.ok([...runs.values()].every((n) => n === 1), "each job ran once");
  });

  test("a schedule registered by two instances is one schedule; each due minute sends one job across both", async () => {
    // pg-boss's schedules are minute-granular: a test cannot wait for many due times. Instead both
    // instances look for due schedules every second and the test makes them look again and again
    // within the current minute (clearing pg-boss's cron gate): whatever the minutes the test spans,
    // there is at most one job per minute, and each ran once.
    const fast = { cronMonitorIntervalSeconds: 1, cronWorkerIntervalSeconds: 1 };
    const a = queue(fast);
    const b = queue(fast);
    const name = uniqueName("tick");
    const runs: TJob[] = [];
    for (const q of [a, b]) {
      q.work(name, {}, async (job) => {
        runs.push(job);
      });
    }
    const from = Date.now();
    await Promise.all([a.schedule(name, "* * * * *", { x: 1 }), b.schedule(name, "* * * * *", { x: 1 })]);
    const { rows: schedules } = await client.query(`SELECT cron, timezone, data FROM ${PGBOSS_SCHEMA}.schedule WHERE name = $1`, [name]);
    assert.deepEqual(schedules, [{ cron: "* * * * *", timezone: "UTC", data: { x: 1 } }]);
    await Promise.all([a.start(), b.start()]);
    await until("the scheduled job ran", () => runs.length >= 1);
    for (let round = 0; round < 4; round++) {
      await client.query(`UPDATE ${PGBOSS_SCHEMA}.version SET cron_on = NULL`);
      await until(`cron pass ${round + 1}`, async () => (await client.query(`SELECT cron_on FROM ${PGBOSS_SCHEMA}.version`)).rows[0].cron_on !== null);
    }
    // What those passes sent has been handed over and handled.
    await until("the scheduler's queue is empty", async () => (await countIn("__pgboss__send-it", ["created", "retry", "active"])) === 0);
    await until("no job of the schedule waits or runs", async () => (await countIn(name, ["created", "retry", "active"])) === 0);
    const to = Date.now();
    const minutes = Math.floor(to / 60_000) - Math.floor(from / 60_000) + 1;
    const jobs = await countIn(name, ["completed"]);
    assert.ok(jobs >= 1 && jobs <= minutes, `${jobs} job(s) in ${minutes} minute(s)`);
    assert.equal(runs.length, jobs, "each job ran once");
    assert.ok(runs.every((j) => JSON.stringify(j.data) === JSON.stringify({ x: 1 }) && j.attempt === 1), "with the schedule's data");

    await a.unschedule(name);
    assert.equal(Number((await client.query(`SELECT count(*) AS n FROM ${PGBOSS_SCHEMA}.schedule WHERE name = $1`, [name])).rows[0].n), 0);
    await assert.rejects(a.schedule(name, "not cron"), (e: unknown) => e instanceof AppError && e.code === "VALIDATION");
    await assert.rejects(a.schedule(name, "* * * * * *"), (e: unknown) => e instanceof AppError && e.code === "VALIDATION", "6 fields (seconds) are refused");
  });

  test("stop drains running jobs; one that does not finish within the grace goes back to the queue and runs again elsewhere", async () => {
    const q = queue();
    const name = uniqueName("drain");
    const held = gate();
    q.work<string>(name, { concurrency: 2 }, async (job) => {
      if (job.data === "slow") await held.opened;
      else await new Promise((r) => setTimeout(r, 100));
    });
    const [fast, slow] = (await q.sendMany(name, [{ data: "fast" }, { data: "slow", opts: { retryDelaySeconds: 0, retryBackoff: false } }])) as string[];
    await q.start();
    await until("both running", async () => (await stateOf(fast!)) === "active" && (await stateOf(slow!)) === "active");
    await q.stop({ graceMs: 1000 });
    assert.equal(await stateOf(fast!), "completed");
    const back = await row(slow!);
    assert.equal(back.state, "retry", "returned to the queue");
    assert.match(JSON.stringify(back.output), /shut down while active/);
    held.open(); // finishing after the stop changes nothing: the stopped worker's outcome is dropped
    // Sends work after stop; nothing is claimed by the stopped queue.
    const later = (await q.send(name, "fast"))!;
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(await stateOf(later), "created");
    assert.equal(await stateOf(slow!), "retry");

    const next = queue();
    const attempts = new Map<string, number>();
    next.work<string>(name, {}, async (job) => {
      attempts.set(job.data, job.attempt);
    });
    await next.start();
    await until("both completed", async () => (await stateOf(slow!)) === "completed" && (await stateOf(later)) === "completed");
    assert.deepEqual(Object.fromEntries(attempts), { slow: 2, fast: 1 });
  });

  test("the database cut off under a running worker: logged, not fatal; the job runs again after its expiry", async () => {
    // A login role of its own, so that only this queue's connections are cut (and refused).
    const role = `pgboss_cut_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN SUPERUSER`);
    const roleUrl = new URL(url);
    roleUrl.username = role;
    const q = queue({ url: roleUrl.toString() });
    try {
      const name = uniqueName("cut");
      const attempts: number[] = [];
      q.work(name, {}, async (job) => {
        attempts.push(job.attempt);
        if (job.attempt === 1) {
          await admin.query(`ALTER ROLE ${role} NOLOGIN`);
          await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [role]);
        }
      });
      // Sent (and its queue created) by the test's own role.
      const id = (await queue({ supervise: false, schedule: false }).send(name, null, { expireInSeconds: 2, retryDelaySeconds: 0, retryBackoff: false }))!;
      await q.start();
      // Without the containment, the completion's rejection would have ended this process here.
      await until("the lost completion is logged", () => logs.some((l) => l.startsWith("recording the outcome of jobs failed")), 20_000, [{ label: "logs", output: () => logs.join("\n") }]);
      assert.equal(await stateOf(id), "active", "still held by the first attempt");
      await admin.query(`ALTER ROLE ${role} LOGIN`);
      await until("completed by a second attempt after its expiry", async () => (await stateOf(id)) === "completed");
      assert.deepEqual(attempts, [1, 2]);
    } finally {
      await admin.query(`ALTER ROLE ${role} LOGIN`);
      await q.close({ graceMs: 1000 });
      await admin.query(`DROP ROLE ${role}`).catch(() => {}); // it may own a queue's table until the database is dropped
      await admin.end();
    }
  });
});

describe("send inside the caller's transaction", () => {
  test("the job exists only once the transaction commits; a worker never sees it before", async () => {
    const q = queue();
    const name = uniqueName("tx");
    const handled: string[] = [];
    q.work<string>(name, {}, async (job) => {
      handled.push(job.data);
    });
    await q.start();
    let id: string | null = null;
    await db.$transaction(async (tx) => {
      id = await q.send(name, "committed", { tx });
      assert.ok(id, "an id inside the transaction");
      const inside = await tx.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM ${PGBOSS_SCHEMA}.job WHERE id = $1::uuid`, id);
      assert.equal(inside.length, 1, "visible to the transaction itself");
      assert.equal((await client.query(`SELECT 1 FROM ${PGBOSS_SCHEMA}.job WHERE id = $1`, [id])).rowCount, 0, "not visible outside before the commit");
      // Longer than the wake-up and a poll interval: the worker finds nothing yet.
      await new Promise((r) => setTimeout(r, 800));
      assert.deepEqual(handled, [], "not handled before the commit");
    });
    await until("handled after the commit", () => handled.length === 1);
    assert.deepEqual(handled, ["committed"]);
    await until("completed", async () => (await stateOf(id!)) === "completed");
  });

  test("a rolled-back transaction leaves no job, and its singleton key stays free", async () => {
    const q = queue();
    const name = uniqueName("rollback");
    let sent: Array<string | null> = [];
    await assert.rejects(
      db.$transaction(async (tx) => {
        sent = await q.sendMany(name, [{ data: "lost", opts: { singletonKey: "only-one" } }, { data: "lost too" }], { tx });
        assert.ok(sent.every(Boolean), "sent inside the transaction");
        throw new Error("roll back");
      }),
      /roll back/,
    );
    assert.equal(await countIn(name, ["created", "retry", "active", "completed", "failed"]), 0, "no job after the rollback");
    const again = await q.send(name, "kept", { singletonKey: "only-one" });
    assert.ok(again, "the singleton key was never taken");
    assert.equal(await countIn(name, ["created"]), 1);
  });

  test("the singleton key is checked inside the transaction: the same key twice in one transaction sends once", async () => {
    const q = queue();
    const name = uniqueName("tx-singleton");
    const ids = await db.$transaction(async (tx) => [await q.send(name, 1, { tx, singletonKey: "k" }), await q.send(name, 2, { tx, singletonKey: "k" })]);
    assert.ok(ids[0], "the first is sent");
    assert.equal(ids[1], null, "the second finds the key taken");
    assert.equal(await countIn(name, ["created"]), 1);
  });

  test("two transactions sending the same key at once: one job (the second waits for the first and is refused)", async () => {
    const q = queue();
    const name = uniqueName("tx-race");
    await q.send(name, 0, { singletonKey: "warm-up", startAfter: new Date(Date.now() + 3600_000) }); // the queue exists
    const first = gate();
    const firstSent = gate();
    const one = db.$transaction(async (tx) => {
      const id = await q.send(name, 1, { tx, singletonKey: "k" });
      firstSent.open();
      await first.opened;
      return id;
    });
    await firstSent.opened;
    // The second's check cannot see the uncommitted first; pg-boss's unique index makes it wait and then refuses it.
    const two = db.$transaction((tx) => q.send(name, 2, { tx, singletonKey: "k" }));
    await new Promise((r) => setTimeout(r, 200));
    first.open();
    const ids = await Promise.all([one, two]);
    assert.ok(ids[0], "the first is sent");
    assert.equal(ids[1], null, "the second is refused");
    const { rows } = await client.query(`SELECT data FROM ${PGBOSS_SCHEMA}.job WHERE name = $1 AND singleton_key = 'k'`, [name]);
    assert.deepEqual(rows, [{ data: 1 }]);
  });
});

// --- real processes (STYLE 17) ---

const WORKER = path.join(process.cwd(), "lib", "jobs", "testing", "pgboss-worker-process.ts");
type TMark = { label: string; id: string; attempt: number; what: "start" | "done"; at: number };

async function startWorker(markers: string, w: Omit<TPgBossWorkerSettings, "url" | "markerDir"> & { label: string }): Promise<TTestProcess<true>> {
  const settings: TPgBossWorkerSettings = { url, markerDir: markers, ...w };
  return processes.start(w.label, WORKER, settings, (l) => (l.trim() === "ready" ? true : undefined));
}

async function readMarks(markers: string): Promise<TMark[]> {
  const marks: TMark[] = [];
  for (const file of (await readdir(markers)).filter((f) => f.endsWith(".log")).sort()) {
    const label = file.slice(0, -".log".length);
    for (const line of (await readFile(path.join(markers, file), "utf8")).split("\n")) {
      if (!line) continue;
      const [id, attempt, what, at] = line.split(" ");
      assert.ok(what === "start" || what === "done", `marker line ${JSON.stringify(line)} of ${label}`);
      marks.push({ label, id: id!, attempt: Number(attempt), what, at: Number(at) });
    }
  }
  return marks;
}

/** "<attempt> <what>" per job id for one process, in the order written. */
function history(marks: TMark[], label: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of marks) if (m.label === label) out.set(m.id, [...(out.get(m.id) ?? []), `${m.attempt} ${m.what}`]);
  return out;
}

/** A marker folder per test; children killed and files removed afterwards. */
async function withMarkers(fn: (markers: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "patchbay-pgboss-crash-"));
  const markers = path.join(dir, "markers");
  await mkdir(markers);
  try {
    await fn(markers);
  } finally {
    await processes.killAll();
    await rm(dir, { recursive: true, force: true });
  }
}

describe("pg-boss job queue across real processes", () => {
  /** Sends only: no maintenance here, so expiry is the worker processes' doing. */
  const sender = () => queue({ supervise: false, schedule: false });

  test("SIGKILL mid-job: nothing is lost; the jobs run again in the next process once they expired", async () => {
    await withMarkers(async (markers) => {
      const name = uniqueName("crash");
      const ids = (await sender().sendMany(name, [0, 1, 2].map((n) => ({ data: n, opts: { expireInSeconds: 2, retryDelaySeconds: 0, retryBackoff: false } })))) as string[];
      const a = await startWorker(markers, { label: "A", queue: name, mode: "hang", concurrency: 3 });
      await until("A started all 3 jobs", async () => (await readMarks(markers)).filter((m) => m.label === "A" && m.what === "start").length === 3, 20_000, [a]);
      const claimed = await Promise.all(ids.map(row));
      assert.deepEqual(claimed.map((r) => r.state), ["active", "active", "active"]);

      assert.deepEqual(await processes.signal(a, "SIGKILL"), { code: null, signal: "SIGKILL" });
      // The dead process's jobs are still active in the database.
      assert.deepEqual(await Promise.all(ids.map(stateOf)), ["active", "active", "active"]);

      const b = await startWorker(markers, { label: "B", queue: name, mode: "done", concurrency: 3 });
      await until("every job completed by B", async () => (await countIn(name, ["completed"])) === 3, 30_000, [b]);
      const marks = await readMarks(markers);
      const ofA = history(marks, "A");
      const ofB = history(marks, "B");
      ids.forEach((id, i) => {
        assert.deepEqual(ofA.get(id), ["1 start"], `A's marks of ${id}`);
        assert.deepEqual(ofB.get(id), ["2 start", "2 done"], `B's marks of ${id}`);
        const bStart = marks.find((m) => m.label === "B" && m.id === id && m.what === "start")!;
        const expiry = claimed[i]!.started_on!.getTime() + 2000;
        assert.ok(bStart.at >= expiry, `B started ${id} at ${bStart.at}, before its expiry at ${expiry}`);
      });
      assert.equal(await countIn(name, ["created", "retry", "active", "completed", "failed"]), 3, "no job was added");
    });
  });

  test("SIGTERM drains: running jobs finish within the grace and the process exits 0", async () => {
    await withMarkers(async (markers) => {
      const name = uniqueName("sigterm");
      const w = await startWorker(markers, { label: "W", queue: name, mode: "done", sleepMs: 700, concurrency: 2, graceMs: 10_000 });
      const ids = (await sender().sendMany(name, [{ data: 1 }, { data: 2 }])) as string[];
      await until("both jobs started", async () => (await readMarks(markers)).filter((m) => m.what === "start").length === 2, 20_000, [w]);
      assert.deepEqual(await processes.signal(w, "SIGTERM"), { code: 0, signal: null }, w.output());
      assert.deepEqual(await Promise.all(ids.map(stateOf)), ["completed", "completed"]);
      const ofW = history(await readMarks(markers), "W");
      for (const id of ids) assert.deepEqual(ofW.get(id), ["1 start", "1 done"], `marks of ${id}`);
    });
  });

  test("SIGTERM with a job longer than the grace: it goes back to the queue and the next process runs it at once", async () => {
    await withMarkers(async (markers) => {
      const name = uniqueName("sigterm-long");
      // The default expiry (60 s) is far beyond the deadline below: only a returned job runs in time.
      const id = (await sender().send(name, null, { retryDelaySeconds: 0, retryBackoff: false }))!;
      const a = await startWorker(markers, { label: "A", queue: name, mode: "hang", graceMs: 1000 });
      await until("A started the job", async () => (await readMarks(markers)).some((m) => m.id === id && m.what === "start"), 20_000, [a]);
      assert.deepEqual(await processes.signal(a, "SIGTERM"), { code: 0, signal: null }, a.output());
      assert.equal(await stateOf(id), "retry");

      const b = await startWorker(markers, { label: "B", queue: name, mode: "done" });
      await until("B completed the job", async () => (await stateOf(id)) === "completed", 20_000, [b]);
      const marks = await readMarks(markers);
      assert.deepEqual(history(marks, "A").get(id), ["1 start"]);
      assert.deepEqual(history(marks, "B").get(id), ["2 start", "2 done"]);
    });
  });
});
