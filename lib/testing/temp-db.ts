// A throw-away database with every committed migration applied, for unit tests that need real
// persistence: a SQLite file by default, or a new PostgreSQL database in the test cluster
// (lib/testing/pg-cluster.ts; see onPostgres). Never used by the app itself.
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createClient } from "@libsql/client";
import pg from "pg";
import { createPrismaClient, type TDb } from "@/lib/db";
import { testTooling } from "@/lib/env";
import { testPgCluster } from "./pg-cluster";

export type TTempDb = { url: string; dir: string; db: TDb; cleanup: () => Promise<void> };

/**
 * Whether temporary databases are PostgreSQL ones: PATCHBAY_TEST_DATABASE=postgres (npm test's
 * second pass) or =sqlite; unset, PostgreSQL when a cluster is named (PATCHBAY_TEST_PG_URL).
 */
function onPostgres(): boolean {
  return testTooling().database === "postgres";
}

async function migrationScripts(folder: string): Promise<string[]> {
  const names = (await readdir(folder, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  if (names.length === 0) throw new Error(`no migrations found in ${folder}`);
  return Promise.all(names.map((name) => readFile(path.join(folder, name, "migration.sql"), "utf8")));
}

/**
 * A new database in the cluster at `adminUrl`, with the PostgreSQL migrations' SQL applied (or,
 * with `empty`, none: for `prisma migrate deploy` as `npm start` runs it); its URL.
 */
export async function createPgTestDatabase(adminUrl: string, prefix: string, opts: { empty?: boolean } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix.replace(/[^a-z0-9]+/gi, "_").toLowerCase()}${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  if (!opts.empty) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const sql of await migrationScripts(path.join(process.cwd(), "prisma", "postgres", "migrations"))) await client.query(sql);
    } finally {
      await client.end();
    }
  }
  const drop = async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await c.end();
    }
  };
  return { url, drop };
}

export async function createTempDatabase(prefix = "patchbay-test-"): Promise<TTempDb> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const pgAdmin = onPostgres() ? await testPgCluster() : undefined;
  let url: string;
  let drop = async () => {};
  if (pgAdmin) {
    ({ url, drop } = await createPgTestDatabase(pgAdmin, prefix));
  } else {
    url = `file:${path.join(dir, "test.db")}`;
    const client = createClient({ url });
    try {
      for (const sql of await migrationScripts(path.join(process.cwd(), "prisma", "migrations"))) await client.executeMultiple(sql);
    } finally {
      client.close();
    }
  }
  const db = createPrismaClient(url);
  return {
    url,
    dir,
    db,
    cleanup: async () => {
      await db.$disconnect();
      await drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Points this test process's configuration at a fresh temporary database (and data folder, so a
 * secret key is generated there) before the modules under test first read it: lib/env.ts reads
 * the environment once per process, and node --test runs each file in a process of its own. Returns the
 * app's own client (getDb()) once the configuration is in force.
 */
export async function useTempAppDatabase(opts: { prefix: string; env?: Record<string, string> }): Promise<{ temp: TTempDb; db: TDb }> {
  const temp = await createTempDatabase(opts.prefix);
  await temp.db.$disconnect(); // the modules under test open their own client through getDb()
  const { setEnvForTests } = await import("@/lib/env");
  setEnvForTests({
    PATCHBAY_SECRET_KEY: undefined,
    PATCHBAY_SECRET_KEYS_OLD: undefined,
    PATCHBAY_ADMIN_EMAIL: undefined,
    PATCHBAY_ADMIN_PASSWORD: undefined,
    PATCHBAY_ADMIN_NAME: undefined,
    PATCHBAY_DATA_DIR: temp.dir,
    DATABASE_URL: temp.url,
    ...opts.env,
  });
  const { getDb } = await import("@/lib/db");
  const { databaseUrl } = await import("@/lib/env");
  if (databaseUrl() !== temp.url) throw new Error("the configuration was read before useTempAppDatabase() ran");
  return { temp, db: getDb() };
}
