// Durability of the embedded job runtime proven with real processes (STYLE: spawn, kill, start
// again, count): a worker process killed with SIGKILL mid-job loses nothing and its jobs run again
// only after their lease ran out; SIGTERM drains running jobs within the grace and returns the rest
// to the queue uncounted; a schedule fires once per due time with two processes' schedulers racing.
// Each child is lib/jobs/testing/worker-process.ts on the test's own temporary database; the marker
// files it writes ("<jobId> <attempt> start|done <epochMs>") and the Job rows are what is counted.
// The contract on one process: embedded.test.ts.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { TestProcesses, until, type TTestProcess } from "@/lib/testing/processes";
import { createTempDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { EmbeddedJobQueue } from "./embedded";
import type { TWorkerSettings } from "./testing/worker-process";

const WORKER = path.join(process.cwd(), "lib", "jobs", "testing", "worker-process.ts");
const QUEUE = "crash.work";

type TWorkerEnv = {
  label: string;
  mode: "hang" | "done";
  queue?: string;
  sleepMs?: number;
  concurrency?: number;
  graceMs?: number;
  cron?: string;
};

type TWorker = TTestProcess<true>;
type TMark = { label: string; id: string; attempt: number; what: "start" | "done"; at: number };

const processes = new TestProcesses();
const killAll = () => processes.killAll();
const signal = (w: TWorker, sig: NodeJS.Signals) => processes.signal(w, sig);
after(killAll);

/** A fresh database and marker folder per test; children killed and files removed afterwards. */
async function withDatabase(fn: (t: TTempDb, markers: string) => Promise<void>): Promise<void> {
  const t = await createTempDatabase("patchbay-crash-");
  const markers = path.join(t.dir, "markers");
  await mkdir(markers);
  try {
    await fn(t, markers);
  } finally {
    await killAll();
    await t.cleanup();
  }
}

/** Starts a worker process and resolves once it printed "ready" (rejects with its output if it exits first). */
async function startWorker(t: TTempDb, markers: string, w: TWorkerEnv): Promise<TWorker> {
  const settings: TWorkerSettings = {
    url: t.url,
    queue: w.queue ?? QUEUE,
    mode: w.mode,
    markerDir: markers,
    label: w.label,
    sleepMs: w.sleepMs,
    concurrency: w.concurrency,
    graceMs: w.graceMs,
    cron: w.cron,
  };
  return processes.start(w.label, WORKER, settings, (l) => (l.trim() === "ready" ? true : undefined));
}

/** Every marker line written so far, of every process. */
async function readMarks(markers: string): Promise<TMark[]> {
  const marks: TMark[] = [];
  for (const file of (await readdir(markers)).filter((f) => f.endsWith(".log")).sort()) {
    const label = file.slice(0, -".log".length);
    for (const line of (await readFile(path.join(markers, file), "utf8")).split("\n")) {
      if (!line) continue;
      const [id, attempt, what, at] = line.split(" ");
      assert.ok(what === "start" || what === "done", `marker line ${JSON.stringify(line)} of ${label}`);
      marks.push({ label, id, attempt: Number(attempt), what, at: Number(at) });
    }
  }
  return marks;
}

/** "<attempt> <what>" per job id for one process, in the order written. */
function history(marks: TMark[], label: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of marks) if (m.label === label) out.set(m.id, [...(out.get(m.id) ?? []), `${m.attempt} ${m.what}`]);
  return out;
}

/** A queue of the test process that only sends (never started, so it runs nothing). */
const sender = (t: TTempDb) => new EmbeddedJobQueue(t.db, { log: () => {} });

