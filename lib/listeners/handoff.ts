import "server-only";
// Handing a stored message on (SPEC §10, issue 13 item 3), as a background job (jobs.ts):
// - Forward: the message's body POSTed as it came (its content type kept) to the callback URL
//   through the one request path, signed per Standard Webhooks when a key is set (webhook-id = the
//   message id, stable across retries); retries, Retry-After and the dead letter as event
//   deliveries (lib/events/delivery-schedule.ts). A 410 dead-letters the message (a listener has no
//   delivery to stop: each message names its own target).
// - Run a connector: the body becomes the connector's body, mapped query parameters and headers its
//   path and query parameters; run once in the listener's environment, its result (status,
//   outputs, error) kept with the message. Replay runs it again.
// Each attempt is recorded with the message's new state in one transaction.
import { getDb } from "@/lib/db";
import { getConnectorCached } from "@/lib/connectors/queries";
import { runConnector } from "@/lib/connectors/run";
import { afterAttempt, type TAttemptOutcome } from "@/lib/events/delivery-schedule";
import { activeSigningKeys, signDelivery } from "@/lib/events/signing";
import { isAppError } from "@/lib/errors";
import { sendRequest } from "@/lib/http/execute";
import { maskValues } from "@/lib/http/request-parts";
import { environmentRuntime } from "@/lib/environments/runtime";
import { openSecret } from "@/lib/secrets";
import { sendHandOffJobs, type THandOffJob } from "./jobs";
import type { TConnectorResult } from "./queries";
import type { TMappingRow } from "./schema";
import { listenerSlot, mappingOf } from "./store";

export const FORWARD_TIMEOUT_MS = 15_000;
const EXCERPT_BYTES = 4096;
const USER_AGENT = "Patchbay-Listener/1";

const excerptOf = (body: Buffer) => (body.length === 0 ? null : body.subarray(0, EXCERPT_BYTES).toString("utf8").replace(/\u0000/g, "\uFFFD"));

/** The connector's path and query parameters from the message's query string and headers. */
export function mappedInputs(mapping: TMappingRow[], query: string, headers: Array<[string, string]>): { pathParams: Record<string, string>; queryParams: Array<[string, string]> } {
  const params = new URLSearchParams(query);
  const pathParams: Record<string, string> = {};
  const queryParams: Array<[string, string]> = [];
  for (const m of mapping) {
    const value = m.from === "query" ? params.get(m.name) : (headers.find(([n]) => n.toLowerCase() === m.name.toLowerCase())?.[1] ?? null);
    if (value === null) continue;
    if (m.to === "path") pathParams[m.param] = value;
    else queryParams.push([m.param, value]);
  }
  return { pathParams, queryParams };
}

/** An AppError's message; anything else logged, and named in general terms. */
function failureOf(e: unknown, what: string): string {
  if (isAppError(e)) return e.message;
  console.error(`[patchbay] listener hand-off: ${what}`, e);
  return `Patchbay failed: ${what} (see the server log).`;
}

/** The secret variable values of an environment, to mask in what is stored and shown. */
async function secretValuesOf(environmentId: string | null): Promise<string[]> {
  if (!environmentId) return [];
  try {
    return (await environmentRuntime(environmentId))?.secretValues ?? [];
  } catch {
    return [];
  }
}

