// The Messages table's query (listMessagesPage) on a temporary database: newest first by default,
// sorting only by whitelisted columns with empty values last either way, numbered pages that never
// overlap, a page past the end shown as the last one, and the Status filter.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TDb } from "@/lib/db";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";

let temp: TTempDb;
let db: TDb;
let queries: typeof import("./queries");
let listenerId: string;
/** The seeded messages' paths, oldest first, with their content type and size. */
const seeded: Array<[string, string | null, number]> = [
  ["m0", "application/json", 30],
  ["m1", null, 10],
  ["m2", "text/plain", 50],
  ["m3", "application/xml", 20],
];

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-message-queries-" }));
  queries = await import("./queries");
  listenerId = (await db.listener.create({ data: { name: "In", path: "in", pathKey: "in", methods: '["POST"]' } })).id;
  const base = Date.UTC(2025, 0, 1);
  for (const [i, [path, contentType, size]] of seeded.entries()) {
    await db.inboundMessage.create({
      data: { listenerId, method: "POST", path, headers: "[]", contentType, body: Buffer.from(""), size, receivedAt: new Date(base + i * 1000), status: i === 2 ? "failed" : "stored" },
    });
  }
});

after(async () => {
  await db?.$disconnect();
  await temp?.cleanup();
});

const paths = (r: { items: Array<{ path: string }> }) => r.items.map((m) => m.path);
const list = (opts: Partial<Parameters<typeof queries.listMessagesPage>[1]> = {}) =>
  queries.listMessagesPage(listenerId, { sort: null, dir: "desc", page: 1, ...opts });

describe("listMessagesPage", () => {
  test("without a sort, or with an unknown one: newest first, with the total", async () => {
    const r = await list();
    assert.deepEqual(paths(r), ["m3", "m2", "m1", "m0"]);
    assert.equal(r.total, 4);
    assert.deepEqual(paths(await list({ sort: "body", dir: "asc" })), ["m3", "m2", "m1", "m0"]);
    assert.equal(queries.isMessageSort("constructor"), false, "inherited names are not sort keys");
  });

  test("sorted by a column; a nullable one puts empty values last in both directions", async () => {
    assert.deepEqual(paths(await list({ sort: "size", dir: "asc" })), ["m1", "m3", "m0", "m2"]);
    assert.deepEqual(paths(await list({ sort: "type", dir: "asc" })), ["m0", "m3", "m2", "m1"]);
    assert.deepEqual(paths(await list({ sort: "type", dir: "desc" })), ["m2", "m3", "m0", "m1"]);
  });

  test("numbered pages do not overlap; a page past the end is the last page", async () => {
    const pages = await Promise.all([1, 2].map((page) => list({ page, pageSize: 3 })));
    assert.deepEqual(pages.map(paths), [["m3", "m2", "m1"], ["m0"]]);
    const beyond = await list({ page: 5, pageSize: 3 });
    assert.deepEqual([beyond.page, paths(beyond)], [2, ["m0"]]);
  });

  test("the Status filter narrows the rows and the total", async () => {
    const failed = await list({ status: "failed" });
    assert.deepEqual([failed.total, paths(failed)], [1, ["m2"]]);
  });
});
