import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { dialect, type TDb } from "@/lib/db";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import type { TRunEntry } from "./log";
import { bucketRuns, rangeWindow, type TRange, type TRunPoint, type TRunStats } from "./stats";

type TQueries = typeof import("./queries");

let temp: TTempDb;
let db: TDb;
let q: TQueries;

const NOW = new Date("2026-03-10T15:30:00.000Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const MIN = 60_000;
const HOUR = 60 * MIN;

const runRow = (over: Partial<TRunEntry> & { at: Date }): TRunEntry => ({
  source: "test",
  connectorId: "conn-a",
  connectorName: "Conn A",
  userId: null,
  tokenId: null,
  environmentId: null,
  status: 200,
  errorCode: null,
  durationMs: 10,
  requestBytes: 0,
  responseBytes: 2,
  ...over,
});

let ada: { id: string };
let bob: { id: string };
let token: { id: string; prefix: string };

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-runs-" }));
  q = await import("./queries");
  ada = await db.user.create({ data: { email: "ada@example.com", name: "Ada", role: "ADMIN", passwordHash: "x" } });
  bob = await db.user.create({ data: { email: "bob@example.com", name: "Bob", role: "MEMBER", passwordHash: "x" } });
  token = await db.apiToken.create({ data: { name: "CI deploy", tokenHash: "h1", prefix: "pb_abcd1234", userId: bob.id } });
});

after(async () => {
  await db?.$disconnect();
  await temp?.cleanup();
});

describe("recentRuns", () => {
  before(async () => {
    await db.run.deleteMany();
    await db.run.createMany({
      data: [
        runRow({ at: ago(3 * MIN), userId: ada.id, status: 200, durationMs: 30 }),
        runRow({ at: ago(1 * MIN), source: "api", userId: bob.id, tokenId: token.id, status: 503, durationMs: 10, requestBytes: 12, responseBytes: 345 }),
        runRow({ at: ago(2 * MIN), source: "api", userId: "deleted-user", tokenId: "deleted-token", status: null, errorCode: "TIMEOUT", durationMs: 30_000 }),
        runRow({ at: ago(4 * MIN), userId: null, status: 404 }),
        runRow({ at: ago(0), connectorId: "conn-b", userId: ada.id }),
        runRow({ at: ago(0), connectorId: null, userId: ada.id }),
      ],
    });
  });

  test("newest first, only the connector's runs, with the caller's user and token looked up by id", async () => {
    const runs = await q.recentRuns("conn-a");
    assert.deepEqual(
      runs.map((r) => [r.source, r.status, r.errorCode, r.durationMs]),
      [
        ["api", 503, null, 10],
        ["api", null, "TIMEOUT", 30_000],
        ["test", 200, null, 30],
        ["test", 404, null, 10],
      ],
    );
    assert.deepEqual(runs[0].user, { found: true, name: "Bob", email: "bob@example.com" });
    assert.deepEqual(runs[0].token, { found: true, name: "CI deploy", prefix: "pb_abcd1234" });
    assert.deepEqual([runs[0].requestBytes, runs[0].responseBytes], [12, 345]);
    assert.deepEqual([runs[1].user, runs[1].token], [{ found: false }, { found: false }]);
    assert.deepEqual([runs[2].user, runs[2].token], [{ found: true, name: "Ada", email: "ada@example.com" }, null]);
    assert.deepEqual([runs[3].user, runs[3].token], [null, null]);
    assert.ok(runs[0].at instanceof Date);
    assert.equal(runs[0].at.getTime(), ago(MIN).getTime());
  });

  test("limit, and nothing for a connector without runs", async () => {
    assert.equal((await q.recentRuns("conn-a", 2)).length, 2);
    assert.deepEqual(await q.recentRuns("nothing-here"), []);
  });
});

