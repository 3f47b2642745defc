import "server-only";
// Event subscriptions (SPEC §9): create, edit, pause/resume, delete, signature keys. Validates
// (schema.ts on both sides, validate.ts here), audits without secret values, and writes each change
// with the jobs it starts in one transaction (jobs.ts).
import { audit, type TActor } from "@/lib/audit";
import { invalidate } from "@/lib/cache/invalidation";
import { getDb, rethrowNameTaken, type TTx } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { outboundUrlProblem } from "@/lib/http/execute";
import { openSecret, sealSecret } from "@/lib/secrets";
import { sendDeliverJob, sendPollJob } from "./jobs";
import { ZResource, type TResource, type TSubscriptionInput, type TSubscriptionType, type TVerifyMode } from "./schema";
import { generateSigningKey, SIGNING_KEY_ROTATION_GRACE_MS } from "./signing";
import { validateSubscription } from "./validate";

/** Consecutive failed polls after which a subscription shows "Failing". */
export const FAILING_AFTER = 3;

export type TSubscriptionStatus = "Active" | "Paused" | "Failing" | "Delivery stopped";

export const subscriptionSlot = (recordId: string, field: "signingKey" | "previousSigningKey" | "verifySecret") => ({ model: "EventSubscription", field, recordId });

export const notFound = () => new AppError("NOT_FOUND", "This subscription no longer exists.");

export function statusOf(s: { paused: boolean; deliveryDisabledReason: string | null; consecutiveFailures: number }): TSubscriptionStatus {
  if (s.paused) return "Paused";
  if (s.deliveryDisabledReason) return "Delivery stopped";
  if (s.consecutiveFailures >= FAILING_AFTER) return "Failing";
  return "Active";
}

/** The inbound URL of a webhook subscription (to register at the vendor). */
export function hookUrlOf(subscriptionId: string): string {
  return `${env().PATCHBAY_URL}/api/hooks/${subscriptionId}`;
}

/** The stored resources; rows that no longer parse (never written so) are left out. */
export function resourcesOf(json: string): TResource[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((r) => {
    const parsed = ZResource.safeParse(r);
    return parsed.success ? [parsed.data] : [];
  });
}

export type TSubscriptionRow = {
  id: string;
  name: string;
  serviceId: string;
  serviceName: string;
  type: TSubscriptionType;
  environmentId: string | null;
  environmentName: string | null;
  status: TSubscriptionStatus;
  lastPollAt: Date | null;
  lastPollError: string | null;
  events24h: number;
  /** Events whose delivery is retrying or dead-lettered. */
  failingDeliveries: number;
};

export type TSubscriptionDetail = TSubscriptionRow & {
  callbackUrl: string;
  hasSigningKey: boolean;
  /** Set while a rotated-out key still signs. */
  previousKeyUntil: Date | null;
  paused: boolean;
  refreshMinutes: number | null;
  resources: TResource[];
  emitExisting: boolean;
  pageLimit: number;
  verifyMode: TVerifyMode;
  verifyHeader: string;
  hasVerifySecret: boolean;
  /** Webhook subscriptions: where the vendor sends its messages. */
  hookUrl: string | null;
  nextPollAt: Date | null;
  consecutiveFailures: number;
  deliveryDisabledReason: string | null;
  createdAt: Date;
};

/** Subscriptions with their counts: one query for the rows, one grouped count each over their ids. */
async function subscriptionDetails(where: { id?: string }): Promise<TSubscriptionDetail[]> {
  const db = getDb();
  const rows = await db.eventSubscription.findMany({
    where,
    orderBy: [{ name: "asc" }, { id: "asc" }],
    include: { service: { select: { name: true } }, environment: { select: { name: true } } },
    omit: { signingKey: false, verifySecret: false },
  });
  if (rows.length === 0) return [];
  const ids = where.id ? { subscriptionId: where.id } : {};
  const since = new Date(Date.now() - 24 * 3_600_000);
  const [recent, failing] = await Promise.all([
    db.event.groupBy({ by: ["subscriptionId"], where: { ...ids, createdAt: { gte: since } }, _count: { _all: true } }),
    db.event.groupBy({ by: ["subscriptionId"], where: { ...ids, deliveryStatus: { in: ["retrying", "dead"] } }, _count: { _all: true } }),
  ]);
  const recentBy = new Map(recent.map((r) => [r.subscriptionId, r._count._all]));
  const failingBy = new Map(failing.map((r) => [r.subscriptionId, r._count._all]));
  const now = Date.now();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    serviceId: r.serviceId,
    serviceName: r.service.name,
    type: r.type as TSubscriptionType,
    environmentId: r.environmentId,
    environmentName: r.environment?.name ?? null,
    status: statusOf(r),
    lastPollAt: r.lastPollAt,
    lastPollError: r.lastPollError,
    events24h: recentBy.get(r.id) ?? 0,
    failingDeliveries: failingBy.get(r.id) ?? 0,
    callbackUrl: r.callbackUrl,
    hasSigningKey: r.signingKey !== null,
    previousKeyUntil: r.previousKeyUntil && r.previousKeyUntil.getTime() > now ? r.previousKeyUntil : null,
    paused: r.paused,
    refreshMinutes: r.refreshMinutes,
    resources: resourcesOf(r.resources),
    emitExisting: r.emitExisting,
    pageLimit: r.pageLimit,
    verifyMode: r.verifyMode as TVerifyMode,
    verifyHeader: r.verifyHeader ?? "",
    hasVerifySecret: r.verifySecret !== null,
    hookUrl: r.type === "WEBHOOK" ? hookUrlOf(r.id) : null,
    nextPollAt: r.type === "POLLING" && !r.paused ? r.nextPollAt : null,
    consecutiveFailures: r.consecutiveFailures,
    deliveryDisabledReason: r.deliveryDisabledReason,
    createdAt: r.createdAt,
  }));
}

