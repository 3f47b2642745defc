import "server-only";
// Delivery of one event to its subscription's callback (SPEC §9, issue 12 item 6): one attempt per
// job, through the one request path (outbound policy included), signed per Standard Webhooks when
// the subscription has a key. The attempt, the event's new state and the next attempt's job are
// written in one transaction. At-least-once: a process that dies mid-attempt leaves its job's
// lease to run out, and the attempt is made again with the same webhook-id (the event id).
// Ordering across events is not guaranteed.
import { TtlCache } from "@/lib/cache/ttl-cache";
import { invalidate } from "@/lib/cache/invalidation";
import { getDb } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { sendRequest } from "@/lib/http/execute";
import { Stragglers } from "@/lib/jobs/stragglers";
import { openSecret } from "@/lib/secrets";
import { afterAttempt, type TAttemptOutcome } from "./delivery-schedule";
import { sendDeliverJobs, type TDeliverJob } from "./jobs";
import { deliveryBody } from "./payload";
import { activeSigningKeys, signDelivery } from "./signing";
import { subscriptionSlot } from "./store";

export const ATTEMPT_TIMEOUT_MS = 15_000;
export const RESPONSE_EXCERPT_BYTES = 4096;
const USER_AGENT = "Patchbay-Webhooks/1";

type TTarget = {
  callbackUrl: string;
  current: string | null;
  previous: string | null;
  previousUntil: Date | null;
  /** Deliveries wait ("held"): paused, or stopped by a 410. */
  held: boolean;
};

// The delivery side of a subscription, keys decrypted, kept ≤ 5 s and dropped on a change.
const targets = new TtlCache<TTarget | null>({ dependsOn: ["subscription"], keyKind: "subscription" });

function targetOf(subscriptionId: string): Promise<TTarget | null> {
  return targets.get(subscriptionId, async () => {
    const s = await getDb().eventSubscription.findUnique({
      where: { id: subscriptionId },
      select: { callbackUrl: true, signingKey: true, previousSigningKey: true, previousKeyUntil: true, paused: true, deliveryDisabledReason: true },
    });
    if (!s) return null;
    return {
      callbackUrl: s.callbackUrl,
      current: s.signingKey ? openSecret(s.signingKey, subscriptionSlot(subscriptionId, "signingKey")) : null,
      previous: s.previousSigningKey ? openSecret(s.previousSigningKey, subscriptionSlot(subscriptionId, "previousSigningKey")) : null,
      previousUntil: s.previousKeyUntil,
      held: s.paused || s.deliveryDisabledReason !== null,
    };
  });
}

/** Response text for the attempt record: ≤ 4 KB, without NUL (PostgreSQL text cannot hold it). */
function excerptOf(body: Buffer): string | null {
  if (body.length === 0) return null;
  return body.subarray(0, RESPONSE_EXCERPT_BYTES).toString("utf8").replace(/\u0000/g, "\uFFFD");
}

type TEventRow = {
  id: string;
  subscriptionId: string;
  resource: string;
  type: string;
  occurredAt: Date;
  payload: string;
  payloadTruncated: boolean;
  roundAttempts: number;
  seq: number;
};

type TResult = { ev: TEventRow; outcome: TAttemptOutcome; retryAfter: string | null; excerpt: string | null; durationMs: number };

/** Results not yet written after this long are written while the slower attempts go on. */
const WRITE_PARTIAL_AFTER_MS = 1_000;

/** Makes one delivery attempt for the job's event, unless the job is outdated. */
export function deliverEvent(job: TDeliverJob): Promise<void> {
  return deliverEvents([job], { wait: true });
}

/** Attempts still running after WRITE_PARTIAL_AFTER_MS go on without their batch, up to this many per process. */
const deliveryStragglers = new Stragglers(256);

/**
 * One delivery attempt for each job's event, all at once (the delivery worker's batch): the events
 * read in one query, the requests sent concurrently, and the attempts, the events' new states and
 * the retries' jobs written in one transaction. Outdated jobs (their event redelivered, delivered or
 * deleted meanwhile) do nothing. What one event runs into — its subscription's key unreadable, a
 * fault of Patchbay's while sending — is that event's failed attempt, not the batch's. Attempts
 * still running after a second are left to finish on their own (lib/jobs/stragglers.ts), so a slow
 * receiver does not hold up the deliveries batched with it; `wait` waits for every outcome instead.
 */
