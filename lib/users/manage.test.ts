import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TSessionUser } from "@/lib/auth/session";
import type { TDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { hashPassword, verifyPassword } from "./password";
import type { TRole } from "./schema";
import { rejectsWith } from "@/lib/testing/assert";

type TManage = typeof import("./manage");

const TEMP_PASSWORD = /^[abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789]{4}(-[abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789]{4}){3}$/;
const KNOWN_PASSWORD = "the known password 1";

let temp: TTempDb;
let db: TDb;
let m: TManage;
let knownHash: string;

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-users-" }));
  m = await import("./manage");
  knownHash = await hashPassword(KNOWN_PASSWORD);
});

after(async () => {
  await db?.$disconnect();
  await temp?.cleanup();
});

async function reset() {
  await db.auditEntry.deleteMany();
  await db.user.deleteMany();
}

async function addUser(email: string, role: TRole, opts: { active?: boolean; mustChangePassword?: boolean } = {}) {
  return db.user.create({
    data: { email, name: email.split("@")[0], role, passwordHash: knownHash, active: opts.active ?? true, mustChangePassword: opts.mustChangePassword ?? false },
  });
}

const session = (u: { id: string; email: string; name: string; role: string; mustChangePassword: boolean }): TSessionUser => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role as TRole,
  mustChangePassword: u.mustChangePassword,
});

const withHash = (id: string) => db.user.findUniqueOrThrow({ where: { id }, omit: { passwordHash: false } });

/** Everything that could leak: the users' rows (with hashes) and the whole audit table. */
async function snapshot() {
  return {
    users: await db.user.findMany({ omit: { passwordHash: false }, orderBy: { email: "asc" } }),
    audit: await db.auditEntry.findMany({ orderBy: [{ at: "asc" }, { id: "asc" }] }),
  };
}

describe("first-run setup", () => {
  before(reset);

  test("bootstrapAdminFromEnv returns false and creates nothing when PATCHBAY_ADMIN_EMAIL is unset", async () => {
    assert.equal(await m.userCount(), 0);
    assert.equal(await m.bootstrapAdminFromEnv(), false);
    assert.equal(await m.userCount(), 0);
    assert.equal(await db.auditEntry.count(), 0);
  });

  test("setupFirstAdmin creates an active ADMIN with a hashed password and a 'setup' audit entry", async () => {
    await m.setupFirstAdmin({ name: "Ada", email: "ada@example.com", password: "first-admin-pw" });
    const users = await db.user.findMany({ omit: { passwordHash: false } });
    assert.equal(users.length, 1);
    const [ada] = users;
    assert.equal(ada.email, "ada@example.com");
    assert.equal(ada.name, "Ada");
    assert.equal(ada.role, "ADMIN");
    assert.equal(ada.active, true);
    assert.equal(ada.mustChangePassword, false);
    assert.notEqual(ada.passwordHash, "first-admin-pw");
    assert.match(ada.passwordHash, /^scrypt\$/);
    assert.equal(await verifyPassword("first-admin-pw", ada.passwordHash), true);
    assert.equal(await verifyPassword("first-admin-pX", ada.passwordHash), false);

    const entries = await db.auditEntry.findMany();
    assert.equal(entries.length, 1);
    assert.equal(entries[0].action, "setup");
    assert.equal(entries[0].objectType, "User");
    assert.equal(entries[0].objectId, ada.id);
    assert.equal(entries[0].objectName, "ada@example.com");
    assert.equal(entries[0].actorId, ada.id);
    assert.equal(entries[0].actorEmail, "ada@example.com");
    assert.ok(!JSON.stringify(entries).includes("first-admin-pw"));
  });

  test("a second setupFirstAdmin is refused with FORBIDDEN and writes nothing", async () => {
    const before = await snapshot();
    await rejectsWith(m.setupFirstAdmin({ name: "Eve", email: "eve@example.com", password: "second-admin-pw" }), "FORBIDDEN");
    assert.deepEqual(await snapshot(), before);
  });

  test("two setups racing on an empty database: exactly one wins", async () => {
    await reset();
    const results = await Promise.allSettled([
      m.setupFirstAdmin({ name: "One", email: "one@example.com", password: "racing-admin-1" }),
      m.setupFirstAdmin({ name: "Two", email: "two@example.com", password: "racing-admin-2" }),
    ]);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1, JSON.stringify(results));
    const lost = results.find((r) => r.status === "rejected");
    assert.ok(lost && lost.reason instanceof AppError && lost.reason.code === "FORBIDDEN", String(lost?.status === "rejected" && lost.reason));
    assert.equal(await db.user.count(), 1);
    assert.equal(await db.auditEntry.count({ where: { action: "setup" } }), 1);
  });
});

