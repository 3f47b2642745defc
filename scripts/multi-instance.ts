// The multi-instance test (issue 14, part of npm test after the build): one PostgreSQL, two `web`
// instances and one `worker` of the built app, started as `npm start` starts it (server.ts with
// PATCHBAY_ROLE), requests alternating between the web instances:
// - 2 × 100 concurrent API runs of a connector whose OAuth2 token has expired → exactly one token
//   request to the provider (renewal single-flight across processes);
// - an API token used on both instances, then revoked: both refuse it before their caches' lifetime
//   ends (the change notification, not the TTL);
// - listener messages (forwarded to a receiver) and webhook-subscription events (delivered to it),
//   sent without pause while, in the middle, web instance A and the worker are killed with SIGKILL
//   and a new worker is started;
// then: every message and event that was acknowledged (202) reaches the receiver, verified with the
// Standard Webhooks reference library; a body received twice carries the same webhook-id (at least
// once, never two ids for one message); nothing reaches the receiver that was not posted.
// Counted, never timed: deadlines only bound how long the test waits.
//
//   node --import tsx --conditions=react-server --test scripts/multi-instance.ts
// (needs `npm run build`; PATCHBAY_TEST_PG_URL names the cluster, else one is started.)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateSigningKey } from "@/lib/events/signing";
import { startReceiver } from "@/lib/events/testing/receiver";
import { testPgCluster } from "@/lib/testing/pg-cluster";
import { TestProcesses, until, type TTestProcess } from "@/lib/testing/processes";
import { createPgTestDatabase } from "@/lib/testing/temp-db";

const KEY = "5".repeat(64);
const CONCURRENT_RUNS = 100;
/** Messages and events acknowledged before the kill, and after it before the senders stop. */
const BEFORE_KILL = 150;
const AFTER_KILL = 150;
const SENDERS = 16;
/** The job expiry of the killed worker's claims (the app's minimum claim time is 5 s). */
const LEASE_SECONDS = 5;

const processes = new TestProcesses();
const dir = mkdtempSync(path.join(os.tmpdir(), "patchbay-multi-"));
let database: { url: string; drop: () => Promise<void> };
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let provider: { server: Server; origin: string; tokenRequests: number };
let upstream: { server: Server; origin: string; runs: number };
let apiToken = "";
let admin: { id: string; email: string; name: string; role: "ADMIN"; mustChangePassword: false };
const ids: Record<string, string> = {};
let signingKey = "";

type TApp = TTestProcess<true> & { origin: string; label: string };

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; origin: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const appEnv = (role: string, port: number): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  DATABASE_URL: database.url,
  PATCHBAY_ROLE: role,
  PATCHBAY_DATA_DIR: dir,
  PATCHBAY_SECRET_KEY: KEY,
  PORT: String(port),
  PATCHBAY_HOST: "127.0.0.1",
  PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1",
  PATCHBAY_JOB_LEASE_SECONDS: String(LEASE_SECONDS),
  PATCHBAY_DB_POOL_SIZE: "12",
});

/** server.ts as `npm start` runs it (after migrate deploy, done once in before()). */
async function startApp(label: string, role: "web" | "worker"): Promise<TApp> {
  const port = await freePort();
  const c = await processes.startNode(label, ["--import", "tsx", "--import", "./lib/server/register.mjs", "server.ts"], appEnv(role, port), (line) => (line.includes("[patchbay] listening on") ? (true as const) : undefined));
  const origin = `http://127.0.0.1:${port}`;
  await until(`${label} ready`, async () => (await fetch(`${origin}/readyz`).catch(() => null))?.status === 200, 60_000, [c]);
  return { ...c, origin, label };
}

