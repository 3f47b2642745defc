import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { AppError } from "@/lib/errors";
import { canonicalHash, canonicalJson, diffPoll, readItemId, type TDiffInput, type TDiffResource, type TLedgerEntry } from "./diff";

const NOW = new Date("2024-06-01T12:00:00Z");
const T = (iso: string) => new Date(iso);

type TItem = { id?: unknown; name?: string; updated?: string; created?: string; [k: string]: unknown };

const dateOf = (field: string) => (item: unknown) => {
  const v = (item as Record<string, unknown>)[field];
  return typeof v === "string" ? new Date(v) : null;
};
const DATED: TDiffResource = { idField: "id", updatedDate: dateOf("updated"), createdDate: dateOf("created") };
const UNDATED: TDiffResource = { idField: "id" };

function run(items: unknown[], over: Partial<TDiffInput> = {}) {
  return diffPoll({
    items,
    resource: DATED,
    ledger: new Map(),
    cursor: null,
    now: NOW,
    emitExisting: false,
    firstPoll: false,
    ...over,
  });
}

function entry(item: TItem, updated: string | null = item.updated ?? null): TLedgerEntry {
  return { updatedAt: updated ? T(updated) : null, hash: canonicalHash(item) };
}

function throwsValidation(fn: () => unknown, message: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AppError, `not an AppError: ${String(e)}`);
    assert.equal(e.code, "VALIDATION");
    assert.match(e.message, message);
    return true;
  });
}