describe("createUser", () => {
  let admin: TSessionUser;
  before(async () => {
    await reset();
    admin = session(await addUser("admin@example.com", "ADMIN"));
  });

  test("returns a temporary password once, stores only its hash and requires a change", async () => {
    const created = await m.createUser({ name: "Mia", email: "mia@example.com", role: "MEMBER" }, admin);
    assert.equal(created.email, "mia@example.com");
    assert.match(created.temporaryPassword, TEMP_PASSWORD);
    const row = await withHash(created.id);
    assert.equal(row.name, "Mia");
    assert.equal(row.role, "MEMBER");
    assert.equal(row.active, true);
    assert.equal(row.mustChangePassword, true);
    assert.equal(row.sessionVersion, 0);
    assert.ok(!row.passwordHash.includes(created.temporaryPassword));
    assert.equal(await verifyPassword(created.temporaryPassword, row.passwordHash), true);
  });

  test("audits 'create' with the role, and never the password or its hash", async () => {
    const created = await m.createUser({ name: "Ned", email: "ned@example.com", role: "ADMIN" }, admin);
    const entry = await db.auditEntry.findFirstOrThrow({ where: { objectId: created.id } });
    assert.equal(entry.action, "create");
    assert.equal(entry.objectType, "User");
    assert.equal(entry.objectName, "ned@example.com");
    assert.equal(entry.actorId, admin.id);
    assert.equal(entry.actorEmail, admin.email);
    assert.deepEqual(entry.details, { role: "ADMIN" });
    const hash = (await withHash(created.id)).passwordHash;
    const everything = JSON.stringify(await db.auditEntry.findMany());
    assert.ok(!everything.includes(created.temporaryPassword));
    assert.ok(!everything.includes(hash));
  });

  test("every call gets a different temporary password", async () => {
    const a = await m.createUser({ name: "P1", email: "p1@example.com", role: "MEMBER" }, admin);
    const b = await m.createUser({ name: "P2", email: "p2@example.com", role: "MEMBER" }, admin);
    assert.notEqual(a.temporaryPassword, b.temporaryPassword);
  });

  test("a taken email is refused with CONFLICT and fieldErrors.email, and writes nothing", async () => {
    const before = await snapshot();
    const e = await rejectsWith(m.createUser({ name: "Other Mia", email: "mia@example.com", role: "ADMIN" }, admin), "CONFLICT");
    assert.ok(e.fieldErrors?.email?.length, JSON.stringify(e.fieldErrors));
    assert.deepEqual(await snapshot(), before);
  });
});

