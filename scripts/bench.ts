// npm run bench — overhead of the outbound request path (request builder → API key strategy →
// sendRequest) against a direct undici request to the same URL, both in one run against a local
// upstream on 127.0.0.1. Prints p50/p99 latency at concurrency 1 and requests/s at concurrency 32
// with the ratios, and PASS/MISS against the targets (≤ 1 ms added p50, ≥ 85 % of direct
// throughput). The verdict is informational: the exit code is 0 unless the benchmark itself fails.
//
// The upstream runs in a child process so it does not share the event loop with the clients.
// Clients are warmed up first and then measured in alternating rounds (A B, B A, ...) so machine
// noise hits every client alike. Counts are bounded; the script stops by itself.
// --conditions=react-server lets modules that start with `import "server-only"` load here.
import { spawn, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";
import { Agent, request } from "undici";
import { apiKeyStrategy } from "@/lib/auth-configs/strategies";
import { buildRequest, type TConnectorDef } from "@/lib/http/build-request";
import { closeDispatchers } from "@/lib/http/dispatcher";
import { sendRequest } from "@/lib/http/execute";
import { parseOutboundAllow } from "@/lib/http/outbound-policy";
import type { TOutgoingRequest } from "@/lib/http/types";
import { benchList } from "./bench-list";

const LATENCY_REQUESTS = 2_000; // per client, concurrency 1
const LATENCY_ROUNDS = 10;
const CONCURRENCY = 32;
const THROUGHPUT_MAX_REQUESTS = 20_000; // per client, concurrency 32 ...
const THROUGHPUT_MAX_MS = 10_000; // ... or this long, whichever comes first
const THROUGHPUT_ROUNDS = 4;
const WARMUP_SEQUENTIAL = 500;
const WARMUP_CONCURRENT = 2_000;
const TARGET_ADDED_P50_MS = 1;
const TARGET_THROUGHPUT_RATIO = 0.85;

// Plain CommonJS run with `node -e`: no TypeScript loader in the upstream process.
const UPSTREAM_SOURCE = `
const http = require("node:http");
const items = Array.from({ length: 8 }, (_, i) => ({ id: 1000 + i, name: "item-" + i, price: 9.99 + i, tags: ["bench", "patchbay"], updatedAt: "2025-01-01T00:00:00.000Z" }));
const body = Buffer.from(JSON.stringify({ data: items, page: { limit: 8, next: null } }));
let requests = 0;
const server = http.createServer((req, res) => {
  requests++;
  req.resume();
  res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
  res.end(body);
});
server.keepAliveTimeout = 120000;
server.headersTimeout = 121000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: server.address().port, bytes: body.length }) + "\\n");
});
process.stdin.on("data", () => process.stdout.write(JSON.stringify({ requests }) + "\\n"));
process.stdin.on("end", () => process.exit(0)); // parent gone or done
`;

type TUpstream = { port: number; bytes: number; child: ChildProcess; served(): Promise<number> };

async function startUpstream(): Promise<TUpstream> {
  const child = spawn(process.execPath, ["-e", UPSTREAM_SOURCE], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`upstream exited early (code ${code})`))),
  );
  exited.catch(() => {}); // only awaited in races below
  const next = async (): Promise<Record<string, number>> => {
    const line = await Promise.race([lines.next(), exited]);
    if (line.done) throw new Error("upstream closed its output");
    return JSON.parse(line.value) as Record<string, number>;
  };
  const { port, bytes } = await next();
  return {
    port,
    bytes,
    child,
    async served() {
      child.stdin!.write("?\n");
      return (await next()).requests;
    },
  };
}

type TSend = () => Promise<void>;
type TClient = { name: string; send: TSend };
type TClientSet = { list: TClient[]; prepare(): Promise<void>; close(): Promise<void> };

// --- clients -------------------------------------------------------------------------------------

