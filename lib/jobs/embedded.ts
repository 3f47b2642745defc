// The embedded job runtime (SPEC §12 "embedded default"): jobs are rows of the app's database, so
// polls, deliveries and retries survive restarts. A claim is a lease: a job whose process died is
// claimed again once its lease runs out. Claims, schedules and completions are transactions, so
// several processes on one SQLite file never run a job twice at the same time nor send a scheduled
// job twice. Implements lib/jobs/types.ts; pg-boss will implement the same interface on PostgreSQL.
import parser from "cron-parser";
import type { TDb, TTx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { mayRetry, retryDelayMs } from "./backoff";
import type { TBatchHandler, TBatchWorkOptions, THandler, TJob, TJobQueue, TSendManyItem, TSendOptions, TWorkOptions } from "./types";

/** Completed jobs are kept this long (for inspection), failed ones longer. */
const KEEP_COMPLETED_MS = 24 * 3600_000;
const KEEP_FAILED_MS = 14 * 24 * 3600_000;
const MAX_ERROR = 2000;
/** Ids per IN list (well under SQLite's 32,766 bound variables). */
const IN_CHUNK = 500;

// A send in one copy of lib/ (Next's bundle, a server action) wakes the workers of the other
// (the custom server's), as the cache invalidation does.
const WAKE = Symbol.for("patchbay.jobs.wake");
const g = globalThis as unknown as { [WAKE]?: Set<(name: string) => void> };
const wakers = (g[WAKE] ??= new Set());

/** The next time a 5-field cron expression is due after `after`, in UTC. Throws VALIDATION when invalid. */
export function nextCronTime(cron: string, after: Date): Date {
  if (cron.trim().split(/\s+/).length !== 5) throw new AppError("VALIDATION", `Invalid schedule ${JSON.stringify(cron)}: use 5 cron fields (minute hour day month weekday).`);
  try {
    return parser.parseExpression(cron, { currentDate: after, tz: "UTC" }).next().toDate();
  } catch (e) {
    throw new AppError("VALIDATION", `Invalid schedule ${JSON.stringify(cron)}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * One claim of a batch of jobs by this process (one job for work()): the attempts and the lease
 * they hold. Completing, failing, renewing or returning the batch matches that lease, so a run
 * whose claim was lost (returned by stop(), or expired and claimed elsewhere) can never write over
 * a newer claim: every claim sets a lease later than any before it.
 */
type TClaim = {
  jobs: Array<TJob & { leaseMs: number }>;
  leaseUntil: Date;
  leaseMs: number;
  done?: Promise<void>;
  /** The lease renewal: stopped, and its write awaited, before the claim's result or release is written. */
  settle?: () => Promise<void>;
};
type TWorker = {
  handler: TBatchHandler;
  batchSize: number;
  concurrency: number;
  pollIntervalMs: number;
  /** Running claims by their first job's id. */
  running: Map<string, TClaim>;
  timer?: NodeJS.Timeout;
  pumping?: Promise<void>;
  again: boolean;
};

/** The row a send writes. */
function jobRow(name: string, data: unknown, opts: Omit<TSendOptions, "tx">, now: Date) {
  return {
    name,
    data: JSON.stringify(data ?? null),
    singletonKey: opts.singletonKey ?? null,
    retryLimit: opts.retryLimit ?? 2,
    retryDelayMs: Math.round((opts.retryDelaySeconds ?? 1) * 1000),
    retryBackoff: opts.retryBackoff ?? true,
    leaseMs: Math.round((opts.expireInSeconds ?? 60) * 1000),
    startAfter: opts.startAfter ?? now,
  };
}

export type TEmbeddedOptions = {
  /** How often due schedules are turned into jobs (default 1 s). */
  schedulerIntervalMs?: number;
  now?: () => Date;
  /** Where handler failures are reported (default console.error). */
  log?: (message: string, error?: unknown) => void;
};

export class EmbeddedJobQueue implements TJobQueue {
  private readonly workers = new Map<string, TWorker>();
  private started = false;
  private stopping = false;
  private schedulerTimer?: NodeJS.Timeout;
  private readonly wake = (name: string) => {
    if (this.workers.has(name)) void this.pump(name);
  };

  constructor(
    private readonly db: TDb,
    private readonly opts: TEmbeddedOptions = {},
  ) {}

  private now(): Date {
    return this.opts.now ? this.opts.now() : new Date();
  }

  private log(message: string, error?: unknown) {
    (this.opts.log ?? ((m, e) => console.error(`[patchbay] ${m}`, e ?? "")))(message, error);
  }

  async send<T>(name: string, data: T, opts: TSendOptions = {}): Promise<string | null> {
    const { tx, ...one } = opts;
    const [id] = await this.sendMany(name, [{ data, opts: one }], { tx });
    return id ?? null;
  }

  async sendMany<T>(name: string, items: Array<TSendManyItem<T>>, opts: { tx?: TTx } = {}): Promise<Array<string | null>> {
    if (items.length === 0) return [];
    const insert = async (tx: TTx) => {
      const now = this.now();
      const keys = items.map((i) => i.opts?.singletonKey).filter((k): k is string => k !== undefined);
      // Keys taken by a waiting or running job, and keys repeated within this call: the first wins.
      const taken = new Set<string>();
      for (let i = 0; i < keys.length; i += IN_CHUNK) {
        const rows = await tx.job.findMany({ where: { name, singletonKey: { in: keys.slice(i, i + IN_CHUNK) }, state: { in: ["created", "active"] } }, select: { singletonKey: true } });
        for (const r of rows) taken.add(r.singletonKey!);
      }
      const rows: Array<ReturnType<typeof jobRow> | null> = items.map((item) => {
        const key = item.opts?.singletonKey;
        if (key !== undefined) {
          if (taken.has(key)) return null;
          taken.add(key);
        }
        return jobRow(name, item.data, item.opts ?? {}, now);
      });
      const fresh = rows.filter((r) => r !== null);
      const ids: string[] = [];
      for (let i = 0; i < fresh.length; i += IN_CHUNK) {
        const made = await tx.job.createManyAndReturn({ data: fresh.slice(i, i + IN_CHUNK), select: { id: true } });
        ids.push(...made.map((m) => m.id));
      }
      let next = 0;
      return rows.map((r) => (r === null ? null : ids[next++]!));
    };
    const ids = opts.tx ? await insert(opts.tx) : await this.db.$transaction(insert);
    const dueNow = items.some((item, i) => ids[i] && (!item.opts?.startAfter || item.opts.startAfter.getTime() <= Date.now()));
    if (dueNow) {
      // In the caller's transaction the jobs are visible once that commits, which happens right
      // after this returns: wake the workers a moment later (their poll interval is the fallback).
      if (opts.tx) setTimeout(() => { for (const w of wakers) w(name); }, 5).unref();
      else for (const w of wakers) w(name);
    }
    return ids;
  }

  async schedule(name: string, cron: string, data: unknown = null, opts: Omit<TSendOptions, "startAfter" | "singletonKey"> = {}): Promise<void> {
    const now = this.now();
    const nextAt = nextCronTime(cron, now);
    const json = JSON.stringify({ data, opts });
    const existing = await this.db.jobSchedule.findUnique({ where: { name } });
    // The same schedule again (every start registers it): its next due time stays.
    if (existing && existing.cron === cron) {
      if (existing.data !== json) await this.db.jobSchedule.update({ where: { name }, data: { data: json } });
      return;
    }
    await this.db.jobSchedule.upsert({ where: { name }, create: { name, cron, data: json, nextAt }, update: { cron, data: json, nextAt } });
  }

  async unschedule(name: string): Promise<void> {
    await this.db.jobSchedule.deleteMany({ where: { name } });
  }

  work<T>(name: string, opts: TWorkOptions, handler: THandler<T>): void {
    this.workBatch<T>(name, { ...opts, batchSize: 1 }, (jobs) => handler(jobs[0]!));
  }

  workBatch<T>(name: string, opts: TBatchWorkOptions, handler: TBatchHandler<T>): void {
    if (this.workers.has(name)) throw new Error(`a worker for ${name} is registered already`);
    const w: TWorker = {
      handler: handler as TBatchHandler,
      batchSize: Math.max(1, Math.floor(opts.batchSize)),
      concurrency: Math.max(1, opts.concurrency ?? 1),
      pollIntervalMs: opts.pollIntervalMs ?? 500,
      running: new Map(),
      again: false,
    };
    this.workers.set(name, w);
    if (this.started) this.startWorker(name, w);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    wakers.add(this.wake);
    for (const [name, w] of this.workers) this.startWorker(name, w);
    const tick = () => void this.runScheduler().catch((e) => this.log("job scheduler failed", e));
    tick();
    this.schedulerTimer = setInterval(tick, this.opts.schedulerIntervalMs ?? 1000);
    this.schedulerTimer.unref();
  }

  private startWorker(name: string, w: TWorker) {
    w.timer = setInterval(() => void this.pump(name), w.pollIntervalMs);
    w.timer.unref();
    void this.pump(name);
  }

  async stop(opts: { graceMs?: number } = {}): Promise<void> {
    if (!this.started) return;
    this.stopping = true;
    wakers.delete(this.wake);
    clearInterval(this.schedulerTimer);
    for (const w of this.workers.values()) clearInterval(w.timer);
    // A claim in progress returns its jobs itself (see pump); wait for it before looking at what runs.
    await Promise.allSettled([...this.workers.values()].map((w) => w.pumping));
    const running = [...this.workers.values()].flatMap((w) => [...w.running.values()].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(running), new Promise((r) => (timer = setTimeout(r, opts.graceMs ?? 10_000)))]);
    clearTimeout(timer);
    // What did not finish goes back to the queue for the next start, this attempt not counted.
    for (const w of this.workers.values()) {
      for (const claim of w.running.values()) {
        try {
          await claim.settle?.();
          await this.release(claim);
        } catch (e) {
          this.log(`returning ${claim.jobs.length} job(s) to the queue failed (they run again after their lease)`, e);
        }
      }
      w.running.clear();
    }
    this.started = false;
  }

  /** Claims as many due jobs as the worker has room for and runs them; again when a batch finishes. */
  private pump(name: string): Promise<void> {
    const w = this.workers.get(name);
    if (!w || this.stopping || !this.started) return Promise.resolve();
    if (w.pumping) {
      w.again = true;
      return w.pumping;
    }
    let settle!: () => void;
    // Set before the loop starts: the loop may end without ever awaiting (no room).
    w.pumping = new Promise<void>((r) => (settle = r));
    void (async () => {
      try {
        do {
          w.again = false;
          const room = w.concurrency - w.running.size;
          if (room <= 0) break;
          const runningHere = [...w.running.values()].flatMap((c) => c.jobs.map((j) => j.id));
          const claims = await this.claim(name, room, w.batchSize, runningHere);
          if (this.stopping) {
            // stop() began while claiming: these go straight back.
            for (const c of claims) await this.release(c);
            break;
          }
          for (const c of claims) this.run(name, w, c);
          // A full claim: more may be due.
          if (claims.length === room && claims.at(-1)!.jobs.length === w.batchSize) w.again = true;
        } while (w.again && !this.stopping);
      } catch (e) {
        this.log(`claiming jobs of ${name} failed`, e);
      } finally {
        w.pumping = undefined;
        settle();
      }
    })();
    return w.pumping ?? Promise.resolve();
  }

  /** The claim's jobs, as long as they still hold its lease. */
  private held = (c: TClaim) => ({ id: { in: c.jobs.map((j) => j.id) }, state: "active", leaseUntil: c.leaseUntil });

  /** Back to the queue, this attempt not counted. */
  private async release(c: TClaim): Promise<void> {
    await this.db.job.updateMany({ where: this.held(c), data: { state: "created", attempt: { decrement: 1 }, leaseUntil: null, startAfter: this.now() } });
  }

  private run(name: string, w: TWorker, claim: TClaim) {
    // While the handler runs, the lease is renewed (every half lease): only a dead process lets it run out.
    let renewing: Promise<void> = Promise.resolve();
    const renew = setInterval(() => {
      const next = new Date(this.now().getTime() + claim.leaseMs);
      renewing = this.db.job
        .updateMany({ where: this.held(claim), data: { leaseUntil: next } })
        .then(({ count }) => {
          if (count > 0) claim.leaseUntil = next;
          else clearInterval(renew);
        })
        .catch((e) => this.log(`renewing the lease of ${claim.jobs.length} job(s) of ${name} failed`, e));
    }, Math.max(50, claim.leaseMs / 2));
    // A renewal in flight must land before the result is written, or the result would miss the lease.
    const settled = async () => {
      clearInterval(renew);
      await renewing;
    };
    renew.unref();
    claim.settle = settled;
    const key = claim.jobs[0]!.id;
    claim.done = (async () => {
      try {
        await w.handler(claim.jobs.map(({ id, name, data, attempt }) => ({ id, name, data, attempt })));
        await settled();
        await this.db.job.updateMany({ where: this.held(claim), data: { state: "completed", completedAt: this.now(), leaseUntil: null, lastError: null } });
      } catch (e) {
        await settled();
        for (const job of claim.jobs) await this.fail(claim, job, e).catch((err) => this.log(`recording the failure of job ${job.id} failed`, err));
      }
    })().finally(() => {
      clearInterval(renew);
      if (w.running.get(key) === claim) w.running.delete(key);
      void this.pump(name);
    });
    w.running.set(key, claim);
  }

  private async fail(claim: TClaim, job: TJob, e: unknown): Promise<void> {
    const { id, attempt } = job;
    const message = (e instanceof Error ? e.message : String(e)).slice(0, MAX_ERROR);
    const row = await this.db.job.findUnique({ where: { id }, select: { name: true, retryLimit: true, retryDelayMs: true, retryBackoff: true } });
    if (!row) return;
    const retry = mayRetry(attempt, row.retryLimit);
    if (!retry) this.log(`job ${row.name} ${id} failed for good after ${attempt} attempt(s): ${message}`);
    await this.db.job.updateMany({
      where: { id, attempt, state: "active", leaseUntil: claim.leaseUntil },
      data: retry
        ? { state: "created", leaseUntil: null, lastError: message, startAfter: new Date(this.now().getTime() + retryDelayMs(attempt, row.retryDelayMs, row.retryBackoff)) }
        : { state: "failed", leaseUntil: null, lastError: message, completedAt: this.now() },
    });
  }

  /**
   * Due jobs, and active ones whose lease ran out (their process died), claimed for their lease in
   * one transaction and split into up to `batches` batches of `batchSize`.
   */
  private async claim(name: string, batches: number, batchSize: number, runningHere: string[]): Promise<TClaim[]> {
    // The top-level state filter lets SQLite use the (name, state, startAfter) index instead of
    // reading every job of the queue, completed ones included.
    const due = (now: Date) => ({ name, state: { in: ["created", "active"] }, id: { notIn: runningHere }, OR: [{ state: "created", startAfter: { lte: now } }, { state: "active", leaseUntil: { lt: now } }] });
    // A read first: an idle queue never takes SQLite's write lock (the run log and the API write too).
    if (!(await this.db.job.findFirst({ where: due(this.now()), select: { id: true } }))) return [];
    const jobs = await this.db.$transaction(async (tx) => {
      const now = this.now();
      const rows = await tx.job.findMany({
        where: due(now),
        orderBy: [{ startAfter: "asc" }, { id: "asc" }],
        take: batches * batchSize,
        select: { id: true, state: true, attempt: true, retryLimit: true, leaseMs: true },
      });
      for (const r of rows) {
        if (r.state === "active" && !mayRetry(r.attempt, r.retryLimit)) {
          await tx.job.update({ where: { id: r.id }, data: { state: "failed", leaseUntil: null, completedAt: now, lastError: `The attempt did not finish within ${r.leaseMs / 1000} s (its process stopped or hung).` } });
        }
      }
      const claimable = rows.filter((r) => r.state === "created" || mayRetry(r.attempt, r.retryLimit));
      // One update per lease length (a queue's jobs usually share one): this transaction holds
      // SQLite's write lock, so the rows read above are still due.
      const claimed: Array<TJob & { leaseMs: number; leaseUntil: Date }> = [];
      for (const leaseMs of new Set(claimable.map((r) => r.leaseMs))) {
        const leaseUntil = new Date(now.getTime() + leaseMs);
        const ids = claimable.filter((r) => r.leaseMs === leaseMs).map((r) => r.id);
        const got = await tx.job.updateManyAndReturn({
          where: { id: { in: ids }, state: { in: ["created", "active"] } },
          data: { state: "active", attempt: { increment: 1 }, leaseUntil },
          select: { id: true, name: true, data: true, attempt: true },
        });
        for (const g of got) claimed.push({ id: g.id, name: g.name, data: JSON.parse(g.data) as unknown, attempt: g.attempt, leaseMs, leaseUntil });
      }
      // In the order they were due.
      const order = new Map(rows.map((r, i) => [r.id, i]));
      return claimed.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    });
    // Batches of one lease each (jobs grouped by lease first), at most `batches` of them: jobs of
    // other lease lengths beyond that go back at once.
    const byLease = new Map<number, typeof jobs>();
    for (const j of jobs) byLease.set(j.leaseUntil.getTime(), [...(byLease.get(j.leaseUntil.getTime()) ?? []), j]);
    const claims: TClaim[] = [];
    for (const group of byLease.values()) {
      for (let i = 0; i < group.length; i += batchSize) {
        const part = group.slice(i, i + batchSize);
        claims.push({ jobs: part, leaseUntil: part[0]!.leaseUntil, leaseMs: part[0]!.leaseMs });
      }
    }
    for (const extra of claims.splice(batches)) await this.release(extra);
    return claims;
  }

  /** Turns due schedules into jobs, once across processes: the due time moves in the same transaction. */
  async runScheduler(): Promise<void> {
    if (!(await this.db.jobSchedule.findFirst({ where: { nextAt: { lte: this.now() } }, select: { name: true } }))) return;
    const due = await this.db.$transaction(async (tx) => {
      const now = this.now();
      const schedules = await tx.jobSchedule.findMany({ where: { nextAt: { lte: now } } });
      const sent: string[] = [];
      for (const s of schedules) {
        const { data, opts } = JSON.parse(s.data) as { data: unknown; opts: Omit<TSendOptions, "startAfter" | "singletonKey"> };
        // A missed run (the app was down) runs once, not once per missed time.
        await tx.job.create({ data: jobRow(s.name, data, opts, now) });
        await tx.jobSchedule.update({ where: { name: s.name }, data: { nextAt: nextCronTime(s.cron, now) } });
        sent.push(s.name);
      }
      return sent;
    });
    for (const name of due) for (const w of wakers) w(name);
  }

  /** Deletes completed jobs older than a day and failed ones older than two weeks. */
  async cleanup(): Promise<number> {
    const now = this.now().getTime();
    const { count: completed } = await this.db.job.deleteMany({ where: { state: "completed", completedAt: { lt: new Date(now - KEEP_COMPLETED_MS) } } });
    const { count: failed } = await this.db.job.deleteMany({ where: { state: "failed", completedAt: { lt: new Date(now - KEEP_FAILED_MS) } } });
    return completed + failed;
  }
}
