import "server-only";
// The workers of events on the one job interface: polls, deliveries, retention, and a sweep every minute that
// restarts a chain whose job was lost — failed for good (the database was down through every
// retry) or never sent. The sweep sends with the chain's singleton key, so a chain whose job is
// still waiting or running is left alone.
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import type { TJobQueue } from "@/lib/jobs/types";
import { deliverEvent } from "./deliver";
import { EVENT_JOB, jobLeaseSeconds, sendDeliverJob, sendPollJob, type TDeliverJob, type TPollJob } from "./jobs";
import { pollSubscription } from "./poll";

const SWEEP_BATCH = 500;

export async function registerEventWork(queue: TJobQueue): Promise<void> {
  const config = env();
  queue.work<TPollJob>(EVENT_JOB.poll, { concurrency: config.PATCHBAY_POLL_CONCURRENCY, pollIntervalMs: 200 }, async (job) => {
    await pollSubscription(job.data.subscriptionId, { job: { seq: job.data.seq } });
  });
  queue.work<TDeliverJob>(EVENT_JOB.deliver, { concurrency: config.PATCHBAY_DELIVERY_CONCURRENCY, pollIntervalMs: 100 }, async (job) => {
    await deliverEvent(job.data);
  });
  queue.work(EVENT_JOB.sweep, { concurrency: 1 }, async () => {
    await sweepEventChains();
  });
  queue.work(EVENT_JOB.prune, { concurrency: 1 }, async () => {
    await pruneEvents(config.PATCHBAY_EVENT_RETENTION_DAYS);
  });
  await queue.schedule(EVENT_JOB.sweep, "* * * * *");
  await queue.schedule(EVENT_JOB.prune, "27 * * * *");
}

/**
 * Deletes delivered and dead-lettered events (their attempts go with them) stored more than `days`
 * ago, in batches so that no single transaction holds the database for long. Events still to be
 * delivered (pending, retrying, held) are kept whatever their age. Returns how many were deleted.
 */
export async function pruneEvents(days: number, now = new Date()): Promise<number> {
  const db = getDb();
  const before = new Date(now.getTime() - days * 86_400_000);
  let total = 0;
  for (;;) {
    const batch = await db.event.findMany({ where: { deliveryStatus: { in: ["delivered", "dead"] }, createdAt: { lt: before } }, select: { id: true }, take: 1000 });
    if (batch.length === 0) return total;
    const { count } = await db.event.deleteMany({ where: { id: { in: batch.map((e) => e.id) } } });
    total += count;
  }
}

/** Sends the job again for polls and deliveries overdue by more than a lease; returns how many. */
export async function sweepEventChains(now = new Date()): Promise<number> {
  const db = getDb();
  const overdue = new Date(now.getTime() - jobLeaseSeconds() * 1000);
  const polls = await db.eventSubscription.findMany({
    where: { type: "POLLING", paused: false, nextPollAt: { lt: overdue } },
    select: { id: true, pollSeq: true },
    take: SWEEP_BATCH,
  });
  const deliveries = await db.event.findMany({
    where: { deliveryStatus: { in: ["pending", "retrying"] }, nextAttemptAt: { lt: overdue } },
    select: { id: true, deliverySeq: true },
    take: SWEEP_BATCH,
  });
  if (polls.length === 0 && deliveries.length === 0) return 0;
  await db.$transaction(async (tx) => {
    for (const s of polls) await sendPollJob(tx, s.id, s.pollSeq, now);
    for (const e of deliveries) await sendDeliverJob(tx, e.id, e.deliverySeq, now);
  });
  return polls.length + deliveries.length;
}
