// The run log's numbers (SPEC §8): runs sorted into time buckets with their outcomes and latency
// percentiles. Pure: the query (lib/runs/queries.ts) hands over each UTC hour's exact outcome
// counts and the durations of some of the hour's runs (all of them when there are few); buckets,
// totals and percentiles are computed here. bucketRuns does the same from individual runs.
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

/** One UTC hour's exact outcome counts, as the query groups them. */
export type THourCounts = { /** Epoch ms of the hour's start. */ hour: number; ok: number; errors: number; failed: number };

/** The duration of one run of `hour` (epoch ms of the hour's start), for the percentiles. */
export type TDurationSample = { hour: number; durationMs: number };

export type TOutcomes = {
  count: number;
  /** The upstream answered 1xx–3xx. */
  ok: number;
  /** The upstream answered 4xx or 5xx (or anything above 399). */
  errors: number;
  /** No answer (status null): timeout, DNS failure, refused by the outbound policy, ... */
  failed: number;
  /**
   * Nearest-rank percentiles of durationMs over every run, answered or not; null without runs (or,
   * when sampled, without a sampled run). Exact when every run's duration was read (`sampled` =
   * `totals.count`), otherwise estimated from a sample weighted per hour (see summarizeRuns).
   */
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
  /** (errors + failed) / count; null without runs. Counts are always exact. */
  totals: TOutcomes & { errorRate: number | null };
  /** How many durations the percentiles were computed from: `totals.count` when exact. */
  sampled: number;
};

/** The window a range covers at `now`: whole buckets, the last one holding `now`. */
export function rangeWindow(range: TRange, now: Date): { from: Date; to: Date } {
  const { bucketMs, buckets } = RANGES[range];
  const to = (Math.floor(now.getTime() / bucketMs) + 1) * bucketMs;
  return { from: new Date(to - buckets * bucketMs), to: new Date(to) };
}

/** Every range's window at once, as epoch ms: what a chart offering both ranges must read. */
export function allRangesWindow(now: Date): { ranges: TRange[]; from: number; to: number } {
  const ranges = Object.keys(RANGES) as TRange[];
  const windows = ranges.map((r) => rangeWindow(r, now));
  return { ranges, from: Math.min(...windows.map((w) => w.from.getTime())), to: Math.max(...windows.map((w) => w.to.getTime())) };
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

/**
 * Nearest rank over weighted values: the smallest of ascending `sorted` whose cumulative weight
 * (`weights[i]` goes with `sorted[i]`) reaches p % of the total weight. With unit weights this is
 * exactly percentile(): the cumulative weight is then an integer, and cum ≥ x ⇔ cum ≥ ceil(x).
 * Null when empty.
 */
export function weightedPercentile(sorted: ArrayLike<number>, weights: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i];
  if (n === 0 || !(total > 0)) return null;
  const target = (p / 100) * total;
  let cum = 0;
  for (let i = 0; i < n; i++) {
    cum += weights[i];
    if (cum >= target) return sorted[i];
  }
  return sorted[n - 1]; // rounding left the sum a hair short of the total
}

const hourOf = (t: number) => Math.floor(t / HOUR) * HOUR;

/**
 * The range's buckets from hourly counts and duration samples; hours outside the window are
 * ignored (both ranges' buckets are whole UTC hours). Counts are summed from `hours`, so they are
 * exact whatever the sample. Each sampled duration stands for (the hour's runs ÷ the hour's
 * samples) runs, and the percentiles are weighted by that: durations drawn at different rates in
 * different hours (a quiet hour read whole beside a busy one read one run in twenty) still
 * estimate the bucket's and the range's percentiles without bias. When `samples` holds every run
 * of the window, every weight is 1 and the percentiles are exact.
 */
