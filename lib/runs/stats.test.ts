import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { allRangesWindow, bucketRuns, percentile, rangeWindow, RANGES, summarizeRuns, weightedPercentile, type TDurationSample, type THourCounts, type TRunPoint } from "./stats";

const HOUR = 3_600_000;
const run = (at: string | number, status: number | null, durationMs = 10): TRunPoint & { at: Date } => ({ at: new Date(at), status, durationMs });

describe("percentile (nearest rank)", () => {
  test("is null without values", () => {
    assert.equal(percentile([], 50), null);
    assert.equal(percentile(new Float64Array(0), 95), null);
  });

  test("one value is every percentile", () => {
    for (const p of [0, 1, 50, 95, 100]) assert.equal(percentile([42], p), 42);
  });

  test("picks sorted[ceil(p·n/100) − 1], never interpolates", () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    assert.equal(percentile(ten, 50), 5); // rank 5
    assert.equal(percentile(ten, 95), 10); // rank ceil(9.5) = 10
    assert.equal(percentile(ten, 90), 9); // rank 9 exactly
    assert.equal(percentile(ten, 91), 10);
    assert.equal(percentile(ten, 0), 1);
    assert.equal(percentile(ten, 100), 10);
    assert.equal(percentile([10, 20], 50), 10); // not 15
    assert.equal(percentile([10, 20, 30, 40], 50), 20);
    assert.equal(percentile([15, 20, 35, 40, 50], 30), 20); // Wikipedia's worked example
    assert.equal(percentile([15, 20, 35, 40, 50], 40), 20);
    assert.equal(percentile([15, 20, 35, 40, 50], 50), 35);
  });

  test("p95 of 1..100 is 95 and of 1..20 is 19", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(hundred, 95), 95);
    assert.equal(percentile(hundred, 50), 50);
    assert.equal(percentile(hundred.slice(0, 20), 95), 19);
  });
});

describe("weightedPercentile", () => {
  test("with unit weights it is percentile(), for every p and length", () => {
    for (let n = 0; n <= 41; n++) {
      const values = Array.from({ length: n }, (_, i) => 3 * i + (i % 4));
      const ones = values.map(() => 1);
      for (let p = 0; p <= 100; p++) assert.equal(weightedPercentile(values, ones, p), percentile(values, p), `n=${n} p=${p}`);
    }
  });

  test("a value weighs as many runs as its weight", () => {
    // 1 stands for 1 run, 2 for 1, 3 for 98: 3 is the median and the 2nd percentile.
    assert.equal(weightedPercentile([1, 2, 3], [1, 1, 98], 50), 3);
    assert.equal(weightedPercentile([1, 2, 3], [1, 1, 98], 2), 2);
    assert.equal(weightedPercentile([1, 2, 3], [1, 1, 98], 1), 1);
    assert.equal(weightedPercentile([1, 2, 3], [0.5, 0.25, 0.25], 50), 1);
    assert.equal(weightedPercentile([], [], 50), null);
    assert.equal(weightedPercentile([5], [0], 50), null);
  });
});

describe("rangeWindow", () => {
  test("24h: 24 whole UTC hours, the last one holding now", () => {
    const w = rangeWindow("24h", new Date("2026-03-10T15:42:10.500Z"));
    assert.equal(w.to.toISOString(), "2026-03-10T16:00:00.000Z");
    assert.equal(w.from.toISOString(), "2026-03-09T16:00:00.000Z");
  });

  test("7d: 28 six-hour buckets aligned to 00/06/12/18 UTC", () => {
    const w = rangeWindow("7d", new Date("2026-03-10T15:42:10Z"));
    assert.equal(w.to.toISOString(), "2026-03-10T18:00:00.000Z");
    assert.equal(w.from.toISOString(), "2026-03-03T18:00:00.000Z");
    assert.equal(RANGES["7d"].buckets * RANGES["7d"].bucketMs, 7 * 24 * HOUR);
  });

  test("now exactly on a bucket edge starts a new bucket", () => {
    const w = rangeWindow("24h", new Date("2026-03-10T15:00:00.000Z"));
    assert.equal(w.to.toISOString(), "2026-03-10T16:00:00.000Z");
  });
});