describe("diffPoll: per-item rules", () => {
  const a1: TItem = { id: "a", name: "one", updated: "2024-05-01T00:00:00Z", created: "2024-04-01T00:00:00Z" };

  const cases: Array<{
    name: string;
    item: TItem;
    resource?: TDiffResource;
    stored?: TLedgerEntry;
    expect: null | { type: "CREATED" | "UPDATED"; occurredAt: Date };
    upsert: TLedgerEntry | null;
  }> = [
    {
      name: "an id never seen is CREATED, at its created date",
      item: a1,
      expect: { type: "CREATED", occurredAt: T("2024-04-01T00:00:00Z") },
      upsert: entry(a1),
    },
    {
      name: "CREATED without a created date: at the updated date",
      item: { id: "a", updated: "2024-05-01T00:00:00Z" },
      expect: { type: "CREATED", occurredAt: T("2024-05-01T00:00:00Z") },
      upsert: entry({ id: "a", updated: "2024-05-01T00:00:00Z" }),
    },
    {
      name: "CREATED without dates: now",
      item: { id: "a" },
      expect: { type: "CREATED", occurredAt: NOW },
      upsert: entry({ id: "a" }, null),
    },
    {
      name: "an updated date later than stored is UPDATED, at that date",
      item: { ...a1, name: "two", updated: "2024-05-02T00:00:00Z" },
      stored: entry(a1),
      expect: { type: "UPDATED", occurredAt: T("2024-05-02T00:00:00Z") },
      upsert: entry({ ...a1, name: "two", updated: "2024-05-02T00:00:00Z" }),
    },
    {
      name: "a later date is UPDATED even when the rest of the content is the same",
      item: { ...a1, updated: "2024-05-02T00:00:00Z" },
      stored: entry(a1),
      expect: { type: "UPDATED", occurredAt: T("2024-05-02T00:00:00Z") },
      upsert: entry({ ...a1, updated: "2024-05-02T00:00:00Z" }),
    },
    {
      name: "the same updated date is unchanged, even if other content moved (the date decides)",
      item: { ...a1, name: "changed" },
      stored: entry(a1),
      expect: null,
      upsert: null,
    },
    {
      name: "an earlier updated date (stale replica) is nothing, and the ledger keeps the later date",
      item: { ...a1, updated: "2024-04-15T00:00:00Z" },
      stored: entry(a1),
      expect: null,
      upsert: null,
    },
    {
      name: "no date fields: a different content hash is UPDATED, at now",
      item: { id: "a", name: "two" },
      resource: UNDATED,
      stored: entry({ id: "a", name: "one" }, null),
      expect: { type: "UPDATED", occurredAt: NOW },
      upsert: entry({ id: "a", name: "two" }, null),
    },
    {
      name: "no date fields: the same content in another key order is unchanged",
      item: { name: "one", id: "a" },
      resource: UNDATED,
      stored: entry({ id: "a", name: "one" }, null),
      expect: null,
      upsert: null,
    },
    {
      name: "the item lost its updated date: the hash decides, the stored date is kept",
      item: { id: "a", name: "two" },
      stored: entry(a1),
      expect: { type: "UPDATED", occurredAt: NOW },
      upsert: { updatedAt: T("2024-05-01T00:00:00Z"), hash: canonicalHash({ id: "a", name: "two" }) },
    },
    {
      name: "the item lost its updated date but not its content: nothing",
      item: { id: "a", name: "one" },
      stored: { updatedAt: T("2024-05-01T00:00:00Z"), hash: canonicalHash({ id: "a", name: "one" }) },
      expect: null,
      upsert: null,
    },
    {
      name: "a stored entry without a date (field added later), same content: the date is recorded, no event",
      item: a1,
      stored: entry(a1, null),
      expect: null,
      upsert: entry(a1),
    },
    {
      name: "a stored entry without a date, content changed: UPDATED at the item's date",
      item: { ...a1, name: "two" },
      stored: entry(a1, null),
      expect: { type: "UPDATED", occurredAt: T("2024-05-01T00:00:00Z") },
      upsert: entry({ ...a1, name: "two" }),
    },
  ];

  for (const c of cases) {
    test(c.name, () => {
      const ledger = new Map(c.stored ? [["a", c.stored]] : []);
      const r = run([c.item], { resource: c.resource ?? DATED, ledger });
      if (c.expect) {
        assert.equal(r.events.length, 1);
        assert.deepEqual(r.events[0], { type: c.expect.type, itemId: "a", item: c.item, occurredAt: c.expect.occurredAt });
      } else {
        assert.deepEqual(r.events, []);
      }
      assert.deepEqual(r.ledger, new Map(c.upsert ? [["a", c.upsert]] : []));
    });
  }

  test("events follow the order of the items; numeric ids become strings", () => {
    const r = run([{ id: 3 }, { id: "b" }, { id: 1.5 }], { resource: UNDATED });
    assert.deepEqual(
      r.events.map((e) => [e.type, e.itemId]),
      [
        ["CREATED", "3"],
        ["CREATED", "b"],
        ["CREATED", "1.5"],
      ],
    );
  });

  test("items missing from a later poll are not deletions: no event, no ledger change", () => {
    const ledger = new Map([
      ["a", entry(a1)],
      ["gone", entry({ id: "gone", updated: "2024-05-01T00:00:00Z" })],
    ]);
    const r = run([a1], { ledger });
    assert.deepEqual(r.events, []);
    assert.equal(r.ledger.size, 0);
  });

  test("an empty poll emits nothing and keeps the cursor", () => {
    const cursor = T("2024-05-01T00:00:00Z");
    assert.deepEqual(run([], { cursor }), { events: [], ledger: new Map(), cursor });
  });
});

describe("diffPoll: first poll", () => {
  const items: TItem[] = [
    { id: "a", updated: "2024-05-01T00:00:00Z" },
    { id: "b", updated: "2024-05-03T00:00:00Z", created: "2024-05-02T00:00:00Z" },
  ];

  test("records the baseline and emits nothing", () => {
    const r = run(items, { firstPoll: true });
    assert.deepEqual(r.events, []);
    assert.deepEqual(r.ledger, new Map(items.map((i) => [i.id as string, entry(i)])));
    assert.deepEqual(r.cursor, T("2024-05-03T00:00:00Z"));
  });

  test("with emitExisting, every item is CREATED", () => {
    const r = run(items, { firstPoll: true, emitExisting: true });
    assert.deepEqual(
      r.events.map((e) => [e.type, e.itemId, e.occurredAt.toISOString()]),
      [
        ["CREATED", "a", "2024-05-01T00:00:00.000Z"],
        ["CREATED", "b", "2024-05-02T00:00:00.000Z"],
      ],
    );
    assert.equal(r.ledger.size, 2);
  });

  test("emitExisting has no effect after the first poll", () => {
    const ledger = new Map(items.map((i) => [i.id as string, entry(i)]));
    assert.deepEqual(run(items, { ledger, emitExisting: true }).events, []);
  });
});

