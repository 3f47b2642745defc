// PostgreSQL going away while Patchbay runs (issue 14, "Bad input and faults"): the app's own
// client talks to a real PostgreSQL through a TCP relay the test can cut and restore. The lean API
// answers 503 UNAVAILABLE with Retry-After while the database is gone — never a 500 or a 2xx — and
// serves again once it is back; the errors PostgreSQL's own shutdown and a cut connection raise are
// recognised as unavailability.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { connect, createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TDb } from "@/lib/db";
import { setEnvForTests } from "@/lib/env";
import { testPgCluster } from "@/lib/testing/pg-cluster";
import { rawRequest } from "@/lib/testing/raw-request";
import { createPgTestDatabase } from "@/lib/testing/temp-db";
import { databaseErrorReason, isDatabaseUnavailable } from "./db-errors";

/** A TCP relay in front of PostgreSQL: cut() drops every connection and refuses new ones until restore(). */
class Relay {
  private server: TcpServer | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: number) {}

  async restore(): Promise<void> {
    const s = createTcpServer((client) => {
      const upstream = connect(this.target, "127.0.0.1");
      for (const x of [client, upstream]) {
        this.sockets.add(x);
        x.on("error", () => {});
        x.on("close", () => this.sockets.delete(x));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => s.listen(this.port, "127.0.0.1", () => r()));
    this.port = (s.address() as AddressInfo).port;
    this.server = s;
  }

  async cut(): Promise<void> {
    const s = this.server;
    this.server = null;
    for (const x of this.sockets) x.destroy();
    if (s) await new Promise((r) => s.close(r));
  }
}

let drop: () => Promise<void>;
let dataDir: string;
let relay: Relay;
let db: TDb;
let api: Server;
let apiPort: number;
let token: string;
let dbUrl: string;

before(async () => {
  const admin = await testPgCluster();
  const made = await createPgTestDatabase(admin, "patchbay_dbdown_");
  drop = made.drop;
  dbUrl = made.url;
  const u = new URL(made.url);
  relay = new Relay(Number(u.port));
  await relay.restore();
  u.port = String(relay.port);
  dataDir = await mkdtemp(path.join(os.tmpdir(), "patchbay-dbdown-"));
  setEnvForTests({ DATABASE_URL: u.toString(), PATCHBAY_DATA_DIR: dataDir, PATCHBAY_SECRET_KEY: undefined, PATCHBAY_SECRET_KEYS_OLD: undefined, PATCHBAY_ADMIN_EMAIL: undefined, PATCHBAY_ADMIN_PASSWORD: undefined });
  db = (await import("@/lib/db")).getDb();
  const { handleApiRequest } = await import("@/lib/api/handler");
  api = createServer((req, res) => void handleApiRequest(req, res));
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", () => r()));
  apiPort = (api.address() as AddressInfo).port;
  const user = await db.user.create({ data: { email: "down@example.test", name: "d", role: "ADMIN", passwordHash: "scrypt$x", active: true, mustChangePassword: false } });
  const { createApiToken } = await import("@/lib/api-tokens/store");
  token = (await createApiToken({ name: "t", expires: "never", rateLimit: null }, { id: user.id, email: user.email, name: user.name, role: "ADMIN", mustChangePassword: false })).token;
});

after(async () => {
  api?.closeAllConnections();
  await new Promise<void>((r) => (api ? api.close(() => r()) : r()));
  await db?.$disconnect().catch(() => {});
  await relay?.cut();
  await drop?.();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const list = () => rawRequest(apiPort, "/api/v1/connectors", { method: "GET", headers: { authorization: `Bearer ${token}` } });

test("the API answers 503 UNAVAILABLE with Retry-After while the database is gone, and serves again when it is back", async () => {
  const up = await list();
  assert.equal(up.status, 200, up.text);
  await relay.cut();
  for (let i = 0; i < 3; i++) {
    const down = await list();
    assert.equal(down.status, 503, `request ${i}: ${down.text}`);
    assert.equal(down.json?.error?.code, "UNAVAILABLE");
    assert.equal(down.json?.error?.message, "The database is unavailable; try again shortly.");
    assert.equal(down.headers["retry-after"], "5");
    assert.ok(typeof down.headers["x-request-id"] === "string", "a request id as on every answer");
    assert.ok(!down.text.includes(String(relay.port)) && !down.text.includes("postgres"), `nothing about the database's address: ${down.text}`);
  }
  await relay.restore();
  const again = await list();
  assert.equal(again.status, 200, again.text);
});

test("errors of a cut connection and of PostgreSQL's own shutdown of a session are unavailability", async () => {
  // A query in flight when the connection drops.
  const slow = db.$queryRawUnsafe("SELECT pg_sleep(5)").then(() => null, (e: unknown) => e);
  await new Promise((r) => setTimeout(r, 200));
  await relay.cut();
  const cut = await slow;
  assert.ok(cut, "the query fails");
  assert.ok(isDatabaseUnavailable(cut), `a cut connection: ${String(cut)}`);
  await relay.restore();

  // The server ends the session (as on a fast shutdown or a failover): SQLSTATE 57P01.
  const killer = new pg.Client({ connectionString: dbUrl });
  await killer.connect();
  try {
    const victim = db.$queryRawUnsafe("SELECT pg_sleep(5)").then(() => null, (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200));
    await killer.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(5)%' AND pid <> pg_backend_pid()");
    const ended = await victim;
    assert.ok(ended, "the query fails");
    assert.ok(isDatabaseUnavailable(ended), `a terminated session: ${String(ended)}`);
    assert.equal(databaseErrorReason(ended), "terminating connection due to administrator command");
  } finally {
    await killer.end();
  }
});