export async function deliverEvents(jobs: TDeliverJob[], opts: { wait?: boolean } = {}): Promise<void> {
  const db = getDb();
  const seqsOf = new Map<string, Set<number>>();
  for (const j of jobs) seqsOf.set(j.eventId, (seqsOf.get(j.eventId) ?? new Set()).add(j.seq));
  const rows = await db.event.findMany({
    where: { id: { in: [...seqsOf.keys()] }, deliveryStatus: { in: ["pending", "retrying"] } },
    select: { id: true, subscriptionId: true, resource: true, type: true, occurredAt: true, payload: true, payloadTruncated: true, deliverySeq: true, roundAttempts: true },
  });
  const at = new Date();
  const live: Array<{ ev: TEventRow; target: TTarget }> = [];
  const held: TEventRow[] = [];
  const done: TResult[] = [];
  for (const r of rows) {
    if (!seqsOf.get(r.id)?.has(r.deliverySeq)) continue;
    const ev = { ...r, seq: r.deliverySeq };
    let target: TTarget | null;
    try {
      target = await targetOf(r.subscriptionId);
    } catch (e) {
      if (!isAppError(e)) console.error(`[patchbay] delivery of event ${r.id}: reading its subscription failed`, e);
      done.push({ ev, outcome: { error: `Not sent: ${isAppError(e) ? e.message : "the subscription could not be read."}` }, retryAfter: null, excerpt: null, durationMs: 0 });
      continue;
    }
    if (!target) continue;
    if (target.held) held.push(ev);
    else live.push({ ev, target });
  }
  if (held.length > 0) {
    await db.event.updateMany({ where: { OR: held.map((e) => ({ id: e.id, deliverySeq: e.seq })) }, data: { deliveryStatus: "held", nextAttemptAt: null } });
  }

  const pending = new Map<string, Promise<TResult>>();
  for (const { ev, target } of live) {
    const p = attempt(ev, target, at);
    pending.set(ev.id, p);
    void p.then((r) => {
      pending.delete(ev.id);
      done.push(r);
    });
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(pending.values()), new Promise((r) => (timer = setTimeout(r, WRITE_PARTIAL_AFTER_MS)))]);
  clearTimeout(timer);
  await record(done.splice(0), at);
  if (pending.size === 0) return;
  const slow = [...pending.values()];
  if (!opts.wait && deliveryStragglers.adopt(slow.map((p) => p.then((r) => record([r], at))), "a delivery attempt")) return;
  await Promise.all(slow);
  await record(done.splice(0), at);
}

/** One attempt: the signed POST through the one request path, and what came of it. Never rejects. */
async function attempt(ev: TEventRow, target: TTarget, at: Date): Promise<TResult> {
  const started = performance.now();
  try {
    const body = deliveryBody(ev);
    const headers: Array<[string, string]> = [
      ["content-type", "application/json"],
      ["user-agent", USER_AGENT],
    ];
    if (target.current) {
      const keys = activeSigningKeys({ current: target.current, previous: target.previous, previousUntil: target.previousUntil, now: at });
      for (const [name, value] of Object.entries(signDelivery({ keys, id: ev.id, timestamp: at, body }))) headers.push([name, value]);
    } else {
      headers.push(["webhook-id", ev.id], ["webhook-timestamp", String(Math.floor(at.getTime() / 1000))]);
    }
    const res = await sendRequest(
      { method: "POST", url: target.callbackUrl, headers, body: Buffer.from(body) },
      { timeoutMs: ATTEMPT_TIMEOUT_MS, maxResponseBytes: RESPONSE_EXCERPT_BYTES, followRedirects: false },
    );
    return {
      ev,
      outcome: { status: res.status },
      retryAfter: res.headers.find(([n]) => n.toLowerCase() === "retry-after")?.[1] ?? null,
      excerpt: excerptOf(res.body),
      durationMs: Math.round(performance.now() - started),
    };
  } catch (e) {
    // A fault of Patchbay's rather than the receiver's is logged, and still this event's failed attempt.
    if (!isAppError(e)) console.error(`[patchbay] delivery of event ${ev.id} failed`, e);
    const message = isAppError(e) ? e.message : "Patchbay could not send the request (see the server log).";
    return { ev, outcome: { error: message }, retryAfter: null, excerpt: null, durationMs: Math.round(performance.now() - started) };
  }
}

