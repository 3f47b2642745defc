import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  MAX_FAILURES_PER_ACCOUNT,
  MAX_FAILURES_PER_IP,
  rateLimitMessage,
  SIGN_IN_WINDOW_MS,
  type TFailureCounts,
} from "./rate-limit";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const MIN = 60_000;

function counts(account: number, ip: number, accountOldest: Date | null = ago(MIN), ipOldest: Date | null = ago(MIN)) {
  return { account: { count: account, oldest: accountOldest }, ip: { count: ip, oldest: ipOldest } } satisfies TFailureCounts;
}

describe("rateLimitMessage", () => {
  test("the limits are 5 per account and 30 per address within 15 minutes", () => {
    assert.equal(MAX_FAILURES_PER_ACCOUNT, 5);
    assert.equal(MAX_FAILURES_PER_IP, 30);
    assert.equal(SIGN_IN_WINDOW_MS, 15 * MIN);
  });

  test("below both limits: null", () => {
    assert.equal(rateLimitMessage(counts(0, 0, null, null), NOW), null);
    assert.equal(rateLimitMessage(counts(MAX_FAILURES_PER_ACCOUNT - 1, MAX_FAILURES_PER_IP - 1), NOW), null);
  });

  test("account limit reached: refuses for this account", () => {
    const m = rateLimitMessage(counts(MAX_FAILURES_PER_ACCOUNT, 0), NOW);
    assert.ok(m);
    assert.match(m, /this account/);
    assert.doesNotMatch(m, /your address/);
  });

  test("above the account limit still refuses", () => {
    assert.match(rateLimitMessage(counts(MAX_FAILURES_PER_ACCOUNT + 10, 0), NOW) ?? "", /this account/);
  });

  test("address limit reached: refuses for your address", () => {
    const m = rateLimitMessage(counts(0, MAX_FAILURES_PER_IP), NOW);
    assert.ok(m);
    assert.match(m, /your address/);
    assert.doesNotMatch(m, /this account/);
  });

  test("both limits reached: the account message wins", () => {
    assert.match(rateLimitMessage(counts(MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_IP), NOW) ?? "", /this account/);
  });

  test("waits until the oldest failure leaves the window, rounded up to whole minutes", () => {
    const wait = (oldestAgoMs: number) =>
      rateLimitMessage(counts(MAX_FAILURES_PER_ACCOUNT, 0, ago(oldestAgoMs)), NOW)?.match(/Try again in (.*)\.$/)?.[1];
    assert.equal(wait(14 * MIN + 30_000), "1 minute"); // 30 s left
    assert.equal(wait(14 * MIN), "1 minute"); // exactly 1 min left
    assert.equal(wait(14 * MIN - 1), "2 minutes"); // 1 min + 1 ms left
    assert.equal(wait(13 * MIN), "2 minutes");
    assert.equal(wait(10 * MIN), "5 minutes");
    assert.equal(wait(10 * MIN - 1), "6 minutes");
    assert.equal(wait(0), "15 minutes");
    assert.equal(wait(15 * MIN - 1), "1 minute"); // 1 ms left
  });

  test("never says less than 1 minute, even when the oldest failure is already outside the window", () => {
    const m = rateLimitMessage(counts(MAX_FAILURES_PER_ACCOUNT, 0, ago(15 * MIN)), NOW);
    assert.match(m ?? "", /Try again in 1 minute\.$/);
    const stale = rateLimitMessage(counts(MAX_FAILURES_PER_ACCOUNT, 0, ago(60 * MIN)), NOW);
    assert.match(stale ?? "", /Try again in 1 minute\.$/);
  });

  test("without an oldest failure it waits the whole window", () => {
    assert.match(rateLimitMessage(counts(MAX_FAILURES_PER_ACCOUNT, 0, null), NOW) ?? "", /in 15 minutes\.$/);
    assert.match(rateLimitMessage(counts(0, MAX_FAILURES_PER_IP, null, null), NOW) ?? "", /in 15 minutes\.$/);
  });

  test("the address message uses the address's oldest failure, with singular and plural", () => {
    const one = rateLimitMessage(counts(0, MAX_FAILURES_PER_IP, ago(MIN), ago(14 * MIN + 1)), NOW);
    assert.equal(one, "Too many failed sign-in attempts from your address. Try again in 1 minute.");
    const three = rateLimitMessage(counts(0, MAX_FAILURES_PER_IP, ago(MIN), ago(12 * MIN)), NOW);
    assert.equal(three, "Too many failed sign-in attempts from your address. Try again in 3 minutes.");
  });

  test("the account message uses the account's oldest failure, with singular and plural", () => {
    const one = rateLimitMessage(counts(MAX_FAILURES_PER_ACCOUNT, 0, ago(14 * MIN + 59_000), ago(0)), NOW);
    assert.equal(one, "Too many failed sign-in attempts for this account. Try again in 1 minute.");
    const many = rateLimitMessage(counts(MAX_FAILURES_PER_ACCOUNT, 0, ago(2 * MIN), ago(14 * MIN)), NOW);
    assert.equal(many, "Too many failed sign-in attempts for this account. Try again in 13 minutes.");
  });
});
