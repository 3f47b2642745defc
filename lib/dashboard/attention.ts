// What needs attention on the dashboard (issue 15): one typed list built from what the queries found,
// each item naming the object and linking to the page where it is fixed. Pure: lib/dashboard/queries.ts
// reads the rows, this decides what they mean, in what order, and how many are shown.

export type TAttentionKind =
  | "auth-reconnect"
  | "auth-test-failed"
  | "subscription-stopped"
  | "subscription-failing"
  | "subscription-retrying"
  | "dead-letters"
  | "listener-failing"
  | "token-expired"
  | "token-expiring";

export type TAttentionSeverity = "error" | "warning";

export type TAttentionItem = {
  kind: TAttentionKind;
  title: string;
  detail: string;
  href: string;
  severity: TAttentionSeverity;
};

export type TAttentionInput = {
  now: Date;
  /** Connections of a configuration whose tokens were refused for good; newest first. */
  reconnects: { configId: string; configName: string; environmentName: string | null; reason: string | null }[];
  /** Configurations whose last Test failed; newest first. */
  failedTests: { configId: string; configName: string; at: Date | null; message: string | null }[];
  /** Subscriptions that are not paused, with their state (lib/events/store.ts statusOf); newest first. */
  subscriptions: {
    id: string;
    name: string;
    status: "Active" | "Paused" | "Failing" | "Delivery stopped";
    consecutiveFailures: number;
    lastPollError: string | null;
    deliveryDisabledReason: string | null;
    /** Events whose delivery is being retried. */
    retrying: number;
  }[];
  /** Dead-lettered events per subscription; most recent first. */
  deadLetters: { subscriptionId: string; subscriptionName: string; count: number }[];
  /** Listeners with messages whose hand-off failed or is being retried; most recent first. */
  listeners: { id: string; name: string; retrying: number; failed: number; dead: number }[];
  /** Live API tokens (not revoked, user active) that expire soon or expired lately; owner null = the viewer's own. */
  tokens: { id: string; name: string; expiresAt: Date; owner: string | null }[];
};

/** Items shown per kind; the rest are summed up in one item linking to the list. */
export const MAX_PER_KIND = 20;

const DAY = 86_400_000;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const utc = (d: Date) => `${d.toISOString().replace("T", " ").slice(0, 16)} UTC`;

/** "in 3 days", "today", "1 day ago": whole days, rounded the way a person reads a date. */
export function relativeDays(at: Date, now: Date): string {
  const days = Math.round((at.getTime() - now.getTime()) / DAY);
  if (days === 0) return "today";
  return days > 0 ? `in ${plural(days, "day")}` : `${plural(-days, "day")} ago`;
}

/** Overflow: "12 more …" linking to the list where they can all be seen. */
type TOverflow = { title: (n: number) => string; href: string };

function capped(items: TAttentionItem[], overflow: TOverflow): TAttentionItem[] {
  if (items.length <= MAX_PER_KIND) return items;
  const shown = items.slice(0, MAX_PER_KIND);
  const rest = items.length - MAX_PER_KIND;
  return [...shown, { kind: items[0].kind, title: overflow.title(rest), detail: "Open the list to see them all.", href: overflow.href, severity: items[0].severity }];
}

function messageStatusLink(l: { id: string; retrying: number; failed: number; dead: number }): string {
  // The listener page filters its messages by one status: the worst one present.
  const status = l.dead > 0 ? "dead" : l.failed > 0 ? "failed" : "retrying";
  return `/listeners/${l.id}?status=${status}`;
}

/**
 * The attention list: errors before warnings, each kind in a fixed order, each kind capped at
 * MAX_PER_KIND (the rest as one "N more" item).
 */
