import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TSessionUser } from "@/lib/auth/session";
import type { TDb } from "@/lib/db";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";

type TQueries = typeof import("./queries");
type TRuns = typeof import("./runs");

let temp: TTempDb;
let db: TDb;
let q: TQueries;
let r: TRuns;

const NOW = new Date("2026-03-10T15:30:00.000Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TLS = { tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } };

let admin: TSessionUser;
let member: TSessionUser;
const ids: Record<string, string> = {};

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-dashboard-" }));
  q = await import("./queries");
  r = await import("./runs");
  const ada = await db.user.create({ data: { email: "ada@example.com", name: "Ada", role: "ADMIN", passwordHash: "x" } });
  const bob = await db.user.create({ data: { email: "bob@example.com", name: "Bob", role: "MEMBER", passwordHash: "x" } });
  admin = { id: ada.id, email: ada.email, name: ada.name, role: "ADMIN", mustChangePassword: false };
  member = { id: bob.id, email: bob.email, name: bob.name, role: "MEMBER", mustChangePassword: false };

  const open = await db.authConfig.create({ data: { name: "Open", protocol: "NONE", subProtocol: "NONE", settings: TLS, secrets: {} } });
  const crm = await db.authConfig.create({ data: { name: "CRM", protocol: "OAUTH2", subProtocol: "OAUTH2_CLIENT_CREDENTIALS", settings: { ...TLS, tokenUrl: "https://auth.example/token", clientId: "x" }, secrets: {} } });
  ids.crm = crm.id;
  ids.billing = (await db.authConfig.create({ data: { name: "Billing", protocol: "NONE", subProtocol: "NONE", settings: TLS, secrets: {}, lastTestAt: new Date(NOW.getTime() - HOUR), lastTestOk: false, lastTestMessage: "401 Unauthorized" } })).id;
  const prod = await db.environment.create({ data: { name: "Production" } });
  // Two owners refused in the default connection make one item; the environment's connection another.
  for (const [ownerKey, connection, environmentId] of [["shared", "", null], [ada.id, "", null], ["shared", prod.id, prod.id]] as const) {
    await db.oAuthToken.create({ data: { authConfigId: crm.id, ownerKey, connection, environmentId, accessToken: "sealed", needsReconnect: true, needsReconnectReason: "invalid_grant" } });
  }
  await db.oAuthToken.create({ data: { authConfigId: crm.id, ownerKey: bob.id, connection: "", accessToken: "sealed" } });

  const service = await db.service.create({ data: { name: "Shop", authConfigId: open.id } });
  const sub = (name: string, over: Record<string, unknown> = {}) => db.eventSubscription.create({ data: { name, serviceId: service.id, type: "WEBHOOK", callbackUrl: "https://hooks.example/x", ...over } });
  ids.failing = (await sub("Orders", { consecutiveFailures: 3, lastPollError: "DNS failure" })).id;
  ids.stopped = (await sub("Invoices", { deliveryDisabledReason: "The callback answered 410 Gone." })).id;
  ids.paused = (await sub("Paused", { paused: true, consecutiveFailures: 9 })).id;
  ids.dead = (await sub("Leads")).id;
  await sub("Healthy");
  const event = (subscriptionId: string, deliveryStatus: string) =>
    db.event.create({ data: { subscriptionId, resource: "r", type: "RECEIVED", payload: "{}", occurredAt: NOW, deliveryStatus, lastAttemptAt: NOW } });
  await event(ids.dead, "dead");
  await event(ids.dead, "dead");
  await event(ids.dead, "retrying");
  await event(ids.paused, "dead");
  await event(ids.failing, "delivered");

  const listener = (name: string) => db.listener.create({ data: { name, path: name, pathKey: name.toLowerCase(), methods: '["POST"]', target: "FORWARD", callbackUrl: "https://fwd.example/" } });
  ids.listener = (await listener("Partner")).id;
  await listener("Calm");
  const message = (listenerId: string, status: string) => db.inboundMessage.create({ data: { listenerId, method: "POST", path: "/", headers: "[]", body: Buffer.from("{}"), size: 2, status } });
  await message(ids.listener, "failed");
  await message(ids.listener, "retrying");
  await message(ids.listener, "delivered");

  const token = (name: string, userId: string, expiresAt: Date | null, over: Record<string, unknown> = {}) =>
    db.apiToken.create({ data: { name, tokenHash: `hash-${name}`, prefix: "pb_x", userId, expiresAt, ...over } });
  await token("Soon", ada.id, new Date(NOW.getTime() + 3 * DAY));
  await token("Bob soon", bob.id, new Date(NOW.getTime() + 2 * DAY));
  await token("Expired yesterday", ada.id, new Date(NOW.getTime() - DAY));
  await token("Long ago", ada.id, new Date(NOW.getTime() - 30 * DAY));
  await token("Far", ada.id, new Date(NOW.getTime() + 30 * DAY));
  await token("Never", ada.id, null);
  await token("Revoked", ada.id, new Date(NOW.getTime() + DAY), { revokedAt: NOW });

  const conn = (name: string) => db.connector.create({ data: { name, serviceId: service.id, method: "GET", urlTemplate: "https://api.example/", headers: [], queryParams: [], formParams: [] } });
  ids.busy = (await conn("Busy")).id;
  ids.quiet = (await conn("Quiet")).id;
  await conn("Idle");
  const run = (connectorId: string | null, at: Date, status: number | null, durationMs: number) => ({
    at, source: "test", connectorId, connectorName: "n", status, durationMs, requestBytes: 0, responseBytes: 0,
  });
  await db.run.createMany({
    data: [
      ...Array.from({ length: 10 }, (_, i) => run(ids.busy, new Date(NOW.getTime() - i * HOUR), i < 2 ? 500 : 200, (i + 1) * 10)),
      run(ids.quiet, new Date(NOW.getTime() - 5 * HOUR), null, 1000),
      run("deleted-connector", new Date(NOW.getTime() - HOUR), 200, 5),
      run(null, new Date(NOW.getTime() - HOUR), 200, 5),
      run(ids.quiet, new Date(NOW.getTime() - 3 * DAY), 200, 5),
    ],
  });
});

