import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TDb } from "@/lib/db";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { bucketDeliveries, type TEventPoint } from "./stats";

let temp: TTempDb;
let db: TDb;
let q: typeof import("./stats-query");

const NOW = new Date("2026-03-10T15:30:00.000Z");
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-event-stats-" }));
  q = await import("./stats-query");
});

after(async () => {
  await db?.$disconnect();
  await temp?.cleanup();
});

describe("deliveryStatsByRange", () => {
  test("counts the subscription's events per hour as bucketDeliveries does from single events", async () => {
    const config = await db.authConfig.create({ data: { name: "Open", protocol: "NONE", subProtocol: "NONE", settings: {}, secrets: {} } });
    const service = await db.service.create({ data: { name: "Shop", authConfigId: config.id } });
    const [sub, other] = await Promise.all(
      ["Orders", "Other"].map((name) => db.eventSubscription.create({ data: { name, serviceId: service.id, type: "WEBHOOK", callbackUrl: "https://example.com/hook" } })),
    );
    const seeded: (TEventPoint & { at: Date })[] = [
      { at: ago(5 * 60_000), status: "delivered", attempts: 1 },
      { at: ago(40 * 60_000), status: "delivered", attempts: 2 },
      { at: ago(50 * 60_000), status: "dead", attempts: 8 },
      { at: ago(3 * HOUR), status: "retrying", attempts: 3 },
      { at: ago(3 * HOUR + 1), status: "held", attempts: 0 },
      { at: ago(30 * HOUR), status: "delivered", attempts: 1 },
      { at: ago(6 * 24 * HOUR), status: "dead", attempts: 8 },
      { at: ago(9 * 24 * HOUR), status: "delivered", attempts: 1 },
    ];
    const row = (subscriptionId: string, e: TEventPoint & { at: Date }) => ({
      subscriptionId,
      resource: "orders",
      type: "RECEIVED",
      payload: "{}",
      occurredAt: e.at,
      createdAt: e.at,
      deliveryStatus: e.status,
      attemptCount: e.attempts,
    });
    await db.event.createMany({ data: [...seeded.map((e) => row(sub.id, e)), row(other.id, { at: ago(60_000), status: "dead", attempts: 1 })] });

    const stats = await q.deliveryStatsByRange(sub.id, NOW);
    assert.deepEqual(stats["24h"], bucketDeliveries(seeded, "24h", NOW));
    assert.deepEqual(stats["7d"], bucketDeliveries(seeded, "7d", NOW));
    assert.deepEqual(stats["24h"].totals, { count: 5, delivered: 2, waiting: 2, dead: 1, attempts: 14 });
    assert.deepEqual(stats["7d"].totals, { count: 7, delivered: 3, waiting: 2, dead: 2, attempts: 23 });
  });
});
