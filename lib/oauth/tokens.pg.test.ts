// OAuth2 renewal across processes on PostgreSQL (SPEC §12, issue 14): two real Patchbay processes
// ask for the same expired token 100 times each at once, against a local token endpoint that
// rotates refresh tokens (an old one gets invalid_grant). Exactly one token request is made, every
// lookup gets the new token, and the grant stays alive for the next renewal. PostgreSQL only: it
// runs on the cluster of npm test's PostgreSQL pass, or on one started for this file.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import type { TOAuth2Input } from "@/lib/auth-configs/schema";
import { ZAuthConfigInput } from "@/lib/auth-configs/schema";
import type { TDb } from "@/lib/db";
import { setEnvForTests } from "@/lib/env";
import { startServer, type TTestServer } from "@/lib/http/testing/servers";
import { testPgCluster } from "@/lib/testing/pg-cluster";
import { jsonLine, TestProcesses, until } from "@/lib/testing/processes";
import { createPgTestDatabase } from "@/lib/testing/temp-db";
import type { TRenewalProcessSettings, TRenewalResult } from "./testing/renewal-process";

const CLIENT_SECRET = "CANARY-client-secret-4410";
const CHILD = "lib/oauth/testing/renewal-process.ts";
const LOOKUPS = 100;

let dataDir: string;
let url: string;
let drop: () => Promise<void>;
let db: TDb;
let srv: TTestServer;
let tokens: typeof import("./tokens");
let strategy: typeof import("./strategy");
let configId: string;
const children = new TestProcesses();

/** The provider: the one valid refresh token, rotated on every refresh; requests counted. */
const provider = { n: 0, refreshToken: "rt-0", accessToken: "at-0", refreshes: 0, refused: 0, held: null as null | ((send: () => void) => void) };

function rotate() {
  provider.n++;
  provider.refreshToken = `rt-${provider.n}`;
  provider.accessToken = `at-${provider.n}`;
  return { access_token: provider.accessToken, refresh_token: provider.refreshToken, token_type: "Bearer", expires_in: 3600 };
}

