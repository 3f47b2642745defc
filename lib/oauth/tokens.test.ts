// The OAuth2 token lifecycle against a real database and a local token endpoint that rotates
// refresh tokens: single flight, persistence before use, refresh on 401, invalid_grant, per-user
// tokens, cached client-credentials tokens, and the Connect state (replay, foreign, expired).
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "@/lib/errors";
import type { TSessionUser } from "@/lib/auth/session";
import { ZAuthConfigInput, type TOAuth2Input } from "@/lib/auth-configs/schema";
import type { TDb } from "@/lib/db";
import { makeTestCerts } from "@/lib/http/testing/certs";
import { startServer, type TTestServer } from "@/lib/http/testing/servers";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { codeChallengeS256 } from "./protocol";

const CLIENT_SECRET = "CANARY-client-secret-7731";

let temp: TTempDb;
let db: TDb;
let srv: TTestServer;
let tokens: typeof import("./tokens");
let strategy: typeof import("./strategy");
let connect: typeof import("./connect");
let store: typeof import("@/lib/auth-configs/store");
let execute: typeof import("@/lib/http/execute");
let admin: TSessionUser;
let member: TSessionUser;

/** The provider's state: the one valid refresh token and access token, rotated on every refresh. */
const provider = {
  n: 0,
  refreshToken: "rt-0",
  accessToken: "at-0",
  refreshes: 0,
  ownGrants: 0,
  codes: new Map<string, string>(), // code → PKCE challenge
  /** Checked when the API sees a new access token: the rotated refresh token was already stored. */
  storedBeforeUse: [] as boolean[],
  apiAlways401: false,
};

function reply(res: import("node:http").ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function rotate() {
  provider.n++;
  provider.refreshToken = `rt-${provider.n}`;
  provider.accessToken = `at-${provider.n}`;
  return { access_token: provider.accessToken, refresh_token: provider.refreshToken, token_type: "Bearer", expires_in: 3600, scope: "read" };
}

let authCodeId: string;
let perUserId: string;
let ccId: string;

const configOf = async (id: string) => (await store.resolveAuthConfig(id)) as TOAuth2Input;

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-oauth-", env: { PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1", PATCHBAY_URL: "https://patchbay.example.test" } }));
  tokens = await import("./tokens");
  strategy = await import("./strategy");
  connect = await import("./connect");
  store = await import("@/lib/auth-configs/store");
  execute = await import("@/lib/http/execute");
  srv = await startServer();
  srv.route("/token", (req, res, body) => {
    const p = new URLSearchParams(body.toString());
    const basic = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString();
    if (basic !== `app:${CLIENT_SECRET}`) return reply(res, 401, { error: "invalid_client" });
    // A slow endpoint, so that concurrent callers really overlap.
    setTimeout(() => {
      switch (p.get("grant_type")) {
        case "refresh_token":
          provider.refreshes++;
          if (p.get("refresh_token") !== provider.refreshToken) return reply(res, 400, { error: "invalid_grant", error_description: "refresh token revoked" });
          return reply(res, 200, rotate());
        case "authorization_code": {
          const challenge = provider.codes.get(p.get("code") ?? "");
          provider.codes.delete(p.get("code") ?? "");
          if (!challenge || codeChallengeS256(p.get("code_verifier") ?? "") !== challenge) return reply(res, 400, { error: "invalid_grant", error_description: "bad code or verifier" });
          return reply(res, 200, rotate());
        }
        case "client_credentials":
          provider.ownGrants++;
          return reply(res, 200, { access_token: `cc-${provider.ownGrants}`, token_type: "Bearer", expires_in: 3600 });
        default:
          return reply(res, 400, { error: "unsupported_grant_type" });
      }
    }, 30);
  });
  srv.route("/api", async (req, res) => {
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    if (provider.apiAlways401 || token !== provider.accessToken) return reply(res, 401, { error: "invalid_token" });
    const stored = await tokens.loadTokens({ configId: authCodeId, connection: "", ownerKey: "shared" });
    provider.storedBeforeUse.push(stored?.refreshToken === provider.refreshToken);
    reply(res, 200, { ok: true });
  });
  const mk = async (role: "ADMIN" | "MEMBER", email: string): Promise<TSessionUser> => {
    const u = await db.user.create({ data: { email, name: email, role, passwordHash: "scrypt$x" } });
    return { id: u.id, email, name: email, role, mustChangePassword: false };
  };
  admin = await mk("ADMIN", "admin@example.test");
  member = await mk("MEMBER", "member@example.test");
  const actor = { id: admin.id, email: admin.email };
  const common = { protocol: "OAUTH2", tokenUrl: `${srv.origin}/token`, clientId: "app", clientSecret: CLIENT_SECRET, scope: "read" };
  authCodeId = (await store.createAuthConfig(ZAuthConfigInput.parse({ ...common, name: "Code", subProtocol: "OAUTH2_AUTH_CODE", authorizationUrl: "https://idp.example.test/authorize" }), actor)).id;
  perUserId = (await store.createAuthConfig(ZAuthConfigInput.parse({ ...common, name: "Per user", subProtocol: "OAUTH2_AUTH_CODE", authorizationUrl: "https://idp.example.test/authorize", sharedCredentials: false }), actor)).id;
  ccId = (await store.createAuthConfig(ZAuthConfigInput.parse({ ...common, name: "CC", subProtocol: "OAUTH2_CLIENT_CREDENTIALS" }), actor)).id;
});

