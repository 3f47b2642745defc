// e2e: Debian's Chromium drives `next start` against a fresh database made for this run.
import { execFileSync } from "node:child_process";
import { defineConfig } from "@playwright/test";

// Workers re-evaluate this file: pick the port and data folder once and pass them on in the env.
const freePort = () =>
  execFileSync(
    process.execPath,
    ["-e", "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"],
    { encoding: "utf8" },
  ).trim();
process.env.PATCHBAY_E2E_PORT ??= freePort();
process.env.PATCHBAY_E2E_UPSTREAM_PORT ??= freePort();
process.env.PATCHBAY_E2E_UPSTREAM_TLS_PORT ??= freePort();
process.env.PATCHBAY_E2E_OAUTH_PORT ??= freePort();
const port = process.env.PATCHBAY_E2E_PORT;
process.env.PATCHBAY_E2E_DATA_DIR ??= `/tmp/patchbay-e2e-${port}`;
process.env.PATCHBAY_E2E_CERT_DIR ??= `${process.env.PATCHBAY_E2E_DATA_DIR}-certs`;
// The app's database: a SQLite file in the data folder, or, with PATCHBAY_E2E_PG_URL (the superuser
// URL of a throw-away PostgreSQL cluster — npm test's PostgreSQL pass), a database of its own there.
if (!process.env.PATCHBAY_E2E_DATABASE_URL) {
  const admin = process.env.PATCHBAY_E2E_PG_URL;
  const pgUrl = admin ? new URL(admin) : null;
  if (pgUrl) pgUrl.pathname = `/patchbay_e2e_${port}`;
  process.env.PATCHBAY_E2E_DATABASE_URL = pgUrl ? pgUrl.toString() : `file:${process.env.PATCHBAY_E2E_DATA_DIR}/e2e.db`;
}
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
      ],
    },
  },
  projects: [
    // First-run setup needs an empty database, so it runs before every other spec.
    { name: "first-run", testMatch: /first-run\.spec\.ts/ },
    // The PostgreSQL pass repeats what touches the database; the pages' looks (axe in both themes, the
    // theme switch) do not depend on it and run once, in the SQLite pass.
    {
      name: "app",
      testIgnore: process.env.PATCHBAY_E2E_PG_URL ? [/first-run\.spec\.ts/, /a11y\.spec\.ts/, /theme\.spec\.ts/] : /first-run\.spec\.ts/,
      dependencies: ["first-run"],
    },
  ],
  webServer: [
    {
      // Third-party APIs the tests talk to (e2e/upstream), on loopback.
      command: "npx tsx e2e/upstream/server.ts",
      url: `http://127.0.0.1:${process.env.PATCHBAY_E2E_UPSTREAM_PORT}/none`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      // A real OAuth 2.0 authorization server (oidc-provider from npm), for the OAuth2 specs.
      command: "npx tsx e2e/oauth/provider.ts",
      url: `http://127.0.0.1:${process.env.PATCHBAY_E2E_OAUTH_PORT}/health`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: "npx tsx e2e/server.ts",
      url: `${baseURL}/login`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
