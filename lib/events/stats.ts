// A subscription's deliveries over time (SPEC §9): its events sorted into time buckets by when they
// were stored, counted by where their delivery stands now, with the attempts made for them. Pure:
// the query (stats-query.ts) hands over counts grouped per UTC hour and status; a single event is
// the same shape with count 1. Buckets and ranges are the run log's (lib/runs/stats.ts), so every
// chart of the app has the same hours.
import { RANGES, rangeWindow, type TRange } from "@/lib/runs/stats";

/** Where an event's delivery stands: delivered, still to be (pending, retrying, held), or dead-lettered. */
export type TDeliveryOutcome = "delivered" | "waiting" | "dead";

export const DELIVERY_OUTCOMES: readonly TDeliveryOutcome[] = ["delivered", "waiting", "dead"];

/** Events of one status stored in one hour (or one event, count 1); `at` as a Date or epoch ms. */
export type TEventPoint = { at: Date | number; status: string; count?: number; attempts: number };

export type TDeliveryCounts = Record<TDeliveryOutcome, number> & {
  /** Events stored. */
  count: number;
  /** Delivery attempts made for those events, redeliveries included. */
  attempts: number;
};

export type TDeliveryBucket = TDeliveryCounts & { /** Epoch ms, inclusive. */ start: number; /** Epoch ms, exclusive. */ end: number };

export type TDeliveryStats = {
  range: TRange;
  bucketMs: number;
  /** Epoch ms: the first bucket's start (inclusive) and the last bucket's end (exclusive). */
  from: number;
  to: number;
  buckets: TDeliveryBucket[];
  totals: TDeliveryCounts;
};

/** "delivered" and "dead" are final; anything else (pending, retrying, held) still waits. */
export function deliveryOutcomeOf(status: string): TDeliveryOutcome {
  return status === "delivered" ? "delivered" : status === "dead" ? "dead" : "waiting";
}

const zero = (): TDeliveryCounts => ({ count: 0, delivered: 0, waiting: 0, dead: 0, attempts: 0 });

/** Counts `points` into the range's buckets at `now`; points outside the window are ignored. */
export function bucketDeliveries(points: readonly TEventPoint[], range: TRange, now: Date): TDeliveryStats {
  const { bucketMs, buckets: n } = RANGES[range];
  const window = rangeWindow(range, now);
  const from = window.from.getTime();
  const to = window.to.getTime();
  const buckets: TDeliveryBucket[] = Array.from({ length: n }, (_, b) => ({ start: from + b * bucketMs, end: from + (b + 1) * bucketMs, ...zero() }));
  const totals = zero();
  for (const p of points) {
    const t = typeof p.at === "number" ? p.at : p.at.getTime();
    if (!(t >= from && t < to)) continue;
    const count = p.count ?? 1;
    const outcome = deliveryOutcomeOf(p.status);
    for (const into of [buckets[Math.floor((t - from) / bucketMs)], totals]) {
      into.count += count;
      into[outcome] += count;
      into.attempts += p.attempts;
    }
  }
  return { range, bucketMs, from, to, buckets, totals };
}