function clients(origin: string, bytes: number): TClientSet {
  const policy = parseOutboundAllow("127.0.0.1");
  const def: TConnectorDef = {
    method: "GET",
    urlTemplate: "{{BASE_URL}}/v1/items/{id}",
    headers: [
      { name: "Accept", value: "application/json" },
      { name: "User-Agent", value: "patchbay-bench" },
    ],
    queryParams: [{ name: "limit", defaultValue: "8", required: false }],
    bodyType: "NONE",
    formParams: [],
  };
  const inputs = { pathParams: { id: "42" }, variables: { BASE_URL: origin } };
  const auth = apiKeyStrategy({ apiKey: "bench-key-0123456789abcdef", placement: "header" });

  // The same request on the wire for every client: the direct one sends what the builder and
  // strategy produce, so only the path's own work differs.
  const built = buildRequest(def, inputs);
  const check = (status: number, size: number) => {
    if (status !== 200 || size !== bytes) throw new Error(`unexpected response: status ${status}, ${size} bytes`);
  };

  const agent = new Agent(); // undici defaults: keep-alive, no connection limit per origin
  let wireHeaders: string[] = [];
  const direct: TSend = async () => {
    const res = await request(built.url, { dispatcher: agent, headers: wireHeaders });
    const body = await res.body.arrayBuffer();
    check(res.statusCode, body.byteLength);
  };
  const sendOnly: TSend = async () => {
    const res = await sendRequest(built as TOutgoingRequest, { auth, policy });
    check(res.status, res.body.length);
  };
  const full: TSend = async () => {
    const req = buildRequest(def, inputs);
    const res = await sendRequest(req, { auth, policy });
    check(res.status, res.body.length);
  };
  return {
    list: [
      { name: "direct undici", send: direct },
      { name: "Patchbay (build → api key → sendRequest)", send: full },
      { name: "  sendRequest only (prebuilt request)", send: sendOnly },
    ],
    async prepare() {
      const authorized = await auth.authorize(built);
      wireHeaders = authorized.headers.flat();
    },
    async close() {
      await agent.close();
      await closeDispatchers();
    },
  };
}

// --- measurement ---------------------------------------------------------------------------------

async function sequential(send: TSend, n: number, into?: number[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await send();
    into?.push(performance.now() - t0);
  }
}

type TRun = { requests: number; ms: number; cpuMs: number };

