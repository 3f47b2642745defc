// OAuth 2.0 clients registered at the e2e authorization server (e2e/oauth/provider.ts), and the
// shapes of its test routes. The client secrets double as canaries: they must never appear in
// anything the app sends to a browser or writes to its logs.

export const OAUTH_SCOPES = ["api:read", "api:write", "offline_access"] as const;

export const OAUTH_CLIENTS = {
  /** Confidential, authorization code + refresh token, secret sent with HTTP Basic. */
  web: {
    clientId: "patchbay-web",
    clientSecret: "canary-client-secret-basic-3f8a61c2d9",
    tokenEndpointAuthMethod: "client_secret_basic",
    scope: "api:read api:write offline_access",
  },
  /** Client credentials grant only, secret in the request body. */
  cc: {
    clientId: "patchbay-cc",
    clientSecret: "canary-client-secret-cc-5d1b7e3f08",
    tokenEndpointAuthMethod: "client_secret_post",
    scope: "api:read",
  },
  /** A second client credentials client: what an environment ("Staging") overrides the Client ID with. */
  ccStaging: {
    clientId: "patchbay-cc-staging",
    clientSecret: "canary-client-secret-cc-staging-9a4e2b7c61",
    tokenEndpointAuthMethod: "client_secret_post",
    scope: "api:read",
  },
} as const;

/** Endpoint paths, relative to the issuer. */
export const OAUTH_PATHS = {
  authorization: "/auth",
  token: "/token",
  revocation: "/token/revocation",
  discovery: "/.well-known/oauth-authorization-server",
  whoami: "/resource/whoami",
  health: "/health",
  stats: "/test/stats",
  issued: "/test/issued",
  revokeAccessTokens: "/test/revoke-access-tokens",
} as const;

export const oauthIssuer = (oauthPort: number | string) => `http://127.0.0.1:${oauthPort}`;
export const appRedirectUri = (appPort: number | string) => `http://127.0.0.1:${appPort}/api/oauth/callback`;

/** GET /resource/whoami, 200. */
export interface Whoami {
  sub: string | null;
  client_id: string;
  scope: string | null;
  kind: "AccessToken" | "ClientCredentials";
}

/** GET /test/stats: successful token-endpoint grants by grant_type, failures by grant_type then error code. */
export interface OAuthStats {
  grants: Record<string, number>;
  errors: Record<string, Record<string, number>>;
}

/** GET /test/issued: every token value issued so far, in order. `tokens` is all of them. */
export interface OAuthIssued {
  accessTokens: string[];
  refreshTokens: string[];
  clientCredentials: string[];
  tokens: string[];
}
