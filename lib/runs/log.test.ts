// The run log writer on a real database: queued runs are written in batches, read back by Prisma
// exactly as written, stored in the same date format as Prisma's own rows (the range queries
// compare dates as stored), and pruned after the retention.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { TDb } from "@/lib/db";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";

let temp: TTempDb;
let db: TDb;
let log: typeof import("./log");

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-runlog-" }));
  log = await import("./log");
});
after(async () => {
  await db?.$disconnect();
  await temp?.cleanup();
});

const entry = (i: number, at = new Date()): import("./log").TRunEntry => ({
  at,
  source: i % 2 ? "api" : "test",
  connectorId: "c1",
  connectorName: "Conn",
  userId: "u1",
  tokenId: i % 2 ? "t1" : null,
  environmentId: null,
  status: i % 3 === 0 ? null : 200,
  errorCode: i % 3 === 0 ? "TIMEOUT" : null,
  durationMs: i,
  requestBytes: 10 * i,
  responseBytes: 20 * i,
});

test("queued runs are written in batches and read back as written", async () => {
  const at = new Date("2026-12-01T10:00:00.123Z");
  for (let i = 0; i < 50; i++) log.recordRun(entry(i, at));
  assert.equal(await db.run.count(), 0, "nothing is written on the request");
  for (let i = 50; i < 250; i++) log.recordRun(entry(i, at));
  await log.flushRuns();
  assert.equal(await db.run.count(), 250);
  const row = await db.run.findFirst({ where: { durationMs: 3 } });
  assert.deepEqual({ ...row, id: undefined }, { id: undefined, ...entry(3, at) });
});

test("dates are stored like Prisma's own, so range queries see both", async () => {
  await db.run.deleteMany();
  const at = new Date("2026-12-02T08:30:00.000Z");
  await db.run.create({ data: { ...entry(1, at), connectorName: "via prisma" } });
  log.recordRun({ ...entry(2, at), connectorName: "via log" });
  await log.flushRuns();
  const stored = await db.$queryRawUnsafe<{ at: string }[]>(`SELECT CAST("at" AS TEXT) AS "at" FROM "Run" ORDER BY "connectorName"`);
  assert.equal(typeof stored[0].at, "string");
  assert.equal(stored[0].at, stored[1].at);
  assert.equal(await db.run.count({ where: { at: { gte: at, lt: new Date(at.getTime() + 1) } } }), 2);
});

test("pruneRuns deletes runs older than the retention", async () => {
  await db.run.deleteMany();
  const now = new Date("2026-12-31T00:00:00Z");
  log.recordRun(entry(1, new Date("2026-11-30T23:59:59Z")));
  log.recordRun(entry(2, new Date("2026-12-01T00:00:01Z")));
  await log.flushRuns();
  assert.equal(await log.pruneRuns(30, now), 1);
  assert.deepEqual((await db.run.findMany()).map((r) => r.durationMs), [2]);
});

test("pruneRuns deletes a backlog larger than one batch", async () => {
  await db.run.deleteMany();
  const old = new Date("2026-10-01T00:00:00Z");
  for (let i = 0; i < 12_000; i++) log.recordRun(entry(i, old));
  log.recordRun(entry(1, new Date("2026-12-30T00:00:00Z")));
  await log.flushRuns();
  assert.equal(await log.pruneRuns(30, new Date("2026-12-31T00:00:00Z")), 12_000);
  assert.equal(await db.run.count(), 1);
});
