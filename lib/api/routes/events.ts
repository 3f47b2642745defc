import "server-only";
// GET /api/v1/subscriptions[/{id}], GET /api/v1/subscriptions/{id}/events, GET /api/v1/events/{id},
// POST /api/v1/subscriptions/{id}/poll and POST /api/v1/events/{id}/redeliver (SPEC §9, issue 12
// item 7): the same lib/events store and queries as the Events pages. Writes are admins only and
// audited as in lib/events/actions.ts. No secret reaches an answer: a subscription's signature key
// and sender-verification secret only as `signed`.
import type { z } from "zod";
import { actorOf } from "@/lib/audit";
import { MAX_JSON_DEPTH, jsonDepth } from "@/lib/connectors/json-depth";
import { pollNow } from "@/lib/events/poll";
import { getEvent, listEvents, type TEventRow } from "@/lib/events/queries";
import { getSubscription, listSubscriptions, redeliverEvent, type TSubscriptionDetail } from "@/lib/events/store";
import { AppError } from "@/lib/errors";
import type { TRoute } from "../context";
import { decodeCursor, pageOf } from "../paging";
import {
  ZEventDetail,
  ZEventsPage,
  ZEventsQuery,
  ZPollResult,
  ZRedeliverResponse,
  ZSubscription,
  ZSubscriptionsPage,
  ZSubscriptionsQuery,
} from "../schemas-events";

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const subscriptionNotFound = () => new AppError("NOT_FOUND", "No subscription has this id.");
const eventNotFound = () => new AppError("NOT_FOUND", "No event has this id.");

export function subscriptionView(s: TSubscriptionDetail): z.infer<typeof ZSubscription> {
  return {
    id: s.id,
    name: s.name,
    serviceId: s.serviceId,
    serviceName: s.serviceName,
    type: s.type,
    environmentId: s.environmentId,
    environmentName: s.environmentName,
    status: s.status,
    callbackUrl: s.callbackUrl,
    signed: s.hasSigningKey,
    refreshMinutes: s.refreshMinutes,
    resources: s.type === "POLLING" ? s.resources : [],
    hookUrl: s.hookUrl,
    lastPollAt: iso(s.lastPollAt),
    lastPollError: s.lastPollError,
    consecutiveFailures: s.consecutiveFailures,
    events24h: s.events24h,
    failingDeliveries: s.failingDeliveries,
    deliveryDisabledReason: s.deliveryDisabledReason,
  };
}

/**
 * One page of subscriptions in (name, id) order. Subscriptions are listed whole by the store (as
 * on the Events page; they are tens, not thousands) and the page is cut here with the same
 * comparison for order and cursor.
 */
async function subscriptionsPage(opts: { limit: number; cursor?: string }) {
  const after = opts.cursor ? decodeCursor(opts.cursor) : null;
  const sorted = (await listSubscriptions()).sort((a, b) => cmp(a.name, b.name) || cmp(a.id, b.id));
  const rest = after ? sorted.filter((r) => r.name > after.k || (r.name === after.k && r.id > after.id)) : sorted;
  const page = pageOf(rest.slice(0, opts.limit + 1), opts.limit, (r) => r.name);
  return { items: page.items.map(subscriptionView), nextCursor: page.nextCursor };
}

export function eventView(e: TEventRow): z.infer<typeof ZEventsPage>["items"][number] {
  return {
    id: e.id,
    subscriptionId: e.subscriptionId,
    type: e.type,
    eventType: e.eventType,
    resource: e.resource,
    itemId: e.itemId,
    occurredAt: e.occurredAt.toISOString(),
    createdAt: e.createdAt.toISOString(),
    deliveryStatus: e.deliveryStatus,
    attemptCount: e.attemptCount,
    lastStatusCode: e.lastStatusCode,
    lastAttemptAt: iso(e.lastAttemptAt),
    nextAttemptAt: iso(e.nextAttemptAt),
    lastError: e.lastError,
    deliveredAt: iso(e.deliveredAt),
  };
}

/**
 * The stored payload as the delivery carries it. It is always JSON text (lib/events/hooks.ts wraps
 * anything else); JSON nesting too deep to serialize again is given as its text, like an upstream
 * answer of the run API.
 */
function dataOf(payload: string, truncated: boolean): { data: unknown; dataTruncated: boolean; dataAsText: boolean } {
  if (truncated) return { data: null, dataTruncated: true, dataAsText: false };
  if (jsonDepth(payload) > MAX_JSON_DEPTH) return { data: payload, dataTruncated: false, dataAsText: true };
  try {
    return { data: JSON.parse(payload) as unknown, dataTruncated: false, dataAsText: false };
  } catch {
    return { data: payload, dataTruncated: false, dataAsText: true };
  }
}

