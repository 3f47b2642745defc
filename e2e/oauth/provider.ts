// OAuth 2.0 authorization server for the e2e run: a real oidc-provider (v9) instance with in-memory
// storage and its built-in development login/consent pages, plus a protected API and test routes
// on the same port. Started by playwright.config.ts as `npx tsx e2e/oauth/provider.ts`.
//
//   GET  /resource/whoami            protected API: Bearer access token → 200 JSON, otherwise 401
//   GET  /test/stats                 successful/failed token-endpoint grants (OAuthStats)
//   GET  /test/issued                every access/refresh token value issued so far (OAuthIssued)
//   POST /test/revoke-access-tokens  destroy every access token issued so far → { revoked: n }
//   GET  /health                     200, for Playwright's readiness check
//   everything else                  oidc-provider (/auth, /token, /token/revocation, ...), except
//                                    that a client must authenticate with its registered method
//
// Nothing here logs a token or a client secret.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import Provider, { type ClientMetadata, type OidcContext, type Token } from "oidc-provider";
import { OAUTH_CLIENTS, OAUTH_SCOPES, appRedirectUri, oauthIssuer, type OAuthIssued, type OAuthStats, type Whoami } from "./clients";

const port = Number(process.env.PATCHBAY_E2E_OAUTH_PORT);
const appPort = Number(process.env.PATCHBAY_E2E_PORT);
if (!port || !appPort) throw new Error("set PATCHBAY_E2E_OAUTH_PORT and PATCHBAY_E2E_PORT (playwright.config.ts does)");

const redirectUri = appRedirectUri(appPort);
const codeClient = (c: (typeof OAUTH_CLIENTS)["web"]): ClientMetadata => ({
  client_id: c.clientId,
  client_secret: c.clientSecret,
  token_endpoint_auth_method: c.tokenEndpointAuthMethod,
  grant_types: ["authorization_code", "refresh_token"],
  response_types: ["code"],
  redirect_uris: [redirectUri],
  scope: c.scope,
});

const provider = new Provider(oauthIssuer(port), {
  clients: [
    codeClient(OAUTH_CLIENTS.web),
    ...[OAUTH_CLIENTS.cc, OAUTH_CLIENTS.ccStaging].map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      token_endpoint_auth_method: c.tokenEndpointAuthMethod,
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      scope: c.scope,
    })),
  ],
  cookies: { keys: ["patchbay-e2e-oauth-cookie-key-1b9f4c"] },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    revocation: { enabled: true },
  },
  scopes: [...OAUTH_SCOPES],
  responseTypes: ["code"],
  // PKCE (S256, the only method v9 supports) is required of every authorization request.
  pkce: { required: () => true },
  // Every code grant of a refresh-capable client gets a refresh token, offline_access or not...
  issueRefreshToken: (_ctx, client) => client.grantTypeAllowed("refresh_token"),
  // ...which rotates on every use. Reusing a rotated one fails with invalid_grant (and, as
  // oidc-provider does on refresh token reuse, revokes the whole grant).
  rotateRefreshToken: true,
  // Tokens outlive the provider's login session whatever the scope.
  expiresWithSession: () => false,
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  clientBasedCORS: () => false,
  ttl: {
    AccessToken: 3600,
    ClientCredentials: 3600,
    AuthorizationCode: 60,
    RefreshToken: 14 * 24 * 3600,
    Grant: 14 * 24 * 3600,
    Session: 14 * 24 * 3600,
    Interaction: 3600,
  },
});

// Token values, in order of issue. Tokens are opaque: the value is the token's jti.
const issued: OAuthIssued = { accessTokens: [], refreshTokens: [], clientCredentials: [], tokens: [] };
const record = (list: string[]) => (token: Token) => {
  list.push(token.jti);
  issued.tokens.push(token.jti);
};
provider.on("access_token.saved", record(issued.accessTokens));
provider.on("refresh_token.saved", record(issued.refreshTokens));
provider.on("client_credentials.saved", record(issued.clientCredentials));

const stats: OAuthStats = { grants: {}, errors: {} };
const grantType = (ctx: OidcContext) => {
  const value = ctx.oidc?.params?.grant_type;
  return typeof value === "string" ? value : "unknown";
};
provider.on("grant.success", (ctx) => {
  const type = grantType(ctx);
  stats.grants[type] = (stats.grants[type] ?? 0) + 1;
});
provider.on("grant.error", (ctx, err) => {
  const type = grantType(ctx);
  const code = err.error ?? "unknown";
  const byCode = (stats.errors[type] ??= {});
  byCode[code] = (byCode[code] ?? 0) + 1;
});
provider.on("server_error", (ctx, err) => {
  // The route and error class only: messages could quote request input.
  console.error(`oauth provider: server_error on ${ctx.oidc?.route ?? "?"}: ${err.name}`);
});

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

