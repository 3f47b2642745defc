import "server-only";
// The process's job queue and the background work registered on it (SPEC §12): started by the
// custom server (server.ts), stopped on SIGTERM with the running jobs drained for up to 10 s.
// Everything that must happen later is a job here (STYLE 14), not a timer.
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
  /** Finished jobs are deleted after a while. */
  cleanupJobs: "jobs.cleanup",
} as const;

/** Registers the handlers and schedules and starts the workers. */
export async function startBackgroundWork(): Promise<TJobQueue> {
  const queue = jobs();
  const embedded = embeddedQueue();
  queue.work(JOB.pruneRuns, { concurrency: 1 }, async () => {
    await pruneRuns(env().PATCHBAY_RUN_RETENTION_DAYS);
  });
  queue.work(JOB.cleanupJobs, { concurrency: 1 }, async () => {
    await embedded.cleanup();
  });
  await queue.schedule(JOB.pruneRuns, "7 * * * *");
  await queue.schedule(JOB.cleanupJobs, "17 * * * *");
  await registerEventWork(queue);
  await registerListenerWork(queue);
  await queue.start();
  // Retention also right after a start, as before (once, however often the app restarts meanwhile).
  await queue.send(JOB.pruneRuns, null, { singletonKey: "start" });
  return queue;
}
