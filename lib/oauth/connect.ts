import "server-only";
// Authorization Code "Connect" (SPEC §6): a server-side state bound to the user and configuration
// (single use, 10 minutes, holding the PKCE verifier), the provider's redirect back to
// /api/oauth/callback, the code exchange, and the banner shown on the configuration's page.
import { randomUUID } from "node:crypto";
import { audit, actorOf } from "@/lib/audit";
import type { TSessionUser } from "@/lib/auth/session";
import { effectiveConfig, environmentRuntime } from "@/lib/environments/runtime";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import { openSecret, sealSecret } from "@/lib/secrets";
import { requestToken } from "./grants";
import { authorizationUrl, codeChallengeS256, describeOAuthError, newCodeVerifier, newState, oauthErrorOf, stateHash, tokenFacts } from "./protocol";
import { ownerKeyOf, saveTokens, SHARED_OWNER } from "./tokens";

export const STATE_TTL_MS = 10 * 60_000;
/** Finished or abandoned states are kept a day, for the banner and for "already used". */
const STATE_KEEP_MS = 24 * 3600_000;

const verifierSlot = (recordId: string) => ({ model: "OAuthState", field: "codeVerifier", recordId });

/** This app's callback, registered at the provider: PATCHBAY_URL + /api/oauth/callback. */
export function redirectUrl(): string {
  return new URL("/api/oauth/callback", env().PATCHBAY_URL).href;
}

/** The configuration as it is in the environment (null: the defaults), and its connection. */
async function authCodeConfig(configId: string, environmentId: string | null) {
  const environment = await environmentRuntime(environmentId);
  const { config, connection } = await effectiveConfig({ configId, environment });
  if (config.subProtocol !== "OAUTH2_AUTH_CODE") {
    throw new AppError("VALIDATION", "Only OAuth2 Authorization Code configurations are connected; the other grants get their token by themselves.");
  }
  return { config, connection, environment };
}

/**
 * Starts Connect for `user` in an environment (null: No environment): stores a fresh state (and
 * PKCE verifier) and returns the provider's authorization URL — the environment's client and URLs.
 * Shared credentials are connected by administrators; per-user ones by anybody.
 */
export async function startConnect(configId: string, user: TSessionUser, environmentId: string | null = null): Promise<{ url: string }> {
  const { config, environment } = await authCodeConfig(configId, environmentId);
  if (config.sharedCredentials && user.role !== "ADMIN") {
    throw new AppError("FORBIDDEN", "Only administrators connect shared credentials.");
  }
  const state = newState();
  const verifier = config.pkce ? newCodeVerifier() : null;
  const id = randomUUID();
  const redirectUri = redirectUrl();
  const db = getDb();
  await db.oAuthState.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - STATE_KEEP_MS) } } });
  await db.oAuthState.create({
    data: {
      id,
      stateHash: stateHash(state),
      authConfigId: configId,
      userId: user.id,
      environmentId: environment?.id ?? null,
      codeVerifier: verifier === null ? null : sealSecret(verifier, verifierSlot(id)),
      redirectUri,
      expiresAt: new Date(Date.now() + STATE_TTL_MS),
    },
  });
  const url = authorizationUrl({
    authorizationUrl: config.authorizationUrl,
    clientId: config.clientId,
    redirectUri,
    scope: config.scope,
    audience: config.audience,
    state,
    codeChallenge: verifier === null ? null : codeChallengeS256(verifier),
    extra: config.authParams,
  });
  return { url };
}

/** What the callback answers: a redirect to the configuration, or a page saying why not. */
export type TCallbackOutcome = { kind: "redirect"; location: string } | { kind: "refused"; status: number; title: string; message: string };

const START_AGAIN = "Go back to the authentication configuration and start again with Connect.";

function refused(status: number, title: string, why: string): TCallbackOutcome {
  return { kind: "refused", status, title, message: `${why} ${START_AGAIN}` };
}

/**
 * Handles the provider's redirect. The state must exist, belong to the signed-in user, be unused and
 * younger than 10 minutes; it is consumed before the code is exchanged, so a replay finds it used.
 */
