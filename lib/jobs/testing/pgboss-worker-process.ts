// Child process for the crash tests of lib/jobs/pgboss.test.ts: one worker process with a pg-boss
// job queue on the test's PostgreSQL database, so that the test can kill it (SIGKILL mid-job, or
// SIGTERM for a drain) and count what happened to its jobs afterwards. Like worker-process.ts
// (the embedded runtime's), with pg-boss's maintenance every second so that expiry shows quickly.
//
//   node --import tsx --conditions=react-server lib/jobs/testing/pgboss-worker-process.ts '<settings JSON>'
//
// Settings (one JSON argument, not environment variables: only lib/env.ts reads the environment):
//   url          postgres:// URL of the database
//   queue        queue this process works
//   mode         "hang": the handler never returns; "done": it sleeps sleepMs and returns
//   markerDir    folder of the marker files
//   label        this process's marker file is <markerDir>/<label>.log (default: pid)
//   sleepMs      handler time in "done" mode (default 0)
//   concurrency  worker concurrency (default 1)
//   graceMs      stop({ graceMs }) on SIGTERM (default 10000)
//
// The handler appends "<jobId> <attempt> start <epochMs>" to the marker file before its work and
// "<jobId> <attempt> done <epochMs>" after it (written synchronously, so a line survives a SIGKILL
// right after it). Prints "ready" on stdout once the queue has started. On SIGTERM: stops the queue
// with the grace and exits 0.
import { appendFileSync } from "node:fs";
import path from "node:path";
import { PgBossJobQueue } from "@/lib/jobs/pgboss";

export type TPgBossWorkerSettings = {
  url: string;
  queue: string;
  mode: "hang" | "done";
  markerDir: string;
  label?: string;
  sleepMs?: number;
  concurrency?: number;
  graceMs?: number;
};

function usage(problem: string): never {
  console.error(`pgboss-worker-process: ${problem}\nusage: pgboss-worker-process.ts '{"url":"postgres://...","queue":"q","mode":"hang|done","markerDir":"/tmp/x"}'`);
  process.exit(2);
}

let settings: TPgBossWorkerSettings;
try {
  settings = JSON.parse(process.argv[2] ?? "") as TPgBossWorkerSettings;
} catch {
  usage("the settings argument is not JSON");
}
const { url, queue: queueName, mode, markerDir } = settings;
if (!url || !queueName || !markerDir) usage("url, queue and markerDir are required");
if (mode !== "hang" && mode !== "done") usage(`mode must be "hang" or "done", not ${JSON.stringify(mode)}`);
const label = settings.label ?? String(process.pid);
const sleepMs = settings.sleepMs ?? 0;
const concurrency = settings.concurrency ?? 1;
const graceMs = settings.graceMs ?? 10_000;

const marker = path.join(markerDir, `${label}.log`);
const mark = (id: string, attempt: number, what: "start" | "done") => appendFileSync(marker, `${id} ${attempt} ${what} ${Date.now()}\n`);

const queue = new PgBossJobQueue({
  url,
  application: `patchbay-test-worker-${label}`,
  maintenanceIntervalSeconds: 1,
  log: (message, error) => console.error(`[worker ${label}] ${message}`, error ?? ""),
});

// The queue's pool lets the process exit when idle; this keeps it up until it is killed or stopped.
const keepAlive = setInterval(() => {}, 1 << 30);

let stopping = false;
process.on("SIGTERM", () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    let code = 0;
    try {
      await queue.stop({ graceMs });
    } catch (e) {
      console.error(`[worker ${label}] stop failed`, e);
      code = 1;
    }
    clearInterval(keepAlive);
    process.exit(code);
  })();
});

async function main() {
  queue.work(queueName, { concurrency, pollIntervalMs: 500 }, async (job) => {
    mark(job.id, job.attempt, "start");
    if (mode === "hang") await new Promise<never>(() => {});
    await new Promise((r) => setTimeout(r, sleepMs));
    mark(job.id, job.attempt, "done");
  });
  await queue.start();
  process.stdout.write("ready\n");
}

main().catch((e) => {
  console.error(`[worker ${label}] failed to start`, e);
  process.exit(1);
});