before(async () => {
  const cluster = await testPgCluster();
  database = await createPgTestDatabase(cluster, "patchbay_multi_", { empty: true });
  const { setEnvForTests } = await import("@/lib/env");
  setEnvForTests({ DATABASE_URL: database.url, PATCHBAY_DATA_DIR: dir, PATCHBAY_SECRET_KEY: KEY, PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1", PATCHBAY_ROLE: "all" });
  // Migrated as `npm start` does it: the instances check their schema version against it.
  execFileSync("npx", ["prisma", "migrate", "deploy"], { stdio: "ignore", env: { ...process.env, DATABASE_URL: database.url, PATCHBAY_ROLE: "all", CHECKPOINT_DISABLE: "1" } });

  provider = { ...(await listen((req, res) => {
    provider.tokenRequests++;
    req.resume();
    req.on("end", () => {
      // A slow provider: every concurrent run arrives while the one renewal is in flight.
      setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: `tok-${provider.tokenRequests}`, token_type: "Bearer", expires_in: 3600 })), 300);
    });
  })), tokenRequests: 0 };
  upstream = { ...(await listen((req, res) => {
    upstream.runs++;
    const ok = req.headers.authorization === "Bearer tok-1";
    res.writeHead(ok ? 200 : 401, { "content-type": "application/json" }).end(JSON.stringify({ ok }));
  })), runs: 0 };
  signingKey = generateSigningKey();
  receiver = await startReceiver({ secret: signingKey });

  const { getDb } = await import("@/lib/db");
  const db = getDb();
  const user = await db.user.create({ data: { email: "ops@example.test", name: "Ops", role: "ADMIN", passwordHash: "scrypt$x", active: true } });
  const actor = { id: user.id, email: user.email };
  const { ZAuthConfigInput } = await import("@/lib/auth-configs/schema");
  const { createAuthConfig } = await import("@/lib/auth-configs/store");
  const { ZConnectorInput } = await import("@/lib/connectors/schema");
  const { createConnector } = await import("@/lib/connectors/store");
  const { createApiToken } = await import("@/lib/api-tokens/store");
  const { saveTokens } = await import("@/lib/oauth/tokens");
  const { ZListenerInput } = await import("@/lib/listeners/schema");
  const { createListener } = await import("@/lib/listeners/store");
  const { ZSubscriptionInput } = await import("@/lib/events/schema");
  const { createSubscription } = await import("@/lib/events/store");

  const cfg = await createAuthConfig(ZAuthConfigInput.parse({ protocol: "OAUTH2", subProtocol: "OAUTH2_CLIENT_CREDENTIALS", name: "Provider", tokenUrl: `${provider.origin}/token`, clientId: "app", clientSecret: "secret" }), actor);
  // An expired token: every run must renew it first.
  await saveTokens({ configId: cfg.id, connection: "", ownerKey: "shared" }, { accessToken: "expired", refreshToken: null, expiresAt: new Date(Date.now() - 3_600_000), scope: null, tokenType: "Bearer" });
  const service = await db.service.create({ data: { name: "Upstream", authConfigId: cfg.id } });
  ids.connector = (await createConnector(ZConnectorInput.parse({ name: "Data", serviceId: service.id, method: "GET", urlTemplate: `${upstream.origin}/data` }), actor)).id;
  admin = { id: user.id, email: user.email, name: user.name, role: "ADMIN", mustChangePassword: false };
  apiToken = (await createApiToken({ name: "multi", expires: "never", rateLimit: null }, admin)).token;
  ids.listenerPath = "multi/orders";
  await createListener(ZListenerInput.parse({ name: "Orders", path: ids.listenerPath, target: "FORWARD", callbackUrl: receiver.url, signingKey }), actor);
  ids.subscription = (await createSubscription(ZSubscriptionInput.parse({ name: "Inbound", type: "WEBHOOK", serviceId: service.id, callbackUrl: receiver.url, signingKey }), null)).id;
});

