import "server-only";
// The dashboard's numbers (issue 15): how many of each object there are and what needs attention
// (attention.ts decides what the rows mean); the runs are in runs.ts. Attention spans every
// environment; API tokens are scoped as the API tokens page scopes them (an admin sees everybody's,
// a member only their own).
import type { TSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { FAILING_AFTER, statusOf } from "@/lib/events/store";
import { attentionItems, type TAttentionInput, type TAttentionItem } from "./attention";

export type TDashboardCounts = {
  authConfigs: number;
  services: number;
  connectors: number;
  environments: number;
  subscriptions: number;
  listeners: number;
};

export async function dashboardCounts(): Promise<TDashboardCounts> {
  const db = getDb();
  const [authConfigs, services, connectors, environments, subscriptions, listeners] = await Promise.all([
    db.authConfig.count(),
    db.service.count(),
    db.connector.count(),
    db.environment.count(),
    db.eventSubscription.count(),
    db.listener.count(),
  ]);
  return { authConfigs, services, connectors, environments, subscriptions, listeners };
}

/** API tokens are listed this many days before they expire, and for as long after. */
export const TOKEN_WINDOW_DAYS = 7;
const DAY = 86_400_000;

const latest = (d: Date | null | undefined) => d?.getTime() ?? 0;

async function reconnects(): Promise<TAttentionInput["reconnects"]> {
  const rows = await getDb().oAuthToken.findMany({
    where: { needsReconnect: true },
    orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
    select: { authConfigId: true, connection: true, needsReconnectReason: true, authConfig: { select: { name: true } }, environment: { select: { name: true } } },
  });
  // One item per connection: with per-user tokens several owners may have been refused.
  const seen = new Set<string>();
  return rows.flatMap((r) => {
    const key = `${r.authConfigId}\n${r.connection}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ configId: r.authConfigId, configName: r.authConfig.name, environmentName: r.connection === "" ? null : (r.environment?.name ?? null), reason: r.needsReconnectReason }];
  });
}

async function failedTests(): Promise<TAttentionInput["failedTests"]> {
  const rows = await getDb().authConfig.findMany({
    where: { lastTestOk: false },
    orderBy: [{ lastTestAt: "desc" }, { id: "asc" }],
    select: { id: true, name: true, lastTestAt: true, lastTestMessage: true },
  });
  return rows.map((r) => ({ configId: r.id, configName: r.name, at: r.lastTestAt, message: r.lastTestMessage }));
}

async function subscriptionsAndDeadLetters(): Promise<Pick<TAttentionInput, "subscriptions" | "deadLetters">> {
  const db = getDb();
  // Uses the (subscriptionId, deliveryStatus) index: only events still failing are counted.
  const failing = await db.event.groupBy({
    by: ["subscriptionId", "deliveryStatus"],
    where: { deliveryStatus: { in: ["retrying", "dead"] } },
    _count: { _all: true },
    _max: { lastAttemptAt: true },
  });
  const retryingBy = new Map<string, number>();
  const deadBy = new Map<string, { count: number; at: number }>();
  for (const g of failing) {
    if (g.deliveryStatus === "retrying") retryingBy.set(g.subscriptionId, g._count._all);
    else deadBy.set(g.subscriptionId, { count: g._count._all, at: latest(g._max.lastAttemptAt) });
  }
  const rows = await db.eventSubscription.findMany({
    where: {
      OR: [
        { deliveryDisabledReason: { not: null } },
        { consecutiveFailures: { gte: FAILING_AFTER } },
        { id: { in: [...new Set([...retryingBy.keys(), ...deadBy.keys()])] } },
      ],
    },
    orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
    select: { id: true, name: true, paused: true, deliveryDisabledReason: true, consecutiveFailures: true, lastPollError: true },
  });
  const subscriptions = rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: statusOf(r),
    consecutiveFailures: r.consecutiveFailures,
    lastPollError: r.lastPollError,
    deliveryDisabledReason: r.deliveryDisabledReason,
    retrying: retryingBy.get(r.id) ?? 0,
  }));
  const deadLetters = rows
    .filter((r) => deadBy.has(r.id))
    .sort((a, b) => deadBy.get(b.id)!.at - deadBy.get(a.id)!.at)
    .map((r) => ({ subscriptionId: r.id, subscriptionName: r.name, count: deadBy.get(r.id)!.count }));
  return { subscriptions, deadLetters };
}

async function failingListeners(): Promise<TAttentionInput["listeners"]> {
  const db = getDb();
  const groups = await db.inboundMessage.groupBy({
    by: ["listenerId", "status"],
    where: { status: { in: ["retrying", "failed", "dead"] } },
    _count: { _all: true },
    _max: { receivedAt: true },
  });
  const by = new Map<string, { retrying: number; failed: number; dead: number; at: number }>();
  for (const g of groups) {
    const entry = by.get(g.listenerId) ?? { retrying: 0, failed: 0, dead: 0, at: 0 };
    entry[g.status as "retrying" | "failed" | "dead"] = g._count._all;
    entry.at = Math.max(entry.at, latest(g._max.receivedAt));
    by.set(g.listenerId, entry);
  }
  if (by.size === 0) return [];
  const rows = await db.listener.findMany({ where: { id: { in: [...by.keys()] } }, select: { id: true, name: true } });
  return rows
    .map((r) => ({ id: r.id, name: r.name, ...by.get(r.id)! }))
    .sort((a, b) => b.at - a.at)
    .map((l) => ({ id: l.id, name: l.name, retrying: l.retrying, failed: l.failed, dead: l.dead }));
}

async function expiringTokens(viewer: TSessionUser, now: Date): Promise<TAttentionInput["tokens"]> {
  const rows = await getDb().apiToken.findMany({
    where: {
      ...(viewer.role === "ADMIN" ? {} : { userId: viewer.id }),
      revokedAt: null,
      user: { active: true },
      expiresAt: { gt: new Date(now.getTime() - TOKEN_WINDOW_DAYS * DAY), lte: new Date(now.getTime() + TOKEN_WINDOW_DAYS * DAY) },
    },
    orderBy: [{ expiresAt: "asc" }, { id: "asc" }],
    select: { id: true, name: true, expiresAt: true, userId: true, user: { select: { name: true } } },
  });
  return rows.map((r) => ({ id: r.id, name: r.name, expiresAt: r.expiresAt!, owner: r.userId === viewer.id ? null : r.user.name }));
}

/** What needs attention, as `viewer` may see it, errors first (see attention.ts). */
export async function dashboardAttention(viewer: TSessionUser, now = new Date()): Promise<TAttentionItem[]> {
  const [r, t, s, l, k] = await Promise.all([reconnects(), failedTests(), subscriptionsAndDeadLetters(), failingListeners(), expiringTokens(viewer, now)]);
  return attentionItems({ now, reconnects: r, failedTests: t, ...s, listeners: l, tokens: k });
}
