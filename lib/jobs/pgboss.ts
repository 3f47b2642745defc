// The job interface (lib/jobs/types.ts) on pg-boss 10 when the database is PostgreSQL (SPEC §12):
// jobs, claims (SELECT … FOR UPDATE SKIP LOCKED), retries, expiry of a dead worker's jobs,
// retention and cron schedules are pg-boss's, in its own schema ("pgboss") of the app's database,
// so several processes share one queue and each job runs once at a time across all of them.
// What this file adds:
// - Singleton keys as the callers need them ("at most one waiting or running job carries the key";
//   see waitingKeys below) and sends inside the caller's Prisma transaction (pg-boss's `db` option).
// - Containment of pg-boss's un-awaited statements (see generationDb); a pg-boss instance that only
//   sends (no timers) and one per start/stop cycle for the workers, maintenance and scheduler.
// - Local wake-ups (notifyWorker) after a send, and an immediate fetch again after a full batch.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { createPgPool } from "@/lib/pg-adapter";
import PgBoss from "pg-boss";
import type { TTx } from "@/lib/db";
import { nextCronTime } from "./embedded";
import type { TBatchHandler, TBatchWorkOptions, THandler, TJob, TJobQueue, TSendManyItem, TSendOptions, TWorkOptions } from "./types";

/** pg-boss's schema in the app's database. */
export const PGBOSS_SCHEMA = "pgboss";

/** The interface's defaults (types.ts), also pg-boss's for the jobs its scheduler inserts. */
const DEFAULTS = { retryLimit: 2, retryDelaySeconds: 1, retryBackoff: true, expireInSeconds: 60 };

/**
 * Finished jobs leave pg-boss's job table (for its archive) after an hour — completed ones — or 13
 * days — failed ones — and the archive is emptied after a day: completed jobs are kept about a
 * day, failed ones two weeks, as the embedded runtime's cleanup does. A small job table keeps
 * claims and the maintenance scan cheap.
 */
const RETENTION = { archiveCompletedAfterSeconds: 3600, archiveFailedAfterSeconds: 13 * 86_400, deleteAfterDays: 1 };

/**
 * The two statements pg-boss's work() runs without awaiting them (manager.js, watch(): the batch's
 * completion or failure after the handler). Should the database be unreachable at that moment,
 * their rejection would be unhandled and end the process (Node's default), whatever 'error'
 * listener is set. pgboss.test.ts checks these patterns against pg-boss's own SQL.
 */
export const WORKER_OUTCOME_SQL = [
  /UPDATE \w+\.job\s+SET completed_on = now\(\),\s+state = 'completed'/,
  /DELETE FROM \w+\.job\s+WHERE name = \$1 AND id IN \(SELECT UNNEST\(\$2::uuid\[\]\)\) AND state < 'completed'/,
];
const isWorkerOutcome = (text: string) => WORKER_OUTCOME_SQL.some((re) => re.test(text));

/** PostgreSQL's deadlock_detected. */
const DEADLOCK = "40P01";

export type TPgBossQueueOptions = {
  /** postgres:// URL of the app's database. */
  url: string;
  /**
   * pg-boss's maintenance in this process (default true): expiry of jobs whose worker died, and
   * retention. It runs in one process per interval across all of them. Off for a sender-only queue.
   */
  supervise?: boolean;
  /** Turns due schedules into jobs in this process (default true; once across processes). Off for a sender-only queue. */
  schedule?: boolean;
  /** Connections of the queue's own pool (default 10); sends inside a transaction use the caller's. */
  poolSize?: number;
  application?: string;
  /**
   * How often maintenance runs (default 15 s): a job whose worker died runs again after its
   * expireInSeconds plus at most this (plus its retry delay).
   */
  maintenanceIntervalSeconds?: number;
  /** How often due schedules are looked for (pg-boss's default 30 s, 1–45). */
  cronMonitorIntervalSeconds?: number;
  /** How often the scheduler's own queue is polled (pg-boss's default 5 s). */
  cronWorkerIntervalSeconds?: number;
  /** Where failures are reported (default console.error). */
  log?: (message: string, error?: unknown) => void;
};

type TSql = { executeSql(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }> };
type TGenerationDb = TSql & { closed: boolean };
/** The pg-boss instance of one start/stop cycle (a stopped PgBoss cannot be started again: its maintenance would stay off). */
type TGeneration = { boss: PgBoss; db: TGenerationDb };
/** One pg-boss worker (work() registration) of a queue; `busy` while it runs a batch. */
type TSlot = { id?: string; busy: boolean };
type TWorker = { name: string; handler: TBatchHandler; batchSize: number; concurrency: number; pollIntervalMs: number; slots: TSlot[] };
type TRow = PgBoss.JobWithMetadata<unknown>;