const errorOf = (o: TAttemptOutcome) => ("error" in o ? o.error.slice(0, 1000) : null);
const statusOf = (o: TAttemptOutcome) => ("status" in o ? o.status : null);

/** Writes attempts and the events' new states in one transaction. */
async function record(results: TResult[], at: Date): Promise<void> {
  if (results.length === 0) return;
  const now = new Date();
  const disabled = new Set<string>();
  await getDb().$transaction(async (tx) => {
    // Counted in the transaction, whatever the seq: a redelivery or a repeated claim meanwhile makes
    // another attempt, and each attempt gets its own number. Deleted meanwhile: nothing to record.
    const counted = await tx.event.updateManyAndReturn({ where: { id: { in: results.map((r) => r.ev.id) } }, data: { attemptCount: { increment: 1 } }, select: { id: true, attemptCount: true } });
    const numberOf = new Map(counted.map((c) => [c.id, c.attemptCount]));
    const kept = results.filter((r) => numberOf.has(r.ev.id));
    if (kept.length === 0) return;
    await tx.deliveryAttempt.createMany({
      data: kept.map((r) => ({ eventId: r.ev.id, number: numberOf.get(r.ev.id)!, at, statusCode: statusOf(r.outcome), durationMs: r.durationMs, error: errorOf(r.outcome), responseExcerpt: r.excerpt })),
    });
    // Delivered ones in a few statements (one per seq and status code); the rest one by one.
    const deliveredGroups = new Map<string, TResult[]>();
    const retries: Array<{ eventId: string; seq: number; at: Date }> = [];
    for (const r of kept) {
      const { ev, outcome } = r;
      const current = { id: ev.id, deliverySeq: ev.seq };
      const common = { roundAttempts: { increment: 1 }, lastAttemptAt: at, lastStatusCode: statusOf(outcome) };
      const decision = afterAttempt({ attempt: ev.roundAttempts + 1, now, retryAfter: r.retryAfter, outcome });
      switch (decision.action) {
        case "delivered": {
          const key = `${ev.seq}:${statusOf(outcome)}`;
          deliveredGroups.set(key, [...(deliveredGroups.get(key) ?? []), r]);
          break;
        }
        case "retry": {
          const { count } = await tx.event.updateMany({
            where: current,
            data: { ...common, deliveryStatus: "retrying", deliverySeq: ev.seq + 1, nextAttemptAt: decision.at, lastError: errorOf(outcome) ?? `HTTP ${statusOf(outcome)}` },
          });
          if (count === 1) retries.push({ eventId: ev.id, seq: ev.seq + 1, at: decision.at });
          break;
        }
        case "dead":
          await tx.event.updateMany({ where: current, data: { ...common, deliveryStatus: "dead", nextAttemptAt: null, lastError: decision.reason } });
          break;
        case "disable": {
          await tx.event.updateMany({ where: current, data: { ...common, deliveryStatus: "held", nextAttemptAt: null, lastError: decision.reason } });
          const { count } = await tx.eventSubscription.updateMany({ where: { id: ev.subscriptionId, deliveryDisabledReason: null }, data: { deliveryDisabledReason: decision.reason } });
          if (count === 1) disabled.add(ev.subscriptionId);
          break;
        }
      }
    }
    for (const group of deliveredGroups.values()) {
      const { ev, outcome } = group[0]!;
      await tx.event.updateMany({
        where: { id: { in: group.map((r) => r.ev.id) }, deliverySeq: ev.seq },
        data: { roundAttempts: { increment: 1 }, lastAttemptAt: at, lastStatusCode: statusOf(outcome), deliveryStatus: "delivered", deliveredAt: now, nextAttemptAt: null, lastError: null },
      });
    }
    await sendDeliverJobs(tx, retries);
  });
  for (const id of disabled) invalidate("subscription", id);
}
