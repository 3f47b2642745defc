import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { bucketMessages, messageOutcomeOf, type TMessagePoint } from "./stats";

const HOUR = 3_600_000;
const NOW = new Date("2026-03-10T15:30:00.000Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const message = (at: Date | number, status: string): TMessagePoint => ({ at, status });

describe("messageOutcomeOf", () => {
  test("maps every stored status to an outcome", () => {
    assert.equal(messageOutcomeOf("delivered"), "handedOn");
    assert.equal(messageOutcomeOf("stored"), "stored");
    assert.equal(messageOutcomeOf("failed"), "failed");
    assert.equal(messageOutcomeOf("dead"), "failed");
    assert.equal(messageOutcomeOf("pending"), "waiting");
    assert.equal(messageOutcomeOf("retrying"), "waiting");
    assert.equal(messageOutcomeOf("constructor"), "waiting", "no prototype keys");
  });
});

describe("bucketMessages", () => {
  test("last 24 hours: 24 hourly buckets, all zero without messages", () => {
    const s = bucketMessages([], "24h", NOW);
    assert.equal(s.buckets.length, 24);
    assert.equal(s.to, Date.parse("2026-03-10T16:00:00.000Z"));
    assert.deepEqual(s.totals, { count: 0, handedOn: 0, stored: 0, waiting: 0, failed: 0 });
  });

  test("counts each message by outcome in the bucket of its time", () => {
    const s = bucketMessages(
      [
        message(ago(5 * 60_000), "delivered"),
        message(ago(6 * 60_000), "stored"),
        message(ago(7 * 60_000), "dead"),
        message(ago(3 * HOUR), "failed"),
        message(ago(3 * HOUR).getTime(), "retrying"),
        message(ago(24 * HOUR), "delivered"), // 15:30 yesterday: before the window (from 16:00)
      ],
      "24h",
      NOW,
    );
    assert.deepEqual(s.totals, { count: 5, handedOn: 1, stored: 1, waiting: 1, failed: 2 });
    const { start, end, ...last } = s.buckets[23];
    assert.equal(start, Date.parse("2026-03-10T15:00:00.000Z"));
    assert.equal(end, s.to);
    assert.deepEqual(last, { count: 3, handedOn: 1, stored: 1, waiting: 0, failed: 1 });
    assert.deepEqual({ ...s.buckets[20], start: 0, end: 0 }, { start: 0, end: 0, count: 2, handedOn: 0, stored: 0, waiting: 1, failed: 1 });
  });

  test("grouped points count as many messages as they hold; 7 days has 28 six-hour buckets", () => {
    const hour = Date.parse("2026-03-08T07:00:00.000Z");
    const s = bucketMessages([{ at: hour, status: "stored", count: 12 }, { at: ago(9 * 24 * HOUR), status: "stored", count: 3 }], "7d", NOW);
    assert.equal(s.buckets.length, 28);
    assert.deepEqual(s.totals, { count: 12, handedOn: 0, stored: 12, waiting: 0, failed: 0 });
    assert.equal(s.buckets.find((b) => b.start === Date.parse("2026-03-08T06:00:00.000Z"))?.stored, 12);
  });
});
