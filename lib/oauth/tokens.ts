import "server-only";
// OAuth2 token sets in the database (SPEC §6, §7): encrypted per record and field, one row per
// configuration, connection ("" for the defaults, or an environment whose overrides change the
// client, URLs, scope or credentials) and owner ("shared", or a user id when credentials are not
// shared). "Needs reconnect" is a property of such a row, so it is per environment too. Renewal is
// single-flight per configuration and owner — in this process, and on PostgreSQL across processes
// (SPEC §12) — and a rotated refresh token is stored before the new access token is handed out.
import { randomUUID } from "node:crypto";
import { audit, type TActor } from "@/lib/audit";
import type { TOAuth2Input } from "@/lib/auth-configs/schema";
import { dialect, getDb, lockFor, type TTx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { openSecret, sealSecret } from "@/lib/secrets";
import { requestToken } from "./grants";
import { describeOAuthError, OAuthGrantError, type TTokenSet } from "./protocol";

/** Renew this long before the expiry the provider announced (clock skew, request time). */
export const REFRESH_MARGIN_MS = 60_000;

export const SHARED_OWNER = "shared";

const slot = (recordId: string, field: "accessToken" | "refreshToken") => ({ model: "OAuthToken", field, recordId });

export type TTokenOwner = {
  configId: string;
  /** "" (the defaults) or the id of the environment the tokens belong to (lib/environments/resolve.ts). */
  connection: string;
  /** "shared" or the user id. */
  ownerKey: string;
};

const uniqueOf = (o: TTokenOwner) => ({ authConfigId_connection_ownerKey: { authConfigId: o.configId, connection: o.connection, ownerKey: o.ownerKey } });

/** Whose tokens a request uses: everybody's with shared credentials (and every grant but Authorization Code), else the caller's. */
export function ownerKeyOf(config: TOAuth2Input, userId: string | null): string | null {
  if (config.subProtocol === "OAUTH2_AUTH_CODE" && !config.sharedCredentials) return userId;
  return SHARED_OWNER;
}

/** The owner's token set, decrypted (read in `tx` when given), or null. */
export async function loadTokens(owner: TTokenOwner, tx?: TTx): Promise<TTokenSet | null> {
  const row = await (tx ?? getDb()).oAuthToken.findUnique({ where: uniqueOf(owner), omit: { accessToken: false, refreshToken: false } });
  if (!row) return null;
  return {
    accessToken: openSecret(row.accessToken, slot(row.id, "accessToken")),
    refreshToken: row.refreshToken === null ? null : openSecret(row.refreshToken, slot(row.id, "refreshToken")),
    expiresAt: row.expiresAt,
    scope: row.scope,
    tokenType: row.tokenType ?? "Bearer",
  };
}

/** Stores a token set for an owner, replacing the previous one (in `tx` when given). */
export async function saveTokens(owner: TTokenOwner, set: TTokenSet, tx?: TTx): Promise<void> {
  const run = async (db: TTx) => {
    const existing = await db.oAuthToken.findUnique({ where: uniqueOf(owner), select: { id: true } });
    const id = existing?.id ?? randomUUID();
    const data = {
      accessToken: sealSecret(set.accessToken, slot(id, "accessToken")),
      refreshToken: set.refreshToken === null ? null : sealSecret(set.refreshToken, slot(id, "refreshToken")),
      expiresAt: set.expiresAt,
      scope: set.scope,
      tokenType: set.tokenType,
      // New tokens: whatever needed reconnecting is connected again.
      needsReconnect: false,
      needsReconnectReason: null,
    };
    if (existing) await db.oAuthToken.update({ where: { id }, data });
    else {
      const userId = owner.ownerKey === SHARED_OWNER ? null : owner.ownerKey;
      const environmentId = owner.connection === "" ? null : owner.connection;
      await db.oAuthToken.create({ data: { id, authConfigId: owner.configId, connection: owner.connection, environmentId, ownerKey: owner.ownerKey, userId, ...data } });
    }
  };
  if (tx) await run(tx);
  else await getDb().$transaction(run);
}

/** A token that expires within the margin is as good as expired. */
export function isFresh(set: TTokenSet, now = Date.now()): boolean {
  return set.expiresAt === null || set.expiresAt.getTime() - REFRESH_MARGIN_MS > now;
}

async function markNeedsReconnect(r: TTokenRequest, reason: string): Promise<void> {
  await getDb().oAuthToken.updateMany({ where: uniqueOf(r).authConfigId_connection_ownerKey, data: { needsReconnect: true, needsReconnectReason: reason.slice(0, 500) } });
  await audit({ actor: null, action: "needs-reconnect", objectType: "AuthConfig", objectId: r.configId, objectName: r.name, details: { reason: reason.slice(0, 500), ...(r.environmentName ? { environment: r.environmentName } : {}) } });
}

/** Why a connection needs reconnect (any owner's tokens were refused for good), or null. */
export async function needsReconnectOf(configId: string, connection: string): Promise<string | null> {
  const row = await getDb().oAuthToken.findFirst({ where: { authConfigId: configId, connection, needsReconnect: true }, select: { needsReconnectReason: true } });
  return row ? (row.needsReconnectReason ?? "") : null;
}

export type TTokenRequest = TTokenOwner & {
  config: TOAuth2Input;
  /** Configuration name, for messages. */
  name: string;
  /** The environment, for messages; null or absent: No environment. */
  environmentName?: string | null;
  /** The access token a server just refused (401): renew unless the stored one is already another. */
  refused?: string;
  /** Renew even if the stored token is fresh (Test). */
  force?: boolean;
  signal?: AbortSignal;
};

// In-process single flight: one renewal per configuration and owner at a time; everybody who asks
// meanwhile gets its result. Across processes (PostgreSQL) the renewal itself is serialized by an
// advisory lock, so each process waits on it with one connection, not one per caller.
const flights = new Map<string, Promise<TTokenSet>>();

const needsRenewal = (set: TTokenSet | null, r: TTokenRequest) =>
  !set || !isFresh(set) || (r.refused !== undefined && set.accessToken === r.refused);

/**
 * An access token for the owner: the stored one while fresh, else renewed once for all callers
 * (of every process on PostgreSQL).
 * Throws OAUTH_NOT_CONNECTED (Authorization Code without tokens, with a link to connect),
 * OAUTH_RECONNECT (refresh refused; the configuration is marked "Needs reconnect"), TIMEOUT
 * (another process kept renewing for too long) or the token endpoint's OAUTH_ERROR / request errors.
 */
export async function accessTokenFor(r: TTokenRequest): Promise<TTokenSet> {
  const stored = await loadTokens(r);
  if (stored && !r.force && !needsRenewal(stored, r)) return stored;
  const key = `${r.configId}\u0000${r.connection}\u0000${r.ownerKey}`;
  let flight = flights.get(key);
  if (!flight) {
    flight = (dialect() === "postgres" ? renewLocked(r) : renew(r)).finally(() => flights.delete(key));
    flights.set(key, flight);
  }
  return flight;
}

/** Renews unless someone else already did (in `tx` when given: reads and the store happen in it). */
async function renew(r: TTokenRequest, tx?: TTx): Promise<TTokenSet> {
  // Whoever started this flight may have read the row before another renewal (a finished flight,
  // another process) stored a new token: look again before asking the provider.
  const current = await loadTokens(r, tx);
  if (current && !r.force && !needsRenewal(current, r)) return current;
  const set = await obtain(r, current);
  // Stored before anyone uses it: a rotated refresh token must never exist only in memory.
  if (set !== current) await saveTokens(r, set, tx);
  return set;
}

/**
 * How long a renewal waits for another process's. That one holds the lock for at most two token
 * requests (a password grant's refresh, then the password) of ≤ 30 s each (lib/oauth/grants.ts).
 */
const RENEWAL_LOCK_WAIT_MS = 70_000;
/**
 * Prisma ends an interactive transaction after 5 s by default, and a store after that would fail
 * with the provider's rotated refresh token only in memory: the budget covers the wait, two token
 * requests and the store.
 */
const RENEWAL_TX_TIMEOUT_MS = RENEWAL_LOCK_WAIT_MS + 80_000;

/** The advisory lock's key: one per configuration, connection and owner (as the token row's). */
function renewalLockKey(o: TTokenOwner): string {
  return `oauth-renewal:${JSON.stringify([o.configId, o.connection, o.ownerKey])}`;
}

/**
 * PostgreSQL, several processes: the renewal runs in a transaction holding an advisory lock on
 * the token row's key, so a second process waits for the first, then re-reads the row (READ
 * COMMITTED, PostgreSQL's default: each statement sees what committed before it) and finds the new
 * token instead of sending a refresh token the provider has already rotated away. The new set is
 * stored in the same transaction; the lock ends with it. A failed renewal stores nothing
 * (markNeedsReconnect writes outside the transaction, so that "Needs reconnect" stays).
 */
async function renewLocked(r: TTokenRequest): Promise<TTokenSet> {
  try {
    return await getDb().$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT set_config('lock_timeout', ${`${RENEWAL_LOCK_WAIT_MS}ms`}, true)`;
        await lockFor(tx, renewalLockKey(r));
        return renew(r, tx);
      },
      { maxWait: 10_000, timeout: RENEWAL_TX_TIMEOUT_MS },
    );
  } catch (e) {
    if (isLockTimeout(e)) {
      throw new AppError("TIMEOUT", `Another Patchbay process has been renewing the OAuth2 token of "${r.name}"${inEnvironment(r)} for over ${RENEWAL_LOCK_WAIT_MS / 1000} s. Try again.`);
    }
    throw e;
  }
}

/** PostgreSQL's lock_not_available (55P03: lock_timeout ran out), as the driver adapter reports it. */
function isLockTimeout(e: unknown): boolean {
  return (e as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | null)?.meta?.driverAdapterError?.cause?.originalCode === "55P03";
}

const hasRefreshToken = (s: TTokenSet): s is TTokenSet & { refreshToken: string } => s.refreshToken !== null;

async function obtain(r: TTokenRequest, current: TTokenSet | null): Promise<TTokenSet> {
  const { config } = r;
  if (config.subProtocol !== "OAUTH2_AUTH_CODE") {
    // Password grants may come with a refresh token; if refreshing fails, the password still works.
    if (config.subProtocol === "OAUTH2_PASSWORD" && current && hasRefreshToken(current) && !r.force) {
      try {
        return await refresh(r, current);
      } catch (e) {
        if (!(e instanceof OAuthGrantError)) throw e;
      }
    }
    return requestToken(config, { kind: "own" }, r.signal);
  }
  if (!current) throw notConnected(r);
  // Test of a connected configuration with nothing to refresh with: the stored token is what there is.
  if (r.force && !hasRefreshToken(current) && isFresh(current) && r.refused === undefined) return current;
  if (!hasRefreshToken(current)) {
    const reason = "The access token expired or was refused, and the provider gave no refresh token.";
    await markNeedsReconnect(r, reason);
    throw new AppError("OAUTH_RECONNECT", `"${r.name}"${inEnvironment(r)} needs reconnect: ${reason}`, undefined, connectLink(r.configId, "Reconnect"));
  }
  try {
    return await refresh(r, current);
  } catch (e) {
    if (e instanceof OAuthGrantError && e.oauth?.error === "invalid_grant") {
      const reason = `The provider refused the refresh token (${describeOAuthError(e.oauth)}).`;
      await markNeedsReconnect(r, reason);
      throw new AppError("OAUTH_RECONNECT", `"${r.name}"${inEnvironment(r)} needs reconnect: ${reason}`, undefined, connectLink(r.configId, "Reconnect"));
    }
    throw e;
  }
}

async function refresh(r: TTokenRequest, current: TTokenSet & { refreshToken: string }): Promise<TTokenSet> {
  const set = await requestToken(r.config, { kind: "refresh_token", refreshToken: current.refreshToken }, r.signal);
  // RFC 6749 §6: without a new refresh token the old one stays valid; with one, the old is gone.
  // An answer without scope means the scope is unchanged (§5.1).
  return { ...set, refreshToken: set.refreshToken ?? current.refreshToken, scope: set.scope ?? current.scope };
}

const connectLink = (configId: string, label: string) => ({ href: `/auth-configs/${configId}`, label });
const inEnvironment = (r: { environmentName?: string | null }) => (r.environmentName ? ` (environment "${r.environmentName}")` : "");

/** "Connect this configuration first", with a link to its page. */
export function notConnected(r: { configId: string; name: string; ownerKey: string | null; environmentName?: string | null }): AppError {
  const whose = r.ownerKey === SHARED_OWNER ? "" : " for your account";
  const where = r.environmentName ? ` in the environment "${r.environmentName}"` : "";
  return new AppError("OAUTH_NOT_CONNECTED", `Connect this configuration first: "${r.name}" has no token${whose}${where} yet.`, undefined, connectLink(r.configId, "Connect"));
}

/**
 * Forgets the tokens a user may forget: their own, and the shared set for administrators. Tokens
 * are deleted here only (the provider keeps its grant until it expires or is revoked there).
 */
export async function disconnect(configId: string, connection: string, userId: string, isAdmin: boolean, actor: TActor): Promise<void> {
  const owners = isAdmin ? [userId, SHARED_OWNER] : [userId];
  const { count } = await getDb().oAuthToken.deleteMany({ where: { authConfigId: configId, connection, ownerKey: { in: owners } } });
  if (count > 0) await audit({ actor, action: "disconnect", objectType: "AuthConfig", objectId: configId, details: { tokenSets: count, ...(connection ? { environmentId: connection } : {}) } });
}

/** Settings that identify the client and what it was granted: changing one invalidates stored tokens. */
const TOKEN_IDENTITY = ["authorizationUrl", "tokenUrl", "clientId", "scope", "audience", "sharedCredentials", "username", "clientEmail", "privateKeyId", "subject"];

export function tokensOutdated(before: { subProtocol: string; settings: Record<string, unknown> }, after: { subProtocol: string; settings: Record<string, unknown> }, replacedSecrets: string[]): boolean {
  if (before.subProtocol !== after.subProtocol) return true;
  if (replacedSecrets.some((k) => k === "clientSecret" || k === "password" || k === "privateKey")) return true;
  return TOKEN_IDENTITY.some((k) => JSON.stringify(before.settings[k]) !== JSON.stringify(after.settings[k]));
}