/** One hand-off attempt of the job's message, unless the job is outdated. */
export async function handOffMessage(job: THandOffJob): Promise<void> {
  const db = getDb();
  const m = await db.inboundMessage.findUnique({
    where: { id: job.messageId },
    omit: { body: false },
    include: { listener: { omit: { signingKey: false } } },
  });
  if (!m || m.targetSeq !== job.seq || (m.status !== "pending" && m.status !== "retrying")) return;
  const l = m.listener;
  const at = new Date();
  const started = performance.now();
  const headers = JSON.parse(m.headers) as Array<[string, string]>;

  if (l.target === "CONNECTOR" && l.connectorId) {
    let result: TConnectorResult;
    let outcome: TAttemptOutcome;
    let excerpt: string | null = null;
    // A failure before or while running is this message's failed run, recorded, not a job that fails
    // and runs again (a connector may not be idempotent).
    let def: Awaited<ReturnType<typeof getConnectorCached>> = null;
    let readFailure: string | null = null;
    try {
      def = await getConnectorCached(l.connectorId);
    } catch (e) {
      readFailure = failureOf(e, "the connector could not be read");
    }
    if (!def) {
      result = { status: null, outputs: null, error: readFailure ?? "The listener's connector no longer exists." };
      outcome = { error: result.error! };
    } else {
      try {
        const { pathParams, queryParams } = mappedInputs(mappingOf(l.mapping), m.query, headers);
        const res = await runConnector({
          def,
          connectorId: def.id,
          name: def.name,
          inputs: { pathParams, queryParams, headers: {}, formParams: [], ...(def.bodyType === "JSON" ? { body: Buffer.from(m.body).toString("utf8") } : {}) },
          actor: { id: l.createdById ?? "", email: `listener:${l.name}` },
          action: "run",
          environment: l.environmentId,
          bodyVerbatim: true,
        });
        result = { status: res.status, outputs: res.outputs ?? null, error: null };
        outcome = { status: res.status };
        excerpt = excerptOf(res.body);
      } catch (e) {
        const error = maskValues(failureOf(e, "the connector run failed"), await secretValuesOf(l.environmentId));
        result = { status: null, outputs: null, error };
        outcome = { error };
      }
    }
    const ok = "status" in outcome && outcome.status >= 200 && outcome.status <= 299;
    await record(m.id, job.seq, at, started, outcome, excerpt, {
      status: ok ? "delivered" : "failed",
      lastError: ok ? null : "error" in outcome ? outcome.error : `HTTP ${outcome.status}`,
      result: JSON.stringify(result),
    });
    return;
  }

  if (l.target !== "FORWARD" || !l.callbackUrl) {
    // The target was changed to Store only meanwhile: nothing to hand on.
    await db.inboundMessage.updateMany({ where: { id: m.id, targetSeq: job.seq }, data: { status: "stored", nextAttemptAt: null } });
    return;
  }
  const body = Buffer.from(m.body);
  const out: Array<[string, string]> = [
    ["content-type", m.contentType ?? "application/octet-stream"],
    ["user-agent", USER_AGENT],
  ];
  let outcome: TAttemptOutcome;
  let retryAfter: string | null = null;
  let excerpt: string | null = null;
  try {
    const key = l.signingKey ? openSecret(l.signingKey, listenerSlot(l.id, "signingKey")) : null;
    if (key) for (const [name, value] of Object.entries(signDelivery({ keys: activeSigningKeys({ current: key, now: at }), id: m.id, timestamp: at, body }))) out.push([name, value]);
    else out.push(["webhook-id", m.id], ["webhook-timestamp", String(Math.floor(at.getTime() / 1000))]);
    const res = await sendRequest({ method: "POST", url: l.callbackUrl, headers: out, body }, { timeoutMs: FORWARD_TIMEOUT_MS, maxResponseBytes: EXCERPT_BYTES, followRedirects: false });
    outcome = { status: res.status };
    retryAfter = res.headers.find(([n]) => n.toLowerCase() === "retry-after")?.[1] ?? null;
    excerpt = excerptOf(res.body);
  } catch (e) {
    // Whatever stopped it (the key unreadable, a fault of Patchbay's) is this attempt's error.
    outcome = { error: failureOf(e, "the request could not be sent") };
  }
  const decision = afterAttempt({ attempt: m.roundAttempts + 1, now: new Date(), retryAfter, outcome });
  const lastError = "error" in outcome ? outcome.error.slice(0, 1000) : `HTTP ${outcome.status}`;
  switch (decision.action) {
    case "delivered":
      await record(m.id, job.seq, at, started, outcome, excerpt, { status: "delivered", lastError: null });
      break;
    case "retry":
      await record(m.id, job.seq, at, started, outcome, excerpt, { status: "retrying", lastError, next: decision.at });
      break;
    case "dead":
      await record(m.id, job.seq, at, started, outcome, excerpt, { status: "dead", lastError: decision.reason });
      break;
    case "disable":
      await record(m.id, job.seq, at, started, outcome, excerpt, { status: "dead", lastError: "The callback answered 410 Gone: it no longer accepts these messages." });
      break;
  }
}

/** The attempt and the message's new state in one transaction (and the retry's job, when there is one). */
async function record(
  id: string,
  seq: number,
  at: Date,
  started: number,
  outcome: TAttemptOutcome,
  excerpt: string | null,
  next: { status: "delivered" | "retrying" | "dead" | "failed"; lastError: string | null; result?: string; next?: Date },
): Promise<void> {
  const durationMs = Math.round(performance.now() - started);
  await getDb().$transaction(async (tx) => {
    const counted = await tx.inboundMessage.updateManyAndReturn({ where: { id }, data: { attemptCount: { increment: 1 } }, select: { attemptCount: true } });
    if (counted.length === 0) return; // deleted meanwhile
    await tx.messageAttempt.create({
      data: { messageId: id, number: counted[0]!.attemptCount, at, statusCode: "status" in outcome ? outcome.status : null, durationMs, error: "error" in outcome ? outcome.error.slice(0, 1000) : null, responseExcerpt: excerpt },
    });
    const { count } = await tx.inboundMessage.updateMany({
      where: { id, targetSeq: seq },
      data: {
        status: next.status,
        roundAttempts: { increment: 1 },
        lastAttemptAt: at,
        lastStatusCode: "status" in outcome ? outcome.status : null,
        lastError: next.lastError?.slice(0, 1000) ?? null,
        ...(next.result !== undefined ? { result: next.result } : {}),
        ...(next.status === "retrying" ? { targetSeq: seq + 1, nextAttemptAt: next.next } : { nextAttemptAt: null }),
        ...(next.status === "delivered" ? { handedOnAt: new Date() } : {}),
      },
    });
    if (count === 1 && next.status === "retrying") await sendHandOffJobs(tx, [{ messageId: id, seq: seq + 1, at: next.next }]);
  });
}

/** Hand-offs still under way: retention keeps them. */
const OPEN = ["pending", "retrying"];

/**
 * Deletes messages older than their listener's retention (hourly job), in batches so that no single
 * transaction holds the database for long. Messages still being handed on (pending, retrying) are
 * kept whatever their age, as undelivered events are: a retention shorter than the retry schedule
 * must not drop a message before its last attempt. Returns how many were deleted.
 */
export async function pruneMessages(now = new Date()): Promise<number> {
  const db = getDb();
  let total = 0;
  for (const l of await db.listener.findMany({ select: { id: true, retentionDays: true } })) {
    const before = new Date(now.getTime() - l.retentionDays * 86_400_000);
    for (;;) {
      const batch = await db.inboundMessage.findMany({ where: { listenerId: l.id, receivedAt: { lt: before }, status: { notIn: OPEN } }, select: { id: true }, take: 1000 });
      if (batch.length === 0) break;
      const { count } = await db.inboundMessage.deleteMany({ where: { id: { in: batch.map((m) => m.id) } } });
      total += count;
    }
  }
  return total;
}
