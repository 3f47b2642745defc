import type { TTx } from "@/lib/db";

// The one job interface (SPEC §12, STYLE 14): every background task — polls, deliveries,
// hand-offs, retention — is a job sent to a named queue and handled by a worker. The embedded
// runtime (embedded.ts) implements it on SQLite, pg-boss 10 (pgboss.ts) on PostgreSQL; the option
// names follow pg-boss's. Where the two differ, the comments below say so. Handlers must be
// idempotent: a job whose worker died (or whose claim expired) runs again, so a handler may see
// the same job twice.

export type TJob<T = unknown> = {
  id: string;
  name: string;
  data: T;
  /** 1 for the first attempt. */
  attempt: number;
};

export type TSendOptions = {
  /**
   * Send inside the caller's database transaction: the job exists exactly when the caller's
   * writes commit (an event and its delivery job, a poll's commit and the next poll). pg-boss
   * takes the same through its `db` option.
   */
  tx?: TTx;
  /** Not before this time (a delayed send). */
  startAfter?: Date;
  /** At most one waiting or running job of the queue carries this key: a second send returns null. */
  singletonKey?: string;
  /** Retries after the first attempt fails (default 2). */
  retryLimit?: number;
  /**
   * Delay before a retry (default 1 s), doubled per attempt with retryBackoff (default true).
   * pg-boss: whole seconds, at least 1 with backoff, and up to twice as long (its jitter).
   */
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  /**
   * How long one attempt may hold the job (default 60 s): after that it counts as failed and may
   * run again. Embedded: renewed while the handler runs, so only a dead process lets it run out.
   * pg-boss (no renewal): the longest one attempt may run — pg-boss fails it then, while the handler
   * may still be running — and a dead worker's job is noticed by the next maintenance run after it.
   */
  expireInSeconds?: number;
};

export type TWorkOptions = {
  /** Handler calls of this queue running at the same time in this process (default 1). */
  concurrency?: number;
  /**
   * How often an idle worker looks for due jobs (default 500 ms; pg-boss: at least 500 ms); a send
   * in this process wakes it at once.
   */
  pollIntervalMs?: number;
};

export type THandler<T = unknown> = (job: TJob<T>) => Promise<void>;

/**
 * A handler of several jobs at once (pg-boss's batchSize): one claim, one completion for all of
 * them. Resolving completes every job of the batch, throwing fails every one (each retried by its
 * own retry settings), so a batch handler records per-job outcomes itself where they differ.
 */
export type TBatchHandler<T = unknown> = (jobs: Array<TJob<T>>) => Promise<void>;

export type TBatchWorkOptions = TWorkOptions & {
  /** At most this many jobs per handler call; a call gets what is due, however few. */
  batchSize: number;
};

/** One job of a sendMany: its data and the options a single send takes (but `tx`). */
export type TSendManyItem<T> = { data: T; opts?: Omit<TSendOptions, "tx"> };

export interface TJobQueue {
  /** Stores a job durably; its id, or null when `singletonKey` is already taken. */
  send<T>(name: string, data: T, opts?: TSendOptions): Promise<string | null>;
  /** Several jobs of one queue in one write (pg-boss's insert): their ids in order, null where a singleton key was taken. */
  sendMany<T>(name: string, items: Array<TSendManyItem<T>>, opts?: { tx?: TTx }): Promise<Array<string | null>>;
  /**
   * A recurring schedule (5-field cron, UTC): one job per due time, once across processes. A due
   * time missed while no scheduler ran: embedded, one job for all of them; pg-boss, none (it looks
   * back one minute), and at most one scheduled job of a queue waits at a time.
   */
  schedule(name: string, cron: string, data?: unknown, opts?: Omit<TSendOptions, "startAfter" | "singletonKey">): Promise<void>;
  unschedule(name: string): Promise<void>;
  /** Handles the queue's jobs in this process (after start()). A thrown error fails the attempt. */
  work<T>(name: string, opts: TWorkOptions, handler: THandler<T>): void;
  /** As work(), the handler taking up to `batchSize` jobs per call; `concurrency` calls at once. */
  workBatch<T>(name: string, opts: TBatchWorkOptions, handler: TBatchHandler<T>): void;
  start(): Promise<void>;
  /**
   * Stops taking work, lets running jobs finish for up to `graceMs` (default 10 s), returns the rest
   * to the queue: embedded, due at once and this attempt not counted; pg-boss (grace at least 1 s),
   * as a failed attempt, retried after its delay (failed for good if it was the last).
   */
  stop(opts?: { graceMs?: number }): Promise<void>;
}
