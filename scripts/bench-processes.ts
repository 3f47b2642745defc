// The processes of the end-to-end benchmarks (npm run bench:api, npm run bench:listeners): Patchbay
// started exactly as `npm start` runs it, plain Node servers run with `node -e`, what /proc says
// about them (the listening process, its RSS and CPU time), and stopping all of them — also on
// SIGINT/SIGTERM — with the temporary data folder removed.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, readdirSync, readlinkSync, type WriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import type autocannon from "autocannon";

export const ROOT = process.cwd();

/** A setting in seconds from the environment. */
export const seconds = (name: string, fallback: number, min = 0) => {
  const raw = process.env[name];
  const v = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isFinite(v) || v < min) throw new Error(`${name} must be a number of seconds ≥ ${min}`);
  return v;
};

/** What cleanup() removes and stops besides the children: the temporary folder, the running load. */
export const state: { tempDir: string | null; running: autocannon.Instance | null } = { tempDir: null, running: null };

export type TNodeChild = { child: ChildProcess; port: number; next(): Promise<Record<string, number>> };

export async function startNode(name: string, source: string, env: Record<string, string>): Promise<TNodeChild> {
  const child = spawn(process.execPath, ["-e", source], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "inherit"] });
  children.push({ name, child, group: false });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<never>((_, reject) => child.once("exit", (code, signal) => reject(new Error(`${name} exited (${signal ?? `code ${code}`})`))));
  exited.catch(() => {}); // only awaited in races below
  const next = async (): Promise<Record<string, number>> => {
    const line = await Promise.race([lines.next(), exited]);
    if (line.done) throw new Error(`${name} closed its output`);
    return JSON.parse(line.value) as Record<string, number>;
  };
  const { port } = await next();
  return { child, port, next };
}

// --- child processes and cleanup -----------------------------------------------------------------

/** `group`: started in a process group of its own (Patchbay: tsx and the node process it starts). */
export type TChild = { name: string; child: ChildProcess; group: boolean; serverPid?: number };
export const children: TChild[] = [];

export const exitedPromise = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once("exit", () => r()));

export function kill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Stops one child and waits for it: SIGTERM, SIGKILL after `graceMs`. Patchbay gets SIGTERM in its
 * server process itself (it finishes open requests and writes its run log, then exits, and tsx
 * with it): tsx, when it is the one signalled, SIGKILLs a child that does not confirm the signal
 * within 30 ms. Whatever is left in its process group afterwards is killed.
 */
export async function stop(entry: TChild, graceMs = 12_000): Promise<void> {
  const pid = entry.child.pid;
  entry.child.stdin?.end();
  if (!pid) return;
  const alive = () => entry.child.exitCode === null && entry.child.signalCode === null;
  if (alive()) {
    if (entry.serverPid) kill(entry.serverPid, "SIGTERM");
    else kill(entry.group ? -pid : pid, "SIGTERM");
  }
  const timer = setTimeout(() => alive() && kill(entry.group ? -pid : pid, "SIGKILL"), graceMs);
  await exitedPromise(entry.child);
  clearTimeout(timer);
  if (entry.group) kill(-pid, "SIGKILL"); // anything left in the group (nothing, normally)
}

let cleaned: Promise<void> | null = null;
export function cleanup(): Promise<void> {
  cleaned ??= (async () => {
    state.running?.stop();
    await Promise.all(children.map((c) => stop(c)));
    if (state.tempDir) await rm(state.tempDir, { recursive: true, force: true });
  })();
  return cleaned;
}

/** Runs a benchmark's main, stops its processes whatever happens, and exits with main's code. */
export async function runBench(main: () => Promise<number>): Promise<never> {
  let code = 1;
  try {
    code = await main();
  } catch (e) {
    console.error(`\nbenchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    code = 1;
  } finally {
    await cleanup();
  }
  process.exit(code);
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    console.error(`\n${sig}: stopping the benchmark's processes ...`);
    void cleanup().finally(() => process.exit(130));
  });
}

