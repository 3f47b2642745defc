import "server-only";
// The process's job queue and the background work registered on it (SPEC §12): started by the
// custom server (server.ts) by role — startBackgroundWork for PATCHBAY_ROLE all and worker,
// startJobSender for web — and stopped on SIGTERM with the running jobs drained for up to 10 s.
// Everything that must happen later is a job here (STYLE 14), not a timer.
import { dialect } from "@/lib/db";
import { env } from "@/lib/env";
import { registerEventWork } from "@/lib/events/worker";
import { registerListenerWork } from "@/lib/listeners/worker";
import { pruneRuns } from "@/lib/runs/log";
import { embeddedQueue, jobs } from "./queue";
import type { TJobQueue } from "./types";

export { jobs };

/** Queues of the built-in background work. */
export const JOB = {
  /** Run log retention (PATCHBAY_RUN_RETENTION_DAYS). */
  pruneRuns: "runs.prune",
  /** Finished jobs are deleted after a while (embedded runtime; pg-boss has its own retention). */
  cleanupJobs: "jobs.cleanup",
} as const;

/** Registers the handlers and schedules and starts the workers (PATCHBAY_ROLE all or worker). */
export async function startBackgroundWork(): Promise<TJobQueue> {
  const queue = jobs();
  queue.work(JOB.pruneRuns, { concurrency: 1 }, async () => {
    await pruneRuns(env().PATCHBAY_RUN_RETENTION_DAYS);
  });
  await queue.schedule(JOB.pruneRuns, "7 * * * *");
  if (dialect() === "sqlite") {
    const embedded = embeddedQueue();
    queue.work(JOB.cleanupJobs, { concurrency: 1 }, async () => {
      await embedded.cleanup();
    });
    await queue.schedule(JOB.cleanupJobs, "17 * * * *");
  }
  await registerEventWork(queue);
  await registerListenerWork(queue);
  await queue.start();
  // Retention also right after a start, as before (once, however often the app restarts meanwhile).
  await queue.send(JOB.pruneRuns, null, { singletonKey: "start" });
  return queue;
}

/**
 * The queue of a process that only sends jobs (PATCHBAY_ROLE web): started without workers, so a
 * request's send finds it ready; on pg-boss also without maintenance and schedules (lib/jobs/queue.ts).
 */
export async function startJobSender(): Promise<TJobQueue> {
  const queue = jobs();
  await queue.start();
  return queue;
}
