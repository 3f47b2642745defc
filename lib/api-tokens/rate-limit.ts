// Per-token "Requests per second" (SPEC §8): a token bucket holding one second's worth of requests,
// so a burst up to the limit passes and the average stays at it. The embedded SQLite runs one
// process and keeps the buckets in memory (RateLimiter); on PostgreSQL every instance shares one
// bucket per token in the database (SharedRateLimiter, SPEC §12).
import type { TDb } from "@/lib/db";

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

/**
 * The same bucket as one number (GCRA, the "generic cell rate algorithm"): the time at which the
 * token's next request is due if it keeps to the limit. Each allowed request moves it on by one
 * request's share of a second (`emissionMs`); a request is allowed while that time is at most
 * `toleranceMs` ahead of now, which lets a burst of `limit` requests pass, as a full bucket does.
 */
export function gcra(limit: number): { emissionMs: number; toleranceMs: number } {
  const emissionMs = 1000 / limit;
  return { emissionMs, toleranceMs: (limit - 1) * emissionMs };
}

/** Retry-After in whole seconds (at least 1) for a request that would be due in `waitMs`. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}

type TRateDb = Pick<TDb, "$queryRaw">;

/**
 * The limit counted in PostgreSQL (ApiTokenRate): one statement per request of a token with a
 * limit, one row per such token updated in place (nothing to prune). The row lock of the upsert
 * orders concurrent requests of every instance; times come from the database's clock, so the
 * instances' clocks do not matter (`now` replaces it in tests).
 */
export class SharedRateLimiter {
  constructor(
    private readonly db: TRateDb,
    private readonly now?: () => number,
  ) {}

  /** null when allowed; else Retry-After in whole seconds. */
  async check(tokenId: string, limit: number | null): Promise<number | null> {
    if (!limit) return null;
    const { emissionMs, toleranceMs } = gcra(limit);
    const now = this.now ? this.now() : null;
    // Allowed when the due time is at most toleranceMs ahead: then it moves on by emissionMs (from
    // now, if it lies in the past). EXCLUDED."tat" is now + emissionMs. A refused request changes
    // nothing; the outer SELECT reads the due time as of the statement's start, for Retry-After.
    const rows = await this.db.$queryRaw<Array<{ allowed: boolean; aheadMs: number | null }>>`
      WITH "clock" AS (SELECT COALESCE(${now}::float8, (extract(epoch FROM statement_timestamp()) * 1000)::float8) AS "ms"),
      "taken" AS (
        INSERT INTO "ApiTokenRate" AS r ("tokenId", "tat")
        SELECT ${tokenId}, "clock"."ms" + ${emissionMs}::float8 FROM "clock"
        ON CONFLICT ("tokenId") DO UPDATE SET "tat" = GREATEST(r."tat" + ${emissionMs}::float8, EXCLUDED."tat")
        WHERE r."tat" - EXCLUDED."tat" <= ${toleranceMs - emissionMs}::float8
        RETURNING 1
      )
      SELECT EXISTS (SELECT 1 FROM "taken") AS "allowed",
        (SELECT r."tat" FROM "ApiTokenRate" r WHERE r."tokenId" = ${tokenId}) - (SELECT "ms" FROM "clock") AS "aheadMs"`;
    const { allowed, aheadMs } = rows[0];
    if (allowed) return null;
    return retryAfterSeconds((aheadMs ?? 0) - toleranceMs);
  }
}