/** Backends of the test database waiting for an advisory lock: a renewal queued behind another. */
async function advisoryWaiters(): Promise<number> {
  const rows = await db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`;
  return rows[0].n;
}

before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "patchbay-renewal-"));
  ({ url, drop } = await createPgTestDatabase(await testPgCluster(), "patchbay_renewal_"));
  setEnvForTests({
    DATABASE_URL: url,
    PATCHBAY_DATA_DIR: dataDir,
    PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1",
    PATCHBAY_SECRET_KEY: undefined,
    PATCHBAY_SECRET_KEYS_OLD: undefined,
    PATCHBAY_ADMIN_EMAIL: undefined,
    PATCHBAY_ADMIN_PASSWORD: undefined,
  });
  db = (await import("@/lib/db")).getDb();
  tokens = await import("./tokens");
  strategy = await import("./strategy");
  const store = await import("@/lib/auth-configs/store");

  srv = await startServer();
  srv.route("/token", (_req, res, body) => {
    const p = new URLSearchParams(body.toString());
    const answer = (status: number, json: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
    if (p.get("grant_type") !== "refresh_token") return answer(400, { error: "unsupported_grant_type" });
    provider.refreshes++;
    if (p.get("refresh_token") !== provider.refreshToken) {
      provider.refused++;
      return answer(400, { error: "invalid_grant", error_description: "refresh token already rotated" });
    }
    const reply = rotate();
    // Held until the test lets it go: another process must be renewing at the same time.
    if (provider.held) {
      const release = provider.held;
      provider.held = null;
      return release(() => answer(200, reply));
    }
    answer(200, reply);
  });

  const admin = await db.user.create({ data: { email: "admin@example.test", name: "Admin", role: "ADMIN", passwordHash: "scrypt$x" } });
  const input = ZAuthConfigInput.parse({
    protocol: "OAUTH2",
    subProtocol: "OAUTH2_AUTH_CODE",
    name: "Rotating",
    authorizationUrl: "https://idp.example.test/authorize",
    tokenUrl: `${srv.origin}/token`,
    clientId: "app",
    clientSecret: CLIENT_SECRET,
  });
  configId = (await store.createAuthConfig(input, { id: admin.id, email: admin.email })).id;
});

after(async () => {
  await children.killAll();
  await srv?.close();
  const { closeDispatchers } = await import("@/lib/http/dispatcher");
  await closeDispatchers();
  await db?.$disconnect();
  await drop?.();
  await rm(dataDir, { recursive: true, force: true });
});

const owner = () => ({ configId, connection: "", ownerKey: "shared" });

/** The provider's current tokens stored for the configuration, already expired. */
async function seedExpired(): Promise<void> {
  rotate();
  await tokens.saveTokens(owner(), { accessToken: provider.accessToken, refreshToken: provider.refreshToken, expiresAt: new Date(Date.now() - 1000), scope: null, tokenType: "Bearer" });
}

test("2 processes × 100 concurrent lookups of an expired token: exactly 1 token request; every lookup gets the new token", async () => {
  await seedExpired();
  provider.refreshes = 0;
  provider.refused = 0;
  // The first token request is answered only once another process's renewal waits for the lock
  // (or a second token request arrives, which fails the test): the two renewals really overlap.
  let overlapped = false;
  const answered = new Promise<void>((resolve) => {
    provider.held = (send) => {
      void until("another process's renewal waiting for the lock", async () => (overlapped = (await advisoryWaiters()) > 0) || provider.refreshes > 1)
        .catch(() => {})
        .finally(() => {
          send();
          resolve();
        });
    };
  });

  const procs = await Promise.all(
    ["a", "b"].map(async (label) => {
      const resultFile = path.join(dataDir, `result-${label}.json`);
      const settings: TRenewalProcessSettings = { url, dataDir, configId, lookups: LOOKUPS, resultFile };
      return { resultFile, proc: await children.start(label, CHILD, settings, jsonLine) };
    }),
  );
  for (const { proc } of procs) proc.proc.kill("SIGUSR2");
  const exits = await Promise.all(procs.map(({ proc }) => proc.exited));
  await answered;
  assert.deepEqual(exits, [{ code: 0, signal: null }, { code: 0, signal: null }], procs.map(({ proc }) => proc.output()).join("\n"));

  assert.equal(provider.refreshes, 1, "one token request for 200 lookups in 2 processes");
  assert.equal(provider.refused, 0);
  assert.ok(overlapped, "the second process's renewal waited for the first one's lock");
  for (const { resultFile } of procs) {
    const result = JSON.parse(await readFile(resultFile, "utf8")) as TRenewalResult;
    assert.deepEqual(result.errors, []);
    assert.equal(result.tokens.length, LOOKUPS);
    assert.deepEqual(new Set(result.tokens), new Set([provider.accessToken]));
  }
  const stored = await tokens.loadTokens(owner());
  assert.equal(stored?.accessToken, provider.accessToken);
  assert.equal(stored?.refreshToken, provider.refreshToken, "the rotated refresh token was stored");
  assert.equal(await tokens.needsReconnectOf(configId, ""), null);

  // The grant is alive: the next renewal (from this process) uses the stored refresh token.
  await db.oAuthToken.updateMany({ where: { authConfigId: configId }, data: { expiresAt: new Date(Date.now() - 1000) } });
  const config = (await (await import("@/lib/auth-configs/store")).resolveAuthConfig(configId)) as TOAuth2Input;
  const next = await strategy.tokenFor(config, { configId, name: config.name, userId: null });
  assert.equal(provider.refreshes, 2);
  assert.equal(provider.refused, 0);
  assert.equal(next.accessToken, provider.accessToken);
  assert.equal((await tokens.loadTokens(owner()))?.refreshToken, provider.refreshToken);
});

test("a renewal that fails stores nothing and leaves the lock free for the next one", async () => {
  await seedExpired();
  provider.refreshes = 0;
  const config = (await (await import("@/lib/auth-configs/store")).resolveAuthConfig(configId)) as TOAuth2Input;
  const ctx = { configId, name: config.name, userId: null };
  // The provider is down: the renewal fails with a request error, and the expired set stays.
  const closed = { ...config, tokenUrl: "http://127.0.0.1:9/token" };
  await assert.rejects(strategy.tokenFor(closed, ctx), (e: unknown) => e instanceof Error && "code" in e && ["CONNECTION_REFUSED", "CONNECTION_FAILED"].includes(String(e.code)));
  assert.equal((await tokens.loadTokens(owner()))?.refreshToken, provider.refreshToken);
  assert.equal(await advisoryWaiters(), 0);
  // Back up: the same refresh token still works.
  assert.equal((await strategy.tokenFor(config, ctx)).accessToken, provider.accessToken);
  assert.equal(provider.refreshes, 1);
});
