// npm run bench:scale — scale-out on PostgreSQL (issue 14, "Benchmark"; SPEC §12): the built app,
// started as `npm start` runs it (scripts/bench-processes.ts startPatchbay) with PATCHBAY_ROLE, on
// one throw-away PostgreSQL cluster with its durable defaults (fsync on), all on this machine:
//
// (a) The run API, POST /api/v1/connectors/{id}/run (a 1 KB JSON body echoed by a local upstream),
//     on one `web` instance and on two: autocannon (in this process) with the same number of
//     connections in both cases — all on instance A, or half on A and half on B, as a load balancer
//     spreading connections would — in alternating rounds. Prints req/s, p50/p99, errors and CPU
//     per request of the instances and of PostgreSQL, and the ratio two / one. Not an absolute
//     target: the machine's cores are shared by the load generator, the upstream, PostgreSQL and
//     the instances.
// (b) Deliveries per second through pg-boss to a local receiver (lib/events/testing/receiver.ts,
//     verifying every signature with the Standard Webhooks reference library, in a child process):
//     with no worker running, N inbound webhooks are POSTed to a webhook subscription's
//     /api/hooks/{subscriptionId} on web instance A (each stored as an event with its delivery job
//     before its 202); then a `worker` instance starts and the receiver is watched until it has all
//     N. The rate is N over the time from the first delivery to the last (the worker's own start,
//     which is not delivery work, is printed beside it). Once with PATCHBAY_DELIVERY_CONCURRENCY at
//     its default and once at BENCH_DELIVERY_CONCURRENCY; target ≥ 500/s.
//
// Informational: the exit code is 0 unless the benchmark itself breaks (no build, no PostgreSQL, a
// wrong answer, a delivery that never arrives or does not verify, a process that dies).
//
// Settings: BENCH_SECONDS (10, per configuration, split over BENCH_ROUNDS = 2 alternating rounds),
// WARMUP_SECONDS (3, per instance), BENCH_CONNECTIONS (64), BENCH_EVENTS (10000 per delivery
// round), BENCH_DELIVERY_CONCURRENCY (256; 0 skips that round). Needs `npm run build` and Debian's
// postgresql package. --conditions=react-server lets the seeding code (`import "server-only"`
// modules) load here.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, readFileSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Socket } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import autocannon from "autocannon";
import { percentile as nearestRank } from "@/lib/runs/stats";
import { pgBinDir, startPgCluster, stopPgCluster } from "@/lib/testing/pg-cluster";
import { createPgTestDatabase } from "@/lib/testing/temp-db";
import { check, children, cleanup, cpuMs, descendants, freePort, kill, ROOT, rss, seconds, startNode, startPatchbay, state, stop, type TChild, type TPatchbay } from "./bench-processes";

const SELF = fileURLToPath(import.meta.url);

