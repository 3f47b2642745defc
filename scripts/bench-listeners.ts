// npm run bench:listeners — inbound listeners on one process with SQLite (issue 13, "Benchmark"):
// 1 KB JSON messages POSTed at concurrency 64 to /api/hooks/<path> on the built app, started
// exactly as `npm start` runs it on a fresh data folder and database, each message committed to
// the database before its 202 { "id" } (lib/listeners/receive.ts: the lean server's intake, which
// groups the messages arriving together into one transaction). Two listeners, both "Store only":
// one with HMAC sender authentication (X-Signature: sha256=<hex HMAC-SHA256 of the body>, computed
// once here as the body is fixed) — the target, ≥ 2,000 messages/s — and one without (to show what
// the check costs). The ceiling, measured side by side: a plain node:http echo in a process of its
// own that reads the body and answers 202 {"id":"..."} without a database. autocannon (in this
// process) loads the three in alternating rounds; prints messages/s, p50/p99 (full precision),
// errors and non-2xx, CPU per message of each server process (from /proc) and of autocannon, the
// ratios against the echo, and a summary with PASS/MISS. Informational on speed: the exit code is
// 0 unless the benchmark itself breaks (no build, a wrong answer, a process that dies) — or if the
// 2xx answers autocannon saw for a listener differ from the InboundMessage rows stored for it
// (counted through the app's Prisma client after Patchbay stopped): every 202 must be a stored
// message, and nothing may be stored without its 202.
//
// To make that count exact, every load run sends a fixed number of messages and waits for all of
// their answers (autocannon's `amount`) instead of stopping on a clock with messages in flight: a
// first run of PROBE_MESSAGES per target measures its rate, and each later run sends that rate ×
// its seconds (the rate re-measured after every run). The rate of a run is its 2xx answers over
// the time from its start to its last answer.
//
// Settings (seconds): BENCH_SECONDS (10, per target and round), BENCH_ROUNDS (2 alternating
// rounds), WARMUP_SECONDS (3, per target, after the probe). BENCH_LISTENERS_DEV=1 runs the server
// with NODE_ENV=development instead of the build (checks the wiring only; the figures mean
// nothing). BENCH_CPU_PROF=<folder> has the Patchbay server write a V8 CPU profile there.
// --conditions=react-server lets the seeding code (`import "server-only"` modules) load here.
import { execFileSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { percentile as nearestRank } from "@/lib/runs/stats";
import { check, children, cpuMs, freePort, ROOT, seconds, startNode, startPatchbay, state, stop, runBench } from "./bench-processes";

const DEV = process.env.BENCH_LISTENERS_DEV === "1";
/** A folder for V8 CPU profiles of the Patchbay server (written when it stops). */
const CPU_PROF = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : "";
const BENCH_SECONDS = seconds("BENCH_SECONDS", 10, 1);
const BENCH_ROUNDS = Math.max(1, Math.round(seconds("BENCH_ROUNDS", 2, 1)));
const WARMUP_SECONDS = seconds("WARMUP_SECONDS", 3);
const CONCURRENCY = 64;
/** The first run against each target: enough to measure its rate (16 messages per connection). */
const PROBE_MESSAGES = CONCURRENCY * 16;
const TARGET_RATE = 2000;
const HMAC_SECRET = randomBytes(24).toString("hex");
const HMAC_PATH = "bench/orders";
const OPEN_PATH = "bench/orders-open";

// --- the ceiling: plain CommonJS run with `node -e` (no TypeScript loader) -----------------------

// Reads the body and answers 202 with an id shaped like Patchbay's message ids; no database.
const ECHO_SOURCE = `
const http = require("node:http");
const { randomBytes } = require("node:crypto");
let requests = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    requests++;
    if (req.method !== "POST") return res.writeHead(405, { "content-type": "application/json", allow: "POST" }).end('{"error":"method not allowed"}');
    Buffer.concat(chunks); // the body in one piece, as a receiver that keeps it would have it
    const body = JSON.stringify({ id: "m" + Date.now().toString(36).padStart(9, "0") + randomBytes(8).toString("hex") });
    res.writeHead(202, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 65000;
server.listen(0, "127.0.0.1", () => process.stdout.write(JSON.stringify({ port: server.address().port }) + "\\n"));
process.stdin.on("data", () => process.stdout.write(JSON.stringify({ requests }) + "\\n"));
process.stdin.on("end", () => process.exit(0)); // parent gone or done
`;

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
  if (Buffer.byteLength(JSON.stringify(doc)) !== 1024) throw new Error("payload is not 1 KB");
  return doc;
}

