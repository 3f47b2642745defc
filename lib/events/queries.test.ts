// The Events table's query (listEventsPage) on a temporary database: newest first by default,
// sorting only by whitelisted columns with empty values last either way, numbered pages that never
// overlap, a page past the end shown as the last one, and the Type / Delivery status filter.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ZAuthConfigInput } from "@/lib/auth-configs/schema";
import type { TDb } from "@/lib/db";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";

let temp: TTempDb;
let db: TDb;
let queries: typeof import("./queries");
let subscriptionId: string;
/** The seeded events' item ids, oldest stored first. */
const items = ["b", "d", null, "a", "c"];

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-event-queries-" }));
  queries = await import("./queries");
  const user = await db.user.create({ data: { email: "q@example.test", name: "q", role: "ADMIN", passwordHash: "scrypt$x", active: true, mustChangePassword: false } });
  const { createAuthConfig } = await import("@/lib/auth-configs/store");
  const authConfigId = (await createAuthConfig(ZAuthConfigInput.parse({ name: "None", protocol: "NONE", subProtocol: "NONE" }), { id: user.id, email: user.email })).id;
  const serviceId = (await db.service.create({ data: { name: "S", authConfigId } })).id;
  subscriptionId = (await db.eventSubscription.create({ data: { name: "Orders", serviceId, type: "POLLING", callbackUrl: "http://127.0.0.1:9/cb" } })).id;
  const base = Date.UTC(2025, 0, 1);
  for (const [i, itemId] of items.entries()) {
    await db.event.create({
      data: {
        subscriptionId,
        resource: "orders",
        type: i === 1 ? "UPDATED" : "CREATED",
        itemId,
        payload: "{}",
        occurredAt: new Date(base - i * 60_000),
        createdAt: new Date(base + i * 1000),
        attemptCount: i % 2,
        lastStatusCode: i === 0 ? null : 200 + i,
        deliveryStatus: i === 4 ? "dead" : "delivered",
      },
    });
  }
});

after(async () => {
  await db?.$disconnect();
  await temp?.cleanup();
});

const itemIds = (r: { items: Array<{ itemId: string | null }> }) => r.items.map((e) => e.itemId);
const list = (opts: Partial<Parameters<typeof queries.listEventsPage>[1]> = {}) =>
  queries.listEventsPage(subscriptionId, { sort: null, dir: "desc", page: 1, ...opts });

describe("listEventsPage", () => {
  test("without a sort: newest stored first, with the total", async () => {
    const r = await list();
    assert.deepEqual(itemIds(r), ["c", "a", null, "d", "b"]);
    assert.equal(r.total, 5);
    assert.equal(r.page, 1);
  });

  test("an unknown sort key sorts by the default, newest first, whatever the direction", async () => {
    assert.deepEqual(itemIds(await list({ sort: "payload", dir: "asc" })), ["c", "a", null, "d", "b"]);
    assert.equal(queries.isEventSort("payload"), false, "payload is not sortable");
    assert.equal(queries.isEventSort("toString"), false, "inherited names are not sort keys");
    assert.equal(queries.isEventSort("item"), true, "item is sortable");
  });

  test("a nullable column puts empty values last in both directions", async () => {
    assert.deepEqual(itemIds(await list({ sort: "item", dir: "asc" })), ["a", "b", "c", "d", null]);
    assert.deepEqual(itemIds(await list({ sort: "item", dir: "desc" })), ["d", "c", "b", "a", null]);
    assert.deepEqual(itemIds(await list({ sort: "code", dir: "asc" })), ["d", null, "a", "c", "b"]);
  });

  test("equal values keep newest first", async () => {
    assert.deepEqual(itemIds(await list({ sort: "attempts", dir: "asc" })), ["c", null, "b", "a", "d"]);
  });

  test("numbered pages do not overlap; a page past the end is the last page", async () => {
    const pages = await Promise.all([1, 2, 3].map((page) => list({ page, pageSize: 2 })));
    assert.deepEqual(pages.map(itemIds), [["c", "a"], [null, "d"], ["b"]]);
    const beyond = await list({ page: 9, pageSize: 2 });
    assert.equal(beyond.page, 3);
    assert.deepEqual(itemIds(beyond), ["b"]);
  });

  test("the filter narrows the rows and the total", async () => {
    const updated = await list({ type: "UPDATED" });
    assert.deepEqual(itemIds(updated), ["d"]);
    assert.equal(updated.total, 1);
    assert.deepEqual(itemIds(await list({ status: "dead" })), ["c"]);
    const none = await list({ status: "retrying", page: 3 });
    assert.deepEqual([none.total, none.page, none.items.length], [0, 1, 0]);
  });
});