export async function completeConnect(q: URLSearchParams, user: TSessionUser | null): Promise<TCallbackOutcome> {
  const state = q.get("state");
  if (!state) return refused(400, "Not a valid authorization response", "The response from the provider carries no state.");
  const db = getDb();
  const row = await db.oAuthState.findUnique({ where: { stateHash: stateHash(state) }, omit: { codeVerifier: false } });
  if (!row) return refused(400, "Unknown authorization response", "Patchbay did not start this authorization (unknown state).");
  if (!user) return refused(401, "Sign in first", "You are not signed in to Patchbay, so this authorization cannot be matched to you. Sign in, then");
  if (row.userId !== user.id) return refused(403, "Started by another user", "This authorization was started by another user and cannot be completed with your account.");
  if (row.usedAt) return refused(400, "Authorization already used", "This authorization response was already used.");
  if (row.expiresAt.getTime() <= Date.now()) return refused(400, "Authorization expired", "This authorization is older than 10 minutes.");
  const consumed = await db.oAuthState.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
  if (consumed.count !== 1) return refused(400, "Authorization already used", "This authorization response was already used.");

  const back = { kind: "redirect" as const, location: `/auth-configs/${row.authConfigId}?connect=${encodeURIComponent(row.id)}` };
  let environmentName: string | null = null;
  const finish = async (ok: boolean, message: string, name: string | null) => {
    await db.oAuthState.update({ where: { id: row.id }, data: { outcome: ok ? "connected" : "error", message: message.slice(0, 500) } });
    await audit({ actor: actorOf(user), action: "connect", objectType: "AuthConfig", objectId: row.authConfigId, objectName: name, details: { ok, ...(environmentName ? { environment: environmentName } : {}) } });
    return back;
  };

  const providerError = oauthErrorOf(Object.fromEntries(q));
  let name: string | null = null;
  try {
    const { config, connection, environment } = await authCodeConfig(row.authConfigId, row.environmentId);
    name = config.name;
    environmentName = environment?.name ?? null;
    if (providerError) return await finish(false, `The provider did not authorize Patchbay (${describeOAuthError(providerError)}).`, name);
    const code = q.get("code");
    if (!code) return await finish(false, "The provider answered without an authorization code.", name);
    const verifier = row.codeVerifier === null ? null : openSecret(row.codeVerifier, verifierSlot(row.id));
    const tokens = await requestToken(config, { kind: "authorization_code", code, redirectUri: row.redirectUri, codeVerifier: verifier });
    const ownerKey = ownerKeyOf(config, user.id) ?? user.id;
    await saveTokens({ configId: row.authConfigId, connection, ownerKey }, tokens);
    const whose = ownerKey === SHARED_OWNER ? "shared credentials" : "your account";
    const where = environmentName ? ` in the environment "${environmentName}"` : "";
    return await finish(true, `Connected (${whose})${where}.${tokenFacts(tokens)}`, name);
  } catch (e) {
    if (!isAppError(e)) throw e;
    return await finish(false, `Connecting failed: ${e.message}`, name);
  }
}

/** The banner after the callback's redirect: only the user who connected sees it. */
export async function connectOutcome(stateId: string, configId: string, userId: string): Promise<{ ok: boolean; message: string } | null> {
  const row = await getDb().oAuthState.findUnique({ where: { id: stateId } });
  if (!row || row.userId !== userId || row.authConfigId !== configId || !row.outcome) return null;
  return { ok: row.outcome === "connected", message: row.message ?? "" };
}

export type TConnection = { connected: boolean; expiresAt: string | null; scope: string | null; updatedAt: string | null; hasRefreshToken: boolean };

/** Whether the owner has tokens in a connection ("" for the defaults), without reading them. */
export async function connectionOf(configId: string, ownerKey: string, connection = ""): Promise<TConnection> {
  const row = await getDb().oAuthToken.findUnique({
    where: { authConfigId_connection_ownerKey: { authConfigId: configId, connection, ownerKey } },
    select: { expiresAt: true, scope: true, updatedAt: true, refreshToken: true },
  });
  if (!row) return { connected: false, expiresAt: null, scope: null, updatedAt: null, hasRefreshToken: false };
  return { connected: true, expiresAt: row.expiresAt?.toISOString() ?? null, scope: row.scope, updatedAt: row.updatedAt.toISOString(), hasRefreshToken: row.refreshToken !== null };
}