// --- /proc: the process that listens, its RSS and CPU time -----------------------------------------

export function descendants(pid: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      byParent.set(ppid, [...(byParent.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => (byParent.get(p) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}

/** The pid among `pid` and its descendants that holds the socket listening on 127.0.0.1:`port`. */
export function listeningPid(pid: number, port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && f[1].endsWith(`:${hexPort}`) && f[3] === "0A") inodes.add(f[9]);
    }
  }
  for (const candidate of [pid, ...descendants(pid)]) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${candidate}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${candidate}/fd/${fd}`));
        if (m && inodes.has(m[1])) return candidate;
      } catch {
        // closed meanwhile
      }
    }
  }
  throw new Error(`no process under pid ${pid} listens on port ${port}`);
}

/** Resident set size in bytes (VmRSS). */
export function rss(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

const CLOCK_TICK_MS = 10; // USER_HZ is 100 on Linux
/** User + system CPU time in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * CLOCK_TICK_MS; // fields 14 and 15 (utime, stime)
}

// --- ports and Patchbay ----------------------------------------------------------------------------

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export type TPatchbay = { pid: number; port: number; origin: string; log: string[]; errors: () => number };

/** Patchbay as `npm start` runs it (after its migration step); `dev`: NODE_ENV=development; `cpuProf`: a folder for V8 CPU profiles. */
export async function startPatchbay(env: Record<string, string>, port: number, logFile: WriteStream, opts: { dev: boolean; cpuProf: string }): Promise<TPatchbay> {
  const tsx = path.join(ROOT, "node_modules", ".bin", "tsx");
  // Exactly `npm start` after its migration step, in a process group of its own so that tsx and
  // the node process it starts are stopped together.
  const profile = opts.cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${opts.cpuProf}`] : []; // tsx hands node's flags to node
  const child = spawn(tsx, [...profile, "--import", "./lib/server/register.mjs", "server.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...env,
      NODE_ENV: opts.dev ? "development" : "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      PATCHBAY_HOST: "127.0.0.1",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.push({ name: "Patchbay", child, group: true });
  const log: string[] = [];
  let errorLines = 0;
  const keep = (stream: "out" | "err") => (line: string) => {
    logFile.write(line + "\n");
    log.push(line);
    if (log.length > 200) log.shift();
    if (stream === "err" && line.trim() !== "") errorLines++;
  };
  createInterface({ input: child.stderr! }).on("line", keep("err"));
  const out = createInterface({ input: child.stdout! });
  out.on("line", keep("out"));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("Patchbay did not start listening within 120 s")), 120_000);
    const onLine = (line: string) => {
      if (!line.includes("[patchbay] listening on")) return;
      clearTimeout(timer);
      out.off("line", onLine);
      resolve();
    };
    out.on("line", onLine);
    child.once("exit", (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`Patchbay exited before listening (${sig ?? `code ${code}`}):\n${log.slice(-30).join("\n")}`));
    });
  });
  const pid = listeningPid(child.pid!, port);
  children.find((c) => c.child === child)!.serverPid = pid;
  return { pid, port, origin: `http://127.0.0.1:${port}`, log, errors: () => errorLines };
}


// --- correctness check ---------------------------------------------------------------------------

/** One request that must get `expect`'s approval (it returns the problem, or null); the parsed JSON answer. */
export async function check(name: string, url: string, init: RequestInit, expect: (status: number, json: unknown) => string | null): Promise<unknown> {
  let status = 0;
  let text = "";
  try {
    const res = await fetch(url, init);
    status = res.status;
    text = await res.text();
  } catch (e) {
    throw new Error(`${name}: the request failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // reported below
  }
  const problem = expect(status, json);
  if (problem) throw new Error(`${name}: ${problem}\n  HTTP ${status}: ${text.slice(0, 600)}`);
  return json;
}
