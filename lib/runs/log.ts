import "server-only";
// The run log (SPEC §8): every API run and every Test, written in batches off the hot path.
// A run is queued in memory and committed with others every FLUSH_MS (or at BATCH_MAX queued)
// with one multi-row INSERT: Prisma's createMany costs ~250 µs of CPU per row against ~35 µs here
// (npm run bench:api), and the SQLite driver is synchronous, so a batch blocks the event loop;
// a crash loses at most the runs of the last ~0.5 s. Shutdown (server.ts) flushes what is queued.
// One queue per process on globalThis: Next's bundle (Test) and the lean API share it.
import { randomUUID } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { getDb } from "@/lib/db";

export type TRunSource = "api" | "test";

export type TRunEntry = {
  at: Date;
  source: TRunSource;
  connectorId: string | null;
  connectorName: string;
  userId: string | null;
  tokenId: string | null;
  environmentId: string | null;
  /** The upstream's status; null when it did not answer. */
  status: number | null;
  errorCode: string | null;
  durationMs: number;
  requestBytes: number;
  responseBytes: number;
};

const FLUSH_MS = 500;
// ~4 ms of blocking per batch on SQLite.
const BATCH_MAX = 100;
/** Beyond this many unwritten runs (database down), the oldest are dropped rather than the process growing. */
const QUEUE_MAX = 50_000;

type TState = { queue: TRunEntry[]; timer: NodeJS.Timeout | null; flushing: Promise<void> | null; dropped: number };
const KEY = Symbol.for("patchbay.runs.queue");
const g = globalThis as unknown as { [KEY]?: TState };
const state: TState = (g[KEY] ??= { queue: [], timer: null, flushing: null, dropped: 0 });

/** Queues a run for the log; never throws, never waits for the database. */
export function recordRun(entry: TRunEntry): void {
  if (state.queue.length >= QUEUE_MAX) {
    state.queue.shift();
    state.dropped++;
  }
  state.queue.push(entry);
  if (state.queue.length >= BATCH_MAX) void flushRuns();
  else if (!state.timer) {
    state.timer = setTimeout(() => void flushRuns(), FLUSH_MS);
    state.timer.unref();
  }
}

async function writeBatch(batch: TRunEntry[]): Promise<void> {
  try {
    const rows = batch.map(
      (r) =>
        Prisma.sql`(${randomUUID()}, ${r.at}, ${r.source}, ${r.connectorId}, ${r.connectorName}, ${r.userId}, ${r.tokenId}, ${r.environmentId}, ${r.status}, ${r.errorCode}, ${r.durationMs}, ${r.requestBytes}, ${r.responseBytes})`,
    );
    await getDb().$executeRaw`INSERT INTO "Run" ("id", "at", "source", "connectorId", "connectorName", "userId", "tokenId", "environmentId", "status", "errorCode", "durationMs", "requestBytes", "responseBytes") VALUES ${Prisma.join(rows)}`;
  } catch (e) {
    console.error(`[patchbay] could not write ${batch.length} runs to the run log`, e);
  }
}

/** Writes everything queued so far (also what arrives while a write is under way). */
export async function flushRuns(): Promise<void> {
  if (state.timer) {
    clearTimeout(state.timer);
    state.timer = null;
  }
  while (state.flushing) await state.flushing;
  if (state.queue.length === 0) return;
  const batch = state.queue.splice(0, BATCH_MAX);
  state.flushing = writeBatch(batch).finally(() => (state.flushing = null));
  await state.flushing;
  if (state.dropped) {
    console.error(`[patchbay] the run log dropped ${state.dropped} runs while the database was unavailable`);
    state.dropped = 0;
  }
  if (state.queue.length) await flushRuns();
}

/**
 * Deletes runs older than the retention (PATCHBAY_RUN_RETENTION_DAYS); returns how many. The
 * synchronous SQLite driver blocks the event loop for a whole statement, and one DELETE of a
 * backlog (a first start after a long stop, a shortened retention) took ~0.43 s for 180k runs; so
 * the oldest 5,000 at a time (~15–35 ms each once their pages are cached), with a turn of the
 * event loop between batches. Portable as written: PostgreSQL allows LIMIT in the IN subquery.
 */
export async function pruneRuns(retentionDays: number, now = new Date()): Promise<number> {
  const batch = 5_000;
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  let total = 0;
  for (;;) {
    const count = await getDb().$executeRaw`DELETE FROM "Run" WHERE "id" IN (SELECT "id" FROM "Run" WHERE "at" < ${before} LIMIT ${batch})`;
    total += count;
    if (count < batch) return total;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
