import "server-only";
// The token requests of each grant (RFC 6749 §4.1.3, §4.3, §4.4, §6; RFC 7523 §2.1), sent through
// the one outbound request path with the configuration's TLS settings (SPEC §6, §11).
import { tlsFor } from "@/lib/auth-configs/tls";
import type { TOAuth2Input } from "@/lib/auth-configs/schema";
import { sendRequest } from "@/lib/http/execute";
import { JWT_BEARER_GRANT, serviceAccountAssertion } from "./assertion";
import { parseTokenResponse, tokenRequest, type TTokenSet } from "./protocol";

const TOKEN_TIMEOUT_MS = 30_000;
const MAX_TOKEN_RESPONSE = 256 * 1024;

export type TGrant =
  | { kind: "authorization_code"; code: string; redirectUri: string; codeVerifier: string | null }
  | { kind: "refresh_token"; refreshToken: string }
  /** The sub-protocol's own grant: client credentials, password, or the service account's JWT. */
  | { kind: "own" };

function optional(pairs: Array<[string, string]>): Array<[string, string]> {
  return pairs.filter(([, v]) => v !== "");
}

async function grantParams(config: TOAuth2Input, grant: TGrant): Promise<Array<[string, string]>> {
  switch (grant.kind) {
    case "authorization_code":
      return [
        ["grant_type", "authorization_code"],
        ["code", grant.code],
        ["redirect_uri", grant.redirectUri],
        ...(grant.codeVerifier ? ([["code_verifier", grant.codeVerifier]] as Array<[string, string]>) : []),
      ];
    case "refresh_token":
      return [
        ["grant_type", "refresh_token"],
        ["refresh_token", grant.refreshToken],
      ];
    case "own":
      break;
  }
  switch (config.subProtocol) {
    case "OAUTH2_CLIENT_CREDENTIALS":
      return [["grant_type", "client_credentials"], ...optional([["scope", config.scope], ["audience", config.audience]])];
    case "OAUTH2_PASSWORD":
      return [
        ["grant_type", "password"],
        ["username", config.username],
        ["password", config.password],
        ...optional([["scope", config.scope], ["audience", config.audience]]),
      ];
    case "OAUTH2_SERVICE_ACCOUNT": {
      const assertion = await serviceAccountAssertion({
        clientEmail: config.clientEmail,
        privateKeyPem: config.privateKey,
        privateKeyId: config.privateKeyId,
        subject: config.subject,
        audience: config.audience || tokenUrlOf(config, grant),
        scope: config.scope,
      });
      return [["grant_type", JWT_BEARER_GRANT], ["assertion", assertion]];
    }
    case "OAUTH2_AUTH_CODE":
      throw new Error("Authorization Code has no grant of its own: it needs a code or a refresh token");
  }
}

/** Where a grant is sent: refreshes to the Refresh URL when one is set, the rest to the token URL. */
export function tokenUrlOf(config: TOAuth2Input, grant: TGrant): string {
  if (config.subProtocol === "OAUTH2_SERVICE_ACCOUNT") return config.tokenUrl || config.keyTokenUri;
  if (grant.kind === "refresh_token" && config.subProtocol === "OAUTH2_AUTH_CODE" && config.refreshUrl) return config.refreshUrl;
  return config.tokenUrl;
}

/** Sends one grant to the token endpoint; the token set, or an OAuthGrantError / request AppError. */
export async function requestToken(config: TOAuth2Input, grant: TGrant, signal?: AbortSignal): Promise<TTokenSet> {
  const isServiceAccount = config.subProtocol === "OAUTH2_SERVICE_ACCOUNT";
  const req = tokenRequest(
    tokenUrlOf(config, grant),
    await grantParams(config, grant),
    isServiceAccount ? null : { clientId: config.clientId, clientSecret: config.clientSecret, method: config.clientAuth },
    isServiceAccount ? [] : config.tokenParams,
  );
  // No redirects: a token endpoint that moves would carry the client secret along.
  const res = await sendRequest(req, { tls: tlsFor(config), timeoutMs: TOKEN_TIMEOUT_MS, maxResponseBytes: MAX_TOKEN_RESPONSE, followRedirects: false, signal });
  return parseTokenResponse(res);
}