describe("the last active admin", () => {
  beforeEach(reset);

  const LAST = /last active administrator/;

  async function assertAllRefused(target: { id: string }, by: TSessionUser) {
    const before = await snapshot();
    await rejectsWith(m.changeRole({ userId: target.id, role: "MEMBER" }, by), "CONFLICT", LAST);
    await rejectsWith(m.setActive({ userId: target.id, active: false }, by), "CONFLICT", LAST);
    await rejectsWith(m.deleteUser({ userId: target.id }, by), "CONFLICT", LAST);
    assert.deepEqual(await snapshot(), before);
  }

  test("with one active admin, demoting, deactivating and deleting them are refused and nothing changes", async () => {
    const only = await addUser("only@example.com", "ADMIN");
    // The actor is someone else, so that the refusal is not the "your own account" one.
    const other = session(await addUser("member@example.com", "MEMBER"));
    await assertAllRefused(only, other);
  });

  test("a deactivated admin does not count as another active admin", async () => {
    const only = await addUser("only@example.com", "ADMIN");
    const dormant = await addUser("dormant@example.com", "ADMIN", { active: false });
    await assertAllRefused(only, session(dormant));
  });

  test("with a second active admin, demoting succeeds and is audited", async () => {
    const a = await addUser("a@example.com", "ADMIN");
    const b = session(await addUser("b@example.com", "ADMIN"));
    await m.changeRole({ userId: a.id, role: "MEMBER" }, b);
    assert.equal((await db.user.findUniqueOrThrow({ where: { id: a.id } })).role, "MEMBER");
    const entry = await db.auditEntry.findFirstOrThrow({ where: { objectId: a.id } });
    assert.equal(entry.action, "update");
    assert.equal(entry.actorId, b.id);
    assert.deepEqual(entry.details, { role: { from: "ADMIN", to: "MEMBER" } });
    // b is now the last one.
    await rejectsWith(m.changeRole({ userId: b.id, role: "MEMBER" }, session(a)), "CONFLICT", LAST);
  });

  test("with a second active admin, deactivating succeeds and is audited", async () => {
    const a = await addUser("a@example.com", "ADMIN");
    const b = session(await addUser("b@example.com", "ADMIN"));
    await m.setActive({ userId: a.id, active: false }, b);
    assert.equal((await db.user.findUniqueOrThrow({ where: { id: a.id } })).active, false);
    const entry = await db.auditEntry.findFirstOrThrow({ where: { objectId: a.id } });
    assert.equal(entry.action, "deactivate");
    assert.equal(entry.actorId, b.id);
    // Reactivating is always allowed.
    await m.setActive({ userId: a.id, active: true }, b);
    assert.equal((await db.user.findUniqueOrThrow({ where: { id: a.id } })).active, true);
    assert.equal(await db.auditEntry.count({ where: { objectId: a.id, action: "activate" } }), 1);
  });

  test("with a second active admin, deleting succeeds and is audited", async () => {
    const a = await addUser("a@example.com", "ADMIN");
    const b = session(await addUser("b@example.com", "ADMIN"));
    await m.deleteUser({ userId: a.id }, b);
    assert.equal(await db.user.count({ where: { id: a.id } }), 0);
    const entry = await db.auditEntry.findFirstOrThrow({ where: { objectId: a.id } });
    assert.equal(entry.action, "delete");
    assert.equal(entry.objectName, "a@example.com");
    assert.equal(entry.actorId, b.id);
  });

  test("a deactivated admin can be demoted or deleted while one active admin remains", async () => {
    const active = session(await addUser("active@example.com", "ADMIN"));
    const dormant = await addUser("dormant@example.com", "ADMIN", { active: false });
    await m.changeRole({ userId: dormant.id, role: "MEMBER" }, active);
    await m.deleteUser({ userId: dormant.id }, active);
    assert.equal(await db.user.count(), 1);
  });

  test("members are not guarded: a member can be deactivated and deleted with a single admin", async () => {
    const admin = session(await addUser("admin@example.com", "ADMIN"));
    const member = await addUser("member@example.com", "MEMBER");
    await m.setActive({ userId: member.id, active: false }, admin);
    await m.deleteUser({ userId: member.id }, admin);
    assert.equal(await db.user.count(), 1);
  });

  test("two admins demoting each other at the same time: one succeeds, one admin remains", async () => {
    const a = session(await addUser("a@example.com", "ADMIN"));
    const b = session(await addUser("b@example.com", "ADMIN"));
    const results = await Promise.allSettled([
      m.changeRole({ userId: a.id, role: "MEMBER" }, b),
      m.changeRole({ userId: b.id, role: "MEMBER" }, a),
    ]);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1, JSON.stringify(results));
    assert.equal(await db.user.count({ where: { role: "ADMIN", active: true } }), 1);
  });

  test("an unknown user is NOT_FOUND", async () => {
    const admin = session(await addUser("admin@example.com", "ADMIN"));
    await rejectsWith(m.changeRole({ userId: "nope", role: "MEMBER" }, admin), "NOT_FOUND");
    await rejectsWith(m.setActive({ userId: "nope", active: false }, admin), "NOT_FOUND");
    await rejectsWith(m.deleteUser({ userId: "nope" }, admin), "NOT_FOUND");
  });
});