after(async () => {
  await processes.killAll();
  await Promise.all([receiver?.close(), new Promise((r) => provider?.server.close(r)), new Promise((r) => upstream?.server.close(r))]);
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect().catch(() => undefined);
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

test("two web instances and a worker on one PostgreSQL: one token renewal, no acknowledged message or event lost across SIGKILL", { timeout: 600_000 }, async () => {
  const webA = await startApp("web-a", "web");
  const webB = await startApp("web-b", "web");
  let worker = await startApp("worker-1", "worker");
  const all = () => [webA, webB, worker];

  // 1. 2 × 100 concurrent runs on the expired token, alternating between the instances.
  const runs = await Promise.all(
    Array.from({ length: 2 * CONCURRENT_RUNS }, (_, i) =>
      fetch(`${(i % 2 ? webB : webA).origin}/api/v1/connectors/${ids.connector}/run`, { method: "POST", headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" }, body: "{}" }).then(async (r) => ({ status: r.status, body: (await r.json()) as { status?: number } })),
    ),
  );
  assert.deepEqual([...new Set(runs.map((r) => `${r.status}/${r.body.status}`))], ["200/200"], "every run answered with the upstream's 200");
  assert.equal(provider.tokenRequests, 1, "exactly one token request for 200 runs on two instances");

  // 1b. A revoked token is refused by both instances before their caches' 5 s lifetime ends: only
  // the change notification (NOTIFY from this process's revocation) can have told them.
  const { createApiToken, revokeApiToken } = await import("@/lib/api-tokens/store");
  const { HOT_CACHE_TTL_MS } = await import("@/lib/cache/ttl-cache");
  const second = await createApiToken({ name: "revoked", expires: "never", rateLimit: null }, admin);
  const list = (origin: string) => fetch(`${origin}/api/v1/connectors`, { headers: { authorization: `Bearer ${second.token}` } }).then((r) => r.status);
  assert.deepEqual([await list(webA.origin), await list(webB.origin)], [200, 200], "the new token works on both (and is cached there)");
  await revokeApiToken(second.id, admin);
  await until("the revoked token refused by both instances", async () => (await list(webA.origin)) === 401 && (await list(webB.origin)) === 401, HOT_CACHE_TTL_MS - 1_000, all());

  // 2. Messages and events without pause; SIGKILL web A and the worker in the middle.
  const acked = { messages: new Set<string>(), events: new Set<string>() };
  let n = 0;
  let stop = false;
  let aAlive = true;
  const post = async (origin: string, kind: "messages" | "events") => {
    const i = ++n;
    const url = kind === "messages" ? `${origin}/api/hooks/${ids.listenerPath}` : `${origin}/api/hooks/${ids.subscription}`;
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ n: i }) }).catch(() => null);
    if (res?.status === 202) acked[kind].add(String(i));
    else await res?.arrayBuffer().catch(() => undefined);
  };
  const senders = Array.from({ length: SENDERS }, async (_, s) => {
    while (!stop) await post((s % 2 === 0 && aAlive ? webA : webB).origin, s % 4 < 2 ? "messages" : "events");
  });
  const total = () => acked.messages.size + acked.events.size;
  await until("acknowledged before the kill", () => total() >= BEFORE_KILL, 120_000, all());
  aAlive = false;
  await Promise.all([processes.signal(webA, "SIGKILL"), processes.signal(worker, "SIGKILL")]);
  const atKill = total();
  worker = await startApp("worker-2", "worker");
  await until("acknowledged after the kill", () => total() >= atKill + AFTER_KILL, 120_000, [webB, worker]);
  stop = true;
  await Promise.all(senders);

  // 3. Everything acknowledged arrives (the killed worker's claims once they expire).
  const bodyN = (body: string) => String((JSON.parse(body) as { n?: number; data?: { n?: number } }).n ?? (JSON.parse(body) as { data?: { n?: number } }).data?.n);
  const arrived = () => new Set(receiver.received.map((r) => bodyN(r.body)));
  await until(
    "every acknowledged message and event at the receiver",
    () => {
      const got = arrived();
      return [...acked.messages, ...acked.events].every((i) => got.has(i));
    },
    180_000,
    [webB, worker],
  );
  assert.ok(receiver.received.every((r) => r.verified), "every forward and delivery verifies with the reference library");
  const idsOf = new Map<string, Set<string>>();
  for (const r of receiver.received) idsOf.set(bodyN(r.body), (idsOf.get(bodyN(r.body)) ?? new Set()).add(r.id));
  const twoIds = [...idsOf].filter(([, s]) => s.size > 1).map(([i]) => i);
  assert.deepEqual(twoIds, [], "a message or event received twice carries the same webhook-id");
  const posted = new Set(Array.from({ length: n }, (_, i) => String(i + 1)));
  assert.deepEqual([...idsOf.keys()].filter((i) => !posted.has(i)), [], "nothing arrives that was not posted");
  assert.equal(provider.tokenRequests, 1, "still one token request");
  console.log(`# acknowledged: ${acked.messages.size} messages, ${acked.events.size} events; received ${receiver.received.length} (${receiver.received.length - idsOf.size} repeats)`);
});
