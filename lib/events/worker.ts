import "server-only";
// The workers of events on the one job interface: polls, deliveries, retention, and a sweep every minute that
// restarts a chain whose job was lost — failed for good (the database was down through every
// retry) or never sent. The sweep sends with the chain's singleton key, so a chain whose job is
// still waiting or running is left alone.
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import type { TJobQueue } from "@/lib/jobs/types";
import { deliverEvents } from "./deliver";
import { EVENT_JOB, jobLeaseSeconds, sendDeliverJobs, sendPollJobs, type TDeliverJob, type TPollJob } from "./jobs";
import { pollSubscriptions } from "./poll";

const SWEEP_BATCH = 500;

export async function registerEventWork(queue: TJobQueue): Promise<void> {
  const config = env();
  // Polls in flight: PATCHBAY_POLL_CONCURRENCY, as batches whose writes are committed together.
  const polls = inBatches(config.PATCHBAY_POLL_CONCURRENCY);
  queue.workBatch<TPollJob>(EVENT_JOB.poll, { batchSize: polls.batchSize, concurrency: polls.batches, pollIntervalMs: 200 }, async (jobs) => {
    await pollSubscriptions(jobs.map((j) => j.data));
  });
  // Attempts in flight: PATCHBAY_DELIVERY_CONCURRENCY, as a few batches (one claim, one read and one
  // write per batch instead of per attempt) so that one batch's writes overlap the others' requests.
  const { batchSize, batches } = inBatches(config.PATCHBAY_DELIVERY_CONCURRENCY);
  queue.workBatch<TDeliverJob>(EVENT_JOB.deliver, { batchSize, concurrency: batches, pollIntervalMs: 100 }, async (jobs) => {
    await deliverEvents(jobs.map((j) => j.data));
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
 * `concurrency` jobs in flight as batches of up to 64, at least two (while one batch writes its
 * outcomes, the other's requests are out): 64 → 2 × 32, 256 → 4 × 64.
 */
export function inBatches(concurrency: number): { batchSize: number; batches: number } {
  const batches = Math.min(concurrency, Math.max(2, Math.ceil(concurrency / 64)));
  return { batchSize: Math.max(1, Math.ceil(concurrency / batches)), batches };
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
    await sendPollJobs(tx, polls.map((s) => ({ subscriptionId: s.id, seq: s.pollSeq, at: now })));
    await sendDeliverJobs(tx, deliveries.map((e) => ({ eventId: e.id, seq: e.deliverySeq, at: now })));
  });
  return polls.length + deliveries.length;
}