export function attentionItems(input: TAttentionInput): TAttentionItem[] {
  const { now } = input;
  const reconnect = input.reconnects.map<TAttentionItem>((r) => ({
    kind: "auth-reconnect",
    title: `${r.configName} needs reconnect${r.environmentName ? ` in ${r.environmentName}` : ""}`,
    detail: r.reason ? `The provider refused to renew the token: ${r.reason}` : "The provider refused to renew the token: connect again.",
    href: `/auth-configs/${r.configId}`,
    severity: "error",
  }));
  const failedTests = input.failedTests.map<TAttentionItem>((c) => ({
    kind: "auth-test-failed",
    title: `${c.configName}: last test failed`,
    detail: [c.message, c.at ? `Tested ${utc(c.at)}.` : null].filter(Boolean).join(" "),
    href: `/auth-configs/${c.configId}`,
    severity: "warning",
  }));
  const stopped: TAttentionItem[] = [];
  const failing: TAttentionItem[] = [];
  const retrying: TAttentionItem[] = [];
  for (const s of input.subscriptions) {
    const href = `/events/${s.id}`;
    if (s.status === "Paused") continue;
    if (s.status === "Delivery stopped") {
      stopped.push({ kind: "subscription-stopped", title: `Delivery stopped for ${s.name}`, detail: s.deliveryDisabledReason ?? "The callback refused the deliveries.", href, severity: "error" });
    } else if (s.status === "Failing") {
      const why = s.lastPollError ? `: ${s.lastPollError}` : ".";
      failing.push({ kind: "subscription-failing", title: `Subscription ${s.name} is failing`, detail: `${plural(s.consecutiveFailures, "poll")} in a row failed${why}`, href, severity: "error" });
    } else if (s.retrying > 0) {
      retrying.push({ kind: "subscription-retrying", title: `Deliveries of ${s.name} are failing`, detail: `${plural(s.retrying, "event")} waiting for another delivery attempt.`, href: `${href}?status=retrying`, severity: "warning" });
    }
  }
  const dead = input.deadLetters
    .filter((d) => d.count > 0)
    .map<TAttentionItem>((d) => ({
      kind: "dead-letters",
      title: `${plural(d.count, "dead-lettered delivery", "dead-lettered deliveries")} in ${d.subscriptionName}`,
      detail: "Every attempt failed. Fix the callback, then redeliver.",
      href: `/events/${d.subscriptionId}?status=dead`,
      severity: "error",
    }));
  const listeners = input.listeners
    .filter((l) => l.retrying + l.failed + l.dead > 0)
    .map<TAttentionItem>((l) => {
      const parts = [l.dead ? `${l.dead} dead-lettered` : null, l.failed ? `${l.failed} failed` : null, l.retrying ? `${l.retrying} retrying` : null].filter(Boolean);
      return {
        kind: "listener-failing",
        title: `Listener ${l.name}: target failing`,
        detail: `Messages not handed on: ${parts.join(", ")}.`,
        href: messageStatusLink(l),
        severity: l.dead + l.failed > 0 ? "error" : "warning",
      };
    });
  const expired: TAttentionItem[] = [];
  const expiring: TAttentionItem[] = [];
  for (const t of [...input.tokens].sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())) {
    const whose = t.owner ? ` (${t.owner})` : "";
    if (t.expiresAt.getTime() <= now.getTime()) {
      expired.push({ kind: "token-expired", title: `API token ${t.name}${whose} expired ${relativeDays(t.expiresAt, now)}`, detail: `Expired ${utc(t.expiresAt)}. Create a new token for the systems that used it.`, href: "/api-tokens", severity: "error" });
    } else {
      expiring.push({ kind: "token-expiring", title: `API token ${t.name}${whose} expires ${relativeDays(t.expiresAt, now)}`, detail: `Expires ${utc(t.expiresAt)}. Create a new token and switch over before then.`, href: "/api-tokens", severity: "warning" });
    }
  }

  const errors = [
    capped(reconnect, { title: (n) => `${plural(n, "more configuration")} ${n === 1 ? "needs" : "need"} reconnect`, href: "/auth-configs" }),
    capped(stopped, { title: (n) => `Delivery stopped for ${plural(n, "more subscription")}`, href: "/events" }),
    capped(failing, { title: (n) => `${plural(n, "more subscription")} failing`, href: "/events" }),
    capped(dead, { title: (n) => `Dead-lettered deliveries in ${plural(n, "more subscription")}`, href: "/events" }),
    capped(listeners.filter((l) => l.severity === "error"), { title: (n) => `${plural(n, "more listener")} with failing targets`, href: "/listeners" }),
    capped(expired, { title: (n) => `${plural(n, "more API token")} expired`, href: "/api-tokens" }),
  ];
  const warnings = [
    capped(failedTests, { title: (n) => `${plural(n, "more configuration")} failed the last test`, href: "/auth-configs" }),
    capped(retrying, { title: (n) => `Deliveries failing in ${plural(n, "more subscription")}`, href: "/events" }),
    capped(listeners.filter((l) => l.severity === "warning"), { title: (n) => `${plural(n, "more listener")} retrying hand-offs`, href: "/listeners" }),
    capped(expiring, { title: (n) => `${plural(n, "more API token")} expiring soon`, href: "/api-tokens" }),
  ];
  return [...errors, ...warnings].flat();
}