after(async () => {
  await srv?.close();
  const { closeDispatchers } = await import("@/lib/http/dispatcher");
  await closeDispatchers();
  await db?.$disconnect();
  await temp?.cleanup();
});

/** Shared tokens of the Authorization Code configuration: the provider's current ones, already expired. */
async function seedExpired() {
  rotate();
  provider.apiAlways401 = false;
  await tokens.saveTokens({ configId: authCodeId, connection: "", ownerKey: "shared" }, { accessToken: provider.accessToken, refreshToken: provider.refreshToken, expiresAt: new Date(Date.now() - 1000), scope: "read", tokenType: "Bearer" });
  await db.oAuthToken.updateMany({ where: { authConfigId: authCodeId }, data: { needsReconnect: false, needsReconnectReason: null } });
}

const callApi = async (id: string, userId: string | null = null) => {
  const config = await configOf(id);
  return execute.sendRequest({ method: "GET", url: `${srv.origin}/api`, headers: [] }, { auth: strategy.oauth2Strategy(config, { configId: id, name: config.name, userId }) });
};

describe("token lifecycle", () => {
  beforeEach(() => {
    provider.refreshes = 0;
    provider.storedBeforeUse = [];
  });

  test("200 concurrent requests with an expired token: exactly 1 refresh, every request succeeds with the new token", async () => {
    await seedExpired();
    const before = provider.n;
    const results = await Promise.all(Array.from({ length: 200 }, () => callApi(authCodeId)));
    assert.equal(provider.refreshes, 1);
    assert.equal(provider.n, before + 1);
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set([200]));
    // Each request's header was masked in the record; the new token reached the API.
    assert.equal(results[0].sent.headers.find(([n]) => n.toLowerCase() === "authorization")?.[1], "••••••");
    const stored = await tokens.loadTokens({ configId: authCodeId, connection: "", ownerKey: "shared" });
    assert.equal(stored?.accessToken, provider.accessToken);
    assert.equal(stored?.refreshToken, provider.refreshToken);
    assert.ok(stored!.expiresAt!.getTime() > Date.now() + 3000_000);
  });

  test("the rotated refresh token is in the database before the new access token reaches the API", async () => {
    await seedExpired();
    await callApi(authCodeId);
    assert.deepEqual(provider.storedBeforeUse, [true]);
    // The stored row holds envelopes, not the tokens.
    const raw = await db.oAuthToken.findFirst({ where: { authConfigId: authCodeId }, omit: { accessToken: false, refreshToken: false } });
    assert.match(raw!.refreshToken!, /^pb1\./);
    assert.ok(!raw!.refreshToken!.includes(provider.refreshToken) && !raw!.accessToken.includes(provider.accessToken));
  });

  test("a fresh token is used as is; a 401 refreshes once and retries once", async () => {
    await seedExpired();
    await callApi(authCodeId); // refreshed: fresh now
    provider.refreshes = 0;
    assert.equal((await callApi(authCodeId)).status, 200);
    assert.equal(provider.refreshes, 0);
    // The provider revokes the access token (the refresh token stays valid).
    provider.accessToken = "at-revoked-elsewhere";
    const hitsBefore = srv.seen.filter((s) => s.url === "/api").length;
    assert.equal((await callApi(authCodeId)).status, 200);
    assert.equal(provider.refreshes, 1);
    assert.equal(srv.seen.filter((s) => s.url === "/api").length - hitsBefore, 2);
  });

  test("an API that keeps answering 401 gets one refresh and one retry, then the 401 goes to the caller", async () => {
    await seedExpired();
    await callApi(authCodeId);
    provider.refreshes = 0;
    provider.apiAlways401 = true;
    const hitsBefore = srv.seen.filter((s) => s.url === "/api").length;
    assert.equal((await callApi(authCodeId)).status, 401);
    assert.equal(provider.refreshes, 1);
    assert.equal(srv.seen.filter((s) => s.url === "/api").length - hitsBefore, 2);
    provider.apiAlways401 = false;
  });

  test("invalid_grant on refresh marks the configuration Needs reconnect with the provider's words, and says so with a link", async () => {
    await seedExpired();
    provider.refreshToken = "rt-revoked-by-user";
    const error = await callApi(authCodeId).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof AppError && error.code === "OAUTH_RECONNECT", String(error));
    assert.match(error.message, /needs reconnect: The provider refused the refresh token \(invalid_grant: refresh token revoked\)/);
    assert.deepEqual(error.link, { href: `/auth-configs/${authCodeId}`, label: "Reconnect" });
    const row = await db.oAuthToken.findFirst({ where: { authConfigId: authCodeId, connection: "", ownerKey: "shared" } });
    assert.equal(row?.needsReconnect, true);
    assert.match(row?.needsReconnectReason ?? "", /invalid_grant: refresh token revoked/);
    const view = (await store.listAuthConfigs()).find((c) => c.id === authCodeId);
    assert.equal(view?.needsReconnect, true);
    assert.ok(await db.auditEntry.findFirst({ where: { action: "needs-reconnect", objectId: authCodeId } }));
  });

  test("client credentials: fetched on first use, cached until shortly before expiry, then fetched again", async () => {
    const before = provider.ownGrants;
    await Promise.all([callApiCc(), callApiCc(), callApiCc()]);
    assert.equal(provider.ownGrants, before + 1);
    await callApiCc();
    assert.equal(provider.ownGrants, before + 1);
    await db.oAuthToken.updateMany({ where: { authConfigId: ccId }, data: { expiresAt: new Date(Date.now() + tokens.REFRESH_MARGIN_MS - 1000) } });
    await callApiCc();
    assert.equal(provider.ownGrants, before + 2);
  });
});