after(async () => {
  await db?.$disconnect();
  await temp?.cleanup();
});

describe("dashboard queries", () => {
  test("counts each kind of object", async () => {
    assert.deepEqual(await q.dashboardCounts(), { authConfigs: 3, services: 1, connectors: 3, environments: 1, subscriptions: 5, listeners: 2 });
  });

  test("an admin sees every condition once, with links to where it is fixed", async () => {
    const items = await q.dashboardAttention(admin, NOW);
    const titles = items.map((i) => `${i.kind} | ${i.title} | ${i.href}`);
    assert.deepEqual(titles, [
      `auth-reconnect | CRM needs reconnect in Production | /auth-configs/${ids.crm}`,
      `auth-reconnect | CRM needs reconnect | /auth-configs/${ids.crm}`,
      `subscription-stopped | Delivery stopped for Invoices | /events/${ids.stopped}`,
      `subscription-failing | Subscription Orders is failing | /events/${ids.failing}`,
      `dead-letters | 2 dead-lettered deliveries in Leads | /events/${ids.dead}?status=dead`,
      `dead-letters | 1 dead-lettered delivery in Paused | /events/${ids.paused}?status=dead`,
      `listener-failing | Listener Partner: target failing | /listeners/${ids.listener}?status=failed`,
      "token-expired | API token Expired yesterday expired 1 day ago | /api-tokens",
      `auth-test-failed | Billing: last test failed | /auth-configs/${ids.billing}`,
      `subscription-retrying | Deliveries of Leads are failing | /events/${ids.dead}?status=retrying`,
      "token-expiring | API token Bob soon (Bob) expires in 2 days | /api-tokens",
      "token-expiring | API token Soon expires in 3 days | /api-tokens",
    ]);
  });

  test("a member sees only their own API tokens", async () => {
    const tokens = (await q.dashboardAttention(member, NOW)).filter((i) => i.kind.startsWith("token-"));
    assert.deepEqual(tokens.map((i) => i.title), ["API token Bob soon expires in 2 days"]);
  });

  test("runs of the last 24 hours, overall and per existing connector, busiest first", async () => {
    const runs = await r.dashboardRuns({ sort: "runs", dir: "desc", page: 1, pageSize: 10 }, NOW);
    assert.equal(runs.stats["24h"].totals.count, 13, "every run of the window, deleted connectors and unsaved tests included");
    assert.equal(runs.total, 2, "connectors that still exist and ran in the window");
    assert.deepEqual(runs.connectors, [
      { connectorId: ids.busy, name: "Busy", runs: 10, errorRate: 0.2, lastRunAt: NOW, p95: 100 },
      { connectorId: ids.quiet, name: "Quiet", runs: 1, errorRate: 1, lastRunAt: new Date(NOW.getTime() - 5 * HOUR), p95: 1000 },
    ]);
  });

  test("the connector table sorts by the column asked for and pages", async () => {
    const byLast = await r.dashboardRuns({ sort: "last", dir: "asc", page: 1, pageSize: 1 }, NOW);
    assert.deepEqual(byLast.connectors.map((c) => c.name), ["Quiet"]);
    const second = await r.dashboardRuns({ sort: "last", dir: "asc", page: 2, pageSize: 1 }, NOW);
    assert.deepEqual(second.connectors.map((c) => c.name), ["Busy"]);
    const unknown = await r.dashboardRuns({ sort: "p95; DROP TABLE", dir: "asc", page: 9, pageSize: 1 }, NOW);
    assert.deepEqual(unknown.connectors.map((c) => c.name), ["Busy"], "an unknown column sorts by runs; a page beyond the last shows the last");
  });
});
