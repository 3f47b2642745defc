import "server-only";
// The background work of events (SPEC §9) on the one job interface (lib/jobs): a chain of poll
// jobs per polling subscription and a chain of delivery jobs per event. Each chain has a sequence
// number stored with its subscription or event; a job whose seq is no longer the current one does
// nothing, so a changed interval, a pause, a redelivery or a duplicate claim never runs twice.
// Jobs are sent in the same transaction as the state they belong to: committed together or not at
// all. Their singleton key (`<id>:<seq>`) lets the sweep send a lost chain again without doubling one.
import type { TTx } from "@/lib/db";
import { env } from "@/lib/env";
import { jobs } from "@/lib/jobs/queue";

export const EVENT_JOB = {
  poll: "events.poll",
  deliver: "events.deliver",
  /** Every minute: restarts poll and delivery chains whose job failed for good (see worker.ts). */
  sweep: "events.sweep",
  /** Hourly: delivered and dead-lettered events older than PATCHBAY_EVENT_RETENTION_DAYS. */
  prune: "events.prune",
} as const;

export type TPollJob = { subscriptionId: string; seq: number };
export type TDeliverJob = { eventId: string; seq: number };

/** A claim not renewed for this long (its process died) is attempted again (issue 12: ≤ 60 s). */
export const jobLeaseSeconds = (): number => env().PATCHBAY_JOB_LEASE_SECONDS;

export async function sendPollJob(tx: TTx, subscriptionId: string, seq: number, at: Date): Promise<void> {
  await sendPollJobs(tx, [{ subscriptionId, seq, at }]);
}

/** The next poll jobs of several subscriptions in one write (a batch of polls committing together). */
export async function sendPollJobs(tx: TTx, items: Array<{ subscriptionId: string; seq: number; at: Date }>): Promise<void> {
  if (items.length === 0) return;
  await jobs().sendMany<TPollJob>(
    EVENT_JOB.poll,
    items.map(({ subscriptionId, seq, at }) => ({ data: { subscriptionId, seq }, opts: { startAfter: at, singletonKey: `${subscriptionId}:${seq}`, retryLimit: 3, retryDelaySeconds: 5, expireInSeconds: jobLeaseSeconds() } })),
    { tx },
  );
}

export async function sendDeliverJob(tx: TTx, eventId: string, seq: number, at?: Date): Promise<void> {
  await sendDeliverJobs(tx, [{ eventId, seq, at }]);
}

/** The delivery jobs of several events in one write (a poll's new events, a batch's retries). */
export async function sendDeliverJobs(tx: TTx, items: Array<{ eventId: string; seq: number; at?: Date }>): Promise<void> {
  if (items.length === 0) return;
  await jobs().sendMany<TDeliverJob>(
    EVENT_JOB.deliver,
    items.map(({ eventId, seq, at }) => ({ data: { eventId, seq }, opts: { startAfter: at, singletonKey: `${eventId}:${seq}`, retryLimit: 3, retryDelaySeconds: 5, expireInSeconds: jobLeaseSeconds() } })),
    { tx },
  );
}