async function callApiCc() {
  const config = await configOf(ccId);
  return strategy.tokenFor(config, { configId: ccId, name: "CC", userId: null });
}

describe("token requests use the configuration's TLS settings", () => {
  test("a token endpoint that requires a client certificate and has a private CA: works with both configured, refused without", async () => {
    const certs = makeTestCerts();
    const mtls = await startServer({ tls: { cert: certs.selfCert, key: certs.selfKey, ca: certs.caCert, requestCert: true, rejectUnauthorized: true } });
    mtls.route("/token", (_req, res) => reply(res, 200, { access_token: "mtls-token", token_type: "Bearer", expires_in: 60 }));
    try {
      const base = { protocol: "OAUTH2", subProtocol: "OAUTH2_CLIENT_CREDENTIALS", name: "mTLS", tokenUrl: `${mtls.origin}/token`, clientId: "app", clientSecret: CLIENT_SECRET };
      const withTls = ZAuthConfigInput.parse({ ...base, tls: { caBundlePem: certs.selfCert, clientCertMode: "PEM", clientCertPem: certs.clientCert, clientKeyPem: certs.clientKey } }) as TOAuth2Input;
      assert.equal((await strategy.tokenFor(withTls, { configId: null, name: "mTLS", userId: null })).accessToken, "mtls-token");
      const noClientCert = ZAuthConfigInput.parse({ ...base, tls: { caBundlePem: certs.selfCert } }) as TOAuth2Input;
      await assert.rejects(strategy.tokenFor(noClientCert, { configId: null, name: "mTLS", userId: null }), (e: unknown) => e instanceof AppError && ["TLS_FAILURE", "CONNECTION_FAILED"].includes(e.code));
      const noCa = ZAuthConfigInput.parse(base) as TOAuth2Input;
      await assert.rejects(strategy.tokenFor(noCa, { configId: null, name: "mTLS", userId: null }), (e: unknown) => e instanceof AppError && e.code === "TLS_FAILURE");
    } finally {
      await mtls.close();
    }
  });
});

