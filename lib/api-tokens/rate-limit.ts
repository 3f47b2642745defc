// Per-token "Requests per second" (SPEC §8): a token bucket holding one second's worth of requests,
// so a burst up to the limit passes and the average stays at it. Per process; the scale-out work
// counts in a shared place. Pure apart from the clock it is given.

export type TBucket = { tokens: number; at: number };

/** Takes one request from the bucket; returns null when allowed, else the seconds to wait. */
export function takeRequest(bucket: TBucket, limit: number, nowMs: number): number | null {
  const elapsed = Math.max(0, nowMs - bucket.at) / 1000;
  bucket.tokens = Math.min(limit, bucket.tokens + elapsed * limit);
  bucket.at = nowMs;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return null;
  }
  return Math.max(1, Math.ceil((1 - bucket.tokens) / limit));
}

export class RateLimiter {
  private readonly buckets = new Map<string, TBucket>();

  constructor(private readonly now: () => number = Date.now) {}

  /** null when allowed; else Retry-After in whole seconds. */
  check(key: string, limit: number | null): number | null {
    if (!limit) return null;
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size > 50_000) this.buckets.clear();
      b = { tokens: limit, at: this.now() };
      this.buckets.set(key, b);
    }
    return takeRequest(b, limit, this.now());
  }
}