const DELIVERY =
  "Delivery is at-least-once: an event may be delivered more than once (after a timeout, a crash or a Redeliver), and every delivery of one event carries the same `webhook-id` (the event's id), so receivers can drop duplicates. Delivery order is not guaranteed.";

export const eventRoutes: TRoute[] = [
  {
    method: "GET",
    path: "/subscriptions",
    role: "MEMBER",
    query: ZSubscriptionsQuery,
    doc: {
      summary: "List event subscriptions",
      description: "Polling and webhook subscriptions in name order, with their status, last poll and delivery figures. Signature keys and sender-verification secrets are never returned: `signed` says whether deliveries are signed.",
      tags: ["Events"],
      response: ZSubscriptionsPage,
    },
    handler: async ({ query }) => ({ body: await subscriptionsPage(query as z.infer<typeof ZSubscriptionsQuery>) }),
  },
  {
    method: "GET",
    path: "/subscriptions/{id}",
    role: "MEMBER",
    doc: { summary: "Get an event subscription", tags: ["Events"], response: ZSubscription },
    handler: async ({ params }) => {
      const sub = await getSubscription(params.id);
      if (!sub) throw subscriptionNotFound();
      return { body: subscriptionView(sub) };
    },
  },
  {
    method: "GET",
    path: "/subscriptions/{id}/events",
    role: "MEMBER",
    query: ZEventsQuery,
    doc: {
      summary: "List a subscription's events",
      description: `Newest first, each with its delivery status and attempt count; without the data (see GET /events/{id}).\n\n${DELIVERY}`,
      tags: ["Events"],
      response: ZEventsPage,
    },
    handler: async ({ params, query }) => {
      const q = query as z.infer<typeof ZEventsQuery>;
      if (!(await getSubscription(params.id))) throw subscriptionNotFound();
      const page = await listEvents(params.id, { type: q.type, status: q.status, limit: q.limit, cursor: q.cursor });
      return { body: { items: page.items.map(eventView), nextCursor: page.nextCursor } };
    },
  },
  {
    method: "GET",
    path: "/events/{id}",
    role: "MEMBER",
    doc: {
      summary: "Get an event with its data and delivery attempts",
      description: `\`data\` is what the delivery carries in its \`data\` field.\n\n${DELIVERY}`,
      tags: ["Events"],
      response: ZEventDetail,
    },
    handler: async ({ params }) => {
      const e = await getEvent(params.id);
      if (!e) throw eventNotFound();
      return {
        body: {
          ...eventView(e),
          subscriptionName: e.subscriptionName,
          ...dataOf(e.payload, e.payloadTruncated),
          attempts: e.attempts.map((a) => ({ number: a.number, at: a.at.toISOString(), statusCode: a.statusCode, durationMs: a.durationMs, error: a.error, responseExcerpt: a.responseExcerpt })),
        },
      };
    },
  },
  {
    method: "POST",
    path: "/subscriptions/{id}/poll",
    role: "ADMIN",
    doc: {
      summary: "Poll now",
      description:
        "Runs one poll of a polling subscription at once and answers when it is done, with the same rules and the same ledger as the scheduled polls: new and changed items become events (delivered as usual), the cursors move only when the poll is recorded. A failed resource is reported in `resources[].error`, with a 200. A webhook subscription has nothing to poll: 409.",
      tags: ["Events"],
      response: ZPollResult,
      errors: [409],
    },
    // No abort signal: a poll once started runs to its end (each request has its own timeout) and
    // is recorded, so a client that goes away does not count as a failed poll.
    handler: async ({ params, caller }) => ({ body: await pollNow(params.id, actorOf(caller.user), "api") }),
  },
  {
    method: "POST",
    path: "/events/{id}/redeliver",
    role: "ADMIN",
    doc: {
      summary: "Redeliver an event",
      description: `Starts a new round of delivery attempts, whatever the event's state (delivered, retrying or dead-lettered); answers 202 once it is queued. The receiver sees the same \`webhook-id\`. An event of a paused subscription, or one whose delivery was stopped, waits as held.\n\n${DELIVERY}`,
      tags: ["Events"],
      response: ZRedeliverResponse,
      status: 202,
    },
    handler: async ({ params, caller }) => {
      await redeliverEvent(params.id, actorOf(caller.user));
      return { status: 202, body: { id: params.id, deliveryStatus: "pending" } };
    },
  },
];
