import "server-only";
// Reading a listener's messages and their hand-off attempts (SPEC §10, issue 13 items 4 and 6): the
// Listeners pages and /api/v1 share these. The API pages newest first by (receivedAt, id) with an
// opaque cursor, the Messages table by page number and a column the user sorts by; lists never
// carry bodies, the detail does.
import type { Prisma } from "@/generated/prisma/client";
import { beforeTimeCursor, pageOf } from "@/lib/api/paging";
import { getDb } from "@/lib/db";

export const MESSAGE_STATUSES = ["stored", "pending", "retrying", "delivered", "failed", "dead"] as const;
export type TMessageStatus = (typeof MESSAGE_STATUSES)[number];
export const MESSAGE_STATUS_LABELS: Record<TMessageStatus, string> = {
  stored: "Stored",
  pending: "Pending",
  retrying: "Retrying",
  delivered: "Handed on",
  failed: "Failed",
  dead: "Dead letter",
};

export type TMessageRow = {
  id: string;
  listenerId: string;
  method: string;
  path: string;
  query: string;
  contentType: string | null;
  size: number;
  remoteAddress: string | null;
  receivedAt: Date;
  status: TMessageStatus;
  attemptCount: number;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  handedOnAt: Date | null;
};

export type TMessageAttemptRow = { number: number; at: Date; statusCode: number | null; durationMs: number; error: string | null; responseExcerpt: string | null };

/** A connector target's last run: the upstream's status and the mapped outputs, or why it did not run. */
export type TConnectorResult = { status: number | null; outputs: Record<string, unknown> | null; error: string | null };

export type TMessageDetail = TMessageRow & {
  listenerName: string;
  headers: Array<[string, string]>;
  body: Buffer;
  result: TConnectorResult | null;
  attempts: TMessageAttemptRow[];
};

const ROW = {
  id: true,
  listenerId: true,
  method: true,
  path: true,
  query: true,
  contentType: true,
  size: true,
  remoteAddress: true,
  receivedAt: true,
  status: true,
  attemptCount: true,
  lastAttemptAt: true,
  lastStatusCode: true,
  lastError: true,
  nextAttemptAt: true,
  handedOnAt: true,
} as const;

export const MESSAGES_PAGE = 50;

/** One page of a listener's messages, newest first, without bodies. */
export async function listMessages(listenerId: string, opts: { status?: TMessageStatus; limit?: number; cursor?: string } = {}): Promise<{ items: TMessageRow[]; nextCursor: string | null }> {
  const limit = opts.limit ?? MESSAGES_PAGE;
  const after = beforeTimeCursor(opts.cursor, "receivedAt");
  const rows = await getDb().inboundMessage.findMany({
    where: { listenerId, ...(opts.status ? { status: opts.status } : {}), ...after },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: ROW,
  });
  return pageOf(rows.map((r) => ({ ...r, status: r.status as TMessageStatus })), limit, (r) => r.receivedAt.toISOString());
}

type TDir = "asc" | "desc";

/**
 * The Messages table's sortable columns and what each sorts by: a whitelist, since the key comes
 * from the URL. Empty values sort last either way, as in the in-memory tables; equal values newest
 * first, then by id, so pages never overlap.
 */
const MESSAGE_SORTS = {
  received: (dir: TDir): Prisma.InboundMessageOrderByWithRelationInput[] => [{ receivedAt: dir }],
  method: (dir: TDir): Prisma.InboundMessageOrderByWithRelationInput[] => [{ method: dir }],
  type: (dir: TDir): Prisma.InboundMessageOrderByWithRelationInput[] => [{ contentType: { sort: dir, nulls: "last" } }],
  size: (dir: TDir): Prisma.InboundMessageOrderByWithRelationInput[] => [{ size: dir }],
  status: (dir: TDir): Prisma.InboundMessageOrderByWithRelationInput[] => [{ status: dir }],
  attempts: (dir: TDir): Prisma.InboundMessageOrderByWithRelationInput[] => [{ attemptCount: dir }],
};
export type TMessageSort = keyof typeof MESSAGE_SORTS;
/** Newest first: new messages land on the first page. */
export const MESSAGES_DEFAULT_SORT = { sort: "received", dir: "desc" } as const satisfies { sort: TMessageSort; dir: TDir };

export function isMessageSort(key: string | null): key is TMessageSort {
  return key !== null && Object.hasOwn(MESSAGE_SORTS, key);
}

/**
 * One numbered page of a listener's messages for the Messages table, without bodies, sorted by a
 * column of MESSAGE_SORTS (another key sorts by the default); a page past the end is the last page.
 */
export async function listMessagesPage(
  listenerId: string,
  opts: { status?: TMessageStatus; sort: string | null; dir: TDir; page: number; pageSize?: number },
): Promise<{ items: TMessageRow[]; total: number; page: number; pageSize: number }> {
  const db = getDb();
  const pageSize = opts.pageSize ?? MESSAGES_PAGE;
  const where = { listenerId, ...(opts.status ? { status: opts.status } : {}) };
  const [sort, dir] = isMessageSort(opts.sort) ? [opts.sort, opts.dir] : [MESSAGES_DEFAULT_SORT.sort, MESSAGES_DEFAULT_SORT.dir];
  const total = await db.inboundMessage.count({ where });
  const page = Math.min(Math.max(1, Math.trunc(opts.page) || 1), Math.max(1, Math.ceil(total / pageSize)));
  const rows = await db.inboundMessage.findMany({
    where,
    orderBy: [...MESSAGE_SORTS[sort](dir), { receivedAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * pageSize,
    take: pageSize,
    select: ROW,
  });
  return { items: rows.map((r) => ({ ...r, status: r.status as TMessageStatus })), total, page, pageSize };
}

function headersOf(json: string): Array<[string, string]> {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((h): h is [string, string] => Array.isArray(h) && typeof h[0] === "string" && typeof h[1] === "string") : [];
  } catch {
    return [];
  }
}

function resultOf(json: string | null): TConnectorResult | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as TConnectorResult;
  } catch {
    return null;
  }
}

/** One message with its body, headers and every hand-off attempt (oldest first); null if it does not exist. */
export async function getMessage(id: string): Promise<TMessageDetail | null> {
  const m = await getDb().inboundMessage.findUnique({
    where: { id },
    select: {
      ...ROW,
      headers: true,
      body: true,
      result: true,
      listener: { select: { name: true } },
      attempts: { orderBy: { number: "asc" }, select: { number: true, at: true, statusCode: true, durationMs: true, error: true, responseExcerpt: true } },
    },
  });
  if (!m) return null;
  const { headers, body, result, listener, attempts, ...row } = m;
  return { ...row, status: row.status as TMessageStatus, listenerName: listener.name, headers: headersOf(headers), body: Buffer.from(body), result: resultOf(result), attempts };
}