async function validToken(value: string): Promise<Token | undefined> {
  for (const model of [provider.AccessToken, provider.ClientCredentials]) {
    const token = await model.find(value);
    if (token && token.isValid && !token.isExpired) return token;
  }
  return undefined;
}

async function whoami(req: IncomingMessage, res: ServerResponse) {
  const match = /^Bearer +([^\s]+) *$/i.exec(req.headers.authorization ?? "");
  const token = match ? await validToken(match[1]) : undefined;
  if (!token) {
    const description = match ? "The access token is invalid, expired or revoked" : "No Bearer access token";
    return json(
      res,
      401,
      { error: "invalid_token", error_description: description },
      { "www-authenticate": `Bearer error="invalid_token", error_description="${description}"` },
    );
  }
  const body: Whoami = {
    sub: token.accountId ?? null,
    client_id: token.clientId ?? "",
    scope: token.scope ?? null,
    kind: token.kind === "ClientCredentials" ? "ClientCredentials" : "AccessToken",
  };
  return json(res, 200, body);
}

async function destroyAll(values: string[], models: Array<typeof provider.AccessToken>): Promise<number> {
  let revoked = 0;
  for (const value of values) {
    for (const model of models) {
      const token = await model.find(value, { ignoreExpiration: true });
      if (token) {
        await token.destroy();
        revoked++;
      }
    }
  }
  return revoked;
}

// oidc-provider v9 accepts client_secret_basic and client_secret_post interchangeably for a client
// registered with either. Tests need to tell them apart, so the client endpoints reject a client
// authenticating with the method it is not registered for (as many real servers do).
const CLIENT_ENDPOINTS = new Set(["/token", "/token/revocation"]);
const registeredAuthMethod = new Map<string, string>(
  Object.values(OAUTH_CLIENTS).map((c) => [c.clientId, c.tokenEndpointAuthMethod]),
);
const decodeAuthToken = (s: string) => decodeURIComponent(s.replace(/\+/g, "%20"));

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 56 * 1024) throw new Error("request entity too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** An error response when the client authenticates with a method it is not registered for. */
async function checkClientAuthMethod(req: IncomingMessage, path: string): Promise<object | undefined> {
  if (req.method !== "POST" || !CLIENT_ENDPOINTS.has(path)) return undefined;
  const raw = await readBody(req);
  // Hand the body on to oidc-provider, which reads req.body once the stream is consumed.
  (req as IncomingMessage & { body?: string }).body = raw;
  const params = new URLSearchParams(raw);
  let clientId = params.get("client_id");
  let used: string | undefined;
  const basic = /^Basic +(\S+)$/i.exec(req.headers.authorization ?? "");
  if (basic) {
    used = "client_secret_basic";
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const i = decoded.indexOf(":");
    try {
      if (i !== -1) clientId = decodeAuthToken(decoded.slice(0, i));
    } catch {
      return undefined; // malformed: oidc-provider answers it
    }
  } else if (params.has("client_secret")) {
    used = "client_secret_post";
  }
  const registered = clientId ? registeredAuthMethod.get(clientId) : undefined;
  if (!used || !registered || used === registered) return undefined;
  if (path === "/token") {
    const type = params.get("grant_type") ?? "unknown";
    const byCode = (stats.errors[type] ??= {});
    byCode.invalid_client = (byCode.invalid_client ?? 0) + 1;
  }
  return { error: "invalid_client", error_description: `client authentication failed: this client must use ${registered}` };
}

const oidc = provider.callback();

async function handle(req: IncomingMessage, res: ServerResponse) {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  const route = `${req.method} ${path}`;
  switch (route) {
    case "GET /health":
      return json(res, 200, { ok: true });
    case "GET /resource/whoami":
      return whoami(req, res);
    case "GET /test/stats":
      return json(res, 200, stats);
    case "GET /test/issued":
      return json(res, 200, issued);
    case "POST /test/revoke-access-tokens":
      return json(res, 200, {
        revoked: await destroyAll([...issued.accessTokens, ...issued.clientCredentials], [provider.AccessToken, provider.ClientCredentials]),
      });
    default: {
      const rejected = await checkClientAuthMethod(req, path);
      if (rejected) return json(res, 401, rejected, { "www-authenticate": 'Basic realm="oauth"' });
      return oidc(req, res);
    }
  }
}

const server = createServer((req, res) => {
  handle(req, res).catch((err: unknown) => {
    console.error(`oauth provider: ${req.method} ${req.url?.split("?")[0]} failed: ${err instanceof Error ? err.name : "error"}`);
    if (!res.headersSent) json(res, 500, { error: "server_error" });
    else res.end();
  });
});
server.listen(port, "127.0.0.1", () => console.log(`oauth provider: ${oauthIssuer(port)} (redirect URI ${redirectUri})`));
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => process.exit(0));
