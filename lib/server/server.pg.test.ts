// server.ts as a worker (PATCHBAY_ROLE=worker, issue 14 item 3 and "Bad input and faults"), real
// processes on a real PostgreSQL: it answers /healthz and /readyz and nothing else, never loads
// Next (every import of it fails in these processes), turns unready while the database is away
// and ready when it is back, stops on SIGTERM with exit 0; it refuses to start — one readable line,
// exit 1 — on a database it cannot reach or whose migrations differ from the build's.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { connect, createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { testPgCluster } from "@/lib/testing/pg-cluster";
import { until } from "@/lib/testing/processes";
import { rawRequest } from "@/lib/testing/raw-request";
import { createPgTestDatabase } from "@/lib/testing/temp-db";
import { shippedMigrations } from "./schema-version";
import { freePort, recordMigrations, startServer, waitForExit, type TServerProcess } from "./test-support";

let admin: string;
let dataDir: string;
let shipped: string[];
const drops: Array<() => Promise<void>> = [];
const started: TServerProcess[] = [];

before(async () => {
  admin = await testPgCluster();
  dataDir = await mkdtemp(path.join(os.tmpdir(), "patchbay-worker-"));
  shipped = await shippedMigrations("postgres");
});

after(async () => {
  for (const p of started) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill("SIGKILL");
  await Promise.all(started.map((p) => p.exited));
  for (const d of drops) await d();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A database as `prisma migrate deploy` leaves it, with `extra` rows written after. */
async function migratedDatabase(opts: { skip?: string; extra?: string } = {}): Promise<string> {
  const { url, drop } = await createPgTestDatabase(admin, "patchbay_worker_");
  drops.push(drop);
  const rows = shipped.filter((n) => n !== opts.skip).map((name) => ({ name }));
  await recordMigrations(url, opts.extra ? [...rows, { name: opts.extra }] : rows);
  return url;
}

function worker(url: string, port: number): TServerProcess {
  const p = startServer({ PATCHBAY_ROLE: "worker", DATABASE_URL: url, PORT: String(port), PATCHBAY_DATA_DIR: dataDir, PATCHBAY_SECRET_KEY: SECRET_KEY }, { blockNext: true });
  started.push(p);
  return p;
}

const SECRET_KEY = "7".repeat(64);

const get = (port: number, p: string, method = "GET") => rawRequest(port, p, { method });

/** Checks that a refused start says why in one line, without a stack trace. */
function assertReadableRefusal(output: string, expected: RegExp): void {
  assert.match(output, expected);
  assert.ok(!/^\s+at /m.test(output), `no stack trace:\n${output}`);
}

test("a worker answers /healthz and /readyz (200), 404 JSON for anything else, without loading Next; SIGTERM ends it with 0", async () => {
  const port = await freePort();
  const p = worker(await migratedDatabase(), port);
  assert.ok(await p.listening, `it listens:\n${p.output()}`);
  assert.match(p.output(), /role worker\); \/healthz and \/readyz only/);

  const h = await get(port, "/healthz");
  assert.equal(h.status, 200);
  assert.deepEqual(h.json, { status: "ok", role: "worker" });
  const r = await get(port, "/readyz");
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { status: "ok", role: "worker" });
  for (const other of ["/", "/login", "/api/v1/connectors", "/api/hooks/abc", "/_next/static/chunk.js"]) {
    const a = await get(port, other);
    assert.equal(a.status, 404, `${other}: ${a.text}`);
    assert.equal(a.json?.error?.code, "NOT_FOUND", other);
    assert.match(a.json?.error?.message ?? "", /answers only \/healthz and \/readyz/);
  }
  assert.ok(!p.output().includes("must not load Next"), `Next was never imported:\n${p.output()}`);

  p.proc.kill("SIGTERM");
  const exit = await waitForExit(p);
  assert.deepEqual(exit, { code: 0, signal: null }, p.output());
  assert.match(p.output(), /SIGTERM: finishing open requests and running jobs/);
});

test("a worker whose database goes away: readyz 503 'database unreachable' (healthz still 200), 200 again when it is back", async () => {
  const url = new URL(await migratedDatabase());
  const target = Number(url.port);
  const sockets = new Set<Socket>();
  let relay: TcpServer | null = null;
  const relayPort = await freePort();
  const open = async () => {
    const s = createTcpServer((c) => {
      const u = connect(target, "127.0.0.1");
      for (const x of [c, u]) {
        sockets.add(x);
        x.on("error", () => {});
        x.on("close", () => sockets.delete(x));
      }
      c.pipe(u).pipe(c);
    });
    await new Promise<void>((r) => s.listen(relayPort, "127.0.0.1", () => r()));
    relay = s;
  };
  const cut = async () => {
    const s = relay;
    relay = null;
    for (const x of sockets) x.destroy();
    if (s) await new Promise((r) => s.close(r));
  };
  await open();
  url.port = String(relayPort);
  const port = await freePort();
  const p = worker(url.toString(), port);
  try {
    assert.ok(await p.listening, `it listens:\n${p.output()}`);
    assert.equal((await get(port, "/readyz")).status, 200);
    await cut();
    const down = await get(port, "/readyz");
    assert.equal(down.status, 503, down.text);
    assert.deepEqual(down.json, { status: "unavailable", role: "worker", reason: "database unreachable" });
    assert.equal((await get(port, "/healthz")).status, 200, "the process itself is up");
    await open();
    let last = 0;
    await until("readyz is 200 again", async () => (last = (await get(port, "/readyz")).status) === 200, 20_000, [{ label: "worker", output: p.output }]);
    assert.equal(last, 200);
    assert.match(p.output(), /not ready: database unreachable/);
    assert.match(p.output(), /ready again/);
  } finally {
    p.proc.kill("SIGTERM");
    const exit = await waitForExit(p);
    await cut();
    assert.equal(exit.code, 0, p.output());
  }
});

test("a worker refuses to start on a database missing a migration of its build", async () => {
  const p = worker(await migratedDatabase({ skip: shipped.at(-1) }), await freePort());
  const exit = await waitForExit(p);
  assert.equal(exit.code, 1, p.output());
  assertReadableRefusal(p.output(), new RegExp(`\\[patchbay\\] The database at 127\\.0\\.0\\.1:\\d+/patchbay_worker_\\w+ does not match this build \\(migrations pending: ${shipped.at(-1)}\\): apply them with \`npm run db:deploy\``));
});

test("a worker refuses to start on a database migrated by a newer build", async () => {
  const p = worker(await migratedDatabase({ extra: "20991231000000_from_a_newer_build" }), await freePort());
  const exit = await waitForExit(p);
  assert.equal(exit.code, 1, p.output());
  assertReadableRefusal(p.output(), /does not match this build \(database has migrations this build does not know: 20991231000000_from_a_newer_build\): a newer build of Patchbay migrated it/);
});

test("a worker refuses to start when nothing answers at DATABASE_URL, naming where without the password", async () => {
  const closed = await freePort();
  const p = worker(`postgresql://patchbay:do-not-print-me@127.0.0.1:${closed}/patchbay`, await freePort());
  const exit = await waitForExit(p);
  assert.equal(exit.code, 1, p.output());
  assertReadableRefusal(p.output(), new RegExp(`^\\[patchbay\\] Cannot reach the database at 127\\.0\\.0\\.1:${closed}/patchbay: no database server answers there`, "m"));
  assert.ok(!p.output().includes("do-not-print-me"), `no password in the output:\n${p.output()}`);
  assert.equal(p.output().trim().split("\n").length, 1, `one line:\n${p.output()}`);
});
