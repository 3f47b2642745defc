// The schema version check (issue 14 item 3): the migrations this build ships (the folders under
// prisma/migrations, or prisma/postgres/migrations on PostgreSQL) against the ones applied to the
// database (Prisma's _prisma_migrations). A process whose build and database differ must not run:
// a worker of an older build would write rows a newer schema does not expect, and the other way
// round. `npm start` applies the missing ones (prisma migrate deploy) before the server starts.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TDb } from "@/lib/db";

export type TDialect = "sqlite" | "postgres";

export type TSchemaVerdict =
  | { ok: true }
  /** pending: shipped, not applied; unknown: applied, not shipped (the database was migrated by a newer build). */
  | { ok: false; pending: string[]; unknown: string[] };

/** Compares the migration names of the build and of the database. Pure. */
export function compareMigrations(shipped: readonly string[], applied: readonly string[]): TSchemaVerdict {
  const has = new Set(applied);
  const ships = new Set(shipped);
  const pending = [...ships].filter((n) => !has.has(n)).sort();
  const unknown = [...has].filter((n) => !ships.has(n)).sort();
  return pending.length === 0 && unknown.length === 0 ? { ok: true } : { ok: false, pending, unknown };
}

/** The problem in words ("migrations pending: a, b"); the names are the migration folders. */
export function schemaProblem(verdict: { pending: string[]; unknown: string[] }): string {
  // Unknown first: a database ahead of the build is not fixed by deploying this build's migrations.
  if (verdict.unknown.length > 0) return `database has migrations this build does not know: ${listNames(verdict.unknown)}`;
  return `migrations pending: ${listNames(verdict.pending)}`;
}

function listNames(names: string[]): string {
  const shown = names.slice(0, 10).join(", ");
  return names.length > 10 ? `${shown} (and ${names.length - 10} more)` : shown;
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The migrations folder of a dialect in this build. */
export function migrationsFolder(dialect: TDialect, root = ROOT): string {
  return path.join(root, "prisma", ...(dialect === "postgres" ? ["postgres"] : []), "migrations");
}

/** The names of the migrations this build ships: folders holding a migration.sql, in order. */
export async function shippedMigrations(dialect: TDialect, root = ROOT): Promise<string[]> {
  const folder = migrationsFolder(dialect, root);
  const entries = await readdir(folder, { withFileTypes: true });
  const names: string[] = [];
  for (const d of entries) {
    if (!d.isDirectory()) continue;
    const files = await readdir(path.join(folder, d.name));
    if (files.includes("migration.sql")) names.push(d.name);
  }
  if (names.length === 0) throw new Error(`no migrations found in ${folder}: the build is incomplete`);
  return names.sort();
}

const TABLE_EXISTS: Record<TDialect, string> = {
  sqlite: `SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`,
  postgres: `SELECT 1 AS x FROM information_schema.tables WHERE table_name = '_prisma_migrations' AND table_schema = current_schema()`,
};

/**
 * The migrations applied to the database: finished and not rolled back (a failed one, which
 * `prisma migrate deploy` stops at, counts as not applied). None when Prisma never migrated it.
 */
export async function appliedMigrations(db: TDb, dialect: TDialect): Promise<string[]> {
  const table = await db.$queryRawUnsafe<unknown[]>(TABLE_EXISTS[dialect]);
  if (table.length === 0) return [];
  const rows = await db.$queryRawUnsafe<Array<{ migration_name: string }>>(
    `SELECT DISTINCT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  return rows.map((r) => r.migration_name);
}