type TSeeded = { hmacId: string; openId: string };

/** Seeds through the app's own code: an admin and the two listeners (target Store only). */
async function seed(): Promise<TSeeded> {
  const { setupFirstAdmin } = await import("@/lib/users/manage");
  const { getDb } = await import("@/lib/db");
  const { ZListenerInput } = await import("@/lib/listeners/schema");
  const { createListener } = await import("@/lib/listeners/store");
  const db = getDb();
  try {
    await setupFirstAdmin({ name: "Bench Admin", email: "admin@bench.test", password: randomBytes(12).toString("hex") });
    const row = await db.user.findUniqueOrThrow({ where: { email: "admin@bench.test" } });
    const admin = { id: row.id, email: row.email, name: row.name, role: "ADMIN" as const, mustChangePassword: false };
    const hmac = await createListener(
      ZListenerInput.parse({ name: "Bench", path: HMAC_PATH, methods: ["POST"], auth: { mode: "HMAC", headerName: "X-Signature", prefix: "sha256=", secret: HMAC_SECRET } }),
      admin,
    );
    const open = await createListener(ZListenerInput.parse({ name: "Bench (no auth)", path: OPEN_PATH, methods: ["POST"], auth: { mode: "NONE" } }), admin);
    return { hmacId: hmac.id, openId: open.id };
  } finally {
    await db.$disconnect();
  }
}

type TStored = { count: number; message: { body: Buffer; headers: string; size: number; status: string; contentType: string | null } | null };

/** What the database holds for a listener: its message count, and the message with id `sampleId`. */
async function storedFor(listenerId: string, sampleId: string): Promise<TStored> {
  const { getDb } = await import("@/lib/db");
  const db = getDb();
  try {
    const count = await db.inboundMessage.count({ where: { listenerId } });
    const m = await db.inboundMessage.findFirst({
      where: { id: sampleId, listenerId },
      select: { body: true, headers: true, size: true, status: true, contentType: true },
    });
    return { count, message: m ? { ...m, body: Buffer.from(m.body) } : null };
  } finally {
    await db.$disconnect();
  }
}

// --- correctness check ---------------------------------------------------------------------------

const idOf = (json: unknown): string | null => {
  const id = (json as { id?: unknown } | undefined)?.id;
  return typeof id === "string" && id !== "" ? id : null;
};
const accepted = (status: number, json: unknown) => (status !== 202 ? `expected HTTP 202, got ${status}` : idOf(json) ? null : 'expected { "id" } in the answer');

// --- measurement ---------------------------------------------------------------------------------

type TTarget = { key: "echo" | "hmac" | "open"; name: string; url: string; headers: Record<string, string>; pid: number };
/** 2xx answers per target over every run, probes and warm-ups included (the checks apart). */
const answered = new Map<TTarget, number>();
/** Errors, timeouts, non-2xx and the slowest answer per target over every run, probes and warm-ups included. */
const troubles = new Map<TTarget, { errors: number; timeouts: number; non2xx: number; maxMs: number }>();
/** Messages per second of each target's latest run: how many messages its next run sends. */
const lastRate = new Map<TTarget, number>();
type TAcc = { ok: number; seconds: number; samples: number[]; errors: number; timeouts: number; non2xx: number; cpuMs: number; loadCpuMs: number };
const emptyAcc = (): TAcc => ({ ok: 0, seconds: 0, samples: [], errors: 0, timeouts: 0, non2xx: 0, cpuMs: 0, loadCpuMs: 0 });

/**
 * One autocannon run of `amount` messages (each connection waits for all of its answers, so none
 * is left in flight); latencies are kept here in full precision (autocannon's histogram has 1 ms
 * steps). Its time runs from the start to the last answer (autocannon notices the end only at its
 * next 1 s sample).
 */
