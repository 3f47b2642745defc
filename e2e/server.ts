// Starts the built app for e2e as `npm start` runs it (server.ts: the lean /api/v1 handler and
// Next in one process): a fresh data folder and database (SQLite, or PostgreSQL in npm test's
// second pass), migrations applied.
import { execFileSync, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import pg from "pg";

const port = process.env.PATCHBAY_E2E_PORT;
const dataDir = process.env.PATCHBAY_E2E_DATA_DIR;
const databaseUrl = process.env.PATCHBAY_E2E_DATABASE_URL;
if (!port || !dataDir || !dataDir.startsWith("/tmp/patchbay-e2e-") || !databaseUrl) {
  throw new Error("e2e/server.ts is started by playwright.config.ts, which sets its port, data folder and database");
}
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });
// PostgreSQL: a fresh database of this run's own in the test cluster.
if (databaseUrl.startsWith("postgres")) {
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!/^patchbay_e2e_\d+$/.test(name)) throw new Error(`unexpected e2e database ${name}`);
  const admin = new pg.Client({ connectionString: process.env.PATCHBAY_E2E_PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

const env = {
  ...process.env,
  NODE_ENV: "production" as const,
  NEXT_TELEMETRY_DISABLED: "1",
  CHECKPOINT_DISABLE: "1",
  PATCHBAY_DATA_DIR: dataDir,
  DATABASE_URL: databaseUrl,
  PORT: port,
  PATCHBAY_HOST: "127.0.0.1",
  PATCHBAY_URL: `http://127.0.0.1:${port}`,
  PATCHBAY_ADMIN_EMAIL: "",
  PATCHBAY_ADMIN_PASSWORD: "",
  // The upstream servers of the tests listen on 127.0.0.1; every other internal address stays blocked.
  PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1",
};
execFileSync("npx", ["prisma", "migrate", "deploy"], { env, stdio: "inherit" });
// The app's output goes to Playwright and to <data dir>/server.log, which specs read to check that
// no secret or token is ever logged.
const log = createWriteStream(`${dataDir}/server.log`, { flags: "a" });
const child = spawn("npx", ["tsx", "--import", "./lib/server/register.mjs", "server.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
child.stdout.on("data", (c: Buffer) => (process.stdout.write(c), log.write(c)));
child.stderr.on("data", (c: Buffer) => (process.stderr.write(c), log.write(c)));
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
