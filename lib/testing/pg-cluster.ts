// A throw-away PostgreSQL cluster for tests and benchmarks (SPEC §12): Debian's `postgresql`
// package binaries, initdb + pg_ctl in a temporary folder, listening on 127.0.0.1 only. PostgreSQL
// refuses to run as root, so as root the cluster belongs to the `postgres` user (runuser).
// Never used by the app itself.
//
//   npx tsx lib/testing/pg-cluster.ts start <dir> [--fast]   prints the admin URL
//   npx tsx lib/testing/pg-cluster.ts stop <dir>
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { createServer } from "node:net";
import path from "node:path";
import { testTooling } from "@/lib/env";
import { fileURLToPath } from "node:url";

const PG_ROOT = "/usr/lib/postgresql";

/** The newest installed PostgreSQL's bin folder, or null. */
export function pgBinDir(): string | null {
  if (!existsSync(PG_ROOT)) return null;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => existsSync(path.join(PG_ROOT, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(PG_ROOT, versions[0], "bin") : null;
}

const asRoot = () => process.getuid?.() === 0;

function run(bin: string, args: string[]): void {
  const cmd = asRoot() ? "runuser" : bin;
  const argv = asRoot() ? ["-u", "postgres", "--", bin, ...args] : args;
  const res = spawnSync(cmd, argv, { encoding: "utf8" });
  if (res.status !== 0) throw new Error(`${path.basename(bin)} ${args.join(" ")} failed:\n${res.stderr || res.stdout}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export type TPgCluster = {
  /** Superuser URL of the `postgres` database. */
  url: string;
  dir: string;
  port: number;
  stop: () => void;
};

/**
 * Starts a cluster in `dir` (created; must not hold one already). `fast` turns off fsync for test
 * suites; benchmarks keep PostgreSQL's durable defaults. The C locale makes text order byte order,
 * as in SQLite.
 */
export async function startPgCluster(dir: string, opts: { fast?: boolean; port?: number } = {}): Promise<TPgCluster> {
  const bin = pgBinDir();
  if (!bin) throw new Error("PostgreSQL is not installed: sudo apt-get install -y postgresql");
  mkdirSync(dir, { recursive: true });
  if (asRoot()) execFileSync("chown", ["-R", "postgres:postgres", dir]);
  const data = path.join(dir, "data");
  run(path.join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const port = opts.port ?? (await freePort());
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    "-c max_connections=300",
    ...(opts.fast ? ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"] : []),
  ];
  run(path.join(bin, "pg_ctl"), ["-D", data, "-l", path.join(dir, "server.log"), "-w", "-t", "60", "-o", settings.join(" "), "start"]);
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  writeFileSync(path.join(dir, "url"), url);
  if (asRoot()) chownSync(path.join(dir, "url"), 0, 0);
  return { url, dir, port, stop: () => stopPgCluster(dir) };
}

/** Stops the cluster in `dir` (fast shutdown); nothing when none runs there. */
export function stopPgCluster(dir: string): void {
  const bin = pgBinDir();
  const data = path.join(dir, "data");
  if (!bin || !existsSync(path.join(data, "postmaster.pid"))) return;
  run(path.join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]);
}

/** The admin URL of the cluster started in `dir`. */
export function pgClusterUrl(dir: string): string {
  return readFileSync(path.join(dir, "url"), "utf8").trim();
}

let own: Promise<string> | undefined;
/**
 * The cluster for PostgreSQL-only tests of this process: npm test's (PATCHBAY_TEST_PG_URL), or,
 * when a test file runs on its own, one started now in a temporary folder and stopped at exit.
 */
export function testPgCluster(): Promise<string> {
  const given = testTooling().pgUrl;
  if (given) return Promise.resolve(given);
  own ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "patchbay-pg-"));
    const cluster = await startPgCluster(dir, { fast: true });
    process.on("exit", () => {
      try {
        cluster.stop();
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // best effort at exit
      }
    });
    return cluster.url;
  })();
  return own;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [cmd, dir] = process.argv.slice(2);
  if (!dir || (cmd !== "start" && cmd !== "stop")) {
    console.error("usage: tsx lib/testing/pg-cluster.ts start|stop <dir> [--fast]");
    process.exit(2);
  }
  if (cmd === "start") console.log((await startPgCluster(dir, { fast: process.argv.includes("--fast") })).url);
  else stopPgCluster(dir);
}
