import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TDb } from "@/lib/db";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import type { TRunEntry } from "./log";
import { bucketRuns } from "./stats";

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

  test("the packed read agrees with the same rows read through Prisma", async () => {
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
