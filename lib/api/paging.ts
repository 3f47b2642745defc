// Paging of /api/v1 lists (SPEC §8): `limit` (1–200, default 50) and an opaque `cursor` that
// carries the last row's sort key; `nextCursor` is null on the last page. A cursor that does not
// decode to the expected shape is a 400, never a 500. Pure.
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { ApiError } from "./errors";

export const MAX_LIMIT = 200;
export const DEFAULT_LIMIT = 50;

export const ZLimit = z.coerce
  .number({ error: "limit must be a whole number from 1 to 200" })
  .int("limit must be a whole number from 1 to 200")
  .min(1, "limit must be a whole number from 1 to 200")
  .max(MAX_LIMIT, "limit must be a whole number from 1 to 200")
  .default(DEFAULT_LIMIT);

const ZCursor = z.strictObject({ v: z.literal(1), k: z.string().max(1000), id: z.string().min(1).max(200) });
export type TCursor = { k: string; id: string };

export function encodeCursor(c: TCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, k: c.k, id: c.id }), "utf8").toString("base64url");
}

/** The cursor's sort key and id; a tampered or foreign cursor is a VALIDATION error. */
export function decodeCursor(text: string): TCursor {
  const bad = () => new ApiError(400, "VALIDATION", "The cursor is not valid: pass back the nextCursor of the previous page unchanged.", { fields: { cursor: ["Not a valid cursor"] } });
  if (text.length > 2000 || !/^[A-Za-z0-9_-]+$/.test(text)) throw bad();
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  const parsed = ZCursor.safeParse(raw);
  if (!parsed.success) throw bad();
  return { k: parsed.data.k, id: parsed.data.id };
}

/** The Prisma `where` of the rows after `cursor` in (name, id) order; {} for the first page. */
export function afterNameCursor(cursor: string | undefined): { OR?: Array<{ name: { gt: string } } | { name: string; id: { gt: string } }> } {
  if (!cursor) return {};
  const after = decodeCursor(cursor);
  return { OR: [{ name: { gt: after.k } }, { name: after.k, id: { gt: after.id } }] };
}

/**
 * The Prisma `where` of the rows after `cursor` in (`field` desc, id desc) order — newest first, a
 * time as the key (events, messages: the pages and the API share these queries, so a bad cursor
 * is an AppError VALIDATION, which the API answers with a 400); {} for the first page.
 */
export function beforeTimeCursor(cursor: string | undefined, field: string): { OR?: Array<Record<string, unknown>> } {
  if (!cursor) return {};
  const bad = () => new AppError("VALIDATION", "The cursor is not valid: pass back the nextCursor of the previous page unchanged.", { cursor: ["Not a valid cursor"] });
  let c: TCursor;
  try {
    c = decodeCursor(cursor);
  } catch {
    throw bad();
  }
  const at = new Date(c.k);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(c.k) || Number.isNaN(at.getTime())) throw bad();
  return { OR: [{ [field]: { lt: at } }, { [field]: at, id: { lt: c.id } }] };
}

/** One page of rows fetched with `take: limit + 1`, ordered by (key, id). */
export function pageOf<T extends { id: string }>(rows: T[], limit: number, keyOf: (row: T) => string): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor({ k: keyOf(last), id: last.id }) : null };
}
