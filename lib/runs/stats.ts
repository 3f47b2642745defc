// The run log's numbers (SPEC §8): runs sorted into time buckets with their outcomes and latency
// percentiles. Pure: the query (lib/runs/queries.ts) hands over only `at`, `status` and
// `durationMs`; everything else is counted here.
//
// Buckets are aligned to UTC (whole hours, 00/06/12/18 h) so that the same run always lands in the
// same bucket, whenever the page is loaded; the last bucket is the one `now` falls in (partly
// elapsed). "Last 24 hours" is 24 hourly buckets; "Last 7 days" is 28 six-hour buckets: 7 daily
// points would hide a bad afternoon and make the percentile lines meaningless, 168 hourly bars are
// thinner than a pixel on a narrow screen, and 28 rows still make a readable text table.

export type TRange = "24h" | "7d";

const HOUR = 3_600_000;

export const RANGES: Record<TRange, { label: string; bucketMs: number; buckets: number }> = {
  "24h": { label: "Last 24 hours", bucketMs: HOUR, buckets: 24 },
  "7d": { label: "Last 7 days", bucketMs: 6 * HOUR, buckets: 28 },
};

/** The columns a bucket needs from a run; `at` as a Date or epoch ms. */
export type TRunPoint = { at: Date | number; status: number | null; durationMs: number };

export type TOutcomes = {
  count: number;
  /** The upstream answered 1xx–3xx. */
  ok: number;
  /** The upstream answered 4xx or 5xx (or anything above 399). */
  errors: number;
  /** No answer (status null): timeout, DNS failure, refused by the outbound policy, ... */
  failed: number;
  /** Nearest-rank percentiles of durationMs over every run, answered or not; null without runs. */
  p50: number | null;
  p95: number | null;
};

export type TBucket = TOutcomes & { /** Epoch ms, inclusive. */ start: number; /** Epoch ms, exclusive. */ end: number };

export type TRunStats = {
  range: TRange;
  bucketMs: number;
  /** Epoch ms: the first bucket's start (inclusive) and the last bucket's end (exclusive). */
  from: number;
  to: number;
  buckets: TBucket[];
  /** (errors + failed) / count; null without runs. */
  totals: TOutcomes & { errorRate: number | null };
};

/** The window a range covers at `now`: whole buckets, the last one holding `now`. */
export function rangeWindow(range: TRange, now: Date): { from: Date; to: Date } {
  const { bucketMs, buckets } = RANGES[range];
  const to = (Math.floor(now.getTime() / bucketMs) + 1) * bucketMs;
  return { from: new Date(to - buckets * bucketMs), to: new Date(to) };
}

/**
 * Nearest-rank percentile of ascending `sorted`: the smallest value with at least p % of the values
 * at or below it, i.e. sorted[ceil(p/100 · n) − 1] (the first value for p = 0). Null when empty.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sorted[Math.min(rank, n) - 1];
}

/** Counts `rows` into the range's buckets; rows outside the window are ignored. */
export function bucketRuns(rows: readonly TRunPoint[], range: TRange, now: Date): TRunStats {
  const { bucketMs, buckets: n } = RANGES[range];
  const window = rangeWindow(range, now);
  const from = window.from.getTime();
  const to = window.to.getTime();

  // Pass 1: each row's bucket and the outcome counts. Pass 2 places the durations bucket by bucket
  // in one typed array (a counting sort by bucket) so that each bucket sorts a slice of it.
  const index = new Int32Array(rows.length);
  const counts = new Int32Array(n);
  const ok = new Int32Array(n);
  const errors = new Int32Array(n);
  const failed = new Int32Array(n);
  for (let i = 0; i < rows.length; i++) {
    const at = rows[i].at;
    const t = typeof at === "number" ? at : at.getTime();
    if (!(t >= from && t < to)) {
      index[i] = -1;
      continue;
    }
    const b = Math.floor((t - from) / bucketMs);
    index[i] = b;
    counts[b]++;
    const status = rows[i].status;
    if (status === null) failed[b]++;
    else if (status >= 400) errors[b]++;
    else ok[b]++;
  }
  const offsets = new Int32Array(n + 1);
  for (let b = 0; b < n; b++) offsets[b + 1] = offsets[b] + counts[b];
  const durations = new Float64Array(offsets[n]);
  const fill = offsets.slice(0, n);
  for (let i = 0; i < rows.length; i++) if (index[i] >= 0) durations[fill[index[i]]++] = rows[i].durationMs;
  const all = durations.slice().sort();

  const buckets: TBucket[] = [];
  for (let b = 0; b < n; b++) {
    const own = durations.subarray(offsets[b], offsets[b + 1]).sort();
    buckets.push({
      start: from + b * bucketMs,
      end: from + (b + 1) * bucketMs,
      count: counts[b],
      ok: ok[b],
      errors: errors[b],
      failed: failed[b],
      p50: percentile(own, 50),
      p95: percentile(own, 95),
    });
  }
  const sum = (k: "ok" | "errors" | "failed") => buckets.reduce((s, x) => s + x[k], 0);
  const count = all.length;
  const totals = { count, ok: sum("ok"), errors: sum("errors"), failed: sum("failed"), p50: percentile(all, 50), p95: percentile(all, 95) };
  return {
    range,
    bucketMs,
    from,
    to,
    buckets,
    totals: { ...totals, errorRate: count ? (totals.errors + totals.failed) / count : null },
  };
}
