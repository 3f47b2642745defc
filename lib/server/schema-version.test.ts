// The schema version check (issue 14 item 3): the comparison of shipped and applied migrations,
// the build's folders, and Prisma's migration table read from a real database (SQLite, or
// PostgreSQL in npm test's PostgreSQL pass) with rows as `prisma migrate deploy` writes them.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { isPostgresUrl } from "@/lib/env";
import { createTempDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { appliedMigrations, compareMigrations, migrationsFolder, schemaProblem, shippedMigrations, type TDialect } from "./schema-version";
import { recordMigrations } from "./test-support";

test("the same names in any order match", () => {
  assert.deepEqual(compareMigrations(["a", "b", "c"], ["c", "a", "b"]), { ok: true });
});

test("shipped but not applied are pending; applied but not shipped are unknown", () => {
  assert.deepEqual(compareMigrations(["a", "b", "c"], ["a"]), { ok: false, pending: ["b", "c"], unknown: [] });
  assert.deepEqual(compareMigrations(["a"], ["a", "z_future"]), { ok: false, pending: [], unknown: ["z_future"] });
  assert.deepEqual(compareMigrations(["a", "b"], []), { ok: false, pending: ["a", "b"], unknown: [] });
  assert.deepEqual(compareMigrations(["a", "b"], ["a", "x"]), { ok: false, pending: ["b"], unknown: ["x"] });
});

test("the problem in words: an unknown migration first (deploying this build does not fix it), long lists cut", () => {
  assert.equal(schemaProblem({ pending: ["b"], unknown: [] }), "migrations pending: b");
  assert.equal(schemaProblem({ pending: ["b"], unknown: ["x", "y"] }), "database has migrations this build does not know: x, y");
  const many = Array.from({ length: 13 }, (_, i) => `m${String(i).padStart(2, "0")}`);
  assert.equal(schemaProblem({ pending: many, unknown: [] }), "migrations pending: m00, m01, m02, m03, m04, m05, m06, m07, m08, m09 (and 3 more)");
});

test("the build ships the migration folders of its dialect, in order", async () => {
  for (const dialect of ["sqlite", "postgres"] as const) {
    const folder = migrationsFolder(dialect);
    const dirs = (await readdir(folder, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    const shipped = await shippedMigrations(dialect);
    assert.ok(shipped.length > 0, `${dialect}: some migrations`);
    assert.deepEqual(shipped, dirs, `${dialect}: every folder of ${folder}`);
  }
  assert.notDeepEqual(await shippedMigrations("sqlite"), await shippedMigrations("postgres"), "each dialect has its own folder");
});

test("a folder without migration.sql is no migration; no migrations at all is an incomplete build", async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), "patchbay-schema-"));
  try {
    const folder = migrationsFolder("sqlite", root);
    await mkdir(path.join(folder, "20990101000000_b"), { recursive: true });
    await mkdir(path.join(folder, "20990101000000_a"), { recursive: true });
    await mkdir(path.join(folder, "notes"), { recursive: true });
    await writeFile(path.join(folder, "migration_lock.toml"), 'provider = "sqlite"\n');
    await assert.rejects(shippedMigrations("sqlite", root), /no migrations found/);
    await writeFile(path.join(folder, "20990101000000_b", "migration.sql"), "SELECT 1;");
    await writeFile(path.join(folder, "20990101000000_a", "migration.sql"), "SELECT 1;");
    assert.deepEqual(await shippedMigrations("sqlite", root), ["20990101000000_a", "20990101000000_b"]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

let temp: TTempDb;
let dialect: TDialect;
before(async () => {
  temp = await createTempDatabase("patchbay-schema-");
  dialect = isPostgresUrl(temp.url) ? "postgres" : "sqlite";
});
after(async () => {
  await temp?.cleanup();
});

test("the applied migrations of a real database: none before Prisma migrated it, then the finished ones only", async () => {
  assert.deepEqual(await appliedMigrations(temp.db, dialect), [], "no _prisma_migrations table: nothing applied");
  const shipped = await shippedMigrations(dialect);
  await recordMigrations(temp.url, [
    ...shipped.map((name) => ({ name })),
    { name: "20990101000000_rolled_back", state: "rolled-back" as const },
    { name: "20990101000001_failed", state: "failed" as const },
    // Applied again after it had been rolled back: it counts once.
    { name: shipped[0]!, state: "rolled-back" as const },
  ]);
  const applied = await appliedMigrations(temp.db, dialect);
  assert.deepEqual([...applied].sort(), shipped, "rolled back and failed ones are not applied; each name once");
  assert.deepEqual(compareMigrations(shipped, applied), { ok: true });
});