/** Every subscription, by name (then id). */
export function listSubscriptions(): Promise<TSubscriptionDetail[]> {
  return subscriptionDetails({});
}

export async function getSubscription(id: string): Promise<TSubscriptionDetail | null> {
  return (await subscriptionDetails({ id }))[0] ?? null;
}

/** Services and environments to choose from in the form. */
export async function subscriptionChoices(): Promise<{ services: Array<{ id: string; name: string }>; environments: Array<{ id: string; name: string }> }> {
  const db = getDb();
  const [services, environments] = await Promise.all([
    db.service.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
    db.environment.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
  ]);
  return { services, environments };
}

/** The columns an input writes (secrets apart). */
function columnsOf(input: TSubscriptionInput) {
  const polling = input.type === "POLLING";
  const webhook = input.type === "WEBHOOK";
  return {
    name: input.name,
    serviceId: input.serviceId,
    environmentId: input.environmentId || null,
    type: input.type,
    callbackUrl: input.callbackUrl,
    refreshMinutes: polling ? (input.refreshMinutes ?? null) : null,
    resources: JSON.stringify(polling ? input.resources : []),
    emitExisting: polling && input.emitExisting,
    pageLimit: input.pageLimit,
    verifyMode: webhook ? input.verifyMode : "NONE",
    verifyHeader: webhook && input.verifyMode === "HMAC_SHA256" ? input.verifyHeader : null,
  };
}

/** The next poll after a change: right away if never polled, else one interval after the last. */
function nextPollAfterChange(lastPollAt: Date | null, refreshMinutes: number, now: Date): Date {
  if (!lastPollAt) return now;
  return new Date(Math.max(now.getTime(), lastPollAt.getTime() + refreshMinutes * 60_000));
}

/** Starts a new poll chain (the old one's jobs find their seq outdated and stop). */
async function restartPolling(tx: TTx, id: string, at: Date | null): Promise<void> {
  const row = await tx.eventSubscription.update({ where: { id }, data: { pollSeq: { increment: 1 }, nextPollAt: at }, select: { pollSeq: true } });
  if (at) await sendPollJob(tx, id, row.pollSeq, at);
}

export async function createSubscription(input: TSubscriptionInput, actor: TActor): Promise<{ id: string }> {
  const callbackProblem = await outboundUrlProblem(input.callbackUrl);
  try {
    const id = await getDb().$transaction(async (tx) => {
      await validateSubscription(tx, input, { hasVerifySecret: false, callbackProblem });
      const now = new Date();
      const row = await tx.eventSubscription.create({ data: { ...columnsOf(input), enabledAt: now, createdById: actor?.id ?? null }, select: { id: true } });
      await tx.eventSubscription.update({
        where: { id: row.id },
        data: {
          signingKey: input.signingKey && !input.removeSigningKey ? sealSecret(input.signingKey, subscriptionSlot(row.id, "signingKey")) : null,
          verifySecret: input.type === "WEBHOOK" && input.verifyMode !== "NONE" && input.verifySecret ? sealSecret(input.verifySecret, subscriptionSlot(row.id, "verifySecret")) : null,
        },
      });
      if (input.type === "POLLING") await restartPolling(tx, row.id, now);
      await audit({ actor, action: "create", objectType: "EventSubscription", objectId: row.id, objectName: input.name, details: { type: input.type, signed: Boolean(input.signingKey) } }, tx);
      return row.id;
    });
    invalidate("subscription", id);
    return { id };
  } catch (e) {
    rethrowNameTaken(e, "A subscription");
  }
}