export function summarizeRuns(hours: readonly THourCounts[], samples: readonly TDurationSample[], range: TRange, now: Date): TRunStats {
  const { bucketMs, buckets: n } = RANGES[range];
  const window = rangeWindow(range, now);
  const from = window.from.getTime();
  const to = window.to.getTime();
  // The window's hours, by slot: (hour − from) / HOUR.
  const slots = (to - from) / HOUR;
  const slotOf = (t: number) => {
    const hour = hourOf(t);
    return hour >= from && hour < to ? (hour - from) / HOUR : -1;
  };
  const perBucket = bucketMs / HOUR;

  const ok = new Array<number>(n).fill(0);
  const errors = new Array<number>(n).fill(0);
  const failed = new Array<number>(n).fill(0);
  const runsInSlot = new Float64Array(slots);
  for (const h of hours) {
    const slot = slotOf(h.hour);
    if (slot < 0) continue;
    const b = Math.floor(slot / perBucket);
    ok[b] += h.ok;
    errors[b] += h.errors;
    failed[b] += h.failed;
    runsInSlot[slot] += h.ok + h.errors + h.failed;
  }

  // A sample of an hour without counted runs (written between the two reads) stands for nothing.
  const sampleSlot = new Int32Array(samples.length);
  const sampledInSlot = new Float64Array(slots);
  let m = 0;
  for (let i = 0; i < samples.length; i++) {
    const slot = slotOf(samples[i].hour);
    sampleSlot[i] = slot >= 0 && runsInSlot[slot] > 0 ? slot : -1;
    if (sampleSlot[i] >= 0) {
      sampledInSlot[slot]++;
      m++;
    }
  }
  // One sort of the kept durations; placing them bucket by bucket in that order (a counting sort
  // by bucket) leaves each bucket's slice sorted too.
  const keptValues = new Float64Array(m);
  const keptSlots = new Int32Array(m);
  for (let i = 0, k = 0; i < samples.length; i++) {
    if (sampleSlot[i] < 0) continue;
    keptValues[k] = samples[i].durationMs;
    keptSlots[k++] = sampleSlot[i];
  }
  const order = new Uint32Array(m);
  for (let k = 0; k < m; k++) order[k] = k;
  order.sort((x, y) => keptValues[x] - keptValues[y]);
  const allValues = new Float64Array(m);
  const allWeights = new Float64Array(m);
  const offsets = new Int32Array(n + 1);
  for (let k = 0; k < m; k++) {
    const slot = keptSlots[order[k]];
    allValues[k] = keptValues[order[k]];
    allWeights[k] = runsInSlot[slot] / sampledInSlot[slot];
    offsets[Math.floor(slot / perBucket) + 1]++;
  }
  for (let b = 0; b < n; b++) offsets[b + 1] += offsets[b];
  const values = new Float64Array(m);
  const weights = new Float64Array(m);
  const fill = offsets.slice(0, n);
  for (let k = 0; k < m; k++) {
    const at = fill[Math.floor(keptSlots[order[k]] / perBucket)]++;
    values[at] = allValues[k];
    weights[at] = allWeights[k];
  }

  const buckets: TBucket[] = [];
  for (let b = 0; b < n; b++) {
    const own = values.subarray(offsets[b], offsets[b + 1]);
    const ownWeights = weights.subarray(offsets[b], offsets[b + 1]);
    buckets.push({
      start: from + b * bucketMs,
      end: from + (b + 1) * bucketMs,
      count: ok[b] + errors[b] + failed[b],
      ok: ok[b],
      errors: errors[b],
      failed: failed[b],
      p50: weightedPercentile(own, ownWeights, 50),
      p95: weightedPercentile(own, ownWeights, 95),
    });
  }
  const sum = (k: "ok" | "errors" | "failed") => buckets.reduce((s, x) => s + x[k], 0);
  const totals = { ok: sum("ok"), errors: sum("errors"), failed: sum("failed") };
  const count = totals.ok + totals.errors + totals.failed;
  return {
    range,
    bucketMs,
    from,
    to,
    buckets,
    totals: {
      count,
      ...totals,
      p50: weightedPercentile(allValues, allWeights, 50),
      p95: weightedPercentile(allValues, allWeights, 95),
      errorRate: count ? (totals.errors + totals.failed) / count : null,
    },
    sampled: m,
  };
}

/** Counts `rows` into the range's buckets, with exact percentiles; rows outside the window are ignored. */
export function bucketRuns(rows: readonly TRunPoint[], range: TRange, now: Date): TRunStats {
  const hours = new Map<number, THourCounts>();
  const samples: TDurationSample[] = [];
  for (const row of rows) {
    const t = typeof row.at === "number" ? row.at : row.at.getTime();
    if (!Number.isFinite(t)) continue;
    const hour = hourOf(t);
    let h = hours.get(hour);
    if (!h) hours.set(hour, (h = { hour, ok: 0, errors: 0, failed: 0 }));
    if (row.status === null) h.failed++;
    else if (row.status >= 400) h.errors++;
    else h.ok++;
    samples.push({ hour, durationMs: row.durationMs });
  }
  return summarizeRuns([...hours.values()], samples, range, now);
}