describe("runStats", () => {
  before(async () => {
    await db.run.deleteMany();
    await db.run.createMany({
      data: [
        // The current hour (15:00–16:00): two ok, one 500, one without answer.
        runRow({ at: ago(0), durationMs: 40 }),
        runRow({ at: ago(29 * MIN), durationMs: 20 }), // 15:01
        runRow({ at: ago(30 * MIN), status: 500, durationMs: 30 }), // 15:00:00.000 — the bucket's first instant
        runRow({ at: ago(30 * MIN + 1), status: 404, durationMs: 5 }), // 14:59:59.999 — the previous hour
        runRow({ at: ago(10 * MIN), status: null, errorCode: "TIMEOUT", durationMs: 1000 }),
        // 20 hours ago, and 23 h 30 min ago (the window's first hour, 16:00 yesterday).
        runRow({ at: ago(20 * HOUR), durationMs: 7 }),
        runRow({ at: ago(23 * HOUR + 30 * MIN), status: 302, durationMs: 8 }),
        // Outside 24h but inside 7 days; outside 7 days.
        runRow({ at: ago(24 * HOUR), durationMs: 9 }),
        runRow({ at: ago(3 * 24 * HOUR), status: 401, durationMs: 50 }),
        runRow({ at: ago(8 * 24 * HOUR), durationMs: 60 }),
        // Another connector, and an unsaved connector's Test.
        runRow({ at: ago(MIN), connectorId: "conn-b", durationMs: 70 }),
        runRow({ at: ago(MIN), connectorId: null, status: null, errorCode: "DNS_FAILURE", durationMs: 80 }),
      ],
    });
  });

  test("24h: hourly buckets with outcomes and percentiles, edges and other connectors respected", async () => {
    const s = await q.runStats("conn-a", "24h", NOW);
    assert.equal(s.buckets.length, 24);
    assert.equal(new Date(s.from).toISOString(), "2026-03-09T16:00:00.000Z");
    const current = s.buckets[23];
    assert.deepEqual(
      { count: current.count, ok: current.ok, errors: current.errors, failed: current.failed, p50: current.p50, p95: current.p95 },
      { count: 4, ok: 2, errors: 1, failed: 1, p50: 30, p95: 1000 },
    );
    assert.deepEqual([s.buckets[22].count, s.buckets[22].errors, s.buckets[22].p50], [1, 1, 5]);
    assert.deepEqual([s.buckets[0].count, s.buckets[0].ok], [1, 1]); // 302 is ok
    assert.equal(s.buckets[3].count, 1); // 19:30 yesterday
    assert.equal(s.buckets.reduce((n, b) => n + b.count, 0), 7);
    assert.deepEqual(s.totals, { count: 7, ok: 4, errors: 2, failed: 1, p50: 20, p95: 1000, errorRate: 3 / 7 });
  });

  test("7d: six-hour buckets; null means every connector", async () => {
    const s = await q.runStats("conn-a", "7d", NOW);
    assert.equal(s.buckets.length, 28);
    assert.equal(s.totals.count, 9);
    assert.equal(s.buckets[27].count, 5); // 12:00–18:00 today
    assert.equal(s.totals.errors, 3);
    const all = await q.runStats(null, "7d", NOW);
    assert.equal(all.totals.count, 11);
    assert.equal(all.totals.failed, 2);
  });

  test("runStatsByRange gives what runStats gives for each range, from one read", async () => {
    const both = await q.runStatsByRange("conn-a", NOW);
    assert.deepEqual(both["24h"], await q.runStats("conn-a", "24h", NOW));
    assert.deepEqual(both["7d"], await q.runStats("conn-a", "7d", NOW));
  });

  test("the SQL read agrees with the same rows read through Prisma (exact below the sample size)", async () => {
    const rows = await db.run.findMany({ select: { at: true, status: true, durationMs: true } });
    assert.deepEqual(await q.runStats(null, "7d", NOW), bucketRuns(rows, "7d", NOW));
    assert.deepEqual(await q.runStats(null, "24h", NOW), bucketRuns(rows, "24h", NOW));
  });

  test("no runs: empty buckets", async () => {
    const s = await q.runStats("nothing-here", "24h", NOW);
    assert.equal(s.buckets.length, 24);
    assert.equal(s.totals.count, 0);
    assert.equal(s.totals.errorRate, null);
  });
});