describe("diffPoll: cursor", () => {
  test("the latest updated date seen", () => {
    const r = run([
      { id: "a", updated: "2024-05-01T00:00:00Z" },
      { id: "b", updated: "2024-05-07T00:00:00Z" },
      { id: "c", updated: "2024-05-03T00:00:00Z" },
    ]);
    assert.deepEqual(r.cursor, T("2024-05-07T00:00:00Z"));
  });

  test("a timestamp in the future does not move it past now (but the event keeps its date)", () => {
    const r = run([{ id: "a", updated: "2030-01-01T00:00:00Z" }]);
    assert.deepEqual(r.cursor, NOW);
    assert.deepEqual(r.events[0]?.occurredAt, T("2030-01-01T00:00:00Z"));
  });

  test("never moves back", () => {
    const cursor = T("2024-05-10T00:00:00Z");
    assert.deepEqual(run([{ id: "a", updated: "2024-05-01T00:00:00Z" }], { cursor }).cursor, cursor);
  });

  test("uses the created date when an item has no updated date", () => {
    assert.deepEqual(run([{ id: "a", created: "2024-05-01T00:00:00Z" }]).cursor, T("2024-05-01T00:00:00Z"));
  });

  test("stays null without any date", () => {
    assert.equal(run([{ id: "a" }], { resource: UNDATED }).cursor, null);
  });
});

describe("diffPoll: bad input fails the whole poll", () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ["missing", { name: "x" }, /Item 2 has no ID field "id"/],
    ["null", { id: null }, /Item 2 has no ID field "id"/],
    ["empty", { id: "" }, /Item 2 has an empty ID/],
    ["blank", { id: "  " }, /Item 2 has an empty ID/],
    ["boolean", { id: true }, /a boolean \(true\).*string or a number/],
    ["object", { id: { x: 1 } }, /an object.*string or a number/],
    ["array", { id: [1] }, /an array.*string or a number/],
    ["item is a string", "abc", /Item 2 is a string, not an object/],
    ["item is null", null, /Item 2 is null, not an object/],
    ["item is an array", [1], /Item 2 is an array, not an object/],
  ];
  for (const [name, item, message] of bad) {
    test(`an invalid ID (${name}) → VALIDATION, after a valid item too`, () => {
      throwsValidation(() => run([{ id: "ok" }, item]), message);
    });
  }

  test("duplicate ids within one poll (1 and \"1\" are the same id)", () => {
    throwsValidation(() => run([{ id: "a" }, { id: 1 }, { id: "1" }]), /Items 2 and 3 have the same ID \("1"/);
    throwsValidation(() => run([{ id: "a" }, { id: "a" }], { firstPoll: true }), /Items 1 and 2 have the same ID/);
  });

  test("no ID field configured", () => {
    throwsValidation(() => run([{ id: "a" }], { resource: { idField: " " } }), /no ID field configured/);
  });

  test("a date parser that throws fails the poll; one returning an invalid date is a VALIDATION error", () => {
    const boom = new AppError("VALIDATION", "Updated date: cannot parse");
    assert.throws(() => run([{ id: "a" }], { resource: { idField: "id", updatedDate: () => { throw boom; } } }), boom);
    throwsValidation(() => run([{ id: "a" }], { resource: { idField: "id", createdDate: () => new Date(NaN) } }), /"a" has an invalid created date/);
  });
});

describe("ID field", () => {
  test("a dotted path reaches nested ids; a top-level key with dots is tried first", () => {
    assert.equal(readItemId({ meta: { id: 7 } }, "meta.id"), "7");
    assert.equal(readItemId({ "meta.id": "top", meta: { id: "nested" } }, "meta.id"), "top");
    assert.equal(readItemId({ refs: [{ id: "x" }] }, "refs.0.id"), "x");
    assert.throws(() => readItemId({ meta: "s" }, "meta.id"), /no ID field "meta.id"/);
    assert.throws(() => readItemId({ meta: { toString: 1 } }, "meta.constructor"), /no ID field/);
  });

  test("diffPoll uses the path", () => {
    const r = diffPoll({
      items: [{ d: { key: "k1" } }],
      resource: { idField: "d.key" },
      ledger: new Map(),
      cursor: null,
      now: NOW,
      emitExisting: false,
      firstPoll: false,
    });
    assert.equal(r.events[0]?.itemId, "k1");
  });
});