function cannon(t: TTarget, body: string, amount: number, into: TAcc): Promise<void> {
  return new Promise((resolve, reject) => {
    const cpu0 = cpuMs(t.pid);
    const load0 = process.cpuUsage();
    const start = performance.now();
    let last = start;
    let maxMs = 0;
    const instance = autocannon(
      { url: t.url, method: "POST", headers: t.headers, body, connections: CONCURRENCY, amount: Math.max(CONCURRENCY, Math.round(amount)), timeout: 10 },
      (err, result) => {
        state.running = null;
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        const load = process.cpuUsage(load0);
        const elapsed = (last - start) / 1000;
        into.ok += result["2xx"];
        answered.set(t, (answered.get(t) ?? 0) + result["2xx"]);
        const tr = troubles.get(t) ?? { errors: 0, timeouts: 0, non2xx: 0, maxMs: 0 };
        troubles.set(t, { errors: tr.errors + result.errors, timeouts: tr.timeouts + result.timeouts, non2xx: tr.non2xx + result.non2xx, maxMs: Math.max(tr.maxMs, maxMs) });
        if (result["2xx"] > 0 && elapsed > 0) lastRate.set(t, result["2xx"] / elapsed);
        into.seconds += elapsed;
        into.errors += result.errors;
        into.timeouts += result.timeouts;
        into.non2xx += result.non2xx;
        into.cpuMs += cpuMs(t.pid) - cpu0;
        into.loadCpuMs += (load.user + load.system) / 1000;
        resolve();
      },
    );
    state.running = instance;
    instance.on("response", (_client, status, _bytes, ms) => {
      last = performance.now();
      maxMs = Math.max(maxMs, ms);
      if (status >= 200 && status < 300) into.samples.push(ms);
    });
  });
}

/** A run of about `secs` seconds at the target's latest rate. */
const timed = (t: TTarget, body: string, secs: number, into: TAcc) => cannon(t, body, (lastRate.get(t) ?? 1000) * secs, into);

const percentile = (sorted: number[], p: number): number => nearestRank(sorted, p) ?? NaN;

type TStats = { rate: number; seconds: number; ok: number; p50: number; p99: number; errors: number; timeouts: number; non2xx: number; cpuUsPerMsg: number; loadUsPerMsg: number };
function stats(a: TAcc): TStats {
  const sorted = a.samples.sort((x, y) => x - y);
  return {
    rate: a.ok / a.seconds,
    seconds: a.seconds,
    ok: a.ok,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors: a.errors,
    timeouts: a.timeouts,
    non2xx: a.non2xx,
    cpuUsPerMsg: (a.cpuMs * 1000) / a.ok,
    loadUsPerMsg: (a.loadCpuMs * 1000) / a.ok,
  };
}

// --- report --------------------------------------------------------------------------------------

const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);
const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");

