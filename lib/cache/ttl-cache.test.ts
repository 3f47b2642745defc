import assert from "node:assert/strict";
import { test } from "node:test";
import { invalidate } from "./invalidation";
import { TtlCache } from "./ttl-cache";

test("caches a value until its TTL runs out", async () => {
  let now = 1000;
  let loads = 0;
  const cache = new TtlCache<number>({ ttlMs: 5000, dependsOn: ["connector"], now: () => now });
  const load = async () => ++loads;
  assert.equal(await cache.get("a", load), 1);
  now += 4999;
  assert.equal(await cache.get("a", load), 1);
  now += 1;
  assert.equal(await cache.get("a", load), 2);
});

test("concurrent loads of one key share one promise; a failed load is not kept", async () => {
  const cache = new TtlCache<number>({ dependsOn: ["connector"] });
  let loads = 0;
  const slow = () => new Promise<number>((r) => setTimeout(() => r(++loads), 5));
  const [a, b] = await Promise.all([cache.get("k", slow), cache.get("k", slow)]);
  assert.equal(a, 1);
  assert.equal(b, 1);
  await assert.rejects(cache.get("bad", () => Promise.reject(new Error("x"))));
  assert.equal(await cache.get("bad", async () => 7), 7);
});

test("invalidate drops the changed id, or everything for a kind it depends on indirectly", async () => {
  const cache = new TtlCache<string>({ dependsOn: ["connector", "service"], keyKind: "connector" });
  let n = 0;
  const load = async () => `v${++n}`;
  await cache.get("c1", load);
  await cache.get("c2", load);
  invalidate("connector", "c1");
  assert.equal(await cache.get("c1", load), "v3");
  assert.equal(await cache.get("c2", load), "v2");
  invalidate("service", "s1");
  assert.equal(await cache.get("c2", load), "v4");
  invalidate("apiToken", "c2"); // not a kind this cache depends on
  assert.equal(await cache.get("c2", load), "v4");
});

test("without a key kind, any change of a kind it depends on drops everything", async () => {
  const cache = new TtlCache<string>({ dependsOn: ["apiToken", "user"] });
  let n = 0;
  const load = async () => `v${++n}`;
  await cache.get("hash-of-token", load);
  invalidate("apiToken", "token-id");
  assert.equal(await cache.get("hash-of-token", load), "v2");
});