describe("bucketRuns", () => {
  const now = new Date("2026-03-10T15:30:00Z");

  test("no runs: every bucket is there, empty, with null percentiles", () => {
    const s = bucketRuns([], "24h", now);
    assert.equal(s.buckets.length, 24);
    assert.equal(s.bucketMs, HOUR);
    assert.equal(s.from, Date.parse("2026-03-09T16:00:00Z"));
    assert.equal(s.to, Date.parse("2026-03-10T16:00:00Z"));
    for (const [i, b] of s.buckets.entries()) {
      assert.deepEqual(b, { start: s.from + i * HOUR, end: s.from + (i + 1) * HOUR, count: 0, ok: 0, errors: 0, failed: 0, p50: null, p95: null });
    }
    assert.deepEqual(s.totals, { count: 0, ok: 0, errors: 0, failed: 0, p50: null, p95: null, errorRate: null });
    assert.equal(s.sampled, 0);
  });

  test("7d has 28 contiguous six-hour buckets", () => {
    const s = bucketRuns([], "7d", now);
    assert.equal(s.buckets.length, 28);
    assert.equal(s.buckets[0].start, s.from);
    assert.equal(s.buckets.at(-1)!.end, s.to);
    for (let i = 1; i < 28; i++) assert.equal(s.buckets[i].start, s.buckets[i - 1].end);
  });

  test("outcomes: 1xx–3xx ok, 4xx/5xx errors, null status failed", () => {
    const at = "2026-03-10T15:10:00Z";
    const s = bucketRuns([run(at, 101), run(at, 200), run(at, 304), run(at, 399), run(at, 400), run(at, 404), run(at, 503), run(at, null), run(at, null)], "24h", now);
    const last = s.buckets.at(-1)!;
    assert.deepEqual({ count: last.count, ok: last.ok, errors: last.errors, failed: last.failed }, { count: 9, ok: 4, errors: 3, failed: 2 });
    assert.equal(s.totals.errorRate, 5 / 9);
  });

  test("bucket edges: a run at a bucket's start is in it, one ms before is in the previous one", () => {
    const s = bucketRuns(
      [
        run("2026-03-10T14:00:00.000Z", 200),
        run("2026-03-10T13:59:59.999Z", 200),
        run("2026-03-10T13:59:59.999Z", 500),
      ],
      "24h",
      now,
    );
    assert.equal(s.buckets[22].start, Date.parse("2026-03-10T14:00:00Z"));
    assert.equal(s.buckets[22].count, 1);
    assert.equal(s.buckets[21].count, 2);
    assert.equal(s.buckets[21].errors, 1);
  });

  test("runs outside the window are ignored: before its start, at its (exclusive) end, in the future", () => {
    const s = bucketRuns(
      [
        run("2026-03-09T15:59:59.999Z", 200),
        run("2026-03-09T16:00:00.000Z", 200),
        run("2026-03-10T15:59:59.999Z", 200),
        run("2026-03-10T16:00:00.000Z", 200),
        run("2026-03-12T00:00:00.000Z", 200),
      ],
      "24h",
      now,
    );
    assert.equal(s.totals.count, 2);
    assert.equal(s.buckets[0].count, 1);
    assert.equal(s.buckets[23].count, 1);
  });

  test("7d buckets split at 00/06/12/18 UTC", () => {
    const s = bucketRuns([run("2026-03-10T11:59:59Z", 200), run("2026-03-10T12:00:00Z", 200), run("2026-03-10T12:00:01Z", 404)], "7d", now);
    const noon = s.buckets.findIndex((b) => b.start === Date.parse("2026-03-10T12:00:00Z"));
    assert.equal(noon, 27);
    assert.equal(s.buckets[27].count, 2);
    assert.equal(s.buckets[26].count, 1);
  });

  test("percentiles per bucket and over the whole range, from unsorted input", () => {
    const rows: TRunPoint[] = [];
    // Hour 10: durations 1..20 in reverse; hour 12: 100 and 300; hour 14: none.
    for (let d = 20; d >= 1; d--) rows.push(run("2026-03-10T10:05:00Z", 200, d));
    rows.push(run("2026-03-10T12:05:00Z", null, 300), run("2026-03-10T12:06:00Z", 200, 100));
    const s = bucketRuns(rows, "24h", now);
    const at = (iso: string) => s.buckets.find((b) => b.start === Date.parse(iso))!;
    assert.deepEqual([at("2026-03-10T10:00:00Z").p50, at("2026-03-10T10:00:00Z").p95], [10, 19]);
    assert.deepEqual([at("2026-03-10T12:00:00Z").p50, at("2026-03-10T12:00:00Z").p95], [100, 300]);
    assert.deepEqual([at("2026-03-10T14:00:00Z").p50, at("2026-03-10T14:00:00Z").p95], [null, null]);
    // 22 values: 1..20, 100, 300 → rank 11 is 11, rank ceil(20.9) = 21 is 100.
    assert.equal(s.totals.p50, 11);
    assert.equal(s.totals.p95, 100);
    assert.equal(s.totals.count, 22);
    assert.equal(s.totals.failed, 1);
    assert.equal(s.totals.errorRate, 1 / 22);
  });

  test("counts add up on a larger random sample and every bucket matches a direct computation", () => {
    const from = rangeWindow("7d", now).from.getTime();
    let seed = 7;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const rows = Array.from({ length: 5000 }, () => run(from + Math.floor(rand() * 7 * 24 * HOUR), [200, 404, 500, null][Math.floor(rand() * 4)], Math.floor(rand() * 1000)));
    const s = bucketRuns(rows, "7d", now);
    assert.equal(s.totals.count, 5000 - rows.filter((r) => r.at.getTime() >= s.to).length);
    assert.equal(s.sampled, s.totals.count);
    assert.equal(s.buckets.reduce((a, b) => a + b.count, 0), s.totals.count);
    assert.equal(s.totals.ok + s.totals.errors + s.totals.failed, s.totals.count);
    for (const b of s.buckets) {
      const own = rows.filter((r) => r.at.getTime() >= b.start && r.at.getTime() < b.end).map((r) => r.durationMs).sort((x, y) => x - y);
      assert.equal(b.count, own.length);
      assert.equal(b.p50, percentile(own, 50));
      assert.equal(b.p95, percentile(own, 95));
    }
  });
});