describe("canonicalHash", () => {
  test("known answer: sorted keys, no whitespace, SHA-256 hex", () => {
    const text = '{"a":[true,null,"x",1.5],"b":{"c":"é","d":0}}';
    const value = { b: { d: -0, c: "é" }, a: [true, null, "x", 1.5] };
    assert.equal(canonicalJson(value), text);
    assert.equal(canonicalHash(value), createHash("sha256").update(text, "utf8").digest("hex"));
  });

  test("independent of key order at any depth; sensitive to values, types and array order", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const shuffled = JSON.parse(JSON.stringify(v, (_k, x: unknown) => reverseKeys(x)));
        return canonicalHash(v) === canonicalHash(shuffled) && canonicalJson(v) === canonicalJson(JSON.parse(canonicalJson(v)));
      }),
    );
    assert.notEqual(canonicalHash({ a: 1 }), canonicalHash({ a: "1" }));
    assert.notEqual(canonicalHash([1, 2]), canonicalHash([2, 1]));
    assert.equal(canonicalHash({ a: 1, b: undefined }), canonicalHash({ a: 1 }));
  });
});

function reverseKeys(x: unknown): unknown {
  if (x === null || typeof x !== "object" || Array.isArray(x)) return x;
  return Object.fromEntries(Object.entries(x).reverse());
}

// ---------------------------------------------------------------------------------------------
// The property: for any sequence of snapshots of a resource, feeding them through diffPoll poll
// after poll emits exactly the creations and updates the snapshots show, never the same
// (id, version) twice.
//
// A resource has items 0..n-1; each snapshot shows some of them, each at some version. An item's
// updated date grows strictly with its version ("dates only move forward"), so a version lower than
// one already seen is a stale read. The reference, computed from the snapshots alone: an item
// first seen in a committed poll is a creation (except in the first committed poll, unless
// emitExisting); a version higher than every version seen before is an update. Polls may also be
// "interrupted before commit": their result is thrown away, as the caller's transaction would be.
// ---------------------------------------------------------------------------------------------

type TSnapItem = { i: number; version: number; keyOrder: boolean };
type TSnapshot = { items: TSnapItem[]; committed: boolean; nowStep: number };

const BASE = Date.parse("2024-01-01T00:00:00Z");
const HOUR = 3_600_000;

function makeItem({ i, version, keyOrder }: TSnapItem, numericIds: boolean): Record<string, unknown> {
  const fields: Array<[string, unknown]> = [
    ["id", numericIds ? 100 + i : `item-${i}`],
    ["version", version],
    ["title", `item ${i} v${version}`],
    // Strictly increasing with the version; some land after `now` (clock skew upstream).
    ["updated", new Date(BASE + i * 60_000 + version * HOUR).toISOString()],
    ["created", new Date(BASE + i * 60_000).toISOString()],
  ];
  return Object.fromEntries(keyOrder ? fields : fields.reverse());
}

function snapshotsArb(monotone: boolean) {
  const nItems = 6;
  return fc
    .array(
      fc.record({
        present: fc.array(fc.boolean(), { minLength: nItems, maxLength: nItems }),
        steps: fc.array(fc.nat({ max: 3 }), { minLength: nItems, maxLength: nItems }),
        stale: fc.array(fc.nat({ max: 4 }), { minLength: nItems, maxLength: nItems }),
        keyOrder: fc.array(fc.boolean(), { minLength: nItems, maxLength: nItems }),
        committed: fc.boolean(),
        shuffle: fc.nat(),
        nowStep: fc.nat({ max: 4 }),
      }),
      { minLength: 1, maxLength: 10 },
    )
    .map((raw) => {
      const latest = new Array<number>(nItems).fill(0);
      return raw.map((s): TSnapshot => {
        const items: TSnapItem[] = [];
        for (let i = 0; i < nItems; i++) {
          latest[i]! += s.steps[i]!;
          if (!s.present[i]) continue;
          const version = monotone ? latest[i]! : Math.max(0, latest[i]! - s.stale[i]!);
          items.push({ i, version, keyOrder: s.keyOrder[i]! });
        }
        // Upstream order varies between polls.
        const rot = items.length ? s.shuffle % items.length : 0;
        return { items: [...items.slice(rot), ...items.slice(0, rot)], committed: s.committed, nowStep: s.nowStep };
      });
    });
}

