// npm run db:migration -- <name>
// Writes prisma/migrations/<UTC timestamp>_<name>/migration.sql: the SQL that takes the schema as of
// the last migration (the schema.prisma copy kept in its folder) to prisma/schema.prisma — and the
// same for PostgreSQL: prisma/postgres/schema.prisma derived again (scripts/pg-schema.ts) and
// prisma/postgres/migrations/<same name>/migration.sql.
// This avoids `prisma migrate dev`, which needs a shadow database that the libsql adapter cannot
// drive reliably (README, "Database").
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "../lib/env";
import { derivePgSchema, PG_SCHEMA, SQLITE_SCHEMA } from "./pg-schema";

env(); // validates the configuration and sets DATABASE_URL for the Prisma CLI
const name = process.argv[2];
if (!name || !/^[a-z0-9][a-z0-9_]*$/.test(name)) {
  console.error("usage: npm run db:migration -- <name>   (lower case letters, digits and _)");
  process.exit(2);
}

const dir = path.join("prisma", "migrations");
const PG_MIGRATIONS = path.join("prisma", "postgres", "migrations");
/** The newest migration folder's name, if any. */
function lastMigration(folder: string): string | undefined {
  if (!existsSync(folder)) return undefined;
  return readdirSync(folder, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .at(-1);
}
const last = lastMigration(dir);
const lastSchema = last ? path.join(dir, last, "schema.prisma") : null;
if (lastSchema && !existsSync(lastSchema)) {
  console.error(`${lastSchema} is missing: every migration folder keeps the schema it migrates to.`);
  process.exit(1);
}

const from = lastSchema ? ["--from-schema-datamodel", lastSchema] : ["--from-empty"];
const sql = execFileSync(
  "npx",
  ["prisma", "migrate", "diff", ...from, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
  { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } },
);
if (!sql.trim() || /^-- This is an empty migration\.\s*$/.test(sql.trim())) {
  console.log("No schema changes since the last migration; nothing written.");
  process.exit(0);
}

const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
const target = path.join(dir, `${stamp}_${name}`);
mkdirSync(target);
writeFileSync(path.join(target, "migration.sql"), sql);
copyFileSync("prisma/schema.prisma", path.join(target, "schema.prisma"));
console.log(`Wrote ${target}/migration.sql. Review it, then apply with: npm run db:deploy`);

// The PostgreSQL side (SPEC §12): its schema derived again, and the same change as its own migration.
writeFileSync(PG_SCHEMA, derivePgSchema(readFileSync(SQLITE_SCHEMA, "utf8")));
const pgLast = lastMigration(PG_MIGRATIONS);
const pgFrom = pgLast ? ["--from-schema-datamodel", path.join(PG_MIGRATIONS, pgLast, "schema.prisma")] : ["--from-empty"];
const pgSql = execFileSync("npx", ["prisma", "migrate", "diff", ...pgFrom, "--to-schema-datamodel", PG_SCHEMA, "--script"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
const pgTarget = path.join(PG_MIGRATIONS, `${stamp}_${name}`);
mkdirSync(pgTarget, { recursive: true });
writeFileSync(path.join(pgTarget, "migration.sql"), pgSql);
copyFileSync(PG_SCHEMA, path.join(pgTarget, "schema.prisma"));
console.log(`Wrote ${pgTarget}/migration.sql (PostgreSQL) and ${PG_SCHEMA}.`);