// Many runs, written in one statement each (SQLite's json_each, PostgreSQL's json_array_elements)
// in the given order, so that SQLite's rowids follow it.
async function insertRuns(prefix: string, rows: (TRunPoint & { at: number; connectorId: string })[]) {
  const json = JSON.stringify(rows.map((r) => [r.connectorId, new Date(r.at).toISOString().replace("Z", "+00:00"), r.status, r.durationMs]));
  if (dialect() === "postgres") {
    await db.$executeRaw`INSERT INTO "Run" ("id", "at", "source", "connectorId", "connectorName", "status", "durationMs", "requestBytes", "responseBytes")
      SELECT ${prefix} || "ord"::text, ("v"->>1)::timestamptz AT TIME ZONE 'UTC', 'api', "v"->>0, 'Generated', ("v"->>2)::int, ("v"->>3)::int, 0, 0
      FROM json_array_elements(${json}::json) WITH ORDINALITY AS "t"("v", "ord")`;
    return;
  }
  await db.$executeRaw`INSERT INTO "Run" ("id", "at", "source", "connectorId", "connectorName", "status", "durationMs", "requestBytes", "responseBytes")
    SELECT ${prefix} || "key", json_extract("value", '$[1]'), 'api', json_extract("value", '$[0]'), 'Generated', json_extract("value", '$[2]'), json_extract("value", '$[3]'), 0, 0
    FROM json_each(${json})`;
}

/** Calls `fn` counting the rows every $queryRaw returns (the reads of lib/runs/queries.ts). */
async function countingRowsRead<T>(fn: () => Promise<T>): Promise<{ result: T; rows: number; statements: number; largest: number }> {
  const target = db as unknown as { $queryRaw: (...args: unknown[]) => Promise<unknown[]> };
  const original = target.$queryRaw;
  const read = { rows: 0, statements: 0, largest: 0 };
  target.$queryRaw = (...args: unknown[]) =>
    original.apply(db, args).then((rows) => {
      read.rows += rows.length;
      read.statements++;
      read.largest = Math.max(read.largest, rows.length);
      return rows;
    });
  try {
    return { result: await fn(), ...read };
  } finally {
    target.$queryRaw = original;
  }
}

/** Where `v` ranks among ascending `sorted`, in percent: [share below it, share at or below it]. */
function rankOf(sorted: Float64Array, v: number): [number, number] {
  let below = 0;
  let atOrBelow = 0;
  for (const x of sorted) {
    if (x < v) below++;
    if (x <= v) atOrBelow++;
  }
  return [(100 * below) / sorted.length, (100 * atOrBelow) / sorted.length];
}

function assertNearPercentile(durations: number[], estimate: number | null, p: number, tolerance: number, what: string) {
  assert.ok(estimate !== null, `${what}: no p${p}`);
  const [below, atOrBelow] = rankOf(Float64Array.from(durations).sort(), estimate);
  assert.ok(atOrBelow >= p - tolerance && below <= p + tolerance, `${what}: p${p} = ${estimate} ranks ${below.toFixed(2)}–${atOrBelow.toFixed(2)} %`);
}

