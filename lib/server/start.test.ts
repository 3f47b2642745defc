// server.ts refusing to start (issue 14, "Bad input and faults"), real processes in the default
// role on the test's database (SQLite, or PostgreSQL in npm test's PostgreSQL pass): a database
// without this build's migrations and a configuration error each give one readable line and exit
// 1 — before Next is loaded (every import of Next fails in these processes, and the last test shows
// that this guard does bite a process that gets as far as loading it).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { isPostgresUrl } from "@/lib/env";
import { createTempDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { shippedMigrations } from "./schema-version";
import { freePort, recordMigrations, startServer, waitForExit, type TServerProcess } from "./test-support";

const SECRET_KEY = "7".repeat(64);
let temp: TTempDb;
let dataDir: string;
const started: TServerProcess[] = [];

before(async () => {
  temp = await createTempDatabase("patchbay-start-");
  await temp.db.$disconnect();
  dataDir = await mkdtemp(path.join(os.tmpdir(), "patchbay-start-data-"));
});

after(async () => {
  for (const p of started) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill("SIGKILL");
  await Promise.all(started.map((p) => p.exited));
  await temp?.cleanup();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function start(settings: Record<string, string> = {}): Promise<TServerProcess> {
  const p = startServer({ DATABASE_URL: temp.url, PORT: String(await freePort()), PATCHBAY_DATA_DIR: dataDir, PATCHBAY_SECRET_KEY: SECRET_KEY, ...settings }, { blockNext: true });
  started.push(p);
  return p;
}

test("a database without this build's migrations: one readable line, exit 1, Next never loaded", async () => {
  const p = await start();
  const exit = await waitForExit(p);
  assert.equal(exit.code, 1, p.output());
  const shipped = await shippedMigrations(isPostgresUrl(temp.url) ? "postgres" : "sqlite");
  assert.match(p.output(), /^\[patchbay\] The database at .+ does not match this build \(migrations pending: /m);
  assert.ok(p.output().includes(shipped[0]!), `names the missing migrations:\n${p.output()}`);
  assert.ok(!/^\s+at /m.test(p.output()), `no stack trace:\n${p.output()}`);
  assert.ok(!p.output().includes("must not load Next"), `refused before loading Next:\n${p.output()}`);
});

test("a configuration error: the settings named, exit 1, no stack trace", async () => {
  const p = await start({ PATCHBAY_ROLE: "web", DATABASE_URL: "file:/tmp/patchbay-not-postgres.db" });
  const exit = await waitForExit(p);
  assert.equal(exit.code, 1, p.output());
  assert.match(p.output(), /^\[patchbay\] Invalid Patchbay configuration:\n {2}PATCHBAY_ROLE: web needs PostgreSQL/m);
  assert.ok(!/^\s+at /m.test(p.output()), `no stack trace:\n${p.output()}`);
});

test("the guard bites: on a migrated database the default role goes on to load Next", async () => {
  await recordMigrations(temp.url, (await shippedMigrations(isPostgresUrl(temp.url) ? "postgres" : "sqlite")).map((name) => ({ name })));
  const p = await start();
  const exit = await waitForExit(p);
  assert.notEqual(exit.code, 0, p.output());
  assert.match(p.output(), /this process must not load Next \(import of next\)/);
});
