// API tokens on a real temporary database: only a hash is stored, authentication reads the user's
// role and state at request time, revocation and user changes take effect at once on this process,
// lastUsedAt is written at most once a minute, and the per-token rate limit answers RATE_LIMITED.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { TSessionUser } from "@/lib/auth/session";
import type { TDb } from "@/lib/db";
import { rejectsWith } from "@/lib/testing/assert";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import type { TRole } from "@/lib/users/schema";
import { generateToken, hashToken } from "./format";

type TStore = typeof import("./store");
type TManage = typeof import("@/lib/users/manage");

const DAY = 86_400_000;

let temp: TTempDb;
let db: TDb;
let s: TStore;
let m: TManage;
let admin: TSessionUser;
let alice: TSessionUser;
let bob: TSessionUser;

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-api-tokens-" }));
  s = await import("./store");
  m = await import("@/lib/users/manage");
  admin = await addUser("admin@example.com", "ADMIN");
  await addUser("admin2@example.com", "ADMIN"); // so that role changes never hit the last-admin rule
  alice = await addUser("alice@example.com", "MEMBER");
  bob = await addUser("bob@example.com", "MEMBER");
});

after(async () => {
  await db?.$disconnect();
  await temp?.cleanup();
});

async function addUser(email: string, role: TRole): Promise<TSessionUser> {
  const u = await db.user.create({ data: { email, name: email.split("@")[0], role, passwordHash: "not used here" } });
  return { id: u.id, email: u.email, name: u.name, role, mustChangePassword: false };
}

const input = (name: string, more: { expires?: "30d" | "90d" | "1y" | "never"; rateLimit?: number | null } = {}) => ({
  name,
  expires: more.expires ?? "90d",
  rateLimit: more.rateLimit ?? null,
});

const rowOf = (id: string) => db.apiToken.findUniqueOrThrow({ where: { id }, omit: { tokenHash: false } });

