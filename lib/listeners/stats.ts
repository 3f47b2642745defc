// A listener's messages over time (SPEC §10): messages sorted into time buckets by when they were
// received, counted by where their hand-off stands now. Pure: the query (stats-query.ts) hands
// over counts grouped per UTC hour and status; a single message is the same shape with count 1.
// Requests the listener refused (401, 405, 413) are not stored, so they are not counted. Buckets
// and ranges are the run log's (lib/runs/stats.ts), so every chart of the app has the same hours.
import { RANGES, rangeWindow, type TRange } from "@/lib/runs/stats";

/**
 * Where a message stands: handed on (forwarded or run into the connector), kept only (a Store
 * listener), still to be handed on (pending, retrying), or failed (the connector run failed, or
 * forwarding gave up: dead letter).
 */
export type TMessageOutcome = "handedOn" | "stored" | "waiting" | "failed";

export const MESSAGE_OUTCOMES: readonly TMessageOutcome[] = ["handedOn", "stored", "waiting", "failed"];

/** Messages of one status received in one hour (or one message, count 1); `at` as a Date or epoch ms. */
export type TMessagePoint = { at: Date | number; status: string; count?: number };

export type TMessageCounts = Record<TMessageOutcome, number> & { /** Messages received. */ count: number };

export type TMessageBucket = TMessageCounts & { /** Epoch ms, inclusive. */ start: number; /** Epoch ms, exclusive. */ end: number };

export type TMessageStats = {
  range: TRange;
  bucketMs: number;
  /** Epoch ms: the first bucket's start (inclusive) and the last bucket's end (exclusive). */
  from: number;
  to: number;
  buckets: TMessageBucket[];
  totals: TMessageCounts;
};

const OUTCOME = new Map<string, TMessageOutcome>([["delivered", "handedOn"], ["stored", "stored"], ["failed", "failed"], ["dead", "failed"]]);

/** delivered → handed on, stored → stored, failed and dead → failed; pending, retrying (or anything new) wait. */
export function messageOutcomeOf(status: string): TMessageOutcome {
  return OUTCOME.get(status) ?? "waiting";
}

const zero = (): TMessageCounts => ({ count: 0, handedOn: 0, stored: 0, waiting: 0, failed: 0 });

/** Counts `points` into the range's buckets at `now`; points outside the window are ignored. */
export function bucketMessages(points: readonly TMessagePoint[], range: TRange, now: Date): TMessageStats {
  const { bucketMs, buckets: n } = RANGES[range];
  const window = rangeWindow(range, now);
  const from = window.from.getTime();
  const to = window.to.getTime();
  const buckets: TMessageBucket[] = Array.from({ length: n }, (_, b) => ({ start: from + b * bucketMs, end: from + (b + 1) * bucketMs, ...zero() }));
  const totals = zero();
  for (const p of points) {
    const t = typeof p.at === "number" ? p.at : p.at.getTime();
    if (!(t >= from && t < to)) continue;
    const count = p.count ?? 1;
    const outcome = messageOutcomeOf(p.status);
    for (const into of [buckets[Math.floor((t - from) / bucketMs)], totals]) {
      into.count += count;
      into[outcome] += count;
    }
  }
  return { range, bucketMs, from, to, buckets, totals };
}
