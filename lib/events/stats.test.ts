import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { bucketDeliveries, deliveryOutcomeOf, type TEventPoint } from "./stats";

const HOUR = 3_600_000;
const NOW = new Date("2026-03-10T15:30:00.000Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const event = (at: Date | number, status: string, attempts = 1): TEventPoint => ({ at, status, attempts });

describe("deliveryOutcomeOf", () => {
  test("delivered and dead are final, every other status still waits", () => {
    assert.equal(deliveryOutcomeOf("delivered"), "delivered");
    assert.equal(deliveryOutcomeOf("dead"), "dead");
    for (const s of ["pending", "retrying", "held", "something new"]) assert.equal(deliveryOutcomeOf(s), "waiting");
  });
});

describe("bucketDeliveries", () => {
  test("last 24 hours: 24 hourly buckets ending with the hour that holds now, all zero without events", () => {
    const s = bucketDeliveries([], "24h", NOW);
    assert.equal(s.buckets.length, 24);
    assert.equal(s.to, Date.parse("2026-03-10T16:00:00.000Z"));
    assert.equal(s.from, s.to - 24 * HOUR);
    assert.deepEqual(s.totals, { count: 0, delivered: 0, waiting: 0, dead: 0, attempts: 0 });
    assert.ok(s.buckets.every((b, i) => b.end - b.start === HOUR && b.start === s.from + i * HOUR && b.count === 0), "contiguous empty hours");
  });

  test("counts each event by outcome in the bucket of its time, with its attempts", () => {
    const s = bucketDeliveries(
      [
        event(ago(10 * 60_000), "delivered", 1),
        event(ago(20 * 60_000), "dead", 5),
        event(ago(25 * 60_000), "retrying", 2),
        event(ago(2 * HOUR), "pending", 0),
        event(ago(2 * HOUR).getTime(), "held", 0),
        event(ago(25 * HOUR), "delivered", 1), // before the window
        event(new Date(NOW.getTime() + HOUR), "delivered", 1), // after it
      ],
      "24h",
      NOW,
    );
    assert.deepEqual(s.totals, { count: 5, delivered: 1, waiting: 3, dead: 1, attempts: 8 });
    const last = s.buckets[23];
    assert.deepEqual({ ...last }, { start: Date.parse("2026-03-10T15:00:00.000Z"), end: s.to, count: 3, delivered: 1, waiting: 1, dead: 1, attempts: 8 });
    assert.deepEqual(
      { count: s.buckets[21].count, waiting: s.buckets[21].waiting, attempts: s.buckets[21].attempts },
      { count: 2, waiting: 2, attempts: 0 },
      "13:30 lands in the 13:00 bucket",
    );
    assert.equal(s.buckets.reduce((sum, b) => sum + b.count, 0), s.totals.count, "the buckets add up to the totals");
  });

  test("grouped points count as many events as they hold", () => {
    const hour = Date.parse("2026-03-10T09:00:00.000Z");
    const s = bucketDeliveries([{ at: hour, status: "delivered", count: 40, attempts: 44 }, { at: hour, status: "dead", count: 2, attempts: 10 }], "24h", NOW);
    assert.deepEqual(s.totals, { count: 42, delivered: 40, waiting: 0, dead: 2, attempts: 54 });
    assert.equal(s.buckets.find((b) => b.start === hour)?.count, 42);
  });

  test("last 7 days: 28 six-hour buckets; an event three days ago counts, one eight days ago does not", () => {
    const s = bucketDeliveries([event(ago(3 * 24 * HOUR), "delivered"), event(ago(8 * 24 * HOUR), "delivered"), event(ago(HOUR), "dead", 3)], "7d", NOW);
    assert.equal(s.buckets.length, 28);
    assert.equal(s.to, Date.parse("2026-03-10T18:00:00.000Z"));
    assert.deepEqual(s.totals, { count: 2, delivered: 1, waiting: 0, dead: 1, attempts: 4 });
    assert.equal(s.buckets[27].dead, 1);
    assert.equal(s.buckets.find((b) => b.start <= ago(3 * 24 * HOUR).getTime() && ago(3 * 24 * HOUR).getTime() < b.end)?.delivered, 1);
  });
});
