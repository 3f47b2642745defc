// /healthz and /readyz (issue 14 item 3) on a real node:http server and a real database (SQLite,
// or PostgreSQL in npm test's PostgreSQL pass): readyz follows the migration table, says why in a
// few words without connection details, turns 503 on shutdown, gives up on a silent database after
// its timeout; healthz needs no database.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { createPrismaClient } from "@/lib/db";
import { isPostgresUrl } from "@/lib/env";
import { rawRequest } from "@/lib/testing/raw-request";
import { createTempDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { checkDatabase, HealthEndpoints, startFailure, type TReadiness } from "./health";
import { shippedMigrations, type TDialect } from "./schema-version";
import { recordMigrations } from "./test-support";

let temp: TTempDb;
let dialect: TDialect;
let shipped: string[];
let server: Server;
let port: number;
let health: HealthEndpoints;
const logged: string[] = [];

before(async () => {
  temp = await createTempDatabase("patchbay-health-");
  dialect = isPostgresUrl(temp.url) ? "postgres" : "sqlite";
  shipped = await shippedMigrations(dialect);
  health = new HealthEndpoints({
    role: "web",
    check: () => checkDatabase({ db: temp.db, dialect, shipped }),
    log: (line) => logged.push(line),
  });
  server = createServer((req, res) => {
    const which = (req.url ?? "").split("?", 1)[0] === "/healthz" ? "healthz" : "readyz";
    void health.answer(which, req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await temp?.cleanup();
});

const get = (path: string, method = "GET") => rawRequest(port, path, { method });

test("readyz: 503 naming the pending migrations while the database lacks them; healthz 200 all along", async () => {
  const h = await get("/healthz");
  assert.equal(h.status, 200);
  assert.deepEqual(h.json, { status: "ok", role: "web" });
  assert.equal(h.headers["cache-control"], "no-store");
  const r = await get("/readyz");
  assert.equal(r.status, 503);
  assert.deepEqual(r.json, { status: "unavailable", role: "web", reason: `migrations pending: ${shipped.slice(0, 10).join(", ")}${shipped.length > 10 ? ` (and ${shipped.length - 10} more)` : ""}` });
  assert.equal(r.headers["retry-after"], "5");
  assert.ok(logged.some((l) => l.startsWith("[patchbay] not ready: migrations pending")), `the change is logged: ${logged.join(" | ")}`);
});

test("readyz: 200 once every shipped migration is applied, and the recovery is logged", async () => {
  await recordMigrations(temp.url, shipped.slice(0, -1).map((name) => ({ name })));
  const partly = await get("/readyz");
  assert.equal(partly.status, 503);
  assert.equal((partly.json as { reason?: string }).reason, `migrations pending: ${shipped.at(-1)}`);
  await recordMigrations(temp.url, [{ name: shipped.at(-1)! }]);
  const r = await get("/readyz");
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { status: "ok", role: "web" });
  assert.ok(logged.at(-1)?.startsWith("[patchbay] ready again"), `the recovery is logged: ${logged.join(" | ")}`);
  const head = await get("/readyz", "HEAD");
  assert.equal(head.status, 200);
  assert.equal(head.text, "", "HEAD: no body");
  const post = await get("/readyz", "POST");
  assert.equal(post.status, 405);
  assert.equal(post.headers.allow, "GET, HEAD");
});

test("concurrent readyz requests share one database check", async () => {
  let calls = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const shared = new HealthEndpoints({
    role: "all",
    check: async () => {
      calls++;
      await gate;
      return checkDatabase({ db: temp.db, dialect, shipped });
    },
    log: () => {},
  });
  const answers = Array.from({ length: 20 }, () => shared.readiness());
  release();
  const results = await Promise.all(answers);
  assert.equal(calls, 1, "one check for 20 requests in flight together");
  assert.ok(results.every((r) => r.ready), "all ready");
  await shared.readiness();
  assert.equal(calls, 2, "the next request after it checks again (no stale answer)");
});

test("a migration this build does not know: readyz 503 for a start, still ready for a running process (rolling deploy)", async () => {
  await recordMigrations(temp.url, [{ name: "20991231000000_from_a_newer_build" }]);
  const r = await get("/readyz");
  assert.equal(r.status, 503);
  assert.equal((r.json as { reason?: string }).reason, "database has migrations this build does not know: 20991231000000_from_a_newer_build");
  assert.deepEqual(await checkDatabase({ db: temp.db, dialect, shipped, allowNewer: true }), { ready: true }, "a running process keeps serving");
  const { db } = temp;
  await db.$executeRawUnsafe(`DELETE FROM "_prisma_migrations" WHERE "migration_name" = '${shipped.at(-1)}'`);
  const pending = await checkDatabase({ db, dialect, shipped, allowNewer: true });
  assert.equal(pending.ready, false, "a pending migration makes even a running process unready");
  await recordMigrations(temp.url, [{ name: shipped.at(-1)! }]);
});

test("shutting down: readyz 503 whatever the database says; healthz still 200", async () => {
  const stopping = new HealthEndpoints({ role: "worker", check: () => Promise.resolve({ ready: true }), log: () => {} });
  assert.deepEqual(await stopping.readiness(), { ready: true });
  stopping.shuttingDown();
  assert.deepEqual(await stopping.readiness(), { ready: false, kind: "shutting-down" });
  health.shuttingDown();
  const r = await get("/readyz");
  assert.equal(r.status, 503);
  assert.deepEqual(r.json, { status: "unavailable", role: "web", reason: "shutting down" });
  assert.equal((await get("/healthz")).status, 200);
});

test("a database that accepts connections but never answers: unreachable after the timeout, nothing secret in the reason", async () => {
  const sockets = new Set<Socket>();
  const silent: TcpServer = createTcpServer((s) => {
    sockets.add(s);
    s.on("error", () => {});
  });
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
  const silentPort = (silent.address() as AddressInfo).port;
  const url = `postgresql://patchbay:hunter2-secret@127.0.0.1:${silentPort}/patchbay`;
  const db = createPrismaClient(url);
  try {
    const r: TReadiness = await checkDatabase({ db, dialect: "postgres", shipped, timeoutMs: 300 });
    assert.deepEqual(r, { ready: false, kind: "unreachable", cause: "no answer within 300 ms" });
    const line = startFailure(r as Extract<TReadiness, { ready: false }>, url);
    assert.equal(line, `Cannot reach the database at 127.0.0.1:${silentPort}/patchbay: no answer within 300 ms`);
    assert.ok(!line.includes("hunter2"), "no password in the start error");
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
    await db.$disconnect().catch(() => {});
  }
});

test("a closed port: unreachable at once, with the driver's reason", async () => {
  const closed = createTcpServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const db = createPrismaClient(`postgresql://u:pw@127.0.0.1:${closedPort}/x`);
  try {
    const r = await checkDatabase({ db, dialect: "postgres", shipped, timeoutMs: 60_000 });
    assert.equal(r.ready, false);
    assert.equal(r.ready === false && r.kind, "unreachable");
    assert.match(r.ready === false && r.kind === "unreachable" ? r.cause : "", /no database server answers there/);
  } finally {
    await db.$disconnect().catch(() => {});
  }
});
