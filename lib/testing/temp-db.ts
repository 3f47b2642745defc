// A throw-away SQLite database with every committed migration applied, for unit tests that need
// real persistence. Never used by the app itself.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createClient } from "@libsql/client";
import { createPrismaClient, type TDb } from "@/lib/db";

export type TTempDb = { url: string; dir: string; db: TDb; cleanup: () => Promise<void> };

export async function createTempDatabase(prefix = "patchbay-test-"): Promise<TTempDb> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const url = `file:${path.join(dir, "test.db")}`;
  const migrations = path.join(process.cwd(), "prisma", "migrations");
  const client = createClient({ url });
  try {
    const names = (await readdir(migrations, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    if (names.length === 0) throw new Error("no migrations found");
    for (const name of names) await client.executeMultiple(await readFile(path.join(migrations, name, "migration.sql"), "utf8"));
  } finally {
    client.close();
  }
  const db = createPrismaClient(url);
  return {
    url,
    dir,
    db,
    cleanup: async () => {
      await db.$disconnect();
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
