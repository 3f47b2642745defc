// GroupCommit on a real SQLite database: concurrent writes share transactions, each caller hears
// back after its own commit, and a write that fails takes none of its companions with it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TDb } from "@/lib/db";
import { createTempDatabase } from "@/lib/testing/temp-db";
import { GroupCommit } from "./group-commit";

let db: TDb;
let cleanup: () => Promise<void>;

before(async () => {
  ({ db, cleanup } = await createTempDatabase("patchbay-group-commit-"));
});
after(async () => {
  await db?.$disconnect();
  await cleanup?.();
});

/** Writes schedules named by the items (the name is unique: a repeated one fails its transaction). */
function writer() {
  const groups: string[][] = [];
  const gc = new GroupCommit<string, string>(
    () => db,
    async (tx, names) => {
      groups.push(names);
      const out: string[] = [];
      for (const name of names) out.push((await tx.jobSchedule.create({ data: { name, cron: "* * * * *", data: "null", nextAt: new Date() } })).name);
      return out;
    },
    { maxBatch: 50 },
  );
  return { gc, groups };
}

describe("group commit", () => {
  test("concurrent writes share transactions; each resolves once its row is committed", async () => {
    const { gc, groups } = writer();
    const names = Array.from({ length: 120 }, (_, i) => `gc-a-${i}`);
    const results = await Promise.all(
      names.map(async (n) => {
        const got = await gc.submit(n);
        // Committed by the time the caller hears back: visible to a read outside the transaction.
        assert.ok(await db.jobSchedule.findUnique({ where: { name: n } }), `${n} is committed when its submit resolves`);
        return got;
      }),
    );
    assert.deepEqual(results, names);
    assert.ok(groups.length < names.length / 2, `far fewer transactions than writes: ${groups.length}`);
    assert.ok(groups.every((g) => g.length <= 50), "no group beyond maxBatch");
  });

  test("a lone write goes in at once, in a group of its own", async () => {
    const { gc, groups } = writer();
    assert.equal(await gc.submit("gc-b-1"), "gc-b-1");
    assert.deepEqual(groups, [["gc-b-1"]]);
  });

  test("a failing write rejects alone; its companions are committed", async () => {
    const { gc } = writer();
    await gc.submit("gc-c-taken");
    const outcomes = await Promise.allSettled(["gc-c-1", "gc-c-taken", "gc-c-2", "gc-c-3"].map((n) => gc.submit(n)));
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ["fulfilled", "rejected", "fulfilled", "fulfilled"],
    );
    const stored = await db.jobSchedule.findMany({ where: { name: { startsWith: "gc-c-" } }, select: { name: true }, orderBy: { name: "asc" } });
    assert.deepEqual(stored.map((s) => s.name), ["gc-c-1", "gc-c-2", "gc-c-3", "gc-c-taken"]);
  });

  test("maxWeight: a group stops growing past the total weight, with at least one write each", async () => {
    const groups: number[][] = [];
    const gc = new GroupCommit<number, number>(
      () => db,
      async (_tx, items) => {
        groups.push(items);
        return items;
      },
      { maxWeight: 10, weight: (n) => n },
    );
    await Promise.all([4, 5, 3, 20, 1].map((n) => gc.submit(n)));
    assert.deepEqual(groups, [[4, 5], [3], [20], [1]]);
  });

  test("a database fault fails the whole group at once (no write retried one by one)", async () => {
    let calls = 0;
    const gc = new GroupCommit<string, string>(
      () => db,
      async () => {
        calls++;
        throw new Error("database is locked");
      },
    );
    const outcomes = await Promise.allSettled(["a", "b", "c"].map((n) => gc.submit(n)));
    assert.deepEqual(outcomes.map((o) => o.status), ["rejected", "rejected", "rejected"]);
    assert.equal(calls, 1);
  });
});