describe("an admin acting on their own account", () => {
  beforeEach(reset);

  test("cannot deactivate or delete themselves, even when another active admin exists", async () => {
    const me = session(await addUser("me@example.com", "ADMIN"));
    await addUser("other@example.com", "ADMIN");
    const before = await snapshot();
    await rejectsWith(m.setActive({ userId: me.id, active: false }, me), "CONFLICT", /your own account/);
    await rejectsWith(m.deleteUser({ userId: me.id }, me), "CONFLICT", /your own account/);
    assert.deepEqual(await snapshot(), before);
  });
});

describe("resetPassword", () => {
  beforeEach(reset);

  test("sets a new temporary password, requires a change and ends the user's sessions", async () => {
    const admin = session(await addUser("admin@example.com", "ADMIN"));
    const target = await addUser("target@example.com", "MEMBER");
    await db.user.update({ where: { id: target.id }, data: { sessionVersion: 3 } });

    const res = await m.resetPassword({ userId: target.id }, admin);
    assert.equal(res.email, "target@example.com");
    assert.match(res.temporaryPassword, TEMP_PASSWORD);
    const row = await withHash(target.id);
    assert.equal(row.sessionVersion, 4);
    assert.equal(row.mustChangePassword, true);
    assert.equal(await verifyPassword(res.temporaryPassword, row.passwordHash), true);
    assert.equal(await verifyPassword(KNOWN_PASSWORD, row.passwordHash), false);

    const entries = await db.auditEntry.findMany();
    assert.equal(entries.length, 1);
    assert.equal(entries[0].action, "reset-password");
    assert.equal(entries[0].objectId, target.id);
    assert.equal(entries[0].actorId, admin.id);
    assert.ok(!JSON.stringify(entries).includes(res.temporaryPassword));
  });

  test("an unknown user is NOT_FOUND and nothing is audited", async () => {
    const admin = session(await addUser("admin@example.com", "ADMIN"));
    await rejectsWith(m.resetPassword({ userId: "nope" }, admin), "NOT_FOUND");
    assert.equal(await db.auditEntry.count(), 0);
  });
});

describe("changeOwnPassword", () => {
  let me: TSessionUser;
  beforeEach(async () => {
    await reset();
    me = session(await addUser("me@example.com", "MEMBER", { mustChangePassword: true }));
  });

  test("a wrong current password is a VALIDATION error on currentPassword and changes nothing", async () => {
    const before = await snapshot();
    const e = await rejectsWith(
      m.changeOwnPassword({ currentPassword: "not the password", newPassword: "brand new password", confirmPassword: "brand new password" }, me),
      "VALIDATION",
    );
    assert.ok(e.fieldErrors?.currentPassword?.length, JSON.stringify(e.fieldErrors));
    assert.deepEqual(await snapshot(), before);
  });

  test("the right current password: new one verifies, old one not, sessions end, change no longer required", async () => {
    await m.changeOwnPassword({ currentPassword: KNOWN_PASSWORD, newPassword: "brand new password", confirmPassword: "brand new password" }, me);
    const row = await withHash(me.id);
    assert.equal(await verifyPassword("brand new password", row.passwordHash), true);
    assert.equal(await verifyPassword(KNOWN_PASSWORD, row.passwordHash), false);
    assert.equal(row.sessionVersion, 1);
    assert.equal(row.mustChangePassword, false);

    const entries = await db.auditEntry.findMany();
    assert.equal(entries.length, 1);
    assert.equal(entries[0].action, "change-password");
    assert.equal(entries[0].objectId, me.id);
    assert.equal(entries[0].actorId, me.id);
    const text = JSON.stringify(entries);
    assert.ok(!text.includes("brand new password") && !text.includes(KNOWN_PASSWORD));
  });

  test("a user who no longer exists is UNAUTHENTICATED", async () => {
    await db.user.delete({ where: { id: me.id } });
    await rejectsWith(
      m.changeOwnPassword({ currentPassword: KNOWN_PASSWORD, newPassword: "brand new password", confirmPassword: "brand new password" }, me),
      "UNAUTHENTICATED",
    );
  });
});