/** Statements on the caller's interactive transaction (pg-boss's `db` option). */
function txSql(tx: TTx): TSql {
  return {
    executeSql: async (text, values = []) => ({
      // pg-boss leaves unset options undefined; a raw query's parameters must be null then.
      rows: await tx.$queryRawUnsafe<Array<Record<string, unknown>>>(text, ...values.map((v) => (v === undefined ? null : v))),
    }),
  };
}

/** pg-boss's insert row for one job of ours; a job without a singleton key gets its id as key (see waitingKeys). */
function jobInsert(name: string, id: string, data: unknown, opts: Omit<TSendOptions, "tx">): PgBoss.JobInsert {
  return {
    id,
    name,
    data: (data ?? null) as object,
    startAfter: opts.startAfter?.toISOString(),
    singletonKey: opts.singletonKey ?? id,
    ...retryOptions(opts),
  };
}

/** pg-boss's retry and expiry options (whole seconds) for ours. */
function retryOptions(opts: Pick<TSendOptions, "retryLimit" | "retryDelaySeconds" | "retryBackoff" | "expireInSeconds">) {
  return {
    retryLimit: opts.retryLimit ?? DEFAULTS.retryLimit,
    retryDelay: Math.max(0, Math.round(opts.retryDelaySeconds ?? DEFAULTS.retryDelaySeconds)),
    retryBackoff: opts.retryBackoff ?? DEFAULTS.retryBackoff,
    expireInSeconds: Math.max(1, Math.ceil(opts.expireInSeconds ?? DEFAULTS.expireInSeconds)),
  };
}

/**
 * Which of `keys` a waiting (created, retry) or running (active) job of the queue carries.
 *
 * Singleton keys: the chains of events and listeners send `<id>:<seq>` and their minute sweep sends
 * a lost chain's key again, expecting null while the chain's job still waits or runs — including a
 * job waiting for its retry or held by a worker — and a new job once it completed or failed for
 * good. pg-boss 10 alone has no such policy: on a 'standard' queue a key alone does nothing,
 * 'short' only refuses a second *created* job, 'stately' one job per key *and state* (a created
 * one beside a running or retrying one is let in). So every queue is 'stately' — its unique index
 * refuses a second waiting job even from a concurrent, uncommitted send — and this check, in the
 * same transaction right before the insert, refuses a key a retrying or running job holds (it uses
 * the same index). 'stately' also treats all jobs without a key as one key, so a job sent without
 * one gets its own id as key; only jobs that pg-boss's scheduler inserts have none (so at most one
 * scheduled job of a queue waits at a time, which suits schedules).
 */
async function waitingKeys(sql: TSql, name: string, keys: string[]): Promise<Set<string>> {
  const { rows } = await sql.executeSql(
    `SELECT singleton_key AS key FROM ${PGBOSS_SCHEMA}.job
      WHERE name = $1 AND policy = 'stately' AND state IN ('created', 'retry', 'active')
        AND COALESCE(singleton_key, '') = ANY(ARRAY(SELECT jsonb_array_elements_text($2::jsonb)))`,
    [name, JSON.stringify(keys)],
  );
  return new Set(rows.map((r) => String(r.key)));
}

/** Which of `ids` the queue holds: a keyed job the unique index refused (a concurrent send won) is missing. */
async function storedIds(sql: TSql, name: string, ids: string[]): Promise<Set<string>> {
  const { rows } = await sql.executeSql(
    `SELECT id::text AS id FROM ${PGBOSS_SCHEMA}.job WHERE name = $1 AND id = ANY(ARRAY(SELECT jsonb_array_elements_text($2::jsonb))::uuid[])`,
    [name, JSON.stringify(ids)],
  );
  return new Set(rows.map((r) => String(r.id)));
}

/**
 * A 'stately' queue (see waitingKeys), unless it exists. pg-boss's create_queue() is idempotent but
 * two processes creating the same queue at the same moment (instances starting together on a new
 * database) can deadlock in it; PostgreSQL rolls one back, which then finds the queue made.
 */
async function createQueue(boss: PgBoss, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if (await boss.getQueue(name)) return;
    try {
      await boss.createQueue(name, { name, policy: "stately" });
      return;
    } catch (e) {
      if ((e as { code?: unknown }).code !== DEADLOCK || attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
    }
  }
}