async function concurrent(send: TSend, maxRequests: number, maxMs: number): Promise<TRun> {
  let issued = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + maxMs;
  const worker = async () => {
    while (issued < maxRequests && performance.now() < deadline) {
      issued++;
      await send();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const used = process.cpuUsage(cpu);
  return { requests: issued, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

/** Round r runs the clients in order, reversed on odd rounds, so each client gets each slot equally. */
function order<T>(list: T[], round: number): T[] {
  return round % 2 === 0 ? list : [...list].reverse();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

// --- report --------------------------------------------------------------------------------------

const ms = (v: number) => `${v.toFixed(3)} ms`;
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

async function main(): Promise<void> {
  const upstream = await startUpstream();
  const origin = `http://127.0.0.1:${upstream.port}`;
  const set = clients(origin, upstream.bytes);
  try {
    await set.prepare();
    const list = set.list;
    console.log(`Patchbay request-path benchmark — upstream ${origin} (child process ${upstream.child.pid}), ${upstream.bytes}-byte JSON body`);
    console.log(`node ${process.version}, ${availableParallelism()} CPUs\n`);

    process.stdout.write("warm-up ... ");
    for (const c of list) {
      await sequential(c.send, WARMUP_SEQUENTIAL);
      await concurrent(c.send, WARMUP_CONCURRENT, THROUGHPUT_MAX_MS);
    }
    console.log("done");

    process.stdout.write(`latency, concurrency 1, ${LATENCY_REQUESTS} requests per client in ${LATENCY_ROUNDS} alternating rounds ... `);
    const samples = list.map(() => [] as number[]);
    for (let r = 0; r < LATENCY_ROUNDS; r++) {
      for (const i of order([...list.keys()], r)) await sequential(list[i].send, LATENCY_REQUESTS / LATENCY_ROUNDS, samples[i]);
    }
    console.log("done");

    process.stdout.write(
      `throughput, concurrency ${CONCURRENCY}, ≤ ${THROUGHPUT_MAX_REQUESTS} requests or ${THROUGHPUT_MAX_MS / 1000} s per client in ${THROUGHPUT_ROUNDS} alternating rounds ... `,
    );
    const runs = list.map(() => ({ requests: 0, ms: 0, cpuMs: 0 }) as TRun);
    for (let r = 0; r < THROUGHPUT_ROUNDS; r++) {
      for (const i of order([...list.keys()], r)) {
        const run = await concurrent(list[i].send, THROUGHPUT_MAX_REQUESTS / THROUGHPUT_ROUNDS, THROUGHPUT_MAX_MS / THROUGHPUT_ROUNDS);
        runs[i].requests += run.requests;
        runs[i].ms += run.ms;
        runs[i].cpuMs += run.cpuMs;
      }
    }
    console.log("done\n");

    const stats = list.map((c, i) => {
      const sorted = samples[i].sort((a, b) => a - b);
      return {
        name: c.name,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        rps: (runs[i].requests / runs[i].ms) * 1000,
        cpuUs: (runs[i].cpuMs * 1000) / runs[i].requests,
        cpuShare: runs[i].cpuMs / runs[i].ms,
      };
    });
    const base = stats[0];
    const W = 44;
    console.log(
      pad("client", W) +
        lpad("p50 c=1", 11) + lpad("+p50", 11) + lpad("p99 c=1", 11) + lpad("p99 ×", 8) +
        lpad("req/s c=32", 12) + lpad("% direct", 10) + lpad("CPU µs/req", 12) + lpad("CPU busy", 10),
    );
    console.log("-".repeat(W + 85));
    for (const s of stats) {
      const first = s === base;
      console.log(
        pad(s.name, W) +
          lpad(ms(s.p50), 11) +
          lpad(first ? "" : `${s.p50 - base.p50 >= 0 ? "+" : ""}${(s.p50 - base.p50).toFixed(3)}`, 11) +
          lpad(ms(s.p99), 11) +
          lpad(first ? "" : (s.p99 / base.p99).toFixed(2), 8) +
          lpad(s.rps.toFixed(0), 12) +
          lpad(first ? "" : `${((s.rps / base.rps) * 100).toFixed(1)} %`, 10) +
          lpad(s.cpuUs.toFixed(1), 12) +
          lpad(`${(s.cpuShare * 100).toFixed(0)} %`, 10),
      );
    }
    const patchbay = stats[1];
    const added = patchbay.p50 - base.p50;
    const ratio = patchbay.rps / base.rps;
    console.log("");
    console.log(
      `added p50 latency: ${added.toFixed(3)} ms (target ≤ ${TARGET_ADDED_P50_MS} ms)  ${added <= TARGET_ADDED_P50_MS ? "PASS" : "MISS"}`,
    );
    console.log(
      `throughput: ${(ratio * 100).toFixed(1)} % of direct (target ≥ ${TARGET_THROUGHPUT_RATIO * 100} %)  ${ratio >= TARGET_THROUGHPUT_RATIO ? "PASS" : "MISS"}`,
    );
    console.log(
      "(CPU µs/req and CPU busy are the benchmark process's own CPU time during the c=32 rounds; " +
        `the upstream answered ${await upstream.served()} requests.)`,
    );
  } finally {
    await set.close();
    upstream.child.stdin!.end();
    upstream.child.kill();
  }
}

try {
  await main();
  await benchList();
} catch (e) {
  console.error(`\nbenchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
}
