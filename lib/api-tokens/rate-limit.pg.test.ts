// The per-token rate limit counted in PostgreSQL (SPEC §12, issue 14): two instances (two clients
// with pools of their own) share one bucket per token, it decides as the in-process bucket does,
// and it keeps one row per token. PostgreSQL only: npm test's cluster, or one started here.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createPrismaClient, type TDb } from "@/lib/db";
import { testPgCluster } from "@/lib/testing/pg-cluster";
import { createPgTestDatabase } from "@/lib/testing/temp-db";
import { RateLimiter, SharedRateLimiter } from "./rate-limit";

let drop: () => Promise<void>;
/** Two instances' database clients. */
let a: TDb;
let b: TDb;
let userId: string;

before(async () => {
  let url: string;
  ({ url, drop } = await createPgTestDatabase(await testPgCluster(), "patchbay_rate_limit_"));
  a = createPrismaClient(url);
  b = createPrismaClient(url);
  userId = (await a.user.create({ data: { email: "u@example.test", name: "U", passwordHash: "x" } })).id;
});

after(async () => {
  await a?.$disconnect();
  await b?.$disconnect();
  await drop?.();
});

let tokens = 0;
async function newToken(rateLimit: number | null): Promise<string> {
  tokens++;
  const row = await a.apiToken.create({ data: { name: `t${tokens}`, tokenHash: `hash-${tokens}`, prefix: "pb_x", userId, rateLimit } });
  return row.id;
}

/** `n` checks at once, split over both instances; the Retry-After of each (null: allowed). */
async function burst(limiters: SharedRateLimiter[], tokenId: string, limit: number, n: number): Promise<Array<number | null>> {
  return Promise.all(Array.from({ length: n }, (_, i) => limiters[i % limiters.length].check(tokenId, limit)));
}
const allowed = (waits: Array<number | null>) => waits.filter((w) => w === null).length;

test("two instances share one bucket: a burst of 40 at a limit of 10 lets exactly 10 pass, then it refills at the limit", async () => {
  let now = 1_800_000_000_000;
  const limiters = [new SharedRateLimiter(a, () => now), new SharedRateLimiter(b, () => now)];
  const id = await newToken(10);
  const first = await burst(limiters, id, 10, 40);
  assert.equal(allowed(first), 10, "10 of 40 across both instances (each alone would let 10 pass)");
  assert.deepEqual(new Set(first.filter((w) => w !== null)), new Set([1]), "Retry-After 1 s");
  now += 100; // one request's share of a second
  assert.equal(allowed(await burst(limiters, id, 10, 10)), 1);
  now += 1_000; // a full bucket again, not more
  assert.equal(allowed(await burst(limiters, id, 10, 30)), 10);
  assert.equal(await a.apiTokenRate.count({ where: { tokenId: id } }), 1, "one row per token, updated in place");
});

test("decides as the in-process token bucket does, request by request", async () => {
  // Arrivals at irregular times (never on a boundary), bursts and pauses.
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const limit of [1, 3, 7]) {
    let now = 1_800_000_000_000.5;
    const shared = new SharedRateLimiter(a, () => now);
    const local = new RateLimiter(() => now);
    const id = await newToken(limit);
    const outcomes = new Set<string>();
    for (let i = 0; i < 120; i++) {
      now += random() < 0.2 ? random() * 2_000 : random() * (400 / limit);
      const expected = local.check(id, limit);
      const got = await shared.check(id, limit);
      assert.equal(got === null, expected === null, `limit ${limit}, request ${i}: ${got === null ? "allowed" : "refused"} in the database, ${expected === null ? "allowed" : "refused"} in memory`);
      if (got !== null) assert.equal(got, expected, `limit ${limit}, request ${i}: Retry-After`);
      outcomes.add(got === null ? "allowed" : "refused");
    }
    assert.equal(outcomes.size, 2, `limit ${limit}: both allowed and refused requests were compared`);
  }
});

test("on the database's clock: a burst passes up to the limit, however many instances send it", async () => {
  const limiters = [new SharedRateLimiter(a), new SharedRateLimiter(b)];
  const id = await newToken(5);
  const started = performance.now();
  const waits = await burst(limiters, id, 5, 40);
  const elapsed = performance.now() - started;
  // Tokens refill at 5 per second while the burst runs: at most one per 200 ms it took.
  assert.ok(allowed(waits) >= 5, `${allowed(waits)} allowed`);
  assert.ok(allowed(waits) <= 5 + Math.ceil(elapsed / 200), `${allowed(waits)} allowed in ${Math.round(elapsed)} ms`);
});

test("tokens are counted apart; a token without a limit costs nothing and writes nothing", async () => {
  const now = 1_800_000_000_000;
  const limiter = new SharedRateLimiter(a, () => now);
  const one = await newToken(1);
  const two = await newToken(1);
  assert.equal(await limiter.check(one, 1), null);
  assert.equal(await limiter.check(one, 1), 1);
  assert.equal(await limiter.check(two, 1), null);
  const unlimited = await newToken(null);
  for (let i = 0; i < 20; i++) assert.equal(await limiter.check(unlimited, null), null);
  assert.equal(await a.apiTokenRate.count({ where: { tokenId: unlimited } }), 0);
});

test("the row goes with its token", async () => {
  const id = await newToken(2);
  await new SharedRateLimiter(a).check(id, 2);
  assert.equal(await a.apiTokenRate.count({ where: { tokenId: id } }), 1);
  await a.apiToken.delete({ where: { id } });
  assert.equal(await a.apiTokenRate.count({ where: { tokenId: id } }), 0);
});