describe("summarizeRuns (hourly counts and a duration sample)", () => {
  const now = new Date("2026-03-10T15:30:00Z");
  const from = rangeWindow("7d", now).from.getTime();
  const hourAt = (i: number) => from + i * HOUR;

  test("counts come from the hourly rows, whatever the sample; percentiles from the sample", () => {
    const hours: THourCounts[] = [
      { hour: hourAt(0), ok: 700, errors: 200, failed: 100 },
      { hour: hourAt(1), ok: 5, errors: 0, failed: 0 },
      { hour: hourAt(7), ok: 0, errors: 0, failed: 3 },
      { hour: hourAt(-1), ok: 99, errors: 99, failed: 99 }, // before the window
    ];
    const samples: TDurationSample[] = [10, 20, 30].map((durationMs) => ({ hour: hourAt(0), durationMs }));
    const s = summarizeRuns(hours, samples, "7d", now);
    assert.deepEqual(
      [s.buckets[0].count, s.buckets[0].ok, s.buckets[0].errors, s.buckets[0].failed, s.buckets[1].count, s.buckets[1].failed],
      [1005, 705, 200, 100, 3, 3],
    );
    assert.deepEqual([s.totals.count, s.totals.ok, s.totals.errors, s.totals.failed, s.totals.errorRate], [1008, 705, 200, 103, 303 / 1008]);
    assert.deepEqual([s.buckets[0].p50, s.buckets[0].p95, s.buckets[1].p50, s.totals.p50], [20, 30, null, 20]);
    assert.equal(s.sampled, 3);
  });

  test("each sample stands for its hour's runs ÷ its hour's samples", () => {
    // One bucket: hour 0 has 100 runs, 10 sampled, all slow; hour 1 has 10 runs, all sampled, fast.
    // Unweighted, the median of the 20 samples would be 1 ms; 100 of the 110 runs took 1000 ms.
    const hours = [
      { hour: hourAt(0), ok: 100, errors: 0, failed: 0 },
      { hour: hourAt(1), ok: 10, errors: 0, failed: 0 },
    ];
    const samples = [...Array.from({ length: 10 }, () => ({ hour: hourAt(0), durationMs: 1000 })), ...Array.from({ length: 10 }, () => ({ hour: hourAt(1), durationMs: 1 }))];
    const s = summarizeRuns(hours, samples, "7d", now);
    assert.deepEqual([s.buckets[0].p50, s.totals.p50], [1000, 1000]);
    // 10 of 110 runs (9.1 %) took 1 ms: the 9th percentile is 1 ms, the 10th is 1000 ms.
    assert.equal(s.totals.p95, 1000);
    assert.equal(weightedPercentile([1, 1000], [10, 100], 9), 1);
    assert.equal(weightedPercentile([1, 1000], [10, 100], 10), 1000);
  });

  test("samples of an hour without counted runs (written between the two reads) are ignored", () => {
    const s = summarizeRuns([{ hour: hourAt(0), ok: 1, errors: 0, failed: 0 }], [{ hour: hourAt(0), durationMs: 5 }, { hour: hourAt(2), durationMs: 999 }], "7d", now);
    assert.deepEqual([s.totals.count, s.totals.p95, s.sampled], [1, 5, 1]);
  });

  test("with every run sampled it is bucketRuns, exactly", () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const rows = Array.from({ length: 3000 }, () => run(from + Math.floor(rand() * 7 * 24 * HOUR), [200, 503, null][Math.floor(rand() * 3)], Math.floor(rand() * 500)));
    const hours = new Map<number, THourCounts>();
    for (const r of rows) {
      const hour = Math.floor(r.at.getTime() / HOUR) * HOUR;
      const h = hours.get(hour) ?? { hour, ok: 0, errors: 0, failed: 0 };
      if (r.status === null) h.failed++;
      else if (r.status >= 400) h.errors++;
      else h.ok++;
      hours.set(hour, h);
    }
    const samples = rows.map((r) => ({ hour: Math.floor(r.at.getTime() / HOUR) * HOUR, durationMs: r.durationMs }));
    for (const range of ["24h", "7d"] as const) assert.deepEqual(summarizeRuns([...hours.values()], samples, range, now), bucketRuns(rows, range, now));
  });

  test("a sample drawn at rates that differ by hour gives percentiles close to the exact ones", () => {
    // 24 hours whose runs get slower and busier through the day, each sampled down to ~1,000
    // durations (1 in 2 up to 1 in 25, as the query's per-hour thresholds do). Tolerance: the rank
    // of each estimate among all runs is within 1 percentile point of p for the totals (24,000
    // samples), and within 6 points (p50) or 3 points (p95) for an hour: about 4 standard errors of
    // a percentile of 1,000 samples.
    let seed = 5;
    const rand = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
    const dayStart = rangeWindow("24h", now).from.getTime();
    const hours: THourCounts[] = [];
    const samples: TDurationSample[] = [];
    const exact: number[][] = [];
    for (let h = 0; h < 24; h++) {
      const runs = 2000 + h * 1000;
      const every = Math.round(runs / 1000);
      const durations = Array.from({ length: runs }, () => Math.round((100 + h * 20) * Math.exp(2 * (rand() + rand() - 1))));
      hours.push({ hour: dayStart + h * HOUR, ok: runs, errors: 0, failed: 0 });
      durations.forEach((durationMs, i) => i % every === 0 && samples.push({ hour: dayStart + h * HOUR, durationMs }));
      exact.push(durations.sort((a, b) => a - b));
    }
    const s = summarizeRuns(hours, samples, "24h", now);
    const rankOf = (sorted: number[], v: number) => {
      const below = sorted.filter((x) => x < v).length;
      const atOrBelow = sorted.filter((x) => x <= v).length;
      return [(100 * below) / sorted.length, (100 * atOrBelow) / sorted.length];
    };
    const near = (sorted: number[], v: number | null, p: number, tolerance: number) => {
      assert.ok(v !== null);
      const [lo, hi] = rankOf(sorted, v);
      assert.ok(hi >= p - tolerance && lo <= p + tolerance, `p${p}: ${v} ranks ${lo.toFixed(1)}–${hi.toFixed(1)}`);
    };
    const all = exact.flat().sort((a, b) => a - b);
    assert.ok(s.sampled < all.length / 5);
    assert.equal(s.totals.count, all.length);
    near(all, s.totals.p50, 50, 1);
    near(all, s.totals.p95, 95, 1);
    for (const [h, b] of s.buckets.entries()) {
      near(exact[h], b.p50, 50, 6);
      near(exact[h], b.p95, 95, 3);
    }
    // Unweighted, the quiet early hours (sampled more densely) would drag the totals down.
    const unweighted = samples.map((x) => x.durationMs).sort((a, b) => a - b);
    assert.ok(rankOf(all, percentile(unweighted, 50)!)[1] < 45);
  });
});

test("allRangesWindow spans every range's window: a chart offering both reads it once", () => {
  const now = new Date("2026-03-10T15:42:00Z");
  const { ranges, from, to } = allRangesWindow(now);
  assert.deepEqual(ranges, Object.keys(RANGES));
  for (const r of ranges) {
    const w = rangeWindow(r, now);
    assert.ok(from <= w.from.getTime() && w.to.getTime() <= to, `the ${r} window lies inside`);
  }
  assert.equal(from, Math.min(...ranges.map((r) => rangeWindow(r, now).from.getTime())));
  assert.equal(to, Math.max(...ranges.map((r) => rangeWindow(r, now).to.getTime())));
});
