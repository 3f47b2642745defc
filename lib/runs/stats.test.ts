import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { bucketRuns, percentile, rangeWindow, RANGES, type TRunPoint } from "./stats";

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
