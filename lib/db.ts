import "server-only";
// The Prisma client (JS engine over the libsql driver adapter). Ciphertext and password hashes
// are omitted from every query by default; code that needs them opts in with `omit: { x: false }`.
import { PatchbayLibSQL } from "@/lib/sqlite-adapter";
import { PrismaClient } from "@/generated/prisma/client";
import { databaseUrl, ensureDataDir } from "@/lib/env";
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

export function createPrismaClient(url: string) {
  return new PrismaClient({ adapter: new PatchbayLibSQL({ url }), omit: DEFAULT_OMIT });
}

export type TDb = ReturnType<typeof createPrismaClient>;

const globalForDb = globalThis as unknown as { patchbayDb?: TDb };

function init(): TDb {
  ensureDataDir();
  return createPrismaClient(databaseUrl());
}

/** Lazily created so that `next build` never opens the database. */
export function getDb(): TDb {
  globalForDb.patchbayDb ??= init();
  return globalForDb.patchbayDb;
}

/** The client inside an interactive transaction. */
export type TTx = Parameters<Parameters<TDb["$transaction"]>[0]>[0];

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
