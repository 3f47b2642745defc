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
import { openSecret } from "@/lib/secrets";
import { afterAttempt, type TAttemptOutcome } from "./delivery-schedule";
import { sendDeliverJob, type TDeliverJob } from "./jobs";
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

/** Makes one delivery attempt for the job's event, unless the job is outdated. */
export async function deliverEvent(job: TDeliverJob): Promise<void> {
  const db = getDb();
  const ev = await db.event.findUnique({
    where: { id: job.eventId },
    select: { id: true, subscriptionId: true, resource: true, type: true, occurredAt: true, payload: true, payloadTruncated: true, deliveryStatus: true, deliverySeq: true, roundAttempts: true },
  });
  if (!ev || ev.deliverySeq !== job.seq || (ev.deliveryStatus !== "pending" && ev.deliveryStatus !== "retrying")) return;
  const target = await targetOf(ev.subscriptionId);
  if (!target) return;
  const current = { id: ev.id, deliverySeq: job.seq };
  if (target.held) {
    await db.event.updateMany({ where: current, data: { deliveryStatus: "held", nextAttemptAt: null } });
    return;
  }

  const body = deliveryBody(ev);
  const at = new Date();
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

  const started = performance.now();
  let outcome: TAttemptOutcome;
  let retryAfter: string | null = null;
  let excerpt: string | null = null;
  try {
    const res = await sendRequest(
      { method: "POST", url: target.callbackUrl, headers, body: Buffer.from(body) },
      { timeoutMs: ATTEMPT_TIMEOUT_MS, maxResponseBytes: RESPONSE_EXCERPT_BYTES, followRedirects: false },
    );
    outcome = { status: res.status };
    retryAfter = res.headers.find(([n]) => n.toLowerCase() === "retry-after")?.[1] ?? null;
    excerpt = excerptOf(res.body);
  } catch (e) {
    if (!isAppError(e)) throw e;
    outcome = { error: e.message };
  }
  const durationMs = Math.round(performance.now() - started);
  const now = new Date();
  const decision = afterAttempt({ attempt: ev.roundAttempts + 1, now, retryAfter, outcome });

  let disabled = false;
  await db.$transaction(async (tx) => {
    // Counted in the transaction, whatever the seq: a redelivery or a repeated claim meanwhile makes
    // another attempt, and each attempt gets its own number.
    const counted = await tx.event.updateManyAndReturn({ where: { id: ev.id }, data: { attemptCount: { increment: 1 } }, select: { attemptCount: true } });
    // Deleted meanwhile (with its subscription): nothing to record.
    if (counted.length === 0) return;
    const { attemptCount } = counted[0]!;
    await tx.deliveryAttempt.create({
      data: {
        eventId: ev.id,
        number: attemptCount,
        at,
        statusCode: "status" in outcome ? outcome.status : null,
        durationMs,
        error: "error" in outcome ? outcome.error.slice(0, 1000) : null,
        responseExcerpt: excerpt,
      },
    });
    const common = { roundAttempts: { increment: 1 }, lastAttemptAt: at, lastStatusCode: "status" in outcome ? outcome.status : null };
    switch (decision.action) {
      case "delivered":
        await tx.event.updateMany({ where: current, data: { ...common, deliveryStatus: "delivered", deliveredAt: now, nextAttemptAt: null, lastError: null } });
        break;
      case "retry": {
        const { count } = await tx.event.updateMany({
          where: current,
          data: { ...common, deliveryStatus: "retrying", deliverySeq: job.seq + 1, nextAttemptAt: decision.at, lastError: "error" in outcome ? outcome.error.slice(0, 1000) : `HTTP ${outcome.status}` },
        });
        if (count === 1) await sendDeliverJob(tx, ev.id, job.seq + 1, decision.at);
        break;
      }
      case "dead":
        await tx.event.updateMany({ where: current, data: { ...common, deliveryStatus: "dead", nextAttemptAt: null, lastError: decision.reason } });
        break;
      case "disable": {
        await tx.event.updateMany({ where: current, data: { ...common, deliveryStatus: "held", nextAttemptAt: null, lastError: decision.reason } });
        const { count } = await tx.eventSubscription.updateMany({ where: { id: ev.subscriptionId, deliveryDisabledReason: null }, data: { deliveryDisabledReason: decision.reason } });
        disabled = count === 1;
        break;
      }
    }
  });
  if (disabled) invalidate("subscription", ev.subscriptionId);
}
