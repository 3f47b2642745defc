import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  afterAttempt,
  classify,
  describeOutcome,
  JITTER,
  jitterFactor,
  MAX_ATTEMPTS,
  nextAttemptAt,
  parseHttpDate,
  parseRetryAfter,
  RETRY_AFTER_CAP_MS,
  RETRY_SCHEDULE_MS,
} from "./delivery-schedule";

const NOW = new Date("2024-06-01T12:00:00Z");
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const mid = () => 0.5; // no jitter
const delayOf = (at: Date | null) => {
  assert.ok(at, "expected a next attempt, got dead-letter");
  return at.getTime() - NOW.getTime();
};

describe("schedule", () => {
  test("the Standard Webhooks schedule plus a last attempt 24 h later", () => {
    assert.deepEqual(RETRY_SCHEDULE_MS, [0, 5 * S, 5 * MIN, 30 * MIN, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H, 24 * H]);
    assert.equal(MAX_ATTEMPTS, 11);
    assert.ok(MAX_ATTEMPTS >= 10, "at least 10 attempts");
  });

  test("spans ≥ 72 h even when every delay is jittered 20 % short", () => {
    const total = RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    assert.equal(total, 99 * H + 35 * MIN + 5 * S);
    assert.ok(total * (1 - JITTER) >= 72 * H, `shortest span ${(total * (1 - JITTER)) / H} h`);
    // Walk it with the smallest random draw.
    let t = NOW;
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) t = nextAttemptAt({ attempt, now: t, random: () => 0 })!;
    assert.ok(t.getTime() - NOW.getTime() >= 72 * H, `last attempt after ${(t.getTime() - NOW.getTime()) / H} h`);
  });

  test("without jitter, attempt n is followed by RETRY_SCHEDULE_MS[n]", () => {
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      assert.equal(delayOf(nextAttemptAt({ attempt, now: NOW, random: mid })), RETRY_SCHEDULE_MS[attempt]);
    }
  });

  test("dead-letter (null) after the last attempt, and only then", () => {
    assert.notEqual(nextAttemptAt({ attempt: MAX_ATTEMPTS - 1, now: NOW, random: mid }), null);
    assert.equal(nextAttemptAt({ attempt: MAX_ATTEMPTS, now: NOW }), null);
    assert.equal(nextAttemptAt({ attempt: MAX_ATTEMPTS + 3, now: NOW, retryAfter: "5" }), null);
  });

  test("an attempt number that is not an integer ≥ 1 is a bug", () => {
    for (const attempt of [0, -1, 1.5, Number.NaN]) assert.throws(() => nextAttemptAt({ attempt, now: NOW }), RangeError);
  });
});

describe("jitter", () => {
  test("every delay stays within ±20 % of the schedule (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_ATTEMPTS - 1 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const base = RETRY_SCHEDULE_MS[attempt]!;
        const d = delayOf(nextAttemptAt({ attempt, now: NOW, random: () => r }));
        assert.ok(d >= Math.floor(base * 0.8) && d <= Math.ceil(base * 1.2), `attempt ${attempt}: ${d} ms for ${base} ms`);
      }),
      { numRuns: 500 },
    );
  });

  test("the extremes: r = 0 gives −20 %, r → 1 approaches +20 %; out-of-range draws are clamped", () => {
    assert.equal(delayOf(nextAttemptAt({ attempt: 2, now: NOW, random: () => 0 })), 4 * MIN);
    assert.equal(delayOf(nextAttemptAt({ attempt: 2, now: NOW, random: () => 0.999999 })), 6 * MIN);
    assert.equal(jitterFactor(-5), 0.8);
    assert.equal(jitterFactor(7), 1.2);
    assert.equal(jitterFactor(Number.NaN), 1);
  });

  test("the default random draws different delays", () => {
    const delays = new Set(Array.from({ length: 20 }, () => delayOf(nextAttemptAt({ attempt: 9, now: NOW }))));
    assert.ok(delays.size > 1, "Math.random jitter produced one value 20 times");
  });
});

