import "server-only";
// API tokens in the database: create (the token returned once), list, revoke, and the hot path's
// authentication. A token acts as its user with the user's role and state read at request time
// (cached ≤ 5 s, dropped at once when the token or the user changes: on every instance on
// PostgreSQL, lib/cache/invalidation.ts).
import { actorOf, audit } from "@/lib/audit";
import type { TSessionUser } from "@/lib/auth/session";
import { invalidate } from "@/lib/cache/invalidation";
import { TtlCache } from "@/lib/cache/ttl-cache";
import { dialect, getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TRole } from "@/lib/users/schema";
import { expiryDate } from "./expiry";
import { displayPrefix, generateToken, hashToken, isWellFormed, tokenStatus, type TTokenStatus } from "./format";
import { RateLimiter, SharedRateLimiter } from "./rate-limit";
import type { TCreateApiToken } from "./schema";

export type TApiCaller = { user: TSessionUser; tokenId: string };

export type TApiTokenRow = {
  id: string;
  name: string;
  prefix: string;
  owner: { id: string; name: string; email: string };
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  rateLimit: number | null;
  status: TTokenStatus;
};

/** Creates a token for `user`; the returned `token` is the only time it exists outside the caller. */
export async function createApiToken(input: TCreateApiToken, user: TSessionUser, now = new Date()): Promise<{ id: string; token: string; prefix: string }> {
  const token = generateToken();
  const prefix = displayPrefix(token);
  const row = await getDb().$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: { name: input.name, tokenHash: hashToken(token), prefix, userId: user.id, expiresAt: expiryDate(input.expires, now), rateLimit: input.rateLimit },
      select: { id: true },
    });
    await audit({ actor: actorOf(user), action: "create", objectType: "ApiToken", objectId: created.id, objectName: input.name, details: { prefix, expires: input.expires, rateLimit: input.rateLimit } }, tx);
    return created;
  });
  return { id: row.id, token, prefix };
}

/** Admins see every token with its owner; members their own. */
export async function listApiTokens(viewer: TSessionUser, now = new Date()): Promise<TApiTokenRow[]> {
  const rows = await getDb().apiToken.findMany({
    where: viewer.role === "ADMIN" ? {} : { userId: viewer.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    include: { user: { select: { id: true, name: true, email: true, active: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    owner: { id: r.user.id, name: r.user.name, email: r.user.email },
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    rateLimit: r.rateLimit,
    status: tokenStatus({ ...r, userActive: r.user.active }, now),
  }));
}

/** The owner or an admin; takes effect at once (other instances: as soon as they hear of it). */
export async function revokeApiToken(id: string, by: TSessionUser): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const row = await tx.apiToken.findUnique({ where: { id }, select: { id: true, name: true, userId: true, revokedAt: true, prefix: true } });
    if (!row || (row.userId !== by.id && by.role !== "ADMIN")) throw new AppError("NOT_FOUND", "This API token no longer exists.");
    if (row.revokedAt) return;
    await tx.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
    await audit({ actor: actorOf(by), action: "revoke", objectType: "ApiToken", objectId: id, objectName: row.name, details: { prefix: row.prefix } }, tx);
  });
  invalidate("apiToken", id);
}

type TCachedToken = {
  id: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  rateLimit: number | null;
  user: { id: string; email: string; name: string; role: string; active: boolean; mustChangePassword: boolean };
} | null;

// Keyed by the token's hash: any token or user change clears it (rare, and revocation must be immediate).
const tokens = new TtlCache<TCachedToken>({ dependsOn: ["apiToken", "user"] });
const limiter = new RateLimiter();
let sharedLimiter: SharedRateLimiter | undefined;
const LAST_USED_EVERY_MS = 60_000;
const lastUsedWritten = new Map<string, number>();

function unauthenticated(message: string): AppError {
  return new AppError("UNAUTHENTICATED", message);
}

/** Writes lastUsedAt at most once a minute per token on this process, off the request. */
function markUsed(id: string, now: number): void {
  const last = lastUsedWritten.get(id);
  if (last !== undefined && now - last < LAST_USED_EVERY_MS) return;
  if (lastUsedWritten.size > 100_000) lastUsedWritten.clear();
  lastUsedWritten.set(id, now);
  getDb()
    .apiToken.updateMany({ where: { id }, data: { lastUsedAt: new Date(now) } })
    .catch((e) => console.error("[patchbay] could not record an API token's last use", e));
}

/**
 * null when the token may make this request; else Retry-After in seconds. Only tokens with a limit
 * cost anything: on PostgreSQL one statement, so that the limit holds across instances (SPEC §12).
 */
async function overLimit(tokenId: string, limit: number | null): Promise<number | null> {
  if (!limit) return null;
  if (dialect() === "sqlite") return limiter.check(tokenId, limit);
  sharedLimiter ??= new SharedRateLimiter(getDb());
  return sharedLimiter.check(tokenId, limit);
}

/**
 * The caller behind an `Authorization: Bearer` value. Throws UNAUTHENTICATED (unknown, malformed,
 * revoked, expired, user deactivated) or RATE_LIMITED (with the seconds to wait in `retryAfter`).
 */
export async function authenticateToken(token: string, now = Date.now()): Promise<TApiCaller> {
  if (!isWellFormed(token)) throw unauthenticated("The API token is not valid.");
  const hash = hashToken(token);
  const row = await tokens.get(hash, () =>
    getDb().apiToken.findUnique({
      where: { tokenHash: hash },
      select: { id: true, expiresAt: true, revokedAt: true, rateLimit: true, user: { select: { id: true, email: true, name: true, role: true, active: true, mustChangePassword: true } } },
    }),
  );
  if (!row) throw unauthenticated("The API token is not valid.");
  if (row.revokedAt) throw unauthenticated("This API token was revoked.");
  if (row.expiresAt && row.expiresAt.getTime() <= now) throw unauthenticated("This API token has expired.");
  if (!row.user.active) throw unauthenticated("The user of this API token is deactivated.");
  // As for sessions (requireCaller): after a password reset the user acts again once they chose their own.
  if (row.user.mustChangePassword) throw new AppError("FORBIDDEN", "The user of this API token must replace a temporary password first.");
  const wait = await overLimit(row.id, row.rateLimit);
  if (wait !== null) throw new RateLimitedError(wait, row.rateLimit!);
  markUsed(row.id, now);
  const u = row.user;
  return { tokenId: row.id, user: { id: u.id, email: u.email, name: u.name, role: u.role as TRole, mustChangePassword: u.mustChangePassword } };
}

export class RateLimitedError extends AppError {
  constructor(
    readonly retryAfter: number,
    limit: number,
  ) {
    super("RATE_LIMITED", `This API token allows ${limit} request${limit === 1 ? "" : "s"} per second. Retry after ${retryAfter} s.`);
  }
}