describe("runStats over many runs", () => {
  // A week of generated runs: "conn-many" has 12,000 (below the 15,000 durations a range reads,
  // so every number is exact); "conn-busy" has 40,000 over the first six days and 40,000 in the
  // last 24 hours, three times slower (an incident), where each of its runs alternates with one of
  // "conn-other" — its rowids are then all even or all odd, which `rowid % 2` would read all or
  // none of.
  let seed = 42;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const status = () => {
    const r = rand();
    return r < 0.8 ? 200 : r < 0.9 ? 404 : r < 0.97 ? 503 : null;
  };
  const duration = (scale: number) => Math.round(scale * Math.exp(2 * (rand() + rand() + rand() - 1.5)));
  const weekStart = rangeWindow("7d", NOW).from.getTime();
  const dayStart = rangeWindow("24h", NOW).from.getTime();
  const spread = (n: number, from: number, to: number, i: number) => from + Math.floor(((to - from) * i) / n);
  const many = Array.from({ length: 12_000 }, (_, i) => ({ connectorId: "conn-many", at: spread(12_000, weekStart, NOW.getTime(), i), status: status(), durationMs: duration(40) }));
  const busy = [
    ...Array.from({ length: 40_000 }, (_, i) => ({ connectorId: "conn-busy", at: spread(40_000, weekStart, dayStart, i), status: status(), durationMs: duration(40) })),
    ...Array.from({ length: 40_000 }, (_, i) => ({ connectorId: "conn-busy", at: spread(40_000, dayStart, NOW.getTime(), i), status: status(), durationMs: duration(120) })),
  ];
  const other = busy.slice(40_000).map((r) => ({ ...r, connectorId: "conn-other", durationMs: 1 }));
  const ranges: TRange[] = ["24h", "7d"];
  /** Everything but the percentiles (and how many durations they came from). */
  const summary = (s: TRunStats) => ({ ...s, totals: { ...s.totals, p50: undefined, p95: undefined }, buckets: s.buckets.map((b) => ({ ...b, p50: undefined, p95: undefined })), sampled: undefined });

  before(async () => {
    await db.run.deleteMany();
    await insertRuns("many-", many);
    await insertRuns("busy-", busy.slice(0, 40_000));
    await insertRuns("last-day-", busy.slice(40_000).flatMap((r, i) => [r, other[i]]));
  });

  test("below the sample size: exactly bucketRuns over every run, percentiles included", async () => {
    for (const range of ranges) {
      const s = await q.runStats("conn-many", range, NOW);
      assert.deepEqual(s, bucketRuns(many, range, NOW));
      assert.equal(s.sampled, s.totals.count);
    }
    assert.deepEqual(await q.runStatsByRange("conn-many", NOW), { "24h": bucketRuns(many, "24h", NOW), "7d": bucketRuns(many, "7d", NOW) });
  });

  test("above it: counts and error rate exact, percentiles close", async () => {
    // Tolerance: the estimate's rank among all the runs is within 2 percentile points of p for the
    // range (15,000 durations, weighted), and for a bucket (~540–625 durations) within 7 points for
    // p50 and 4 for p95 — over 3 standard errors of a percentile of that many.
    for (const range of ranges) {
      const s = await q.runStats("conn-busy", range, NOW);
      const exact = bucketRuns(busy, range, NOW);
      assert.deepEqual(summary(s), summary(exact));
      assert.equal(s.totals.count, range === "7d" ? 80_000 : 40_000);
      assert.ok(s.sampled >= 12_000 && s.sampled <= 20_000, `${range}: ${s.sampled} durations read`);
      const inWindow = busy.filter((r) => r.at >= s.from && r.at < s.to);
      assertNearPercentile(inWindow.map((r) => r.durationMs), s.totals.p50, 50, 2, `${range} totals`);
      assertNearPercentile(inWindow.map((r) => r.durationMs), s.totals.p95, 95, 2, `${range} totals`);
      for (const b of s.buckets) {
        const own = inWindow.filter((r) => r.at >= b.start && r.at < b.end).map((r) => r.durationMs);
        assertNearPercentile(own, b.p50, 50, 7, `${range} bucket ${new Date(b.start).toISOString()}`);
        assertNearPercentile(own, b.p95, 95, 4, `${range} bucket ${new Date(b.start).toISOString()}`);
      }
    }
  });

  test("runStatsByRange reads once and gives exactly what runStats gives for each range", async () => {
    const both = await q.runStatsByRange("conn-busy", NOW);
    for (const range of ranges) assert.deepEqual(both[range], await q.runStats("conn-busy", range, NOW));
  });

  test("the rows read are bounded: one per hour for the counts, ~20,000 durations per range", async () => {
    // Nothing here measures time: the event-loop gap follows from what each statement reads.
    const one = await countingRowsRead(() => q.runStats("conn-busy", "7d", NOW));
    assert.equal(one.result.totals.count, 80_000);
    assert.ok(one.rows >= one.result.sampled, "the spy sees the reads");
    assert.ok(one.rows <= 168 + 20_000, `${one.rows} rows read`);
    const both = await countingRowsRead(() => q.runStatsByRange("conn-busy", NOW));
    assert.ok(both.rows <= 168 + 2 * 20_000, `${both.rows} rows read`);
    // Every connector: 132,000 runs, the counts still exact.
    const all = await countingRowsRead(() => q.runStats(null, "7d", NOW));
    assert.deepEqual(summary(all.result), summary(bucketRuns([...many, ...busy, ...other], "7d", NOW)));
    assert.ok(all.rows <= 168 + 20_000, `${all.rows} rows read`);
    // No single statement returns many rows either (each blocks the process while it runs).
    for (const read of [one, both, all]) assert.ok(read.largest <= 5_000, `a statement returned ${read.largest} rows`);
  });
});
