import "server-only";
// Reading events and their delivery attempts (SPEC §9, issue 12 items 5 and 7): the Events pages
// and /api/v1 share these. The API pages newest first by (createdAt, id) with an opaque cursor; the
// Events table by page number, sorted by a column the user picks.
import type { Prisma } from "@/generated/prisma/client";
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

type TDir = "asc" | "desc";

/**
 * The Events table's sortable columns and what each sorts by: a whitelist, since the key comes from
 * the URL. Empty values sort last either way, as in the in-memory tables; equal values newest first,
 * then by id, so pages never overlap.
 */
const EVENT_SORTS = {
  occurred: (dir: TDir): Prisma.EventOrderByWithRelationInput[] => [{ occurredAt: dir }],
  type: (dir: TDir): Prisma.EventOrderByWithRelationInput[] => [{ resource: dir }, { type: dir }],
  item: (dir: TDir): Prisma.EventOrderByWithRelationInput[] => [{ itemId: { sort: dir, nulls: "last" } }],
  status: (dir: TDir): Prisma.EventOrderByWithRelationInput[] => [{ deliveryStatus: dir }],
  attempts: (dir: TDir): Prisma.EventOrderByWithRelationInput[] => [{ attemptCount: dir }],
  code: (dir: TDir): Prisma.EventOrderByWithRelationInput[] => [{ lastStatusCode: { sort: dir, nulls: "last" } }],
  stored: (dir: TDir): Prisma.EventOrderByWithRelationInput[] => [{ createdAt: dir }],
};
export type TEventSort = keyof typeof EVENT_SORTS;
/** Newest first: new events land on the first page. */
export const EVENTS_DEFAULT_SORT = { sort: "stored", dir: "desc" } as const satisfies { sort: TEventSort; dir: TDir };

export function isEventSort(key: string | null): key is TEventSort {
  return key !== null && Object.hasOwn(EVENT_SORTS, key);
}

/**
 * One numbered page of a subscription's events for the Events table, sorted by a column of
 * EVENT_SORTS (another key sorts by the default); a page past the end is the last page.
 */
export async function listEventsPage(
  subscriptionId: string,
  opts: { type?: TEventType; status?: TDeliveryStatus; sort: string | null; dir: TDir; page: number; pageSize?: number },
): Promise<{ items: TEventRow[]; total: number; page: number; pageSize: number }> {
  const db = getDb();
  const pageSize = opts.pageSize ?? EVENTS_PAGE;
  const where = { subscriptionId, ...(opts.type ? { type: opts.type } : {}), ...(opts.status ? { deliveryStatus: opts.status } : {}) };
  const [sort, dir] = isEventSort(opts.sort) ? [opts.sort, opts.dir] : [EVENTS_DEFAULT_SORT.sort, EVENTS_DEFAULT_SORT.dir];
  const total = await db.event.count({ where });
  const page = Math.min(Math.max(1, Math.trunc(opts.page) || 1), Math.max(1, Math.ceil(total / pageSize)));
  const rows = await db.event.findMany({
    where,
    orderBy: [...EVENT_SORTS[sort](dir), { createdAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * pageSize,
    take: pageSize,
    select: ROW,
  });
  return { items: rows.map(rowOf), total, page, pageSize };
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