export class PgBossJobQueue implements TJobQueue {
  private readonly pool: pg.Pool;
  private readonly workers = new Map<string, TWorker>();
  /** Queues created (or being created) in pg-boss by this process. */
  private readonly queues = new Map<string, Promise<void>>();
  /** The pg-boss instance that sends (and schedules): started once, which only installs or migrates pg-boss's schema. */
  private sender?: Promise<{ boss: PgBoss; db: TSql }>;
  /** The running workers, maintenance and scheduler: from start() to stop(). */
  private gen?: TGeneration;
  private started = false;

  constructor(private readonly opts: TPgBossQueueOptions) {
    // Ours rather than pg-boss's own pool, so that every statement passes generationDb, and one
    // pool serves every pg-boss instance. allowExitOnIdle: an idle queue never keeps a process alive.
    this.pool = createPgPool(opts.url, { max: opts.poolSize ?? 10, application: opts.application ?? "patchbay-jobs", allowExitOnIdle: true });
    // A connection lost while idle (database restarted): logged; the next statement connects again.
    // (The message only: pg's error carries the whole client.)
    this.pool.on("error", (e) => this.log(`a job queue database connection failed: ${e.message}`));
  }

  private log(message: string, error?: unknown) {
    (this.opts.log ?? ((m, e) => console.error(`[patchbay] ${m}`, e ?? "")))(message, error);
  }

  /**
   * pg-boss's `db` for one instance. An outcome statement of pg-boss's work() (see
   * WORKER_OUTCOME_SQL) never rejects: a failure is logged and the jobs stay active until their
   * expiry, when maintenance hands them out again (at-least-once). Once the instance stopped, such
   * a statement — a handler that finished after stop() had failed its jobs back to the queue — is
   * dropped, as it would be with pg-boss's own pool closed at stop.
   */
  private generationDb(): TGenerationDb {
    const db: TGenerationDb = {
      closed: false,
      executeSql: async (text, values) => {
        const outcome = isWorkerOutcome(text);
        // No result at all for a contained outcome: pg-boss then counts 0 affected jobs.
        const none = undefined as unknown as { rows: [] };
        if (db.closed) {
          if (outcome) return none;
          throw new Error("this job queue's workers were stopped");
        }
        try {
          return await this.pool.query(text, values);
        } catch (e) {
          if (!outcome) throw e;
          this.log("recording the outcome of jobs failed (they run again after their expiry)", e);
          return none;
        }
      },
    };
    return db;
  }

  /** A pg-boss instance over `db`; with `background`, the maintenance and scheduler this queue was configured with. */
  private newBoss(db: TSql, background: boolean): PgBoss {
    const boss = new PgBoss({
      db: db as PgBoss.Db,
      schema: PGBOSS_SCHEMA,
      migrate: true,
      supervise: background && (this.opts.supervise ?? true),
      schedule: background && (this.opts.schedule ?? true),
      maintenanceIntervalSeconds: this.opts.maintenanceIntervalSeconds ?? 15,
      ...(this.opts.cronMonitorIntervalSeconds ? { cronMonitorIntervalSeconds: this.opts.cronMonitorIntervalSeconds } : {}),
      ...(this.opts.cronWorkerIntervalSeconds ? { cronWorkerIntervalSeconds: this.opts.cronWorkerIntervalSeconds } : {}),
      ...RETENTION,
      retryLimit: DEFAULTS.retryLimit,
      retryDelay: DEFAULTS.retryDelaySeconds,
      retryBackoff: DEFAULTS.retryBackoff,
      expireInSeconds: DEFAULTS.expireInSeconds,
    });
    // Maintenance, scheduler and worker errors (the database unreachable, ...): logged, never thrown
    // (an EventEmitter's 'error' without a listener would end the process). Work resumes by itself.
    boss.on("error", (e) => this.log("job queue (pg-boss)", e));
    return boss;
  }

  /**
   * pg-boss for sending. Its start installs or migrates pg-boss's schema and nothing else (no
   * timers: a process that only sends, or a test, ends when it is done); a failed start is tried
   * again on the next use.
   */
  private async boss(): Promise<{ boss: PgBoss; db: TSql }> {
    this.sender ??= (async () => {
      const db = this.generationDb();
      const boss = this.newBoss(db, false);
      await boss.start();
      return { boss, db };
    })().catch((e: unknown) => {
      this.sender = undefined;
      throw e;
    });
    return this.sender;
  }