export async function updateSubscription(id: string, input: TSubscriptionInput, actor: TActor): Promise<void> {
  const callbackProblem = await outboundUrlProblem(input.callbackUrl);
  try {
    await getDb().$transaction(async (tx) => {
      const before = await tx.eventSubscription.findUnique({ where: { id }, omit: { verifySecret: false } });
      if (!before) throw notFound();
      const keepVerifySecret = before.verifySecret !== null && input.verifyMode === before.verifyMode;
      await validateSubscription(tx, input, { hasVerifySecret: keepVerifySecret, callbackProblem });
      const columns = columnsOf(input);
      const secrets: { signingKey?: string | null; previousSigningKey?: null; previousKeyUntil?: null; verifySecret?: string | null } = {};
      if (input.removeSigningKey) Object.assign(secrets, { signingKey: null, previousSigningKey: null, previousKeyUntil: null });
      else if (input.signingKey) secrets.signingKey = sealSecret(input.signingKey, subscriptionSlot(id, "signingKey"));
      if (input.type !== "WEBHOOK" || input.verifyMode === "NONE") secrets.verifySecret = null;
      else if (input.verifySecret) secrets.verifySecret = sealSecret(input.verifySecret, subscriptionSlot(id, "verifySecret"));
      else if (!keepVerifySecret) secrets.verifySecret = null;
      await tx.eventSubscription.update({ where: { id }, data: { ...columns, ...secrets } });
      // Resources that are gone take their ledger along; a resource added later starts afresh.
      const kept = input.type === "POLLING" ? input.resources.map((r) => r.name) : [];
      await tx.seenItem.deleteMany({ where: { subscriptionId: id, resource: { notIn: kept } } });
      const state = JSON.parse(before.pollState) as Record<string, unknown>;
      const keptState = Object.fromEntries(Object.entries(state).filter(([name]) => kept.includes(name)));
      // A poll in flight read the old resources: its commit is refused (the version moves).
      await tx.eventSubscription.update({ where: { id }, data: { pollState: JSON.stringify(keptState), pollVersion: { increment: 1 } } });
      if (input.type === "POLLING" && !before.paused) await restartPolling(tx, id, nextPollAfterChange(before.lastPollAt, input.refreshMinutes!, new Date()));
      else if (before.type === "POLLING") await restartPolling(tx, id, null);
      const changed: string[] = (Object.keys(columns) as Array<keyof typeof columns>).filter((k) => String(columns[k]) !== String(before[k]));
      if (secrets.signingKey !== undefined) changed.push("signingKey");
      if (secrets.verifySecret !== undefined && (secrets.verifySecret !== null || before.verifySecret !== null)) changed.push("verifySecret");
      await audit({ actor, action: "update", objectType: "EventSubscription", objectId: id, objectName: input.name, details: { fields: changed } }, tx);
    });
    invalidate("subscription", id);
  } catch (e) {
    rethrowNameTaken(e, "A subscription");
  }
}

/** Deletes the subscription with its events, attempts and ledger (its jobs find nothing to do). */
export async function deleteSubscription(id: string, actor: TActor): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const row = await tx.eventSubscription.findUnique({ where: { id }, select: { name: true, _count: { select: { events: true } } } });
    if (!row) throw notFound();
    await tx.eventSubscription.delete({ where: { id } });
    await audit({ actor, action: "delete", objectType: "EventSubscription", objectId: id, objectName: row.name, details: { events: row._count.events } }, tx);
  });
  invalidate("subscription", id);
}

/** Sends the held deliveries of a subscription again (after a resume or when delivery is enabled again). */
async function releaseHeld(tx: TTx, subscriptionId: string): Promise<number> {
  const held = await tx.event.findMany({ where: { subscriptionId, deliveryStatus: "held" }, select: { id: true, deliverySeq: true } });
  for (const e of held) {
    await tx.event.update({ where: { id: e.id }, data: { deliveryStatus: "pending", deliverySeq: e.deliverySeq + 1, roundAttempts: 0, nextAttemptAt: new Date() } });
    await sendDeliverJob(tx, e.id, e.deliverySeq + 1);
  }
  return held.length;
}

/**
 * Pause: no polls, no deliveries (they wait as "held"), and a webhook's inbound URL answers 404.
 * Resume: polling starts again (the next poll at once if one was missed) and held events are sent.
 */
export async function setPaused(id: string, paused: boolean, actor: TActor): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const row = await tx.eventSubscription.findUnique({ where: { id }, select: { name: true, type: true, paused: true, refreshMinutes: true, lastPollAt: true, deliveryDisabledReason: true } });
    if (!row) throw notFound();
    if (row.paused === paused) return;
    const now = new Date();
    await tx.eventSubscription.update({ where: { id }, data: { paused, ...(paused ? {} : { enabledAt: now }) } });
    if (row.type === "POLLING") await restartPolling(tx, id, paused ? null : nextPollAfterChange(row.lastPollAt, row.refreshMinutes ?? 1, now));
    if (!paused && !row.deliveryDisabledReason) await releaseHeld(tx, id);
    await audit({ actor, action: paused ? "pause" : "resume", objectType: "EventSubscription", objectId: id, objectName: row.name }, tx);
  });
  invalidate("subscription", id);
}

