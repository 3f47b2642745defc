import "server-only";
// The background work of listeners (SPEC §10) on the one job interface (lib/jobs): a chain of
// hand-off jobs per message (forward or connector run), as events have per delivery (see
// lib/events/jobs.ts): a job acts only while its seq is the message's current targetSeq, and is
// sent in the same transaction as the message it hands on.
import type { TTx } from "@/lib/db";
import { jobs } from "@/lib/jobs/queue";
import { jobLeaseSeconds } from "@/lib/events/jobs";

export const LISTENER_JOB = {
  handOff: "listeners.handoff",
  /** Every minute: sends the job again for hand-offs whose job was lost (failed for good). */
  sweep: "listeners.sweep",
  /** Hourly: messages older than their listener's retention. */
  prune: "listeners.prune",
} as const;

export type THandOffJob = { messageId: string; seq: number };

export async function sendHandOffJobs(tx: TTx, items: Array<{ messageId: string; seq: number; at?: Date }>): Promise<void> {
  if (items.length === 0) return;
  await jobs().sendMany<THandOffJob>(
    LISTENER_JOB.handOff,
    items.map(({ messageId, seq, at }) => ({ data: { messageId, seq }, opts: { startAfter: at, singletonKey: `${messageId}:${seq}`, retryLimit: 3, retryDelaySeconds: 5, expireInSeconds: jobLeaseSeconds() } })),
    { tx },
  );
}