  /** Creates the queue in pg-boss once per process (idempotent across processes). */
  private async ensureQueue(name: string): Promise<void> {
    let created = this.queues.get(name);
    if (!created) {
      created = this.boss()
        .then(({ boss }) => createQueue(boss, name))
        .catch((e: unknown) => {
          this.queues.delete(name);
          throw e;
        });
      this.queues.set(name, created);
    }
    return created;
  }

  async send<T>(name: string, data: T, opts: TSendOptions = {}): Promise<string | null> {
    const { tx, ...one } = opts;
    const [id] = await this.sendMany(name, [{ data, opts: one }], { tx });
    return id ?? null;
  }

  async sendMany<T>(name: string, items: Array<TSendManyItem<T>>, opts: { tx?: TTx } = {}): Promise<Array<string | null>> {
    if (items.length === 0) return [];
    const { boss, db } = await this.boss();
    // Outside the caller's transaction (its own statement, committed at once).
    await this.ensureQueue(name);
    const sql = opts.tx ? txSql(opts.tx) : db;
    const keys = [...new Set(items.flatMap((i) => (i.opts?.singletonKey === undefined ? [] : [i.opts.singletonKey])))];
    // Keys taken by a waiting or running job, and keys repeated within this call: the first wins.
    const taken = keys.length > 0 ? await waitingKeys(sql, name, keys) : new Set<string>();
    const ids: Array<string | null> = [];
    const rows: PgBoss.JobInsert[] = [];
    const keyed = new Set<string>();
    let due = 0;
    for (const item of items) {
      const key = item.opts?.singletonKey;
      if (key !== undefined) {
        if (taken.has(key)) {
          ids.push(null);
          continue;
        }
        taken.add(key);
      }
      const id = randomUUID();
      ids.push(id);
      rows.push(jobInsert(name, id, item.data, item.opts ?? {}));
      if (key !== undefined) keyed.add(id);
      if (!item.opts?.startAfter || item.opts.startAfter.getTime() <= Date.now()) due++;
    }
    if (rows.length === 0) return ids;
    await boss.insert(rows, { db: sql });
    if (keyed.size > 0) {
      const stored = await storedIds(sql, name, [...keyed]);
      for (let i = 0; i < ids.length; i++) if (ids[i] && keyed.has(ids[i]!) && !stored.has(ids[i]!)) ids[i] = null;
    }
    // In the caller's transaction the jobs are visible once it commits, right after this returns:
    // wake a moment later (the poll interval is the fallback).
    if (due > 0) {
      if (opts.tx) setTimeout(() => this.wake(name, due), 10).unref();
      else this.wake(name, due);
    }
    return ids;
  }

  /** Wakes this process's idle workers of the queue, as many as `due` jobs fill batches (then busy ones: they fetch again when done). */
  private wake(name: string, due: number) {
    const w = this.workers.get(name);
    const g = this.gen;
    if (!w || !g || !this.started) return;
    let left = Math.ceil(due / w.batchSize);
    for (const slot of [...w.slots.filter((s) => !s.busy), ...w.slots.filter((s) => s.busy)]) {
      if (left-- <= 0) break;
      if (slot.id) g.boss.notifyWorker(slot.id);
    }
  }

  async schedule(name: string, cron: string, data: unknown = null, opts: Omit<TSendOptions, "startAfter" | "singletonKey"> = {}): Promise<void> {
    nextCronTime(cron, new Date()); // 5 fields, or a VALIDATION error (pg-boss would take 6)
    const { boss } = await this.boss();
    await this.ensureQueue(name);
    // One row per queue name (an upsert): every instance registering it at start leaves one
    // schedule, and pg-boss's scheduler sends each due time once across processes (its cron check
    // runs in one process per interval, and its send is a singleton per minute).
    // The data as JSON text: pg would send a bare string as it is, which is not JSON.
    await boss.schedule(name, cron, JSON.stringify(data ?? null) as unknown as object, { tz: "UTC", ...retryOptions(opts) });
  }

  async unschedule(name: string): Promise<void> {
    await (await this.boss()).boss.unschedule(name);
  }

  work<T>(name: string, opts: TWorkOptions, handler: THandler<T>): void {
    this.workBatch<T>(name, { ...opts, batchSize: 1 }, (jobs) => handler(jobs[0]!));
  }