describe("embedded job queue across real processes", () => {
  test("SIGKILL mid-job: nothing is lost; the jobs run again in the next process once their lease ran out", async () => {
    await withDatabase(async (t, markers) => {
      const q = sender(t);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await q.send(QUEUE, { n: i }, { expireInSeconds: 2 }))!);
      assert.equal(new Set(ids).size, 5);

      const a = await startWorker(t, markers, { label: "A", mode: "hang", concurrency: 5 });
      await until("A started all 5 jobs", async () => (await readMarks(markers)).filter((m) => m.label === "A" && m.what === "start").length === 5, 20_000, [a]);
      const claimed = await t.db.job.findMany({ where: { id: { in: ids } } });
      assert.deepEqual(claimed.map((j) => [j.state, j.attempt]), ids.map(() => ["active", 1]));
      const leaseEnd = new Map(claimed.map((j) => [j.id, j.leaseUntil!.getTime()]));

      const killed = await signal(a, "SIGKILL");
      assert.deepEqual(killed, { code: null, signal: "SIGKILL" });
      // The dead process's claims are still in the database.
      assert.equal(await t.db.job.count({ where: { id: { in: ids }, state: "active" } }), 5);

      const b = await startWorker(t, markers, { label: "B", mode: "done", concurrency: 5 });
      await until("every job completed by B", async () => (await t.db.job.count({ where: { id: { in: ids }, state: "completed" } })) === 5, 20_000, [b]);

      const marks = await readMarks(markers);
      const ofA = history(marks, "A");
      const ofB = history(marks, "B");
      assert.deepEqual([...ofA.keys()].sort(), [...ids].sort());
      assert.deepEqual([...ofB.keys()].sort(), [...ids].sort());
      for (const id of ids) {
        assert.deepEqual(ofA.get(id), ["1 start"], `A's marks of ${id}`);
        assert.deepEqual(ofB.get(id), ["2 start", "2 done"], `B's marks of ${id}`);
        const bStart = marks.find((m) => m.label === "B" && m.id === id && m.what === "start")!;
        assert.ok(bStart.at > leaseEnd.get(id)!, `B started ${id} at ${bStart.at}, before A's lease ended at ${leaseEnd.get(id)}`);
      }
      const rows = await t.db.job.findMany({ where: { id: { in: ids } } });
      assert.deepEqual(rows.map((j) => [j.state, j.attempt, j.leaseUntil]), ids.map(() => ["completed", 2, null]));
      assert.equal(await t.db.job.count(), 5, "no job was added");
    });
  });

  test("SIGTERM drains: running jobs finish within the grace and the process exits 0", async () => {
    await withDatabase(async (t, markers) => {
      const w = await startWorker(t, markers, { label: "W", mode: "done", sleepMs: 500, concurrency: 2, graceMs: 10_000 });
      const q = sender(t);
      const ids = [(await q.send(QUEUE, 1))!, (await q.send(QUEUE, 2))!];
      await until("both jobs started", async () => (await readMarks(markers)).filter((m) => m.what === "start").length === 2, 20_000, [w]);

      const exit = await signal(w, "SIGTERM");
      assert.deepEqual(exit, { code: 0, signal: null }, w.output());
      const rows = await t.db.job.findMany({ where: { id: { in: ids } } });
      assert.deepEqual(rows.map((j) => [j.state, j.attempt]), [["completed", 1], ["completed", 1]]);
      const ofW = history(await readMarks(markers), "W");
      for (const id of ids) assert.deepEqual(ofW.get(id), ["1 start", "1 done"], `marks of ${id}`);
    });
  });

  test("SIGTERM with a job longer than the grace: it goes back to the queue uncounted and the next process runs it at once", async () => {
    await withDatabase(async (t, markers) => {
      // The default lease (60 s) is far beyond the deadline below: only a returned job runs in time.
      const id = (await sender(t).send(QUEUE, null))!;
      const a = await startWorker(t, markers, { label: "A", mode: "hang", graceMs: 500 });
      await until("A started the job", async () => (await readMarks(markers)).some((m) => m.id === id && m.what === "start"), 20_000, [a]);

      const exit = await signal(a, "SIGTERM");
      assert.deepEqual(exit, { code: 0, signal: null }, a.output());
      const back = await t.db.job.findUniqueOrThrow({ where: { id } });
      assert.deepEqual([back.state, back.attempt, back.leaseUntil], ["created", 0, null]);

      const b = await startWorker(t, markers, { label: "B", mode: "done" });
      await until("B completed the job", async () => (await t.db.job.findUniqueOrThrow({ where: { id } })).state === "completed", 20_000, [b]);
      assert.equal((await t.db.job.findUniqueOrThrow({ where: { id } })).attempt, 1);
      const marks = await readMarks(markers);
      assert.deepEqual(history(marks, "A").get(id), ["1 start"]);
      assert.deepEqual(history(marks, "B").get(id), ["1 start", "1 done"]);
    });
  });

  test("a schedule fires once per due time with two processes' schedulers racing", async () => {
    await withDatabase(async (t, markers) => {
      const TICK = "tick";
      // A yearly cron: its own due time never comes during the test, so every job below comes
      // from a due time the test set (a per-minute cron could also fire at a minute boundary).
      const cron = "0 0 1 1 *";
      // Both register the schedule while starting at the same time, as two instances would.
      const workers = await Promise.all(
        ["S1", "S2"].map((label) => startWorker(t, markers, { label, mode: "done", queue: TICK, cron })),
      );
      const schedule = await t.db.jobSchedule.findUniqueOrThrow({ where: { name: TICK } });
      assert.equal(schedule.cron, cron);
      assert.ok(schedule.nextAt.getTime() > Date.now(), `due in the future, not ${schedule.nextAt.toISOString()}`);
      assert.equal(await t.db.job.count({ where: { name: TICK } }), 0);

      const ROUNDS = 4;
      for (let round = 1; round <= ROUNDS; round++) {
        await t.db.jobSchedule.update({ where: { name: TICK }, data: { nextAt: new Date(Date.now() - 1000) } });
        await until(`round ${round}: the schedule fired`, async () => (await t.db.jobSchedule.findUniqueOrThrow({ where: { name: TICK } })).nextAt.getTime() > Date.now(), 20_000, workers);
        await until(`round ${round}: its job completed`, async () => (await t.db.job.count({ where: { name: TICK, state: "completed" } })) === round, 20_000, workers);
        // A second scheduler that read the old due time would have committed its job by now.
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(await t.db.job.count({ where: { name: TICK } }), round, `round ${round}: one job per due time`);
      }

      const marks = await readMarks(markers);
      const jobs = await t.db.job.findMany({ where: { name: TICK } });
      assert.equal(jobs.length, ROUNDS);
      for (const j of jobs) {
        const starts = marks.filter((m) => m.id === j.id && m.what === "start");
        assert.deepEqual(starts.map((m) => m.attempt), [1], `job ${j.id} ran once across both processes`);
        assert.equal(j.state, "completed");
      }
    });
  });
});
