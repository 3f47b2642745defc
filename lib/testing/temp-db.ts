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
