// Prisma CLI configuration: the JS schema engine over a driver adapter, so that no native engine
// is ever downloaded (see README, "Database"). DATABASE_URL chooses the provider: file:/libsql:
// use the SQLite schema and migrations, postgres:// the PostgreSQL ones derived from it (SPEC §12).
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { defineConfig } from "prisma/config";
import { databaseUrl, ensureDataDir, env, isPostgresUrl } from "./lib/env";
import { createPgAdapter } from "./lib/pg-adapter";

// Validates the configuration and sets DATABASE_URL, which the schema needs before the CLI starts.
env();
const postgres = isPostgresUrl(databaseUrl());

export default defineConfig({
  schema: postgres ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma",
  migrations: { path: postgres ? "prisma/postgres/migrations" : "prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    if (postgres) return createPgAdapter(databaseUrl(), { max: 2, application: "patchbay-migrate" });
    ensureDataDir();
    return new PrismaLibSQL({ url: databaseUrl() });
  },
});
