// OAuth 2.0 on the wire (RFC 6749, RFC 7636 PKCE): the authorization URL, token requests and token
// responses. Pure apart from randomness; the requests are sent by lib/oauth/token-endpoint.ts.
import { createHash, randomBytes } from "node:crypto";
import { AppError } from "@/lib/errors";
import type { TOutgoingRequest } from "@/lib/http/types";

export type TNameValue = { name: string; value: string };

/** base64url without padding (RFC 4648 §5), as PKCE and JWTs use it. */
const base64url = (b: Uint8Array) => Buffer.from(b).toString("base64url");

/** A PKCE code verifier: 32 random bytes → 43 characters of [A-Za-z0-9-_] (RFC 7636 §4.1). */
export function newCodeVerifier(): string {
  return base64url(randomBytes(32));
}

/** S256 code challenge: BASE64URL(SHA256(ASCII(verifier))) (RFC 7636 §4.2). */
export function codeChallengeS256(verifier: string): string {
  return base64url(createHash("sha256").update(verifier, "ascii").digest());
}

/** An unguessable `state`: 32 random bytes, base64url. */
export function newState(): string {
  return base64url(randomBytes(32));
}

/** What is stored of a state: its SHA-256, so a database reader cannot complete a pending flow. */
export function stateHash(state: string): string {
  return createHash("sha256").update(state, "utf8").digest("hex");
}

/** Adds `pairs` to a URL's query, keeping what the URL already carries. */
function withQuery(url: string, pairs: Array<[string, string]>): string {
  const u = new URL(url);
  for (const [n, v] of pairs) u.searchParams.append(n, v);
  return u.href;
}

export type TAuthorizationRequest = {
  authorizationUrl: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  audience: string;
  state: string;
  /** S256 challenge, or null with PKCE off. */
  codeChallenge: string | null;
  extra: TNameValue[];
};

/** The provider URL that Connect opens (RFC 6749 §4.1.1, RFC 7636 §4.3). Empty scope/audience are left out. */
export function authorizationUrl(r: TAuthorizationRequest): string {
  const pairs: Array<[string, string]> = [
    ["response_type", "code"],
    ["client_id", r.clientId],
    ["redirect_uri", r.redirectUri],
  ];
  if (r.scope) pairs.push(["scope", r.scope]);
  if (r.audience) pairs.push(["audience", r.audience]);
  pairs.push(["state", r.state]);
  if (r.codeChallenge) pairs.push(["code_challenge", r.codeChallenge], ["code_challenge_method", "S256"]);
  for (const p of r.extra) pairs.push([p.name, p.value]);
  return withQuery(r.authorizationUrl, pairs);
}

export type TClientAuth = { clientId: string; clientSecret: string; method: "BASIC" | "BODY" };

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before Basic encoding. */
function formEncode(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, "+").replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A POST to the token endpoint (RFC 6749 §3.2) with `params` in an application/x-www-form-urlencoded
 * body. The client authenticates with HTTP Basic or in the body; a client without a secret (public,
 * PKCE) sends only its client_id. Extra token parameters go last.
 */
export function tokenRequest(url: string, params: Array<[string, string]>, client: TClientAuth | null, extra: TNameValue[]): TOutgoingRequest {
  const body = new URLSearchParams(params);
  const headers: TOutgoingRequest["headers"] = [
    ["content-type", "application/x-www-form-urlencoded"],
    ["accept", "application/json"],
  ];
  if (client) {
    if (client.clientSecret && client.method === "BASIC") {
      const pair = `${formEncode(client.clientId)}:${formEncode(client.clientSecret)}`;
      headers.push(["authorization", `Basic ${Buffer.from(pair, "utf8").toString("base64")}`]);
    } else {
      body.append("client_id", client.clientId);
      if (client.clientSecret) body.append("client_secret", client.clientSecret);
    }
  }
  for (const p of extra) body.append(p.name, p.value);
  return { method: "POST", url, headers, body: new TextEncoder().encode(body.toString()) };
}

/** A token set as the provider gave it, with the expiry made absolute. */
export type TTokenSet = {
  accessToken: string;
  refreshToken: string | null;
  /** null: the provider did not say (the token is then renewed only after a 401). */
  expiresAt: Date | null;
  scope: string | null;
  tokenType: string;
};

/** The OAuth error of a token or authorization response (RFC 6749 §5.2, §4.1.2.1). */
export type TOAuthError = { error: string; description: string | null };

/** Reads a token endpoint body: JSON (RFC 6749 §5.1) or, as some providers answer, a form. */
function parseBody(body: Buffer, contentType: string): Record<string, unknown> | null {
  const text = body.toString("utf8");
  if (/application\/x-www-form-urlencoded/i.test(contentType)) return Object.fromEntries(new URLSearchParams(text));
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** The `error` / `error_description` of a body, when it holds one. */
export function oauthErrorOf(fields: Record<string, unknown> | null): TOAuthError | null {
  const error = str(fields?.error);
  if (!error) return null;
  // Shown to users: keep it short and on one line.
  const description = str(fields?.error_description)?.replace(/\s+/g, " ").slice(0, 300) ?? null;
  return { error: error.slice(0, 100), description };
}

export const describeOAuthError = (e: TOAuthError) => (e.description ? `${e.error}: ${e.description}` : e.error);

export class OAuthGrantError extends AppError {
  readonly oauth: TOAuthError | null;
  readonly status: number;
  constructor(message: string, status: number, oauth: TOAuthError | null) {
    super("OAUTH_ERROR", message);
    this.oauth = oauth;
    this.status = status;
  }
}

/**
 * The token set of a token endpoint response, or an OAuthGrantError saying what the provider
 * answered (its error code and description, never the body of a success).
 */
export function parseTokenResponse(res: { status: number; headers: Array<[string, string]>; body: Buffer }, now = Date.now()): TTokenSet {
  const contentType = res.headers.find(([n]) => n.toLowerCase() === "content-type")?.[1] ?? "";
  const fields = parseBody(res.body, contentType);
  const error = oauthErrorOf(fields);
  if (res.status < 200 || res.status >= 300 || error) {
    const said = error ? describeOAuthError(error) : `HTTP ${res.status}`;
    throw new OAuthGrantError(`The token endpoint refused the request (${said}).`, res.status, error);
  }
  const accessToken = str(fields?.access_token);
  if (!fields || !accessToken) {
    throw new OAuthGrantError("The token endpoint answered without an access_token.", res.status, null);
  }
  const expiresIn = Number(fields.expires_in);
  return {
    accessToken,
    refreshToken: str(fields.refresh_token),
    expiresAt: fields.expires_in !== undefined && Number.isFinite(expiresIn) && expiresIn > 0 ? new Date(now + expiresIn * 1000) : null,
    scope: str(fields.scope),
    tokenType: str(fields.token_type) ?? "Bearer",
  };
}

/** The header value that carries a token: "<Prefix> <token>", or the token alone with no prefix. */
export function tokenHeaderValue(prefix: string, accessToken: string): string {
  return prefix ? `${prefix} ${accessToken}` : accessToken;
}

/** " The token expires at … Scope: …" — what can be said of a token without showing it. */
export function tokenFacts(t: { expiresAt: Date | null; scope: string | null }): string {
  const expiry = t.expiresAt ? ` The access token expires at ${t.expiresAt.toISOString().replace("T", " ").slice(0, 19)} UTC.` : " The provider did not say when the access token expires.";
  return `${expiry}${t.scope ? ` Scope: ${t.scope}.` : ""}`;
}