  workBatch<T>(name: string, opts: TBatchWorkOptions, handler: TBatchHandler<T>): void {
    if (this.workers.has(name)) throw new Error(`a worker for ${name} is registered already`);
    const w: TWorker = {
      name,
      handler: handler as TBatchHandler,
      batchSize: Math.max(1, Math.floor(opts.batchSize)),
      concurrency: Math.max(1, opts.concurrency ?? 1),
      pollIntervalMs: opts.pollIntervalMs ?? 500,
      slots: [],
    };
    this.workers.set(name, w);
    if (this.started && this.gen) void this.startWorker(this.gen, w).catch((e) => this.log(`starting the worker of ${name} failed`, e));
  }

  /**
   * `concurrency` pg-boss workers of `batchSize` (pg-boss 10 has no local concurrency option: each
   * work() is one fetch loop running one batch at a time). Only the first polls at the worker's
   * interval (pg-boss's minimum is 0.5 s); the others poll rarely and are woken instead — by a full
   * batch (more may be due: the backlog wakes one more worker per fetch) or by a send in this
   * process — so that an idle process does not poll a queue `concurrency` times per interval.
   */
  private async startWorker(g: TGeneration, w: TWorker): Promise<void> {
    await this.ensureQueue(w.name);
    w.slots = [];
    const seconds = Math.max(0.5, w.pollIntervalMs / 1000);
    for (let i = 0; i < w.concurrency; i++) {
      const slot: TSlot = { busy: false };
      w.slots.push(slot);
      const pollingIntervalSeconds = i === 0 ? seconds : Math.max(seconds, Math.min(30, seconds * w.concurrency));
      slot.id = await g.boss.work<unknown>(w.name, { batchSize: w.batchSize, pollingIntervalSeconds, includeMetadata: true }, (rows) => this.runBatch(g, w, slot, rows));
    }
  }

  /** One batch: resolving completes every job (pg-boss), throwing fails every one, each retried by its own settings. */
  private async runBatch(g: TGeneration, w: TWorker, slot: TSlot, rows: TRow[]): Promise<void> {
    slot.busy = true;
    try {
      if (rows.length >= w.batchSize) {
        // A full batch: more may be due. This worker fetches again when done instead of after its
        // interval, and an idle one fetches now.
        if (slot.id) g.boss.notifyWorker(slot.id);
        const idle = w.slots.find((s) => s !== slot && !s.busy && s.id);
        if (idle) g.boss.notifyWorker(idle.id!);
      }
      const jobs: TJob[] = rows.map((r) => ({ id: r.id, name: r.name, data: r.data, attempt: r.retryCount + 1 }));
      await w.handler(jobs);
    } catch (e) {
      const spent = rows.filter((r) => r.retryCount >= r.retryLimit);
      if (spent.length > 0) this.log(`${spent.length} job(s) of ${w.name} failed for good after their last attempt: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    } finally {
      slot.busy = false;
    }
  }

  /**
   * Starts this process's pg-boss workers, maintenance and scheduler (each as configured). A queue
   * without workers, maintenance or schedules (PATCHBAY_ROLE=web) starts nothing but its schema check.
   */
  async start(): Promise<void> {
    if (this.started) return;
    await this.boss(); // the schema, before a second instance looks at it
    const db = this.generationDb();
    const g: TGeneration = { boss: this.newBoss(db, true), db };
    await g.boss.start();
    this.gen = g;
    this.started = true;
    for (const w of this.workers.values()) await this.startWorker(g, w);
  }

  /**
   * pg-boss's graceful stop: no more fetching, running batches finish for up to `graceMs` (at least
   * 1 s, pg-boss's minimum; it looks every 0.5 s), then pg-boss fails what still runs — back to the
   * queue as a retry after the job's retry delay, the attempt counted (on its last attempt it fails
   * for good; the chains' sweeps send those again). Sends keep working afterwards, as they do on
   * the embedded runtime; start() starts new workers.
   */
  async stop(opts: { graceMs?: number } = {}): Promise<void> {
    const g = this.gen;
    this.started = false;
    this.gen = undefined;
    if (!g) return;
    try {
      await g.boss.stop({ graceful: true, wait: true, close: false, timeout: opts.graceMs ?? 10_000 });
    } catch (e) {
      this.log("stopping the job queue failed", e);
    } finally {
      g.db.closed = true;
    }
  }

  /** stop(), then closes the pool (tests and scripts; the app exits instead). */
  async close(opts: { graceMs?: number } = {}): Promise<void> {
    await this.stop(opts);
    if (!this.pool.ending) await this.pool.end();
  }
}