/** Waits for the fire-and-forget lastUsedAt write to land (it runs off the request). */
async function lastUsedBecomes(id: string, expected: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const row = await rowOf(id);
    if (row.lastUsedAt?.getTime() === expected) return;
    if (Date.now() > deadline) assert.fail(`lastUsedAt is ${row.lastUsedAt?.toISOString()}, expected ${new Date(expected).toISOString()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("create and list", () => {
  test("only the SHA-256 is stored; the prefix is shown; the token text is in no row", async () => {
    const before = new Date("2026-03-01T12:00:00Z");
    const created = await s.createApiToken(input("ci", { rateLimit: 7 }), alice, before);
    assert.match(created.token, /^pb_[0-9A-Za-z]{49}$/);
    assert.equal(created.prefix, created.token.slice(0, 11));

    const row = await rowOf(created.id);
    assert.equal(row.tokenHash, hashToken(created.token));
    assert.equal(row.prefix, created.prefix);
    assert.equal(row.userId, alice.id);
    assert.equal(row.rateLimit, 7);
    assert.equal(row.expiresAt?.toISOString(), new Date(before.getTime() + 90 * DAY).toISOString());
    assert.equal(row.lastUsedAt, null);
    assert.equal(row.revokedAt, null);
    assert.ok(!JSON.stringify(row).includes(created.token), "the token is not in its row");
    // The hash is hidden from ordinary reads.
    assert.equal("tokenHash" in (await db.apiToken.findUniqueOrThrow({ where: { id: created.id } })), false);

    const listed = (await s.listApiTokens(alice, before)).find((t) => t.id === created.id);
    assert.ok(listed);
    assert.deepEqual(
      { name: listed.name, prefix: listed.prefix, owner: listed.owner.email, rateLimit: listed.rateLimit, status: listed.status, lastUsedAt: listed.lastUsedAt },
      { name: "ci", prefix: created.prefix, owner: "alice@example.com", rateLimit: 7, status: "active", lastUsedAt: null },
    );
    assert.ok(!JSON.stringify(await s.listApiTokens(admin)).includes(created.token));
    assert.ok(!JSON.stringify(await s.listApiTokens(admin)).includes(row.tokenHash), "lists carry no hash either");
  });

  test("\"never\" stores no expiry", async () => {
    const created = await s.createApiToken(input("forever", { expires: "never" }), alice);
    assert.equal((await rowOf(created.id)).expiresAt, null);
    assert.equal((await s.authenticateToken(created.token, Date.now() + 3650 * DAY)).user.id, alice.id);
  });

  test("members list their own tokens; admins list everybody's with the owner", async () => {
    const mine = await s.createApiToken(input("bob's"), bob);
    const bobs = await s.listApiTokens(bob);
    assert.ok(bobs.length > 0);
    assert.ok(bobs.every((t) => t.owner.id === bob.id));
    const all = await s.listApiTokens(admin);
    assert.ok(all.some((t) => t.owner.id === alice.id));
    assert.equal(all.find((t) => t.id === mine.id)?.owner.email, "bob@example.com");
  });
});

describe("authenticate", () => {
  test("a valid token acts as its user", async () => {
    const created = await s.createApiToken(input("ok"), alice);
    const caller = await s.authenticateToken(created.token);
    assert.equal(caller.tokenId, created.id);
    assert.deepEqual(caller.user, { id: alice.id, email: alice.email, name: alice.name, role: "MEMBER", mustChangePassword: false });
  });

  test("a wrong checksum, an unknown token and garbage are UNAUTHENTICATED", async () => {
    const created = await s.createApiToken(input("typo"), alice);
    const last = created.token.at(-1)!;
    const typo = created.token.slice(0, -1) + (last === "a" ? "b" : "a");
    await rejectsWith(s.authenticateToken(typo), "UNAUTHENTICATED");
    await rejectsWith(s.authenticateToken(generateToken()), "UNAUTHENTICATED", /not valid/);
    for (const bad of ["", "pb_", "Bearer x", created.token.slice(0, -1), `${created.token} `, created.token.toUpperCase()]) {
      await rejectsWith(s.authenticateToken(bad), "UNAUTHENTICATED");
    }
  });

  test("revocation takes effect at once, even right after a cached authentication; the audit log has no token", async () => {
    const created = await s.createApiToken(input("to revoke"), alice);
    const row = await rowOf(created.id);
    await s.authenticateToken(created.token); // now in the 5 s cache
    await s.revokeApiToken(created.id, alice);
    await rejectsWith(s.authenticateToken(created.token), "UNAUTHENTICATED", /revoked/);
    assert.equal((await s.listApiTokens(alice)).find((t) => t.id === created.id)?.status, "revoked");

    await s.revokeApiToken(created.id, alice); // twice: nothing more happens
    const entries = await db.auditEntry.findMany({ where: { objectType: "ApiToken", objectId: created.id }, orderBy: [{ at: "asc" }, { id: "asc" }] });
    assert.deepEqual(entries.map((e) => [e.action, e.actorEmail, e.objectName]), [
      ["create", "alice@example.com", "to revoke"],
      ["revoke", "alice@example.com", "to revoke"],
    ]);
    const text = JSON.stringify(entries);
    assert.ok(!text.includes(created.token), "no token in the audit log");
    assert.ok(!text.includes(row.tokenHash), "no hash in the audit log");
  });

  test("an expired token is refused", async () => {
    const old = await s.createApiToken(input("old", { expires: "30d" }), alice, new Date(Date.now() - 31 * DAY));
    await rejectsWith(s.authenticateToken(old.token), "UNAUTHENTICATED", /expired/);
    assert.equal((await s.listApiTokens(alice)).find((t) => t.id === old.id)?.status, "expired");

    const fresh = await s.createApiToken(input("fresh", { expires: "30d" }), alice);
    await s.authenticateToken(fresh.token);
    await rejectsWith(s.authenticateToken(fresh.token, Date.now() + 30 * DAY + 1000), "UNAUTHENTICATED", /expired/);
  });
});

describe("revoke: owner or admin", () => {
  test("a member cannot revoke someone else's token (NOT_FOUND); an admin can", async () => {
    const created = await s.createApiToken(input("alice's"), alice);
    await rejectsWith(s.revokeApiToken(created.id, bob), "NOT_FOUND");
    assert.equal((await rowOf(created.id)).revokedAt, null);
    await s.authenticateToken(created.token);

    await s.revokeApiToken(created.id, admin);
    await rejectsWith(s.authenticateToken(created.token), "UNAUTHENTICATED", /revoked/);
    const entry = await db.auditEntry.findFirstOrThrow({ where: { objectId: created.id, action: "revoke" } });
    assert.equal(entry.actorEmail, "admin@example.com");
  });

  test("an unknown id is NOT_FOUND", async () => {
    await rejectsWith(s.revokeApiToken("no-such-token", admin), "NOT_FOUND");
  });
});

describe("the user behind the token, read at request time", () => {
  test("a role change shows in the next authentication", async () => {
    const created = await s.createApiToken(input("role"), alice);
    assert.equal((await s.authenticateToken(created.token)).user.role, "MEMBER");
    await m.changeRole({ userId: alice.id, role: "ADMIN" }, admin);
    assert.equal((await s.authenticateToken(created.token)).user.role, "ADMIN");
    await m.changeRole({ userId: alice.id, role: "MEMBER" }, admin);
    assert.equal((await s.authenticateToken(created.token)).user.role, "MEMBER");
  });

  test("a deactivated user's token is refused, and works again after reactivation", async () => {
    const created = await s.createApiToken(input("deactivate"), bob);
    await s.authenticateToken(created.token);
    await m.setActive({ userId: bob.id, active: false }, admin);
    await rejectsWith(s.authenticateToken(created.token), "UNAUTHENTICATED", /deactivated/);
    await m.setActive({ userId: bob.id, active: true }, admin);
    assert.equal((await s.authenticateToken(created.token)).user.id, bob.id);
  });
});

describe("lastUsedAt and the rate limit", () => {
  test("lastUsedAt is written once for many requests within a minute", async () => {
    const created = await s.createApiToken(input("last used"), alice);
    const t0 = Math.floor(Date.now() / 1000) * 1000;
    await s.authenticateToken(created.token, t0);
    await lastUsedBecomes(created.id, t0);

    for (const dt of [1, 1000, 30_000, 59_999]) await s.authenticateToken(created.token, t0 + dt);
    // A write would have been started by now; give it time to land, then the column is unchanged.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await rowOf(created.id)).lastUsedAt?.getTime(), t0);

    await s.authenticateToken(created.token, t0 + 61_000);
    await lastUsedBecomes(created.id, t0 + 61_000);
  });

  test("with 2 requests per second, the third immediate request is RATE_LIMITED with Retry-After ≥ 1 s", async () => {
    const created = await s.createApiToken(input("limited", { rateLimit: 2 }), alice);
    await s.authenticateToken(created.token);
    await s.authenticateToken(created.token);
    const e = await rejectsWith(s.authenticateToken(created.token), "RATE_LIMITED", /2 requests per second/);
    assert.ok(e instanceof s.RateLimitedError);
    assert.ok(e.retryAfter >= 1, `retryAfter ${e.retryAfter}`);

    // Buckets are per token; no limit means none.
    const other = await s.createApiToken(input("unlimited"), alice);
    for (let i = 0; i < 50; i++) await s.authenticateToken(other.token);
  });
});
