// npm run bench:api — the REST API's hot path end to end (issue 10, SPEC §8): POST
// /api/v1/connectors/{id}/run on the built app, started exactly as `npm start` runs it, against a
// plain Node HTTP forwarder (node:http in, undici out) as the baseline. Both forward a 1 KB JSON
// body to the same local echo upstream, each in a process of its own; autocannon (in this process)
// loads them side by side in alternating rounds at concurrency 1 and 64, then soaks the run API.
// Prints req/s, p50/p99, errors, CPU per request and the Patchbay process's RSS, and the figures
// beside the targets (≥ 50 % of the forwarder's req/s at c=64, ≤ 0.5 ms added p50 at c=1, no
// errors and < 10 % RSS growth in the soak). Informational: the exit code is 0 unless the
// benchmark itself breaks (no build, a wrong answer, a process that dies).
//
// Settings (seconds): BENCH_SECONDS (10, per target and concurrency, split over BENCH_ROUNDS = 2
// alternating rounds), WARMUP_SECONDS (3), SOAK_SECONDS (60). BENCH_API_DEV=1 runs the server with
// NODE_ENV=development instead of the build (checks the wiring only; the figures mean nothing).
// BENCH_CPU_PROF=<folder> has the Patchbay server write a V8 CPU profile there (--cpu-prof).
// --conditions=react-server lets the seeding code (`import "server-only"` modules) load here.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import autocannon from "autocannon";
import { percentile as nearestRank } from "@/lib/runs/stats";
import { check, children, cpuMs, freePort, ROOT, rss, seconds, startNode, startPatchbay, state, stop, runBench } from "./bench-processes";

const DEV = process.env.BENCH_API_DEV === "1";
/** A folder for V8 CPU profiles of the Patchbay processes (written when they stop). */
const CPU_PROF = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : "";
const BENCH_SECONDS = seconds("BENCH_SECONDS", 10, 1);
const BENCH_ROUNDS = Math.max(1, Math.round(seconds("BENCH_ROUNDS", 2, 1)));
const WARMUP_SECONDS = seconds("WARMUP_SECONDS", 3);
const SOAK_SECONDS = seconds("SOAK_SECONDS", 60, 1);
const CONCURRENCY = [1, 64] as const;
const SOAK_CONCURRENCY = 64;
const TARGET_THROUGHPUT_RATIO = 0.5;
const TARGET_ADDED_P50_MS = 0.5;
const TARGET_RSS_GROWTH = 0.1;
const API_KEY = `bench-key-${randomBytes(8).toString("hex")}`;

// --- the upstream and the forwarder: plain CommonJS run with `node -e` (no TypeScript loader) -----

// Answers POST /echo with the JSON body it got, when the API key header came along (so the run
// API's authentication configuration is part of what is measured); 401 without, 404 elsewhere.
const UPSTREAM_SOURCE = `
const http = require("node:http");
const key = process.env.BENCH_API_KEY;
let requests = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    requests++;
    if (req.method !== "POST" || req.url !== "/echo") return res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
    if (req.headers["x-api-key"] !== key) return res.writeHead(401, { "content-type": "application/json" }).end('{"error":"no API key"}');
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

// The baseline: reads the body, forwards it with undici (keep-alive Agent with its defaults, as
// the app's dispatcher) to the upstream with the same headers, returns the answer as it came.
const FORWARDER_SOURCE = `
const http = require("node:http");
const { Agent, request } = require("undici");
const target = process.env.BENCH_UPSTREAM + "/echo";
const headers = { "content-type": "application/json", "x-api-key": process.env.BENCH_API_KEY };
const agent = new Agent();
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    try {
      const up = await request(target, { method: "POST", dispatcher: agent, headers, body: Buffer.concat(chunks) });
      const body = Buffer.from(await up.body.arrayBuffer());
      res.writeHead(up.statusCode, { "content-type": up.headers["content-type"] || "application/octet-stream", "content-length": body.length });
      res.end(body);
    } catch (e) {
      res.writeHead(502, { "content-type": "text/plain" }).end(String(e));
    }
  });
});
server.keepAliveTimeout = 65000;
server.listen(0, "127.0.0.1", () => process.stdout.write(JSON.stringify({ port: server.address().port }) + "\\n"));
process.stdin.on("end", () => process.exit(0));
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

type TSeeded = { token: string; connectorId: string };

