import "server-only";
// Reading events and their delivery attempts (SPEC §9, issue 12 items 5 and 7): the Events pages
// and /api/v1 share these. Newest first, paged by (createdAt, id) with the API's opaque cursor.
import { beforeTimeCursor, pageOf } from "@/lib/api/paging";
import { getDb } from "@/lib/db";
import type { TDeliveryStatus, TEventType } from "./schema";

export type TEventRow = {
  id: string;
  subscriptionId: string;
  resource: string;
  type: TEventType;
  /** "<resource>.created", as in the delivery. */
  eventType: string;
  itemId: string | null;
  occurredAt: Date;
  createdAt: Date;
  deliveryStatus: TDeliveryStatus;
  attemptCount: number;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  payloadTruncated: boolean;
};

export type TAttemptRow = { number: number; at: Date; statusCode: number | null; durationMs: number; error: string | null; responseExcerpt: string | null };

export type TEventDetail = TEventRow & { subscriptionName: string; payload: string; attempts: TAttemptRow[] };

const ROW = {
  id: true,
  subscriptionId: true,
  resource: true,
  type: true,
  itemId: true,
  occurredAt: true,
  createdAt: true,
  deliveryStatus: true,
  attemptCount: true,
  lastAttemptAt: true,
  lastStatusCode: true,
  lastError: true,
  nextAttemptAt: true,
  deliveredAt: true,
  payloadTruncated: true,
} as const;

type TStored = { [K in keyof typeof ROW]: K extends "type" | "deliveryStatus" ? string : TEventRow[K & keyof TEventRow] };

function rowOf(e: TStored): TEventRow {
  return { ...e, type: e.type as TEventType, eventType: `${e.resource}.${e.type.toLowerCase()}`, deliveryStatus: e.deliveryStatus as TDeliveryStatus };
}

export const EVENTS_PAGE = 50;

/** One page of a subscription's events, newest first; `cursor` is the previous page's nextCursor. */
export async function listEvents(
  subscriptionId: string,
  opts: { type?: TEventType; status?: TDeliveryStatus; limit?: number; cursor?: string } = {},
): Promise<{ items: TEventRow[]; nextCursor: string | null }> {
  const limit = opts.limit ?? EVENTS_PAGE;
  const after = beforeTimeCursor(opts.cursor, "createdAt");
  const rows = await getDb().event.findMany({
    where: { subscriptionId, ...(opts.type ? { type: opts.type } : {}), ...(opts.status ? { deliveryStatus: opts.status } : {}), ...after },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: ROW,
  });
  const page = pageOf(rows.map(rowOf), limit, (r) => r.createdAt.toISOString());
  return page;
}

/** One event with its payload and every delivery attempt (oldest first); null if it does not exist. */
export async function getEvent(id: string): Promise<TEventDetail | null> {
  const e = await getDb().event.findUnique({
    where: { id },
    select: { ...ROW, payload: true, subscription: { select: { name: true } }, attempts: { orderBy: { number: "asc" }, select: { number: true, at: true, statusCode: true, durationMs: true, error: true, responseExcerpt: true } } },
  });
  if (!e) return null;
  const { payload, subscription, attempts, ...row } = e;
  return { ...rowOf(row), subscriptionName: subscription.name, payload, attempts };
}
