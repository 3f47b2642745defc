import "server-only";
// The Prisma client (JS engine over a driver adapter): the embedded SQLite (libsql) or PostgreSQL
// (SPEC §12), chosen by DATABASE_URL. Both clients come from the same models (prisma/postgres is
// derived from prisma/schema.prisma), so one type serves both. Ciphertext and password hashes are
// omitted from every query by default; code that needs them opts in with `omit: { x: false }`.
import { PatchbayLibSQL } from "@/lib/sqlite-adapter";
import { createPgAdapter } from "@/lib/pg-adapter";
import { PrismaClient } from "@/generated/prisma/client";
import { PrismaClient as PgPrismaClient } from "@/generated/prisma-pg/client";
import { databaseUrl, ensureDataDir, env, isPostgresUrl } from "@/lib/env";
import { AppError } from "@/lib/errors";

export const DEFAULT_OMIT = {
  user: { passwordHash: true },
  authConfig: { secrets: true },
  oAuthToken: { accessToken: true, refreshToken: true },
  oAuthState: { codeVerifier: true },
  apiToken: { tokenHash: true },
  eventSubscription: { signingKey: true, previousSigningKey: true, verifySecret: true },
  listener: { authPassword: true, authHeaderValue: true, authSecret: true, signingKey: true },
  inboundMessage: { body: true },
} as const;

function createSqliteClient(url: string) {
  return new PrismaClient({ adapter: new PatchbayLibSQL({ url }), omit: DEFAULT_OMIT });
}

export type TDb = ReturnType<typeof createSqliteClient>;

/**
 * A client for `url`: postgres:// or postgresql:// open PostgreSQL through a pool of `poolSize`
 * connections, anything else SQLite. The PostgreSQL client is typed as the SQLite one: the models
 * and their operations are the same; the few provider differences are in dialect-aware helpers
 * (textContains, lib/runs/queries.ts).
 */
export function createPrismaClient(url: string, opts: { poolSize?: number; application?: string } = {}): TDb {
  if (isPostgresUrl(url)) {
    const adapter = createPgAdapter(url, { max: opts.poolSize ?? 10, application: opts.application });
    return new PgPrismaClient({ adapter, omit: DEFAULT_OMIT }) as unknown as TDb;
  }
  return createSqliteClient(url);
}

/** The SQL dialect of this process's database. */
export function dialect(): "sqlite" | "postgres" {
  return isPostgresUrl(databaseUrl()) ? "postgres" : "sqlite";
}

/**
 * A substring filter that ignores case on both databases: SQLite's LIKE already does (for ASCII),
 * PostgreSQL needs mode "insensitive" (which the SQLite client's types do not know).
 */
export function textContains(q: string): { contains: string } {
  return (dialect() === "postgres" ? { contains: q, mode: "insensitive" } : { contains: q }) as { contains: string };
}

const globalForDb = globalThis as unknown as { patchbayDb?: TDb };

function init(): TDb {
  ensureDataDir();
  return createPrismaClient(databaseUrl(), { poolSize: env().PATCHBAY_DB_POOL_SIZE, application: `patchbay-${env().PATCHBAY_ROLE}` });
}

/** Lazily created so that `next build` never opens the database. */
export function getDb(): TDb {
  globalForDb.patchbayDb ??= init();
  return globalForDb.patchbayDb;
}

/** The client inside an interactive transaction. */
export type TTx = Parameters<Parameters<TDb["$transaction"]>[0]>[0];

/**
 * Serialises transactions that decide on the same `key` (read, check, write): on PostgreSQL a
 * transaction-scoped advisory lock, held until the transaction ends — under READ COMMITTED each
 * statement after it sees what the previous holder committed. On SQLite nothing is needed: every
 * transaction begins IMMEDIATE and holds the file's write lock (lib/sqlite-adapter.ts).
 */
export async function lockFor(tx: TTx, key: string): Promise<void> {
  if (dialect() === "postgres") await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`patchbay.${key}`}, 0))`;
}

/** Prisma's unique-constraint violation (P2002). */
export function isUniqueViolation(e: unknown): boolean {
  return !!e && typeof e === "object" && "code" in e && e.code === "P2002";
}

/**
 * The columns a unique violation names: meta.target without a driver adapter, the adapter's
 * constraint fields with one (libsql).
 */
export function uniqueViolationFields(e: unknown): string {
  const meta = (e as { meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: unknown } } } } }).meta;
  return `${String(meta?.target ?? "")} ${String(meta?.driverAdapterError?.cause?.constraint?.fields ?? "")}`;
}

/** The driver adapter's kind of a Prisma error ("ForeignKeyConstraintViolation", ...), if it says. */
export function driverErrorKind(e: unknown): string | null {
  const kind = (e as { meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } } | null)?.meta?.driverAdapterError?.cause?.kind;
  return typeof kind === "string" ? kind : null;
}

/** Rethrows a unique-name violation as a CONFLICT on the form's "name" field; anything else as is. */
export function rethrowNameTaken(e: unknown, what: string): never {
  if (isUniqueViolation(e)) {
    throw new AppError("CONFLICT", `${what} with this name already exists.`, { name: ["This name is already used"] });
  }
  throw e;
}
