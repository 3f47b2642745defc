import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TDb } from "@/lib/db";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { bucketMessages, type TMessagePoint } from "./stats";

let temp: TTempDb;
let db: TDb;
let q: typeof import("./stats-query");

const NOW = new Date("2026-03-10T15:30:00.000Z");
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-message-stats-" }));
  q = await import("./stats-query");
});

after(async () => {
  await db?.$disconnect();
  await temp?.cleanup();
});

describe("messageStatsByRange", () => {
  test("counts the listener's messages per hour as bucketMessages does from single messages", async () => {
    const [listener, other] = await Promise.all(
      ["orders", "other"].map((path) => db.listener.create({ data: { name: path, path, pathKey: path, methods: '["POST"]' } })),
    );
    const seeded: (TMessagePoint & { at: Date })[] = [
      { at: ago(60_000), status: "stored" },
      { at: ago(2 * 60_000), status: "delivered" },
      { at: ago(45 * 60_000), status: "failed" },
      { at: ago(5 * HOUR), status: "dead" },
      { at: ago(5 * HOUR + 1), status: "pending" },
      { at: ago(2 * 24 * HOUR), status: "delivered" },
      { at: ago(10 * 24 * HOUR), status: "delivered" },
    ];
    const row = (listenerId: string, m: TMessagePoint & { at: Date }) => ({ listenerId, method: "POST", path: "/orders", headers: "[]", body: new Uint8Array(2), size: 2, receivedAt: m.at, status: m.status });
    await db.inboundMessage.createMany({ data: [...seeded.map((m) => row(listener.id, m)), row(other.id, { at: ago(60_000), status: "stored" })] });

    const stats = await q.messageStatsByRange(listener.id, NOW);
    assert.deepEqual(stats["24h"], bucketMessages(seeded, "24h", NOW));
    assert.deepEqual(stats["7d"], bucketMessages(seeded, "7d", NOW));
    assert.deepEqual(stats["24h"].totals, { count: 5, handedOn: 1, stored: 1, waiting: 1, failed: 2 });
    assert.deepEqual(stats["7d"].totals, { count: 6, handedOn: 2, stored: 1, waiting: 1, failed: 2 });
  });
});