type TEmitted = { type: "CREATED" | "UPDATED"; id: string; version: number };

function reference(snaps: TSnapshot[], emitExisting: boolean, numericIds: boolean, byDate: boolean): TEmitted[] {
  const out: TEmitted[] = [];
  const seen = new Map<string, number>(); // id → the version recorded (max with dates, last without)
  let first = true;
  for (const s of snaps) {
    if (!s.committed) continue;
    for (const it of s.items) {
      const id = String(makeItem(it, numericIds).id);
      const known = seen.get(id);
      if (known === undefined) {
        if (!first || emitExisting) out.push({ type: "CREATED", id, version: it.version });
        seen.set(id, it.version);
      } else if (byDate ? it.version > known : it.version !== known) {
        out.push({ type: "UPDATED", id, version: it.version });
        seen.set(id, it.version);
      }
    }
    first = false;
  }
  return out;
}

function feed(snaps: TSnapshot[], emitExisting: boolean, numericIds: boolean, resource: TDiffResource) {
  const ledger = new Map<string, TLedgerEntry>();
  let cursor: Date | null = null;
  let firstPoll = true;
  let now = BASE + 2 * HOUR;
  const out: TEmitted[] = [];
  for (const s of snaps) {
    now += s.nowStep * HOUR;
    const r = diffPoll({
      items: s.items.map((it) => makeItem(it, numericIds)),
      resource,
      ledger,
      cursor,
      now: new Date(now),
      emitExisting,
      firstPoll,
    });
    assert.ok(r.cursor === null || r.cursor.getTime() <= now, `cursor ${r.cursor?.toISOString()} after now`);
    assert.ok(!cursor || (r.cursor && r.cursor.getTime() >= cursor.getTime()), "cursor moved back");
    if (!s.committed) continue; // interrupted before commit: nothing of it is kept
    for (const [id, e] of r.ledger) ledger.set(id, e);
    cursor = r.cursor;
    firstPoll = false;
    for (const e of r.events) out.push({ type: e.type, id: e.itemId, version: (e.item as { version: number }).version });
  }
  return out;
}

function assertNoRepeats(events: TEmitted[]) {
  const keys = events.map((e) => `${e.id}@${e.version}`);
  assert.equal(new Set(keys).size, keys.length, `an (id, version) emitted twice: ${keys.join(" ")}`);
}

describe("diffPoll: property over snapshot sequences", () => {
  test("with dates, versions only moving forward: exactly the creations and updates", () => {
    fc.assert(
      fc.property(snapshotsArb(true), fc.boolean(), fc.boolean(), (snaps, emitExisting, numericIds) => {
        const got = feed(snaps, emitExisting, numericIds, DATED);
        assert.deepEqual(got, reference(snaps, emitExisting, numericIds, true));
        assertNoRepeats(got);
      }),
      { numRuns: 300 },
    );
  });

  test("with dates and stale reads (eventual consistency): an older version seen again emits nothing", () => {
    fc.assert(
      fc.property(snapshotsArb(false), fc.boolean(), fc.boolean(), (snaps, emitExisting, numericIds) => {
        const got = feed(snaps, emitExisting, numericIds, DATED);
        assert.deepEqual(got, reference(snaps, emitExisting, numericIds, true));
        assertNoRepeats(got);
      }),
      { numRuns: 300 },
    );
  });

  test("without date fields (content hash), versions only moving forward, keys in any order", () => {
    fc.assert(
      fc.property(snapshotsArb(true), fc.boolean(), fc.boolean(), (snaps, emitExisting, numericIds) => {
        const got = feed(snaps, emitExisting, numericIds, UNDATED);
        assert.deepEqual(got, reference(snaps, emitExisting, numericIds, false));
        assertNoRepeats(got);
      }),
      { numRuns: 300 },
    );
  });
});