describe("Retry-After", () => {
  test("seconds postpone the next attempt beyond the schedule", () => {
    assert.equal(delayOf(nextAttemptAt({ attempt: 1, now: NOW, retryAfter: "120", random: mid })), 120 * S);
    assert.equal(delayOf(nextAttemptAt({ attempt: 1, now: NOW, retryAfter: " 60 ", random: mid })), 60 * S);
  });

  test("an HTTP-date postpones the next attempt to that time", () => {
    const at = new Date(NOW.getTime() + 3 * H);
    assert.equal(delayOf(nextAttemptAt({ attempt: 2, now: NOW, retryAfter: at.toUTCString(), random: mid })), 3 * H);
  });

  test("never earlier than the schedule: 0 and past dates keep the jittered delay", () => {
    assert.equal(delayOf(nextAttemptAt({ attempt: 4, now: NOW, retryAfter: "0", random: mid })), 2 * H);
    assert.equal(delayOf(nextAttemptAt({ attempt: 4, now: NOW, retryAfter: "Sat, 01 Jun 2024 11:00:00 GMT", random: () => 0 })), 1.6 * H);
  });

  test("capped at 24 h, both forms", () => {
    assert.equal(delayOf(nextAttemptAt({ attempt: 1, now: NOW, retryAfter: String(7 * 24 * 3600), random: mid })), RETRY_AFTER_CAP_MS);
    assert.equal(delayOf(nextAttemptAt({ attempt: 1, now: NOW, retryAfter: "99999999999999999999999", random: mid })), RETRY_AFTER_CAP_MS);
    assert.equal(delayOf(nextAttemptAt({ attempt: 1, now: NOW, retryAfter: "Fri, 01 Jan 2100 00:00:00 GMT", random: mid })), RETRY_AFTER_CAP_MS);
    assert.equal(RETRY_AFTER_CAP_MS, 24 * H);
  });

  test("garbage is ignored: the schedule applies", () => {
    const garbage = ["", "soon", "-5", "1.5", "5 minutes", "1e3", "0x10", "2024-06-01T15:00:00Z", "Sat, 31 Feb 2024 10:00:00 GMT", "Sat, 01 Jun 2024 25:00:00 GMT", "Sat, 01 Jun 2024 15:00:00 PST", "Sat,01 Jun 2024 15:00:00 GMT"];
    for (const retryAfter of garbage) {
      assert.equal(delayOf(nextAttemptAt({ attempt: 3, now: NOW, retryAfter, random: mid })), 30 * MIN, `header ${JSON.stringify(retryAfter)}`);
    }
    for (const g of garbage) assert.equal(parseRetryAfter(g, NOW), null, `parsed ${JSON.stringify(g)}`);
    // "1" is one second (valid), never the year 2001 as Date.parse would have it.
    assert.equal(parseRetryAfter("1", NOW), 1000);
    assert.equal(delayOf(nextAttemptAt({ attempt: 3, now: NOW, retryAfter: null, random: mid })), 30 * MIN);
  });

  test("the three HTTP-date forms of RFC 9110 §5.6.7", () => {
    const expected = Date.UTC(1994, 10, 6, 8, 49, 37);
    assert.equal(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT", NOW)?.getTime(), expected);
    assert.equal(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", NOW)?.getTime(), expected);
    assert.equal(parseHttpDate("Sun Nov  6 08:49:37 1994", NOW)?.getTime(), expected);
    // RFC 850 two-digit years: more than 50 years ahead means the previous century.
    assert.equal(parseHttpDate("Monday, 01-Jan-74 00:00:00 GMT", NOW)?.getUTCFullYear(), 2074);
    assert.equal(parseHttpDate("Monday, 01-Jan-75 00:00:00 GMT", NOW)?.getUTCFullYear(), 1975);
  });
});

describe("outcomes", () => {
  test("classify: 2xx delivered, 410 gone, everything else retried", () => {
    for (const status of [200, 201, 202, 204, 299]) assert.equal(classify({ status }), "delivered", String(status));
    assert.equal(classify({ status: 410 }), "gone");
    for (const status of [100, 301, 302, 304, 307, 308, 400, 401, 404, 409, 429, 500, 502, 503, 504, 0, 600]) {
      assert.equal(classify({ status }), "retry", String(status));
    }
    for (const error of ["TIMEOUT", "CONNECTION_REFUSED", "DNS_FAILURE", "OUTBOUND_BLOCKED"]) assert.equal(classify({ error }), "retry", error);
  });

  test("3xx is a failure, not followed, and says so", () => {
    assert.deepEqual(afterAttempt({ outcome: { status: 302 }, attempt: 1, now: NOW, random: mid }), { action: "retry", at: new Date(NOW.getTime() + 5 * S) });
    assert.equal(describeOutcome({ status: 301 }), "HTTP 301 (redirects are not followed)");
  });

  test("410 stops and disables delivery with a reason, whatever the attempt", () => {
    for (const attempt of [1, MAX_ATTEMPTS]) {
      const d = afterAttempt({ outcome: { status: 410 }, attempt, now: NOW });
      assert.equal(d.action, "disable");
      assert.ok(d.action === "disable" && /410 Gone/.test(d.reason), "the reason names 410 Gone");
    }
  });

  test("2xx on the last attempt is still delivered", () => {
    assert.deepEqual(afterAttempt({ outcome: { status: 204 }, attempt: MAX_ATTEMPTS, now: NOW }), { action: "delivered" });
  });

  test("a failure on the last attempt is dead-lettered, with the last outcome", () => {
    const d = afterAttempt({ outcome: { error: "The callback did not answer within 15 s" }, attempt: MAX_ATTEMPTS, now: NOW });
    assert.deepEqual(d, { action: "dead", reason: "Not delivered after 11 attempts: The callback did not answer within 15 s." });
    const e = afterAttempt({ outcome: { status: 503 }, attempt: MAX_ATTEMPTS, now: NOW, retryAfter: "10" });
    assert.ok(e.action === "dead" && e.reason.endsWith("HTTP 503."), `got ${JSON.stringify(e)}`);
  });

  test("retryable statuses follow the schedule and honour Retry-After", () => {
    assert.deepEqual(afterAttempt({ outcome: { status: 429 }, attempt: 2, now: NOW, retryAfter: "600", random: mid }), {
      action: "retry",
      at: new Date(NOW.getTime() + 10 * MIN),
    });
  });
});
