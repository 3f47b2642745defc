// The polling diff (SPEC §9, issue 12 item 3): given the items of one poll and what earlier polls
// recorded, which items were created, which were updated, and what to record now. Pure: no I/O,
// no clock (the caller passes `now`), no database. The caller commits the returned ledger entries
// and cursor in the same transaction as the events, and nothing at all when this throws.
//
// Rules, per item:
// - an id never seen → CREATED, occurred at its created date, else its updated date, else `now`;
// - with an updated date: later than the stored one → UPDATED (occurred at the updated date);
//   the same or earlier (a stale replica, eventual consistency) → nothing, and the ledger keeps
//   the later date, so the newer version seen again later is not emitted twice;
// - without an updated date (no date field configured, the item lacks it, or the stored entry has
//   none): the SHA-256 of the item's canonical JSON decides — different → UPDATED, occurred `now`;
// - unchanged → nothing, and no ledger write.
// Items missing from a poll are not deleted (no event, their ledger entries stay). The first poll
// records every item as the baseline and emits nothing, unless `emitExisting`, when the normal
// rules apply (so every item is CREATED). A missing or invalid id, or two items with the same id,
// fail the whole poll with a VALIDATION AppError: nothing is emitted and the cursor stays.
//
// The cursor is the latest change time seen (updated date, else created date), never later than
// `now` (an upstream clock ahead of ours does not push it into the future) and never moving back.
import { createHash } from "node:crypto";
import { AppError } from "@/lib/errors";

export type TDiffResource = {
  /** The item's id: a top-level key (tried first, even if it contains dots) or a dotted path ("meta.id"). */
  idField: string;
  /** The item's updated date; null when the item has none. May throw (an unparsable date fails the poll). */
  updatedDate?: (item: unknown) => Date | null;
  /** The item's created date; null when the item has none. */
  createdDate?: (item: unknown) => Date | null;
};

export type TLedgerEntry = { updatedAt: Date | null; hash: string };

export type TDiffEventType = "CREATED" | "UPDATED";

export type TDiffEvent = { type: TDiffEventType; itemId: string; item: unknown; occurredAt: Date };

export type TDiffInput = {
  /** The items of this poll (all pages), in upstream order. */
  items: readonly unknown[];
  resource: TDiffResource;
  /** What earlier polls recorded, by item id. */
  ledger: ReadonlyMap<string, TLedgerEntry>;
  /** The previous cursor (latest change time seen), or null. */
  cursor: Date | null;
  now: Date;
  /** "Emit existing items on first poll". */
  emitExisting: boolean;
  /** No poll of this resource has been committed yet. */
  firstPoll: boolean;
};

export type TDiffResult = {
  /** In the order of the items. */
  events: TDiffEvent[];
  /** The entries to upsert (new and changed items only). */
  ledger: Map<string, TLedgerEntry>;
  cursor: Date | null;
};

export function diffPoll(input: TDiffInput): TDiffResult {
  const { items, resource, ledger, now, emitExisting, firstPoll } = input;
  if (!isValidDate(now)) throw new Error("diffPoll: `now` is not a valid date");
  if (resource.idField.trim() === "") throw new AppError("VALIDATION", "The resource has no ID field configured.");

  // Read and check every item first: a bad item fails the poll before anything is decided.
  const seen = new Map<string, number>();
  const read = items.map((item, index) => {
    const itemId = readId(item, resource.idField, index);
    const previous = seen.get(itemId);
    if (previous !== undefined) {
      throw new AppError(
        "VALIDATION",
        `Items ${previous + 1} and ${index + 1} have the same ID (${JSON.stringify(itemId)} in "${resource.idField}"): the poll was not recorded.`,
      );
    }
    seen.set(itemId, index);
    const updatedAt = readDate(resource.updatedDate, item, "updated", itemId);
    const createdAt = readDate(resource.createdDate, item, "created", itemId);
    return { item, itemId, updatedAt, createdAt, hash: canonicalHash(item) };
  });

  const events: TDiffEvent[] = [];
  const upserts = new Map<string, TLedgerEntry>();
  let cursor = input.cursor;
  const baselineOnly = firstPoll && !emitExisting;

  for (const { item, itemId, updatedAt, createdAt, hash } of read) {
    const changedAt = updatedAt ?? createdAt;
    if (changedAt) {
      const capped = changedAt.getTime() > now.getTime() ? now : changedAt;
      if (!cursor || capped.getTime() > cursor.getTime()) cursor = capped;
    }

    const stored = ledger.get(itemId);
    if (baselineOnly || !stored) {
      upserts.set(itemId, { updatedAt, hash });
      if (!baselineOnly) events.push({ type: "CREATED", itemId, item, occurredAt: createdAt ?? updatedAt ?? now });
      continue;
    }

    if (updatedAt && stored.updatedAt) {
      // The dates decide; an equal or earlier date is the same or an older version.
      if (updatedAt.getTime() > stored.updatedAt.getTime()) {
        upserts.set(itemId, { updatedAt, hash });
        events.push({ type: "UPDATED", itemId, item, occurredAt: updatedAt });
      }
      continue;
    }

    // No date to compare: the content decides. Keep the later of the dates known.
    const entry = { updatedAt: updatedAt ?? stored.updatedAt, hash };
    if (hash !== stored.hash) {
      upserts.set(itemId, entry);
      events.push({ type: "UPDATED", itemId, item, occurredAt: updatedAt ?? now });
    } else if (entry.updatedAt?.getTime() !== stored.updatedAt?.getTime()) {
      upserts.set(itemId, entry); // the item gained a date: record it, nothing changed
    }
  }

  return { events, ledger: upserts, cursor };
}

