import assert from "node:assert/strict";
import { test } from "node:test";
import { RateLimiter } from "./rate-limit";

test("a burst up to the limit passes, then requests wait; the bucket refills at the limit", () => {
  let now = 0;
  const rl = new RateLimiter(() => now);
  for (let i = 0; i < 5; i++) assert.equal(rl.check("t", 5), null);
  assert.equal(rl.check("t", 5), 1, "Retry-After of at least 1 s");
  now += 200; // one request's worth at 5/s
  assert.equal(rl.check("t", 5), null);
  assert.equal(rl.check("t", 5), 1);
  assert.equal(rl.check("other", 5), null, "buckets are per token");
});

test("no limit: always allowed", () => {
  const rl = new RateLimiter(() => 0);
  for (let i = 0; i < 1000; i++) assert.equal(rl.check("t", null), null);
});
