// Prisma CLI configuration: the JS schema engine over the libsql driver adapter, so that no native
// engine is ever downloaded (see README, "Database").
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { defineConfig } from "prisma/config";
import { databaseUrl, ensureDataDir, env } from "./lib/env";

// Validates the configuration and sets DATABASE_URL, which the schema needs before the CLI starts.
env();

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    ensureDataDir();
    return new PrismaLibSQL({ url: databaseUrl() });
  },
});