/** The id of `item` as a string ("42" for 42); a VALIDATION AppError when missing or invalid. */
export function readItemId(item: unknown, idField: string): string {
  return readId(item, idField, null);
}

function readId(item: unknown, idField: string, index: number | null): string {
  const which = index === null ? "The item" : `Item ${index + 1}`;
  if (!isRecord(item)) {
    throw new AppError("VALIDATION", `${which} is ${describe(item)}, not an object: it has no ID field "${idField}".`);
  }
  const value = lookUp(item, idField);
  if (value === undefined || value === null) {
    throw new AppError("VALIDATION", `${which} has no ID field "${idField}".`);
  }
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string") {
    if (value.trim() === "") throw new AppError("VALIDATION", `${which} has an empty ID in "${idField}".`);
    return value;
  }
  throw new AppError("VALIDATION", `${which} has an ID in "${idField}" that is ${describe(value)}: it must be a string or a number.`);
}

/** A field of an item: a top-level key (even with dots in it) or a dotted path; undefined if absent. */
export function readField(item: unknown, field: string): unknown {
  return isRecord(item) ? lookUp(item, field) : undefined;
}

function lookUp(item: Record<string, unknown>, field: string): unknown {
  if (Object.hasOwn(item, field)) return item[field];
  if (!field.includes(".")) return undefined;
  let at: unknown = item;
  for (const part of field.split(".")) {
    if (!isRecord(at) && !Array.isArray(at)) return undefined;
    if (!Object.hasOwn(at, part)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

function readDate(parse: ((item: unknown) => Date | null) | undefined, item: unknown, which: string, itemId: string) {
  if (!parse) return null;
  const d = parse(item);
  if (d === null) return null;
  if (!isValidDate(d)) throw new AppError("VALIDATION", `Item ${JSON.stringify(itemId)} has an invalid ${which} date.`);
  return d;
}

/**
 * SHA-256 (hex) of the canonical JSON of `value`: object keys sorted (UTF-16 code unit order, as
 * in RFC 8785), no whitespace, JSON's own forms for strings and numbers — so the same content
 * hashes the same whatever the key order upstream. Values JSON cannot hold follow JSON.stringify
 * (undefined properties dropped, non-finite numbers as null, toJSON honoured).
 */
export function canonicalHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

/** The canonical JSON text `canonicalHash` hashes. */
export function canonicalJson(value: unknown): string {
  return write(value, new Set()) ?? "null";
}

function write(value: unknown, path: Set<object>): string | undefined {
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return value.toString();
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return "null";
  const obj = value as object;
  if (path.has(obj)) throw new TypeError("canonicalJson: circular structure");
  path.add(obj);
  try {
    if (Array.isArray(obj)) return `[${obj.map((v) => write(v, path) ?? "null").join(",")}]`;
    const rec = obj as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(rec).sort()) {
      const v = write(rec[key], path);
      if (v !== undefined) parts.push(`${JSON.stringify(key)}:${v}`);
    }
    return `{${parts.join(",")}}`;
  } finally {
    path.delete(obj);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isValidDate(d: unknown): d is Date {
  return d instanceof Date && !Number.isNaN(d.getTime());
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "boolean") return `a boolean (${v})`;
  if (typeof v === "number") return `a number (${v})`;
  if (typeof v === "string") return "a string";
  return typeof v;
}