/** Seeds through the app's own code: an admin, an API token, an API key configuration, a service, a connector. */
async function seed(upstream: string): Promise<TSeeded> {
  const { setupFirstAdmin } = await import("@/lib/users/manage");
  const { getDb } = await import("@/lib/db");
  const { createApiToken } = await import("@/lib/api-tokens/store");
  const { ZAuthConfigInput } = await import("@/lib/auth-configs/schema");
  const { createAuthConfig } = await import("@/lib/auth-configs/store");
  const { ZServiceInput } = await import("@/lib/services/schema");
  const { createService } = await import("@/lib/services/store");
  const { ZConnectorInput } = await import("@/lib/connectors/schema");
  const { createConnector } = await import("@/lib/connectors/store");
  const db = getDb();
  try {
    await setupFirstAdmin({ name: "Bench Admin", email: "admin@bench.test", password: randomBytes(12).toString("hex") });
    const row = await db.user.findUniqueOrThrow({ where: { email: "admin@bench.test" } });
    const admin = { id: row.id, email: row.email, name: row.name, role: "ADMIN" as const, mustChangePassword: false };
    const { token } = await createApiToken({ name: "bench", expires: "never", rateLimit: null }, admin);
    const cfg = await createAuthConfig(
      ZAuthConfigInput.parse({ name: "Bench API key", protocol: "HTTP", subProtocol: "API_KEY", headerName: "X-Api-Key", prefix: "", apiKey: API_KEY }),
      admin,
    );
    const service = await createService(ZServiceInput.parse({ name: "Echo", authConfigId: cfg.id }), admin);
    const connector = await createConnector(
      ZConnectorInput.parse({ name: "echo", serviceId: service.id, method: "POST", urlTemplate: `${upstream}/echo`, bodyType: "JSON" }),
      admin,
    );
    return { token, connectorId: connector.id };
  } finally {
    await db.$disconnect();
  }
}

async function runLogCount(): Promise<number> {
  const { getDb } = await import("@/lib/db");
  const db = getDb();
  try {
    return await db.run.count();
  } finally {
    await db.$disconnect();
  }
}

// --- measurement ---------------------------------------------------------------------------------

type TTarget = { name: string; url: string; body: string; headers: Record<string, string>; pid: number };
/** 2xx answers per target over every run, warm-ups included (cross-checked with the upstream's count). */
const answered = new Map<TTarget, number>();
/** Requests a run may leave unanswered when it stops: one per connection. */
const cutOff = new Map<TTarget, number>();
type TAcc = { ok: number; seconds: number; samples: number[]; errors: number; timeouts: number; non2xx: number; cpuMs: number; upstreamCpuMs: number; loadCpuMs: number };
const emptyAcc = (): TAcc => ({ ok: 0, seconds: 0, samples: [], errors: 0, timeouts: 0, non2xx: 0, cpuMs: 0, upstreamCpuMs: 0, loadCpuMs: 0 });

/** One autocannon run; latencies are kept here in full precision (autocannon's histogram has 1 ms steps). */
function cannon(t: TTarget, connections: number, duration: number, into: TAcc, upstreamPid: number, onTick?: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const cpu0 = cpuMs(t.pid);
    const up0 = cpuMs(upstreamPid);
    const load0 = process.cpuUsage();
    const instance = autocannon(
      { url: t.url, method: "POST", headers: t.headers, body: t.body, connections, duration, timeout: 10 },
      (err, result) => {
        state.running = null;
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        const load = process.cpuUsage(load0);
        into.ok += result["2xx"];
        answered.set(t, (answered.get(t) ?? 0) + result["2xx"]);
        cutOff.set(t, (cutOff.get(t) ?? 0) + connections);
        into.seconds += result.duration;
        into.errors += result.errors;
        into.timeouts += result.timeouts;
        into.non2xx += result.non2xx;
        into.cpuMs += cpuMs(t.pid) - cpu0;
        into.upstreamCpuMs += cpuMs(upstreamPid) - up0;
        into.loadCpuMs += (load.user + load.system) / 1000;
        resolve();
      },
    );
    state.running = instance;
    instance.on("response", (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) into.samples.push(ms);
    });
    if (onTick) instance.on("tick", onTick);
  });
}

const percentile = (sorted: number[], p: number): number => nearestRank(sorted, p) ?? NaN;

type TStats = { rps: number; p50: number; p99: number; errors: number; timeouts: number; non2xx: number; cpuUsPerReq: number; upstreamUsPerReq: number; loadUsPerReq: number };
function stats(a: TAcc): TStats {
  const sorted = a.samples.sort((x, y) => x - y);
  return {
    rps: a.ok / a.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors: a.errors,
    timeouts: a.timeouts,
    non2xx: a.non2xx,
    cpuUsPerReq: (a.cpuMs * 1000) / a.ok,
    upstreamUsPerReq: (a.upstreamCpuMs * 1000) / a.ok,
    loadUsPerReq: (a.loadCpuMs * 1000) / a.ok,
  };
}

