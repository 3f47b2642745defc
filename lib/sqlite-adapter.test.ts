import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { PrismaClient } from "@/generated/prisma/client";
import type { TDb } from "@/lib/db";
import { createTempDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { BUSY_TIMEOUT_MS } from "./sqlite-adapter";

const WRITER = path.join(process.cwd(), "lib", "testing", "tx-writer.ts");
const PER_PROCESS = 20;

type TReport = { ok: number; failed: number; errors: string[] };

/**
 * Starts one tx-writer process per entry, lets them all go at the same moment and returns their
 * reports. Separate processes, not two clients in this one: libsql's driver is synchronous, so
 * a BEGIN IMMEDIATE waiting for the write lock sleeps in the busy handler with the whole event loop
 * blocked, and a second client in the same process that holds the lock never gets to commit
 * (both wait out BUSY_TIMEOUT_MS, then fail with "Operation has timed out").
 */
async function runWriters(url: string, kind: "patchbay" | "plain", processes: number): Promise<TReport[]> {
  const children = Array.from({ length: processes }, () =>
    spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", WRITER, url, String(PER_PROCESS), kind], {
      stdio: ["pipe", "pipe", "pipe"],
    }),
  );
  const stderr = children.map(() => [] as string[]);
  children.forEach((c, i) => c.stderr.on("data", (d: Buffer) => stderr[i].push(d.toString())));
  const lines = children.map((c) => createInterface({ input: c.stdout })[Symbol.asyncIterator]());
  const next = async (i: number) => {
    const { value, done } = await lines[i].next();
    if (done) throw new Error(`writer ${i} ended early:\n${stderr[i].join("")}`);
    return value as string;
  };
  try {
    const ready = await Promise.all(children.map((_, i) => next(i)));
    assert.deepEqual(ready, children.map(() => "ready"));
    for (const c of children) c.stdin.write("go\n");
    const reports = await Promise.all(children.map(async (_, i) => JSON.parse(await next(i)) as TReport));
    await Promise.all(children.map((c) => (c.exitCode !== null ? c.exitCode : new Promise((r) => c.once("exit", r)))));
    return reports;
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
  }
}

async function titles(db: TDb | PrismaClient): Promise<string[]> {
  const rows = await db.auditEntry.findMany({ select: { objectName: true } });
  return rows.map((r) => r.objectName ?? "").sort((a, b) => Number(a) - Number(b));
}

const expectedTitles = (n: number) => Array.from({ length: n }, (_, i) => String(i));