async function main(): Promise<number> {
  if (!DEV && !existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    console.error("No production build (.next/BUILD_ID is missing): run npm run build first.");
    return 1;
  }

  // A fresh data folder and database, migrated like `npm start` does.
  const tempDir = (state.tempDir = await mkdtemp(path.join(os.tmpdir(), "patchbay-bench-listeners-")));
  const appEnv: Record<string, string> = {
    PATCHBAY_DATA_DIR: tempDir,
    DATABASE_URL: `file:${path.join(tempDir, "patchbay.db")}`,
    PATCHBAY_SECRET_KEY: randomBytes(32).toString("base64"),
    CHECKPOINT_DISABLE: "1",
  };
  const cleared = { PATCHBAY_SECRET_KEYS_OLD: undefined, PATCHBAY_ADMIN_EMAIL: undefined, PATCHBAY_ADMIN_PASSWORD: undefined, PATCHBAY_ADMIN_NAME: undefined, PATCHBAY_URL: undefined };
  const { setEnvForTests } = await import("@/lib/env");
  setEnvForTests({ ...cleared, ...appEnv }); // this process seeds the same database with the same key
  try {
    execFileSync(path.join(ROOT, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], { cwd: ROOT, env: process.env, stdio: "pipe" });
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`prisma migrate deploy failed:\n${err.stdout?.toString() ?? ""}${err.stderr?.toString() ?? ""}`);
  }

  const { hmacId, openId } = await seed();
  const echo = await startNode("echo", ECHO_SOURCE, {});
  const port = await freePort();
  const logFile = createWriteStream(path.join(tempDir, "server.log"));
  process.stdout.write(`starting Patchbay (${DEV ? "NODE_ENV=development" : "production build"}) ... `);
  const started = performance.now();
  const patchbay = await startPatchbay({ ...appEnv, PATCHBAY_URL: `http://127.0.0.1:${port}` }, port, logFile, { dev: DEV, cpuProf: CPU_PROF });
  console.log(`listening after ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const body = JSON.stringify(payload());
  const signature = `sha256=${createHmac("sha256", HMAC_SECRET).update(body).digest("hex")}`;
  const json = { "content-type": "application/json" };
  const targets: TTarget[] = [
    { key: "echo", name: "node:http echo (ceiling)", url: `http://127.0.0.1:${echo.port}/`, headers: json, pid: echo.child.pid! },
    { key: "hmac", name: "Patchbay listener, HMAC", url: `${patchbay.origin}/api/hooks/${HMAC_PATH}`, headers: { ...json, "x-signature": signature }, pid: patchbay.pid },
    { key: "open", name: "Patchbay listener, no auth", url: `${patchbay.origin}/api/hooks/${OPEN_PATH}`, headers: json, pid: patchbay.pid },
  ];
  const [ech, hm, op] = targets;

  // The figures mean something only if each answers what it should: 202 { id } for a message, and
  // 401 for a wrong signature (the HMAC check is really done; such a message is not stored).
  const post = (t: TTarget, headers = t.headers) => ({ method: "POST", headers, body });
  const sampleIds = {
    hmac: idOf(await check("the HMAC listener", hm.url, post(hm), accepted))!,
    open: idOf(await check("the listener without authentication", op.url, post(op), accepted))!,
  };
  const wrong = `sha256=${createHmac("sha256", HMAC_SECRET).update(body + " ").digest("hex")}`;
  await check("the HMAC listener, wrong signature", hm.url, post(hm, { ...json, "x-signature": wrong }), (status) => (status !== 401 ? `expected HTTP 401, got ${status}` : null));
  await check("the echo", ech.url, post(ech), accepted);

  console.log(`Patchbay listeners benchmark — POST ${hm.url} (HMAC) and ${op.url} (no auth), target Store only, vs the echo at ${ech.url}`);
  console.log(
    `node ${process.version}, ${os.availableParallelism()} CPUs shared by the load generator (autocannon, this process ${process.pid}), ` +
      `Patchbay (pid ${patchbay.pid}) and the echo (pid ${ech.pid})`,
  );
  const load = () => os.loadavg().map((v) => v.toFixed(2)).join(" ");
  console.log(`load average before the run: ${load()} (anything else running on the machine skews the figures)`);
  console.log(
    `message: 1024-byte JSON, c=${CONCURRENCY}; HMAC header X-Signature: sha256=<hex HMAC-SHA256 of the body> (computed once); ` +
      `checked: each → 202 { id }, a wrong signature → 401\n`,
  );

  process.stdout.write(`probe ${PROBE_MESSAGES} messages each${WARMUP_SECONDS > 0 ? `, warm-up ~${WARMUP_SECONDS} s each` : ""} ... `);
  for (const t of targets) {
    await cannon(t, body, PROBE_MESSAGES, emptyAcc());
    if (WARMUP_SECONDS > 0) await timed(t, body, WARMUP_SECONDS, emptyAcc());
  }
  process.stdout.write(`~${BENCH_SECONDS} s each in ${BENCH_ROUNDS} alternating rounds ... `);
  const acc = new Map(targets.map((t) => [t, emptyAcc()]));
  for (let r = 0; r < BENCH_ROUNDS; r++) {
    for (const t of r % 2 === 0 ? targets : [...targets].reverse()) await timed(t, body, BENCH_SECONDS, acc.get(t)!);
  }
  console.log("done");
  await check("the HMAC listener after the load", hm.url, post(hm), accepted); // still the right answers
  const checks = { hmac: 2, open: 1 }; // 202s from the checks (the wrong signature's 401 is not stored)
  echo.child.stdin!.write("?\n");
  const echoServed = (await echo.next()).requests;

  const s = { echo: stats(acc.get(ech)!), hmac: stats(acc.get(hm)!), open: stats(acc.get(op)!) };

  // --- table ---
  console.log("");
  const W = 30;
  console.log(
    pad("server", W) + lpad("msgs/s", 9) + lpad("/ echo", 9) + lpad("p50", 10) + lpad("p99", 10) + lpad("err", 6) + lpad("non-2xx", 9) +
      lpad("server CPU", 12) + lpad("/ echo", 8) + lpad("autocannon", 12) + lpad("2xx", 9) + lpad("seconds", 9),
  );
  console.log(pad("", W) + lpad("", 18) + lpad("ms", 10) + lpad("ms", 10) + lpad("", 15) + lpad("µs/msg", 12) + lpad("", 8) + lpad("µs/msg", 12));
  console.log("-".repeat(W + 113));
  for (const [t, st] of [[ech, s.echo], [hm, s.hmac], [op, s.open]] as const) {
    const isEcho = t === ech;
    console.log(
      pad(t.name, W) + lpad(st.rate.toFixed(0), 9) + lpad(isEcho ? "" : `${((st.rate / s.echo.rate) * 100).toFixed(1)} %`, 9) +
        lpad(st.p50.toFixed(3), 10) + lpad(st.p99.toFixed(3), 10) + lpad(String(st.errors), 6) + lpad(String(st.non2xx), 9) +
        lpad(st.cpuUsPerMsg.toFixed(0), 12) + lpad(isEcho ? "" : `×${(st.cpuUsPerMsg / s.echo.cpuUsPerMsg).toFixed(1)}`, 8) +
        lpad(st.loadUsPerMsg.toFixed(0), 12) + lpad(String(st.ok), 9) + lpad(st.seconds.toFixed(2), 9),
    );
  }

  // Stop Patchbay first (every message it answered is committed already; this only makes sure
  // nothing is still being written), then count what the database holds for each listener.
  await stop(children.find((c) => c.name === "Patchbay")!);
  logFile.end();
  const stored = { hmac: await storedFor(hmacId, sampleIds.hmac), open: await storedFor(openId, sampleIds.open) };
  const got = { hmac: answered.get(hm)! + checks.hmac, open: answered.get(op)! + checks.open };
  const countOk = (k: "hmac" | "open") => stored[k].count === got[k];
  // The first check's message, as stored: the exact body bytes, and the signature redacted.
  const sampleProblem = (k: "hmac" | "open"): string | null => {
    const m = stored[k].message;
    if (!m) return `message ${sampleIds[k]} (answered 202) is not stored`;
    if (!m.body.equals(Buffer.from(body)) || m.size !== 1024) return `message ${sampleIds[k]}: the stored body is not the 1024 bytes sent`;
    if (m.status !== "stored" || m.contentType !== "application/json") return `message ${sampleIds[k]}: status ${m.status}, content type ${m.contentType}`;
    if (k === "hmac" && m.headers.includes(signature.slice("sha256=".length))) return `message ${sampleIds[k]}: the signature header is stored unredacted`;
    return null;
  };
  const problems = [sampleProblem("hmac"), sampleProblem("open")].filter((p) => p !== null);

  const ratio = s.hmac.rate / s.echo.rate;
  const lat = (st: TStats) => `${st.p50.toFixed(3)} / ${st.p99.toFixed(3)} ms`;
  const rows: Array<[string, string, string, string, string]> = [
    [`messages/s (1 KB JSON, c=${CONCURRENCY}, HMAC)`, `${s.hmac.rate.toFixed(0)}/s (${(ratio * 100).toFixed(1)} % of the echo)`, `≥ ${TARGET_RATE}/s`, (s.hmac.rate / TARGET_RATE).toFixed(2), verdict(s.hmac.rate >= TARGET_RATE)],
    [`messages/s (1 KB JSON, c=${CONCURRENCY}, no auth)`, `${s.open.rate.toFixed(0)}/s (${((s.open.rate / s.echo.rate) * 100).toFixed(1)} % of the echo)`, "", "", "info"],
    [`requests/s, node:http echo (ceiling)`, `${s.echo.rate.toFixed(0)}/s`, "", "", "info"],
    ["p50 / p99, HMAC", lat(s.hmac), "", "", "info"],
    ["p50 / p99, no auth", lat(s.open), "", "", "info"],
    ["p50 / p99, echo", lat(s.echo), "", "", "info"],
    ["2xx answers = messages stored (HMAC)", `${got.hmac} = ${stored.hmac.count}`, "equal", "", countOk("hmac") ? "PASS" : "FAIL"],
    ["2xx answers = messages stored (no auth)", `${got.open} = ${stored.open.count}`, "equal", "", countOk("open") ? "PASS" : "FAIL"],
  ];
  console.log("");
  console.log(pad("summary", 42) + pad("figure", 40) + pad("target", 10) + lpad("figure/target", 14) + "  verdict");
  console.log("-".repeat(42 + 40 + 10 + 14 + 10));
  for (const [name, figure, target, r, v] of rows) console.log(pad(name, 42) + pad(figure, 40) + pad(target, 10) + lpad(r, 14) + `  ${v}`);

  console.log("");
  console.log(
    `(not a target) CPU per message in the server process: Patchbay ${s.hmac.cpuUsPerMsg.toFixed(0)} µs with HMAC, ${s.open.cpuUsPerMsg.toFixed(0)} µs without ` +
      `(the HMAC check and its header's redaction: ${(s.hmac.cpuUsPerMsg - s.open.cpuUsPerMsg).toFixed(0)} µs); the echo ${s.echo.cpuUsPerMsg.toFixed(0)} µs.`,
  );
  console.log(
    `Cross-check: the echo served ${echoServed} requests for ${answered.get(ech)! + 1} 2xx answers seen (checks included). ` +
      `The stored messages are counted through the app's Prisma client after Patchbay stopped; the 2xx include the checks (HMAC ${checks.hmac}, no auth ${checks.open}), ` +
      `and every run waited for all its answers, so the counts must be equal. ` +
      `Patchbay wrote ${patchbay.errors()} line(s) to stderr${patchbay.errors() ? ` (last: ${patchbay.log.at(-1)})` : ""}.`,
  );
  const trouble = (t: TTarget) => {
    const tr = troubles.get(t)!;
    return `${t.name}: ${tr.errors} errors (${tr.timeouts} timeouts), ${tr.non2xx} non-2xx, slowest answer ${tr.maxMs.toFixed(1)} ms`;
  };
  console.log(`Over every run (probes and warm-ups included): ${targets.map(trouble).join("; ")}.`);
  console.log(
    `Note: ${os.availableParallelism()} CPUs for three busy processes — autocannon, Patchbay and the echo (one loaded at a time) — so messages/s is bounded ` +
      "by the machine as well; server CPU is the target's process (all its threads), sampled from /proc at 10 ms resolution. Informational: never fails on speed.",
  );
  console.log(`load average after the run: ${load()}`);
  if (DEV) console.log("BENCH_LISTENERS_DEV=1: the server ran with NODE_ENV=development; these figures are not the production ones.");

  const failures = [
    ...(["hmac", "open"] as const).flatMap((k) => {
      if (countOk(k)) return [];
      const t = k === "hmac" ? hm : op;
      const why =
        stored[k].count < got[k]
          ? "acknowledged messages are missing"
          : `more stored than acknowledged — a message whose answer never came (an error or timeout: ${troubles.get(t)!.errors}) may still be stored`;
      return [`${t.name}: ${got[k]} 2xx answers but ${stored[k].count} messages stored (${why})`];
    }),
    ...(echoServed !== answered.get(ech)! + 1 ? [`the echo served ${echoServed} requests for ${answered.get(ech)! + 1} 2xx answers`] : []),
    ...problems,
  ];
  if (failures.length) {
    console.error(`\nbenchmark failed:\n  ${failures.join("\n  ")}`);
    return 1;
  }
  return 0;
}

await runBench(main);