/** A whole number from the environment. */
const count = (name: string, fallback: number, min: number) => {
  const raw = process.env[name];
  const v = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be a whole number ≥ ${min}`);
  return v;
};

const BENCH_SECONDS = seconds("BENCH_SECONDS", 10, 1);
const BENCH_ROUNDS = count("BENCH_ROUNDS", 2, 1);
const WARMUP_SECONDS = seconds("WARMUP_SECONDS", 3);
const CONNECTIONS = count("BENCH_CONNECTIONS", 64, 2);
const EVENTS = count("BENCH_EVENTS", 10_000, 100);
const DELIVERY_CONCURRENCY = count("BENCH_DELIVERY_CONCURRENCY", 256, 0);
/** PATCHBAY_DELIVERY_CONCURRENCY's default (lib/env.ts). */
const DEFAULT_DELIVERY_CONCURRENCY = 64;
const TARGET_DELIVERIES_PER_S = 500;
/** How long a delivery round may take before the benchmark counts as broken. */
const DRAIN_DEADLINE_MS = 300_000;

// --- the upstream: plain CommonJS run with `node -e` (no TypeScript loader) ----------------------

// Answers POST /echo with the JSON body it got; 404 elsewhere.
const UPSTREAM_SOURCE = `
const http = require("node:http");
let requests = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    requests++;
    if (req.method !== "POST" || req.url !== "/echo") return res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
    const body = Buffer.concat(chunks);
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 120000;
server.headersTimeout = 121000;
server.listen(0, "127.0.0.1", () => process.stdout.write(JSON.stringify({ port: server.address().port }) + "\\n"));
process.stdin.on("data", () => process.stdout.write(JSON.stringify({ requests }) + "\\n"));
process.stdin.on("end", () => process.exit(0)); // parent gone or done
`;

// --- the receiver: this file with --child, so that it has an event loop of its own --------------

type TReceiverStats = { count: number; verified: number; unique: number; first: number; last: number };

/** `--child <secret>`: the receiver; a line "reset" forgets what it got, any other line asks for its figures. */
async function runReceiverChild(secret: string): Promise<void> {
  // Stopped by its stdin closing (or a signal): quietly, without bench-processes' cleanup message.
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.removeAllListeners(sig);
    process.once(sig, () => process.exit(0));
  }
  const { startReceiver } = await import("@/lib/events/testing/receiver");
  const r = await startReceiver({ secret });
  const ids = new Set<string>();
  let seen = 0;
  let verified = 0;
  const out = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);
  out({ url: r.url });
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    if (line === "reset") {
      r.received.length = 0;
      ids.clear();
      seen = verified = 0;
      return out({ reset: true });
    }
    for (; seen < r.received.length; seen++) {
      const x = r.received[seen]!;
      ids.add(x.id);
      if (x.verified) verified++;
    }
    const stats: TReceiverStats = { count: r.received.length, verified, unique: ids.size, first: r.received[0]?.at ?? 0, last: r.received.at(-1)?.at ?? 0 };
    out(stats);
  });
  lines.on("close", () => process.exit(0));
}

type TReceiver = { url: string; pid: number; stats(): Promise<TReceiverStats>; reset(): Promise<void> };

async function startReceiverChild(secret: string): Promise<TReceiver> {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", SELF, "--child", secret], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
  children.push({ name: "receiver", child, group: false });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<never>((_, reject) => child.once("exit", (code, signal) => reject(new Error(`the receiver exited (${signal ?? `code ${code}`})`))));
  exited.catch(() => {}); // only awaited in races below
  const next = async <T>(): Promise<T> => {
    const line = await Promise.race([lines.next(), exited]);
    if (line.done) throw new Error("the receiver closed its output");
    return JSON.parse(line.value) as T;
  };
  const { url } = await next<{ url: string }>();
  return {
    url,
    pid: child.pid!,
    stats: () => {
      child.stdin!.write("?\n");
      return next<TReceiverStats>();
    },
    reset: async () => {
      child.stdin!.write("reset\n");
      await next();
    },
  };
}

// --- the watchdog: this file with --watchdog, in a session of its own ----------------------------

// tsx, when signalled (Ctrl-C), SIGKILLs its node process if that does not confirm the signal within
// 30 ms — as a benchmark under load may not: no cleanup runs then, and the PostgreSQL cluster and the
// Patchbay instances (process groups of their own) would outlive it. The watchdog, out of reach of
// the terminal's signals, learns the instances' process groups on its stdin; when the stdin closes
// without a "done" line first, it kills them, stops the cluster and removes the folders.

/** `--watchdog <pgDir> <tempDir>`. */
function runWatchdog(pgDir: string, tempDir: string): void {
  const groups = new Set<number>();
  let done = false;
  const finish = () => {
    if (!done) {
      for (const g of groups) kill(-g, "SIGKILL");
      try {
        stopPgCluster(pgDir);
      } catch {
        // nothing more to do
      }
      for (const dir of [pgDir, tempDir]) rmSync(dir, { recursive: true, force: true });
    }
    process.exit(0);
  };
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.removeAllListeners(sig);
  process.on("SIGINT", () => {}); // the benchmark's own stop decides
  process.once("SIGTERM", finish);
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    if (line === "done") done = true;
    else if (/^\d+$/.test(line)) groups.add(Number(line));
  });
  lines.on("close", finish);
}

/** Starts the watchdog; write a process group id (a line) to have it killed, "done" when cleaned up. */
function startWatchdog(pgDir: string, tempDir: string): { write(line: string): void } {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", SELF, "--watchdog", pgDir, tempDir], { cwd: ROOT, detached: true, stdio: ["pipe", "ignore", "inherit"] });
  child.unref();
  const stdin = child.stdin as Socket;
  stdin.unref();
  stdin.on("error", () => {}); // gone: nothing to tell it any more
  return { write: (line) => void stdin.write(line) };
}

// --- preparation ---------------------------------------------------------------------------------

/** A 1024-byte JSON document (as JSON.stringify writes it): an order with items and a padded note. */
function payload(): Record<string, unknown> {
  const doc = {
    id: "order-1042",
    customer: { id: 77, name: "Ada Lovelace", email: "ada@example.test" },
    items: Array.from({ length: 8 }, (_, i) => ({ sku: `SKU-${1000 + i}`, name: `item ${i}`, qty: i + 1, price: 9.5 + i })),
    note: "",
  };
  doc.note = "x".repeat(1024 - Buffer.byteLength(JSON.stringify(doc)));
  return doc;
}

type TSeeded = { token: string; connectorId: string; subscriptions: { defaults: string; tuned: string } };

/** Seeds through the app's own code: an admin, an API token, a service without authentication, a connector, two webhook subscriptions. */
async function seed(upstream: string, receiverUrl: string, signingKey: string): Promise<TSeeded> {
  const { setupFirstAdmin } = await import("@/lib/users/manage");
  const { getDb } = await import("@/lib/db");
  const { createApiToken } = await import("@/lib/api-tokens/store");
  const { ZAuthConfigInput } = await import("@/lib/auth-configs/schema");
  const { createAuthConfig } = await import("@/lib/auth-configs/store");
  const { ZServiceInput } = await import("@/lib/services/schema");
  const { createService } = await import("@/lib/services/store");
  const { ZConnectorInput } = await import("@/lib/connectors/schema");
  const { createConnector } = await import("@/lib/connectors/store");
  const { ZSubscriptionInput } = await import("@/lib/events/schema");
  const { createSubscription } = await import("@/lib/events/store");
  const db = getDb();
  await setupFirstAdmin({ name: "Bench Admin", email: "admin@bench.test", password: randomBytes(12).toString("hex") });
  const row = await db.user.findUniqueOrThrow({ where: { email: "admin@bench.test" } });
  const admin = { id: row.id, email: row.email, name: row.name, role: "ADMIN" as const, mustChangePassword: false };
  const { token } = await createApiToken({ name: "bench", expires: "never", rateLimit: null }, admin);
  const cfg = await createAuthConfig(ZAuthConfigInput.parse({ name: "Bench none", protocol: "NONE", subProtocol: "NONE" }), admin);
  const service = await createService(ZServiceInput.parse({ name: "Echo", authConfigId: cfg.id }), admin);
  const connector = await createConnector(ZConnectorInput.parse({ name: "echo", serviceId: service.id, method: "POST", urlTemplate: `${upstream}/echo`, bodyType: "JSON" }), admin);
  const subscription = async (name: string) =>
    (await createSubscription(ZSubscriptionInput.parse({ name, type: "WEBHOOK", serviceId: service.id, callbackUrl: receiverUrl, signingKey }), admin)).id;
  return { token, connectorId: connector.id, subscriptions: { defaults: await subscription("Bench deliveries (defaults)"), tuned: await subscription("Bench deliveries (tuned)") } };
}


// --- PostgreSQL's CPU time -----------------------------------------------------------------------

/** CPU ms of a process and its descendants (alive now), from /proc. */
function treeCpu(pid: number): number {
  let ms = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      ms += cpuMs(p);
    } catch {
      // gone meanwhile
    }
  }
  return ms;
}

/** CPU ms of the postmaster and each of its backends (by pid), from /proc. */
function pgCpu(postmaster: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of [postmaster, ...descendants(postmaster)]) {
    try {
      out.set(pid, cpuMs(pid));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU ms PostgreSQL spent between two samples: backends present at the end (new ones from 0). */
function pgCpuSince(postmaster: number, before: Map<number, number>): number {
  let ms = 0;
  for (const [pid, now] of pgCpu(postmaster)) ms += now - (before.get(pid) ?? 0);
  return ms;
}

// --- (a) measurement -----------------------------------------------------------------------------

type TInstance = { name: string; pb: TPatchbay; url: string };
type TAcc = { ok: number; seconds: number; samples: number[]; errors: number; timeouts: number; non2xx: number; appCpuMs: number; pgCpuMs: number; loadCpuMs: number };
const emptyAcc = (): TAcc => ({ ok: 0, seconds: 0, samples: [], errors: 0, timeouts: 0, non2xx: 0, appCpuMs: 0, pgCpuMs: 0, loadCpuMs: 0 });
/** 2xx answers of the run API over every run, warm-ups included. */
let answered = 0;

/** One autocannon run against one instance; latencies kept here in full precision (autocannon's histogram has 1 ms steps). */
function cannon(url: string, body: string, headers: Record<string, string>, connections: number, duration: number, into: TAcc): Promise<number> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, method: "POST", headers, body, connections, duration, timeout: 10 }, (err, result) => {
      if (state.running === instance) state.running = null;
      if (err) return reject(err instanceof Error ? err : new Error(String(err)));
      into.ok += result["2xx"];
      answered += result["2xx"];
      into.errors += result.errors;
      into.timeouts += result.timeouts;
      into.non2xx += result.non2xx;
      resolve(result.duration);
    });
    state.running = instance;
    instance.on("response", (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) into.samples.push(ms);
    });
  });
}

/** `connections` spread evenly over `targets` (one autocannon per instance, run together) for `duration` s. */
async function load(targets: TInstance[], body: string, headers: Record<string, string>, duration: number, into: TAcc, postmaster: number): Promise<void> {
  const app0 = targets.map((t) => cpuMs(t.pb.pid));
  const pg0 = pgCpu(postmaster);
  const load0 = process.cpuUsage();
  const per = Math.floor(CONNECTIONS / targets.length);
  const durations = await Promise.all(targets.map((t, i) => cannon(t.url, body, headers, i === 0 ? CONNECTIONS - per * (targets.length - 1) : per, duration, into)));
  const used = process.cpuUsage(load0);
  into.seconds += Math.max(...durations);
  into.appCpuMs += targets.reduce((sum, t, i) => sum + cpuMs(t.pb.pid) - app0[i]!, 0);
  into.pgCpuMs += pgCpuSince(postmaster, pg0);
  into.loadCpuMs += (used.user + used.system) / 1000;
}

const percentile = (sorted: number[], p: number): number => nearestRank(sorted, p) ?? NaN;

type TStats = { rps: number; p50: number; p99: number; errors: number; timeouts: number; non2xx: number; appUs: number; pgUs: number; loadUs: number };
function stats(a: TAcc): TStats {
  const sorted = a.samples.sort((x, y) => x - y);
  const us = (ms: number) => (ms * 1000) / a.ok;
  return { rps: a.ok / a.seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), errors: a.errors, timeouts: a.timeouts, non2xx: a.non2xx, appUs: us(a.appCpuMs), pgUs: us(a.pgCpuMs), loadUs: us(a.loadCpuMs) };
}

// --- (b) measurement -----------------------------------------------------------------------------

type TDeliveryRound = {
  label: string;
  concurrency: number;
  intakeRate: number;
  startToFirstMs: number;
  firstToLastMs: number;
  startToLastMs: number;
  received: TReceiverStats;
  delivered: number;
  /** CPU per delivery from the first delivery seen to the last (the worker: tsx and its node process). */
  workerCpuUs: number;
  pgCpuUs: number;
};

/** N inbound webhooks POSTed to web instance A with `amount` (every answer awaited); their rate. */
function postHooks(url: string, body: string, n: number): Promise<{ rate: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let last = start;
    const instance = autocannon(
      { url, method: "POST", headers: { "content-type": "application/json" }, body, connections: Math.min(CONNECTIONS, n), amount: n, timeout: 10 },
      (err, result) => {
        state.running = null;
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        if (result["2xx"] !== n) {
          return reject(new Error(`inbound webhooks: ${result["2xx"]} of ${n} accepted (${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts)`));
        }
        resolve({ rate: n / ((last - start) / 1000) });
      },
    );
    state.running = instance;
    instance.on("response", () => {
      last = performance.now();
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- report --------------------------------------------------------------------------------------

const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);
const f0 = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : "—");
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<number> {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    console.error("No production build (.next/BUILD_ID is missing): run npm run build first.");
    return 1;
  }

  // PostgreSQL: a throw-away cluster with its durable defaults (fsync on), stopped and removed at
  // exit however the benchmark ends (also after SIGINT, which bench-processes turns into exit) —
  // and by the watchdog should this process be killed outright.
  const pgDir = await mkdtemp(path.join(os.tmpdir(), "patchbay-bench-scale-pg-"));
  const tempDir = (state.tempDir = await mkdtemp(path.join(os.tmpdir(), "patchbay-bench-scale-")));
  const watchdog = startWatchdog(pgDir, tempDir);
  process.on("exit", () => {
    try {
      stopPgCluster(pgDir);
    } catch {
      // best effort at exit
    }
    rmSync(pgDir, { recursive: true, force: true });
    watchdog.write("done\n");
  });
  process.stdout.write("starting PostgreSQL (fsync on) ... ");
  const cluster = await startPgCluster(pgDir);
  const postmaster = Number(readFileSync(path.join(pgDir, "data", "postmaster.pid"), "utf8").split("\n")[0]);
  const database = await createPgTestDatabase(cluster.url, "patchbay_bench_scale_", { empty: true });
  console.log(`${cluster.url.replace(/\/postgres$/, "")}, database ${new URL(database.url).pathname.slice(1)}`);

  // One data folder and secret key for every instance and for this process (which seeds), the
  // database migrated as `npm start` does it.
  const appEnv: Record<string, string> = {
    PATCHBAY_DATA_DIR: tempDir,
    DATABASE_URL: database.url,
    PATCHBAY_SECRET_KEY: randomBytes(32).toString("base64"),
    PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1",
    CHECKPOINT_DISABLE: "1",
  };
  // Empty means unset (lib/env.ts): the instances get these settings' defaults whatever this shell has.
  const defaults = { PATCHBAY_DELIVERY_CONCURRENCY: "", PATCHBAY_DB_POOL_SIZE: "", PATCHBAY_JOB_LEASE_SECONDS: "", PATCHBAY_HANDOFF_CONCURRENCY: "", PATCHBAY_POLL_CONCURRENCY: "" };
  const cleared = { PATCHBAY_SECRET_KEYS_OLD: undefined, PATCHBAY_ADMIN_EMAIL: undefined, PATCHBAY_ADMIN_PASSWORD: undefined, PATCHBAY_ADMIN_NAME: undefined, PATCHBAY_URL: undefined, PATCHBAY_ROLE: undefined };
  const { setEnvForTests } = await import("@/lib/env");
  setEnvForTests({ ...cleared, ...appEnv });
  try {
    execFileSync(path.join(ROOT, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], { cwd: ROOT, env: process.env, stdio: "pipe" });
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`prisma migrate deploy failed:\n${err.stdout?.toString() ?? ""}${err.stderr?.toString() ?? ""}`);
  }

  const signingKey = (await import("@/lib/events/signing")).generateSigningKey();
  const upstream = await startNode("upstream", UPSTREAM_SOURCE, {});
  const upstreamOrigin = `http://127.0.0.1:${upstream.port}`;
  const receiver = await startReceiverChild(signingKey);
  const seeded = await seed(upstreamOrigin, receiver.url, signingKey);

  const logFile = createWriteStream(path.join(tempDir, "server.log"));
  // startPatchbay registers its child (in `children`) before it first awaits: the caller may look it up right after the call.
  const startInstance = (name: string, role: "web" | "worker", port: number, extra: Record<string, string> = {}): Promise<TInstance> => {
    const starting = startPatchbay({ ...appEnv, ...defaults, ...extra, PATCHBAY_ROLE: role, PATCHBAY_URL: `http://127.0.0.1:${port}` }, port, logFile, { dev: false, cpuProf: "" });
    watchdog.write(`${children.at(-1)!.child.pid}\n`); // its process group
    return starting.then((pb) => ({ name, pb, url: `${pb.origin}/api/v1/connectors/${seeded.connectorId}/run` }));
  };
  const entryOf = (pb: TPatchbay): TChild => children.find((c) => c.serverPid === pb.pid)!;

  process.stdout.write("starting web instances A and B (PATCHBAY_ROLE=web, production build) ... ");
  const started = performance.now();
  const webs = [await startInstance("web A", "web", await freePort()), await startInstance("web B", "web", await freePort())];
  console.log(`listening after ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const [a] = webs as [TInstance, TInstance];

  const doc = payload();
  const body = JSON.stringify({ body: doc });
  const headers = { "content-type": "application/json", authorization: `Bearer ${seeded.token}` };
  // The figures mean something only if every instance answers what it should.
  const verify = async () => {
    for (const w of webs) {
      await check(`the run API on ${w.name}`, w.url, { method: "POST", headers, body }, (status, r) => {
        const res = r as { status?: number; bodyEncoding?: string; body?: unknown } | undefined;
        if (status !== 200) return `expected HTTP 200, got ${status}`;
        if (res?.status !== 200) return `expected the upstream's status 200 inside, got ${String(res?.status)}`;
        if (res.bodyEncoding !== "json" || !isDeepStrictEqual(res.body, doc)) return "the upstream's answer inside is not the echoed body";
        return null;
      });
    }
  };
  await verify();

  const loadavg = () => os.loadavg().map((v) => v.toFixed(2)).join(" ");
  const cpus = os.availableParallelism();
  console.log(`\nPatchbay scale-out benchmark — one PostgreSQL ${path.basename(path.dirname(pgBinDir()!))} (fsync on), node ${process.version}, ${cpus} CPUs (${os.cpus()[0]?.model ?? "?"})`);
  console.log(
    `Note: the ${cpus} CPUs are shared by the load generator (autocannon, this process), the upstream, the receiver, PostgreSQL and the Patchbay instances; ` +
      "the figures compare configurations on this machine and are not what separate machines would give.",
  );
  console.log(`load average before the run: ${loadavg()} (anything else running on the machine skews the figures)\n`);

  // --- (a) ---
  console.log(`(a) POST /api/v1/connectors/{id}/run, ${Buffer.byteLength(body)}-byte body echoed by ${upstreamOrigin}/echo; ${CONNECTIONS} connections in all`);
  const configs = [
    { name: "one web instance (A)", targets: [a] },
    { name: `two web instances (A + B, ${CONNECTIONS / 2} connections each)`, targets: webs },
  ];
  if (WARMUP_SECONDS > 0) {
    process.stdout.write(`    warm-up ${WARMUP_SECONDS} s per instance ... `);
    for (const w of webs) await load([w], body, headers, WARMUP_SECONDS, emptyAcc(), postmaster);
    console.log("done");
  }
  const per = BENCH_SECONDS / BENCH_ROUNDS;
  process.stdout.write(`    ${BENCH_SECONDS} s each in ${BENCH_ROUNDS} alternating round(s) ... `);
  const accs = configs.map(() => emptyAcc());
  for (let r = 0; r < BENCH_ROUNDS; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) await load(configs[i]!.targets, body, headers, per, accs[i]!, postmaster);
  }
  console.log("done");
  await verify(); // still the right answers after the load
  const [one, two] = accs.map(stats) as [TStats, TStats];

  const W = 50;
  console.log("");
  console.log(
    pad("", 4) + pad("configuration", W) + lpad("req/s", 8) + lpad("p50 ms", 9) + lpad("p99 ms", 9) + lpad("errors", 8) + lpad("timeouts", 10) + lpad("non-2xx", 9) +
      lpad("Patchbay", 10) + lpad("PostgreSQL", 12) + lpad("autocannon", 12),
  );
  console.log(pad("", 4) + pad("", W) + lpad("", 8 + 9 + 9 + 8 + 10 + 9) + lpad("CPU µs/req", 10) + lpad("µs/req", 12) + lpad("µs/req", 12));
  console.log(pad("", 4) + "-".repeat(W + 87));
  configs.forEach((c, i) => {
    const s = i === 0 ? one : two;
    console.log(
      pad("", 4) + pad(c.name, W) + lpad(f0(s.rps), 8) + lpad(s.p50.toFixed(2), 9) + lpad(s.p99.toFixed(2), 9) + lpad(String(s.errors), 8) + lpad(String(s.timeouts), 10) +
        lpad(String(s.non2xx), 9) + lpad(f0(s.appUs), 10) + lpad(f0(s.pgUs), 12) + lpad(f0(s.loadUs), 12),
    );
  });
  const ratio = two.rps / one.rps;
  console.log(`    ratio two / one: ${f0(two.rps)} / ${f0(one.rps)} req/s = ${ratio.toFixed(2)} (p50 ${two.p50.toFixed(2)} vs ${one.p50.toFixed(2)} ms, p99 ${two.p99.toFixed(2)} vs ${one.p99.toFixed(2)} ms)`);
  console.log(`    RSS after the load: ${webs.map((w) => `${w.name} ${mb(rss(w.pb.pid))}`).join(", ")}; ${answered} runs answered 200 in all (warm-ups included)`);
  console.log(
    `    Note: not an absolute target — ${cpus} cores are shared by the load generator, the upstream, PostgreSQL and the instances, ` +
      "so a second instance on the same machine adds processes competing for the same cores, not capacity; the ratio shows whether two instances on one database work together without losing throughput.\n",
  );

  // --- (b) ---
  // Web instance B has no part in it; A takes the inbound webhooks.
  await stop(entryOf(webs[1]!.pb));
  const hookBody = JSON.stringify({ type: "order.created", data: doc });
  const rounds: Array<{ label: string; subscription: string; concurrency: number; extra: Record<string, string> }> = [
    { label: `PATCHBAY_DELIVERY_CONCURRENCY default (${DEFAULT_DELIVERY_CONCURRENCY})`, subscription: seeded.subscriptions.defaults, concurrency: DEFAULT_DELIVERY_CONCURRENCY, extra: {} },
  ];
  if (DELIVERY_CONCURRENCY > 0) {
    rounds.push({ label: `PATCHBAY_DELIVERY_CONCURRENCY=${DELIVERY_CONCURRENCY}`, subscription: seeded.subscriptions.tuned, concurrency: DELIVERY_CONCURRENCY, extra: { PATCHBAY_DELIVERY_CONCURRENCY: String(DELIVERY_CONCURRENCY) } });
  }
  console.log(`(b) deliveries through pg-boss: ${EVENTS} inbound webhooks (${Buffer.byteLength(hookBody)} bytes each) stored through ${a.name} while no worker runs, then one worker (PATCHBAY_ROLE=worker) delivers them, signed, to the receiver (pid ${receiver.pid}, verifies each with the Standard Webhooks library)`);
  const db = (await import("@/lib/db")).getDb();
  const results: TDeliveryRound[] = [];
  for (const round of rounds) {
    await receiver.reset();
    process.stdout.write(`    ${round.label}: posting ... `);
    const intake = await postHooks(`${a.pb.origin}/api/hooks/${round.subscription}`, hookBody, EVENTS);
    const pending = await db.event.count({ where: { subscriptionId: round.subscription, deliveryStatus: "pending" } });
    if (pending !== EVENTS) throw new Error(`${pending} pending events stored for ${EVENTS} accepted webhooks`);
    const early = await receiver.stats();
    if (early.count !== 0) throw new Error(`the receiver got ${early.count} deliveries before any worker ran`);
    process.stdout.write(`${f0(intake.rate)}/s stored; worker delivering ... `);

    // The worker starts consuming before it prints its listening line: watch the receiver meanwhile.
    // CPU is counted from the first delivery seen (the worker's start is not delivery work) to the last.
    const port = await freePort();
    const t0 = Date.now();
    const starting = startInstance("worker", "worker", port, round.extra);
    const entry = children.at(-1)!;
    let failed: unknown = null;
    starting.catch((e: unknown) => (failed = e));
    let got = await receiver.stats();
    let cpuFrom: { seen: number; worker: number; pg: Map<number, number> } | null = null;
    const deadline = t0 + DRAIN_DEADLINE_MS;
    while (got.unique < EVENTS) {
      if (failed) throw failed;
      if (entry.child.exitCode !== null || entry.child.signalCode !== null) throw new Error(`the worker exited after ${got.unique} of ${EVENTS} deliveries`);
      if (Date.now() > deadline) throw new Error(`${got.unique} of ${EVENTS} events delivered within ${DRAIN_DEADLINE_MS / 1000} s`);
      await sleep(100);
      got = await receiver.stats();
      if (!cpuFrom && got.count > 0) cpuFrom = { seen: got.unique, worker: treeCpu(entry.child.pid!), pg: pgCpu(postmaster) };
    }
    const worker = await starting;
    cpuFrom ??= { seen: 0, worker: treeCpu(entry.child.pid!), pg: pgCpu(postmaster) }; // all of them within the first 100 ms
    const cpuDeliveries = EVENTS - cpuFrom.seen;
    const workerCpuUs = ((treeCpu(entry.child.pid!) - cpuFrom.worker) * 1000) / cpuDeliveries;
    const pgCpuUs = (pgCpuSince(postmaster, cpuFrom.pg) * 1000) / cpuDeliveries;
    await stop(entryOf(worker.pb)); // drains: its last outcomes are written
    if (got.verified !== got.count) throw new Error(`receiver: ${got.count - got.verified} of ${got.count} deliveries did not verify`);
    const delivered = await db.event.count({ where: { subscriptionId: round.subscription, deliveryStatus: "delivered" } });
    results.push({
      label: round.label,
      concurrency: round.concurrency,
      intakeRate: intake.rate,
      startToFirstMs: got.first - t0,
      firstToLastMs: got.last - got.first,
      startToLastMs: got.last - t0,
      received: got,
      delivered,
      workerCpuUs,
      pgCpuUs,
    });
    console.log("done");
  }
  await db.$disconnect();

  console.log("");
  const B = 46;
  console.log(
    pad("", 4) + pad("worker setting", B) + lpad("deliveries/s", 14) + lpad("incl. start", 13) + lpad("start→1st", 11) + lpad("1st→last", 10) + lpad("received", 10) + lpad("repeats", 9) +
      lpad("worker CPU", 12) + lpad("PostgreSQL", 12) + lpad("intake/s", 10),
  );
  console.log(pad("", 4) + pad("", B) + lpad("1st→last", 14) + lpad("/s", 13) + lpad("s", 11) + lpad("s", 10) + lpad("", 19) + lpad("µs/deliv.", 12) + lpad("µs/deliv.", 12) + lpad("(web A)", 10));
  console.log(pad("", 4) + "-".repeat(B + 101));
  for (const r of results) {
    console.log(
      pad("", 4) + pad(r.label, B) + lpad(f0(EVENTS / (r.firstToLastMs / 1000)), 14) + lpad(f0(EVENTS / (r.startToLastMs / 1000)), 13) + lpad((r.startToFirstMs / 1000).toFixed(1), 11) +
        lpad((r.firstToLastMs / 1000).toFixed(1), 10) + lpad(String(r.received.unique), 10) + lpad(String(r.received.count - r.received.unique), 9) +
        lpad(f0(r.workerCpuUs), 12) + lpad(f0(r.pgCpuUs), 12) + lpad(f0(r.intakeRate), 10),
    );
  }
  console.log(
    "    deliveries/s = N / (first delivery → last at the receiver); incl. start = N / (worker spawned → last), the worker's start (tsx, modules, database check, pg-boss) included; " +
      "CPU from the first delivery seen to the last (sampled every 100 ms). Every delivery verified at the receiver; repeats = deliveries of a webhook-id already received.",
  );
  for (const r of results) {
    if (r.delivered !== EVENTS) console.log(`    ${r.label}: ${r.delivered} of ${EVENTS} events marked delivered after the worker stopped (the receiver had all of them)`);
  }

  console.log("");
  const S = 82;
  console.log("summary");
  console.log(pad("figure", S) + pad("measured", 44) + pad("target", 24) + "verdict");
  console.log("-".repeat(S + 44 + 24 + 7));
  console.log(pad("(a) run API req/s, two web instances / one", S) + pad(`${f0(two.rps)} / ${f0(one.rps)} = ${ratio.toFixed(2)}`, 44) + pad("(ratio, informational)", 24));
  console.log(pad("(a) errors + timeouts + non-2xx (one; two)", S) + pad(`${one.errors + one.timeouts + one.non2xx}; ${two.errors + two.timeouts + two.non2xx}`, 44) + pad("0", 24) + (one.errors + one.timeouts + one.non2xx + two.errors + two.timeouts + two.non2xx === 0 ? "PASS" : "MISS"));
  for (const r of results) {
    const rate = EVENTS / (r.firstToLastMs / 1000);
    console.log(pad(`(b) deliveries/s through pg-boss, ${r.label}`, S) + pad(`${f0(rate)}/s (incl. the worker's start ${f0(EVENTS / (r.startToLastMs / 1000))}/s)`, 44) + pad(`≥ ${TARGET_DELIVERIES_PER_S}/s`, 24) + (rate >= TARGET_DELIVERIES_PER_S ? "PASS" : "MISS"));
  }
  const stderrLines = webs[0]!.pb.errors() + webs[1]!.pb.errors();
  const firstError = webs[0]!.pb.log.find((l) => /error|fail/i.test(l));
  console.log(`(informational: the exit code is 0 unless the benchmark itself failed; the web instances wrote ${stderrLines} line(s) to stderr${firstError ? `, e.g. ${firstError.trim()}` : ""})`);
  console.log(`load average after the run: ${loadavg()}`);
  logFile.end();
  return 0;
}

const childAt = process.argv.indexOf("--child");
const watchdogAt = process.argv.indexOf("--watchdog");
if (childAt >= 0) {
  await runReceiverChild(process.argv[childAt + 1] ?? "");
} else if (watchdogAt >= 0) {
  runWatchdog(process.argv[watchdogAt + 1]!, process.argv[watchdogAt + 2]!);
} else {
  // After SIGINT/SIGTERM (bench-processes stops everything), what fails meanwhile is no news.
  let interrupted = false;
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => (interrupted = true));
  let code = 1;
  try {
    code = await main();
  } catch (e) {
    if (!interrupted) console.error(`\nbenchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    code = 1;
  } finally {
    await cleanup();
  }
  process.exit(code);
}