test("a service account key that is not an RSA private key is refused on save, naming the field", async () => {
  const { generateKeyPairSync } = await import("node:crypto");
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const input = ZAuthConfigInput.parse({ protocol: "OAUTH2", subProtocol: "OAUTH2_SERVICE_ACCOUNT", name: "SA", clientEmail: "r@x.test", privateKeyId: "k", keyTokenUri: "https://oauth2.example.test/token", privateKey: ec });
  await assert.rejects(store.createAuthConfig(input, { id: admin.id, email: admin.email }), (e: unknown) => e instanceof AppError && e.code === "VALIDATION" && !!e.fieldErrors?.privateKey);
  assert.equal(await db.authConfig.count({ where: { name: "SA" } }), 0);
});

describe("shared credentials off", () => {
  test("a caller without tokens is told to connect first, with a link; another user's tokens are not used", async () => {
    await tokens.saveTokens({ configId: perUserId, connection: "", ownerKey: admin.id }, { accessToken: "admin-token", refreshToken: null, expiresAt: null, scope: null, tokenType: "Bearer" });
    const config = await configOf(perUserId);
    const mine = await strategy.tokenFor(config, { configId: perUserId, name: config.name, userId: admin.id });
    assert.equal(mine.accessToken, "admin-token");
    await assert.rejects(strategy.tokenFor(config, { configId: perUserId, name: config.name, userId: member.id }), (e: unknown) => {
      assert.ok(e instanceof AppError && e.code === "OAUTH_NOT_CONNECTED");
      assert.match(e.message, /^Connect this configuration first: "Per user" has no token for your account yet\.$/);
      assert.deepEqual(e.link, { href: `/auth-configs/${perUserId}`, label: "Connect" });
      return true;
    });
  });
});