// --- report --------------------------------------------------------------------------------------

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const pct = (v: number) => `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)} %`;
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);
const verdict = (ok: boolean) => (ok ? "met" : "NOT MET");

async function main(): Promise<number> {
  if (!DEV && !existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    console.error("No production build (.next/BUILD_ID is missing): run npm run build first.");
    return 1;
  }

  // A fresh data folder and database, migrated like `npm start` does.
  const tempDir = (state.tempDir = await mkdtemp(path.join(os.tmpdir(), "patchbay-bench-api-")));
  const appEnv: Record<string, string> = {
    PATCHBAY_DATA_DIR: tempDir,
    DATABASE_URL: `file:${path.join(tempDir, "patchbay.db")}`,
    PATCHBAY_SECRET_KEY: randomBytes(32).toString("base64"),
    PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1",
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

  const upstream = await startNode("upstream", UPSTREAM_SOURCE, { BENCH_API_KEY: API_KEY });
  const upstreamOrigin = `http://127.0.0.1:${upstream.port}`;
  const { token, connectorId } = await seed(upstreamOrigin);
  const forwarder = await startNode("forwarder", FORWARDER_SOURCE, { BENCH_UPSTREAM: upstreamOrigin, BENCH_API_KEY: API_KEY });
  const port = await freePort();
  const logFile = createWriteStream(path.join(tempDir, "server.log"));
  process.stdout.write(`starting Patchbay (${DEV ? "NODE_ENV=development" : "production build"}) ... `);
  const started = performance.now();
  const patchbay = await startPatchbay({ ...appEnv, PATCHBAY_URL: `http://127.0.0.1:${port}` }, port, logFile, { dev: DEV, cpuProf: CPU_PROF });
  console.log(`listening after ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const doc = payload();
  const runUrl = `${patchbay.origin}/api/v1/connectors/${connectorId}/run`;
  const forwardUrl = `http://127.0.0.1:${forwarder.port}/`;
  const json = { "content-type": "application/json" };
  const targets: TTarget[] = [
    { name: "forwarder (node:http + undici)", url: forwardUrl, body: JSON.stringify(doc), headers: json, pid: forwarder.child.pid! },
    { name: "Patchbay run API", url: runUrl, body: JSON.stringify({ body: doc }), headers: { ...json, authorization: `Bearer ${token}` }, pid: patchbay.pid },
  ];
  const [fwd, pb] = targets;

  // The figures mean something only if both answer what they should.
  const verify = async () => {
    await check("the run API", runUrl, { method: "POST", headers: pb.headers, body: pb.body }, (status, r) => {
      const res = r as { status?: number; bodyEncoding?: string; body?: unknown } | undefined;
      if (status !== 200) return `expected HTTP 200, got ${status}`;
      if (res?.status !== 200) return `expected the upstream's status 200 inside, got ${String(res?.status)}`;
      if (res.bodyEncoding !== "json" || !isDeepStrictEqual(res.body, doc)) return "the upstream's answer inside is not the echoed body";
      return null;
    });
    await check("the forwarder", forwardUrl, { method: "POST", headers: fwd.headers, body: fwd.body }, (status, r) =>
      status !== 200 ? `expected HTTP 200, got ${status}` : !isDeepStrictEqual(r, doc) ? "the answer is not the echoed body" : null,
    );
  };
  await verify();

  const upstreamPid = upstream.child.pid!;
  console.log(`Patchbay API benchmark — POST ${runUrl.replace(connectorId, "{id}")} vs the forwarder, both to ${upstreamOrigin}/echo`);
  console.log(
    `node ${process.version}, ${os.availableParallelism()} CPUs shared by the load generator (autocannon, this process ${process.pid}), ` +
      `Patchbay (pid ${patchbay.pid}), the forwarder (pid ${fwd.pid}) and the upstream (pid ${upstreamPid})`,
  );
  const load = () => os.loadavg().map((v) => v.toFixed(2)).join(" ");
  console.log(`load average before the run: ${load()} (anything else running on the machine skews the figures)`);
  console.log(
    `request body: 1024-byte JSON (forwarder) / {"body": <the same 1024 bytes>} (run API, ${Buffer.byteLength(pb.body)} bytes); ` +
      `checked: run → 200 with status 200 and the echoed body inside, forwarder → 200 with the echoed body\n`,
  );

  type TLevel = { c: number; f: TStats; p: TStats; rssBefore: number; rssAfter: number; fwdRss: number };
  const levels: TLevel[] = [];
  for (const c of CONCURRENCY) {
    const rssBefore = rss(patchbay.pid);
    if (WARMUP_SECONDS > 0) {
      process.stdout.write(`c=${c}: warm-up ${WARMUP_SECONDS} s each ... `);
      for (const t of targets) await cannon(t, c, WARMUP_SECONDS, emptyAcc(), upstreamPid);
    }
    const per = BENCH_SECONDS / BENCH_ROUNDS;
    process.stdout.write(`${BENCH_SECONDS} s each in ${BENCH_ROUNDS} alternating rounds ... `);
    const acc = [emptyAcc(), emptyAcc()];
    for (let r = 0; r < BENCH_ROUNDS; r++) {
      const order = r % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) await cannon(targets[i], c, per, acc[i], upstreamPid);
    }
    levels.push({ c, f: stats(acc[0]), p: stats(acc[1]), rssBefore, rssAfter: rss(patchbay.pid), fwdRss: rss(fwd.pid) });
    console.log("done");
  }

  process.stdout.write(`soak: ${SOAK_SECONDS} s at c=${SOAK_CONCURRENCY} against the run API ... `);
  const soakRssStart = rss(patchbay.pid);
  const rssSeries: number[] = [soakRssStart];
  let ticks = 0;
  const soakAcc = emptyAcc();
  await cannon(pb, SOAK_CONCURRENCY, SOAK_SECONDS, soakAcc, upstreamPid, () => {
    if (++ticks % 10 === 0) rssSeries.push(rss(patchbay.pid));
  });
  const soakRssEnd = rss(patchbay.pid);
  rssSeries.push(soakRssEnd);
  const soak = stats(soakAcc);
  console.log("done");
  await verify(); // still the right answers after the load
  upstream.child.stdin!.write("?\n");
  const upstreamServed = (await upstream.next()).requests;

  // --- tables ---
  console.log("");
  const W = 34;
  console.log(
    pad("", 6) + pad("client", W) + lpad("req/s", 9) + lpad("p50", 10) + lpad("+p50", 10) + lpad("p99", 10) + lpad("err", 6) + lpad("non-2xx", 9) +
      lpad("server CPU", 12) + lpad("upstream", 10) + lpad("autocannon", 12) + "   server RSS (Patchbay: before → after)",
  );
  console.log(pad("", 6) + pad("", W) + lpad("", 9) + lpad("ms", 10) + lpad("ms", 10) + lpad("ms", 10) + lpad("", 15) + lpad("µs/req", 12) + lpad("µs/req", 10) + lpad("µs/req", 12));
  console.log("-".repeat(W + 6 + 88 + 24));
  for (const l of levels) {
    for (const [t, s] of [[fwd, l.f], [pb, l.p]] as const) {
      const isPb = t === pb;
      console.log(
        pad(`c=${l.c}`, 6) + pad(t.name, W) + lpad(s.rps.toFixed(0), 9) + lpad(s.p50.toFixed(3), 10) +
          lpad(isPb ? `${s.p50 - l.f.p50 >= 0 ? "+" : ""}${(s.p50 - l.f.p50).toFixed(3)}` : "", 10) +
          lpad(s.p99.toFixed(3), 10) + lpad(String(s.errors), 6) + lpad(String(s.non2xx), 9) +
          lpad(s.cpuUsPerReq.toFixed(0), 12) + lpad(s.upstreamUsPerReq.toFixed(0), 10) + lpad(s.loadUsPerReq.toFixed(0), 12) +
          `   ${isPb ? `${mb(l.rssBefore)} → ${mb(l.rssAfter)}` : mb(l.fwdRss)}`,
      );
    }
  }
  console.log(
    pad("soak", 6) + pad(`${pb.name}, ${SOAK_SECONDS} s`, W) + lpad(soak.rps.toFixed(0), 9) + lpad(soak.p50.toFixed(3), 10) + lpad("", 10) +
      lpad(soak.p99.toFixed(3), 10) + lpad(String(soak.errors), 6) + lpad(String(soak.non2xx), 9) + lpad(soak.cpuUsPerReq.toFixed(0), 12) +
      lpad(soak.upstreamUsPerReq.toFixed(0), 10) + lpad(soak.loadUsPerReq.toFixed(0), 12) + `   ${mb(soakRssStart)} → ${mb(soakRssEnd)}`,
  );
  console.log(`soak RSS every ~10 s: ${rssSeries.map(mb).join(", ")}`);

  const c1 = levels.find((l) => l.c === 1)!;
  const c64 = levels.find((l) => l.c === 64)!;
  const ratio = c64.p.rps / c64.f.rps;
  const added = c1.p.p50 - c1.f.p50;
  const soakFailures = soak.errors + soak.non2xx;
  const growth = (soakRssEnd - soakRssStart) / soakRssStart;
  const rows: Array<[string, string, string, string, boolean]> = [
    ["req/s at c=64, Patchbay / forwarder", `${c64.p.rps.toFixed(0)} / ${c64.f.rps.toFixed(0)} = ${(ratio * 100).toFixed(1)} %`, `≥ ${TARGET_THROUGHPUT_RATIO * 100} %`, (ratio / TARGET_THROUGHPUT_RATIO).toFixed(2), ratio >= TARGET_THROUGHPUT_RATIO],
    ["added p50 at c=1 (Patchbay − forwarder)", `${c1.p.p50.toFixed(3)} − ${c1.f.p50.toFixed(3)} = ${added.toFixed(3)} ms`, `≤ ${TARGET_ADDED_P50_MS} ms`, (added / TARGET_ADDED_P50_MS).toFixed(2), added <= TARGET_ADDED_P50_MS],
    ["soak errors + non-2xx", `${soak.errors} + ${soak.non2xx} (of ${soakAcc.ok + soakFailures})`, "0", "", soakFailures === 0],
    ["soak RSS growth", `${mb(soakRssStart)} → ${mb(soakRssEnd)} = ${pct(growth)}`, `< ${TARGET_RSS_GROWTH * 100} %`, (growth / TARGET_RSS_GROWTH).toFixed(2), growth < TARGET_RSS_GROWTH],
  ];
  console.log("");
  console.log(pad("target", 42) + pad("figure", 44) + pad("target", 10) + lpad("figure/target", 14) + "  verdict");
  console.log("-".repeat(42 + 44 + 10 + 14 + 10));
  for (const [name, figure, target, r, ok] of rows) console.log(pad(name, 42) + pad(figure, 44) + pad(target, 10) + lpad(r, 14) + `  ${verdict(ok)}`);

  console.log(
    `(not a target) CPU per request in the server process: Patchbay ${c1.p.cpuUsPerReq.toFixed(0)} µs at c=1, ${c64.p.cpuUsPerReq.toFixed(0)} µs at c=64; ` +
      `the forwarder ${c1.f.cpuUsPerReq.toFixed(0)} / ${c64.f.cpuUsPerReq.toFixed(0)} µs (×${(c1.p.cpuUsPerReq / c1.f.cpuUsPerReq).toFixed(1)} / ×${(c64.p.cpuUsPerReq / c64.f.cpuUsPerReq).toFixed(1)})`,
  );

  // Stop Patchbay first (it writes its queued run log on SIGTERM), then count what it logged.
  await stop(children.find((c) => c.name === "Patchbay")!);
  logFile.end();
  const logged = await runLogCount();
  const pbCalls = answered.get(pb)! + 2; // + the two checks
  const allCalls = pbCalls + answered.get(fwd)! + 2;
  const within = (n: number, min: number, slack: number) => (n >= min && n <= min + slack ? "consistent" : "INCONSISTENT");
  console.log("");
  console.log(
    `Cross-check: the upstream answered ${upstreamServed} requests, the clients got ${allCalls} answers (checks and warm-ups included; ` +
      `≤ ${cutOff.get(pb)! + cutOff.get(fwd)!} more may be cut off when runs stop): ${within(upstreamServed, allCalls, cutOff.get(pb)! + cutOff.get(fwd)!)}. ` +
      `The run log holds ${logged} runs for ${pbCalls} answered calls (≤ ${cutOff.get(pb)} cut off): ${within(logged, pbCalls, cutOff.get(pb)!)}. ` +
      `Patchbay wrote ${patchbay.errors()} line(s) to stderr${patchbay.errors() ? ` (last: ${patchbay.log.at(-1)})` : ""}.`,
  );
  console.log(
    `Note: ${os.availableParallelism()} CPUs for four busy processes — autocannon, Patchbay, the forwarder and the upstream compete for them, ` +
      "so req/s at c=64 is bounded by the machine, not by either server alone; the CPU µs/req columns show each process's own cost. " +
      "server CPU is the target's process (Patchbay or the forwarder), sampled from /proc at 10 ms resolution. Informational: never fails on speed.",
  );
  console.log(`load average after the run: ${load()}`);
  if (DEV) console.log("BENCH_API_DEV=1: the server ran with NODE_ENV=development; these figures are not the production ones.");
  return 0;
}

await runBench(main);
