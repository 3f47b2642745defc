import "server-only";
// The workers of listeners on the one job interface: hand-offs (forward, connector runs), the
// hourly retention run, and a sweep every minute that restarts a hand-off chain whose job was lost
// — failed for good (the database was down through every retry, or its process died while it held
// the job's last attempt) — as the events' sweep does for deliveries. The sweep sends with the
// chain's singleton key, so a chain whose job is still waiting or running is left alone.
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { jobLeaseSeconds } from "@/lib/events/jobs";
import type { TJobQueue } from "@/lib/jobs/types";
import { handOffMessage, pruneMessages } from "./handoff";
import { LISTENER_JOB, sendHandOffJobs, type THandOffJob } from "./jobs";

const SWEEP_BATCH = 500;

export async function registerListenerWork(queue: TJobQueue): Promise<void> {
  queue.work<THandOffJob>(LISTENER_JOB.handOff, { concurrency: env().PATCHBAY_HANDOFF_CONCURRENCY, pollIntervalMs: 200 }, async (job) => {
    await handOffMessage(job.data);
  });
  queue.work(LISTENER_JOB.sweep, { concurrency: 1 }, async () => {
    await sweepHandOffChains();
  });
  queue.work(LISTENER_JOB.prune, { concurrency: 1 }, async () => {
    await pruneMessages();
  });
  await queue.schedule(LISTENER_JOB.sweep, "* * * * *");
  await queue.schedule(LISTENER_JOB.prune, "37 * * * *");
}

/** Sends the job again for hand-offs overdue by more than a lease; returns how many were looked at. */
export async function sweepHandOffChains(now = new Date()): Promise<number> {
  const db = getDb();
  const overdue = new Date(now.getTime() - jobLeaseSeconds() * 1000);
  const open: Array<{ id: string; targetSeq: number }> = [];
  // Per listener, so that the (listenerId, status) index finds the few open messages among many.
  for (const l of await db.listener.findMany({ select: { id: true } })) {
    if (open.length >= SWEEP_BATCH) break;
    open.push(
      ...(await db.inboundMessage.findMany({
        where: { listenerId: l.id, status: { in: ["pending", "retrying"] }, nextAttemptAt: { lt: overdue } },
        select: { id: true, targetSeq: true },
        take: SWEEP_BATCH - open.length,
      })),
    );
  }
  if (open.length === 0) return 0;
  // A chain whose job still waits or runs keeps it: sendMany skips a singleton key already queued.
  await db.$transaction((tx) => sendHandOffJobs(tx, open.map((m) => ({ messageId: m.id, seq: m.targetSeq, at: now }))));
  return open.length;
}