describe("Connect and the callback", () => {
  /** What the provider does after login and consent: a code bound to the request's PKCE challenge. */
  function providerRedirect(authUrl: string, extra: Record<string, string> = {}) {
    const u = new URL(authUrl);
    const code = `code-${Math.random().toString(36).slice(2)}`;
    provider.codes.set(code, u.searchParams.get("code_challenge")!);
    return new URLSearchParams({ code, state: u.searchParams.get("state")!, ...extra });
  }

  test("the authorization URL carries the callback, state and an S256 challenge; the state is stored hashed with the verifier sealed", async () => {
    const { url } = await connect.startConnect(authCodeId, admin);
    const u = new URL(url);
    assert.equal(u.origin + u.pathname, "https://idp.example.test/authorize");
    assert.equal(u.searchParams.get("redirect_uri"), "https://patchbay.example.test/api/oauth/callback");
    assert.equal(u.searchParams.get("code_challenge_method"), "S256");
    assert.equal(u.searchParams.get("scope"), "read");
    const row = await db.oAuthState.findFirst({ orderBy: { createdAt: "desc" }, omit: { codeVerifier: false } });
    assert.notEqual(row?.stateHash, u.searchParams.get("state"));
    assert.match(row?.codeVerifier ?? "", /^pb1\./);
    assert.ok(row!.expiresAt.getTime() - Date.now() <= 10 * 60_000);
  });

  test("a valid callback stores the tokens and clears Needs reconnect; replaying it is refused", async () => {
    await db.oAuthToken.updateMany({ where: { authConfigId: authCodeId }, data: { needsReconnect: true, needsReconnectReason: "x" } });
    const q = providerRedirect((await connect.startConnect(authCodeId, admin)).url);
    const done = await connect.completeConnect(q, admin);
    assert.equal(done.kind, "redirect");
    assert.match((done as { location: string }).location, new RegExp(`^/auth-configs/${authCodeId}\\?connect=`));
    const stateId = new URL((done as { location: string }).location, "http://x").searchParams.get("connect")!;
    const outcome = await connect.connectOutcome(stateId, authCodeId, admin.id);
    assert.equal(outcome?.ok, true);
    assert.match(outcome?.message ?? "", /^Connected \(shared credentials\)\. The access token expires at .* UTC\. Scope: read\.$/);
    assert.equal(await connect.connectOutcome(stateId, authCodeId, member.id), null);
    assert.equal((await tokens.loadTokens({ configId: authCodeId, connection: "", ownerKey: "shared" }))?.accessToken, provider.accessToken);
    assert.equal(await tokens.needsReconnectOf(authCodeId, ""), null);
    const replay = await connect.completeConnect(q, admin);
    assert.deepEqual(replay.kind === "refused" && [replay.status, replay.title], [400, "Authorization already used"]);
    assert.ok(await db.auditEntry.findFirst({ where: { action: "connect", objectId: authCodeId } }));
  });

  test("foreign, expired, unknown and missing states are refused without exchanging the code", async () => {
    const exchangesBefore = srv.seen.filter((s) => s.url === "/token").length;
    const foreign = await connect.completeConnect(providerRedirect((await connect.startConnect(perUserId, admin)).url), member);
    assert.deepEqual(foreign.kind === "refused" && [foreign.status, foreign.title], [403, "Started by another user"]);
    const q = providerRedirect((await connect.startConnect(perUserId, member)).url);
    await db.oAuthState.updateMany({ where: { userId: member.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    const expired = await connect.completeConnect(q, member);
    assert.deepEqual(expired.kind === "refused" && [expired.status, expired.title], [400, "Authorization expired"]);
    const unknown = await connect.completeConnect(new URLSearchParams({ code: "c", state: "not-ours" }), member);
    assert.deepEqual(unknown.kind === "refused" && [unknown.status, unknown.title], [400, "Unknown authorization response"]);
    const none = await connect.completeConnect(new URLSearchParams({ code: "c" }), member);
    assert.equal(none.kind === "refused" && none.status, 400);
    const signedOut = await connect.completeConnect(providerRedirect((await connect.startConnect(perUserId, member)).url), null);
    assert.equal(signedOut.kind === "refused" && signedOut.status, 401);
    assert.equal(srv.seen.filter((s) => s.url === "/token").length, exchangesBefore);
  });

  test("a provider error is shown on the configuration's page; members cannot connect shared credentials but connect their own", async () => {
    const q = providerRedirect((await connect.startConnect(perUserId, member)).url, { error: "access_denied", error_description: "The user said no" });
    q.delete("code");
    const done = await connect.completeConnect(q, member);
    const stateId = new URL((done as { location: string }).location, "http://x").searchParams.get("connect")!;
    assert.deepEqual(await connect.connectOutcome(stateId, perUserId, member.id), { ok: false, message: "The provider did not authorize Patchbay (access_denied: The user said no)." });
    await assert.rejects(connect.startConnect(authCodeId, member), (e: unknown) => e instanceof AppError && e.code === "FORBIDDEN");
    const ok = await connect.completeConnect(providerRedirect((await connect.startConnect(perUserId, member)).url), member);
    assert.equal(ok.kind, "redirect");
    assert.equal((await tokens.loadTokens({ configId: perUserId, connection: "", ownerKey: member.id }))?.accessToken, provider.accessToken);
  });

  test("changing the client or scope forgets stored tokens", async () => {
    const before = await db.oAuthToken.count({ where: { authConfigId: ccId } });
    assert.ok(before > 0);
    const input = ZAuthConfigInput.parse({ protocol: "OAUTH2", subProtocol: "OAUTH2_CLIENT_CREDENTIALS", name: "CC", tokenUrl: `${srv.origin}/token`, clientId: "app", scope: "read write" });
    await store.updateAuthConfig(ccId, input, { id: admin.id, email: admin.email });
    assert.equal(await db.oAuthToken.count({ where: { authConfigId: ccId } }), 0);
  });
});