/** After a 410 Gone stopped delivery: deliveries start again, held events first. */
export async function enableDelivery(id: string, actor: TActor): Promise<number> {
  const released = await getDb().$transaction(async (tx) => {
    const row = await tx.eventSubscription.findUnique({ where: { id }, select: { name: true, paused: true, deliveryDisabledReason: true } });
    if (!row) throw notFound();
    if (!row.deliveryDisabledReason) return 0;
    await tx.eventSubscription.update({ where: { id }, data: { deliveryDisabledReason: null } });
    const n = row.paused ? 0 : await releaseHeld(tx, id);
    await audit({ actor, action: "update", objectType: "EventSubscription", objectId: id, objectName: row.name, details: { deliveryEnabled: true, released: n } }, tx);
    return n;
  });
  invalidate("subscription", id);
  return released;
}

/**
 * A new signature key; the current one keeps signing next to it for 24 h (both signatures in one
 * header), so receivers can switch without missing a delivery. Returns the new key: shown once.
 */
export async function rotateSigningKey(id: string, actor: TActor): Promise<{ key: string; previousKeyUntil: Date | null }> {
  const result = await getDb().$transaction(async (tx) => {
    const row = await tx.eventSubscription.findUnique({ where: { id }, select: { name: true, signingKey: true } });
    if (!row) throw notFound();
    const key = generateSigningKey();
    const previousKeyUntil = row.signingKey ? new Date(Date.now() + SIGNING_KEY_ROTATION_GRACE_MS) : null;
    // The old key keeps its envelope, re-sealed under the previous-key slot.
    const previous = row.signingKey ? sealSecret(openSecret(row.signingKey, subscriptionSlot(id, "signingKey")), subscriptionSlot(id, "previousSigningKey")) : null;
    await tx.eventSubscription.update({
      where: { id },
      data: { signingKey: sealSecret(key, subscriptionSlot(id, "signingKey")), previousSigningKey: previous, previousKeyUntil },
    });
    await audit({ actor, action: "update", objectType: "EventSubscription", objectId: id, objectName: row.name, details: { signingKey: previous ? "rotated" : "generated" } }, tx);
    return { key, previousKeyUntil };
  });
  invalidate("subscription", id);
  return result;
}

/** Redelivers one event: a new round of attempts, whatever its state. */
export async function redeliverEvent(eventId: string, actor: TActor): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const e = await tx.event.findUnique({ where: { id: eventId }, select: { deliverySeq: true, subscriptionId: true, subscription: { select: { name: true } } } });
    if (!e) throw new AppError("NOT_FOUND", "This event no longer exists.");
    await tx.event.update({ where: { id: eventId }, data: { deliveryStatus: "pending", deliverySeq: e.deliverySeq + 1, roundAttempts: 0, nextAttemptAt: new Date() } });
    await sendDeliverJob(tx, eventId, e.deliverySeq + 1);
    await audit({ actor, action: "redeliver", objectType: "EventSubscription", objectId: e.subscriptionId, objectName: e.subscription.name, details: { event: eventId } }, tx);
  });
}

/**
 * "Redeliver failed since…": every event of the subscription stored since `since` whose delivery
 * failed — dead-lettered, or still retrying (attempted again now instead of at its next time).
 */
export async function redeliverFailedSince(subscriptionId: string, since: Date, actor: TActor): Promise<number> {
  const BATCH = 500;
  const sub = await getDb().eventSubscription.findUnique({ where: { id: subscriptionId }, select: { name: true } });
  if (!sub) throw notFound();
  let total = 0;
  for (;;) {
    const n = await getDb().$transaction(async (tx) => {
      const batch = await tx.event.findMany({ where: { subscriptionId, deliveryStatus: { in: ["dead", "retrying"] }, createdAt: { gte: since } }, select: { id: true, deliverySeq: true }, take: BATCH });
      for (const e of batch) {
        await tx.event.update({ where: { id: e.id }, data: { deliveryStatus: "pending", deliverySeq: e.deliverySeq + 1, roundAttempts: 0, nextAttemptAt: new Date() } });
        await sendDeliverJob(tx, e.id, e.deliverySeq + 1);
      }
      return batch.length;
    });
    total += n;
    if (n < BATCH) break;
  }
  await audit({ actor, action: "redeliver", objectType: "EventSubscription", objectId: subscriptionId, objectName: sub.name, details: { since: since.toISOString(), events: total } });
  return total;
}