describe("PatchbayLibSQL connection settings", () => {
  let t: TTempDb;
  before(async () => {
    t = await createTempDatabase("patchbay-adapter-");
  });
  after(async () => {
    await t?.cleanup();
  });

  test("every connection gets busy_timeout = BUSY_TIMEOUT_MS", async () => {
    assert.ok(BUSY_TIMEOUT_MS > 0);
    const before = await t.db.$queryRawUnsafe<{ timeout: number | bigint }[]>("PRAGMA busy_timeout");
    assert.equal(Number(before[0].timeout), BUSY_TIMEOUT_MS);
    // An interactive transaction takes the client's connection over and libsql opens a new one
    // for what follows: transactions in a row, and plain queries after them, must all have it.
    for (let i = 0; i < 3; i++) {
      const inside = await t.db.$transaction((tx) => tx.$queryRawUnsafe<{ timeout: number | bigint }[]>("PRAGMA busy_timeout"));
      assert.equal(Number(inside[0].timeout), BUSY_TIMEOUT_MS, `transaction ${i + 1}`);
    }
    const afterTx = await t.db.$queryRawUnsafe<{ timeout: number | bigint }[]>("PRAGMA busy_timeout");
    assert.equal(Number(afterTx[0].timeout), BUSY_TIMEOUT_MS);
  });

  test("a plain PrismaLibSQL connection has no busy timeout (control)", async () => {
    const plain = new PrismaClient({ adapter: new PrismaLibSQL({ url: t.url }) });
    try {
      const rows = await plain.$queryRawUnsafe<{ timeout: number | bigint }[]>("PRAGMA busy_timeout");
      assert.equal(Number(rows[0].timeout), 0);
    } finally {
      await plain.$disconnect();
    }
  });

  test("a file database is switched to WAL", async () => {
    const rows = await t.db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
    assert.equal(rows[0].journal_mode.toLowerCase(), "wal");
  });

  /** Whether a write from another connection (without busy wait) gets through while `db` is in a transaction that has only read. */
  async function otherWriterGetsThrough(db: TDb | PrismaClient): Promise<boolean> {
    const probe = new PrismaClient({ adapter: new PrismaLibSQL({ url: t.url }) });
    try {
      await probe.auditEntry.count(); // open it
      return await db.$transaction(async (tx) => {
        await tx.auditEntry.count();
        return probe.auditEntry.create({ data: { action: "probe", objectType: "T" } }).then(
          () => true,
          (e: unknown) => {
            assert.match(String(e), /timed out|busy|locked/i);
            return false;
          },
        );
      });
    } finally {
      await probe.$disconnect();
    }
  }

  test("a deferred transaction (plain PrismaLibSQL) that has only read does not hold the write lock (control)", async () => {
    const plain = new PrismaClient({ adapter: new PrismaLibSQL({ url: t.url }) });
    try {
      assert.equal(await otherWriterGetsThrough(plain), true);
    } finally {
      await plain.$disconnect();
    }
  });

  test("interactive transactions begin IMMEDIATE: they hold the write lock from the start", async () => {
    const probes = await t.db.auditEntry.count({ where: { action: "probe" } });
    assert.equal(await otherWriterGetsThrough(t.db), false);
    assert.equal(await t.db.auditEntry.count({ where: { action: "probe" } }), probes);
  });
});

describe("read-then-write transactions from two processes on one database", () => {
  let patchbayDb: TTempDb;
  let plainDb: TTempDb;
  let patchbay: TReport[];
  let plain: TReport[];

  before(async () => {
    [patchbayDb, plainDb] = await Promise.all([createTempDatabase("patchbay-adapter-"), createTempDatabase("patchbay-adapter-plain-")]);
    // Both files in WAL (set by the Patchbay client's first query) so that the plain run differs
    // only by the adapter: no busy timeout and deferred transactions.
    await Promise.all([patchbayDb.db.auditEntry.count(), plainDb.db.auditEntry.count()]);
    // Process start-up dominates, so both scenarios run at once (on separate databases).
    [patchbay, plain] = await Promise.all([runWriters(patchbayDb.url, "patchbay", 2), runWriters(plainDb.url, "plain", 2)]);
  });
  after(async () => {
    await Promise.all([patchbayDb?.cleanup(), plainDb?.cleanup()]);
  });

  test("with PatchbayLibSQL all 2 x 20 transactions succeed", async () => {
    assert.deepEqual(patchbay, [
      { ok: PER_PROCESS, failed: 0, errors: [] },
      { ok: PER_PROCESS, failed: 0, errors: [] },
    ]);
    assert.equal(await patchbayDb.db.auditEntry.count(), 2 * PER_PROCESS);
  });

  test("with PatchbayLibSQL the transactions were serialised: each read the count the one before left", async () => {
    // Each transaction wrote the count it read: 0..39 exactly once each means no two overlapped.
    assert.deepEqual(await titles(patchbayDb.db), expectedTitles(2 * PER_PROCESS));
  });

  test("with a plain PrismaLibSQL adapter the same workload loses transactions to SQLITE_BUSY (the problem)", async () => {
    const rows = await plainDb.db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
    assert.equal(rows[0].journal_mode.toLowerCase(), "wal");
    const failed = plain.reduce((sum, r) => sum + r.failed, 0);
    assert.ok(failed > 0, `expected failures, got ${JSON.stringify(plain)}`);
    assert.match(plain.flatMap((r) => r.errors).join("\n"), /timed out|busy|locked/i);
    assert.equal(await plainDb.db.auditEntry.count(), 2 * PER_PROCESS - failed);
  });
});
