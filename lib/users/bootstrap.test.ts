// bootstrapAdminFromEnv with PATCHBAY_ADMIN_* set. A file of its own because lib/env.ts reads
// the environment once per process (node --test runs every file in its own process); the case where
// they are unset is in manage.test.ts.
import { after, before, beforeEach, describe, mock, test } from "node:test";
import assert from "node:assert/strict";
import type { TDb } from "@/lib/db";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { verifyPassword } from "./password";

type TManage = typeof import("./manage");

const ADMIN_PASSWORD = "bootstrap-password-123";

let temp: TTempDb;
let db: TDb;
let m: TManage;
let info: ReturnType<typeof mock.method<Console, "info">>;

before(async () => {
  ({ temp, db } = await useTempAppDatabase({
    prefix: "patchbay-bootstrap-",
    env: { PATCHBAY_ADMIN_EMAIL: "Root@Example.COM", PATCHBAY_ADMIN_PASSWORD: ADMIN_PASSWORD, PATCHBAY_ADMIN_NAME: "Root Admin" },
  }));
  m = await import("./manage");
  info = mock.method(console, "info", () => {});
});

after(async () => {
  info?.mock.restore();
  await db?.$disconnect();
  await temp?.cleanup();
});

describe("bootstrapAdminFromEnv with PATCHBAY_ADMIN_EMAIL and PATCHBAY_ADMIN_PASSWORD set", () => {
  beforeEach(async () => {
    await db.auditEntry.deleteMany();
    await db.user.deleteMany();
    info.mock.resetCalls();
  });

  test("on an empty database creates the first admin from the settings, and says so without the password", async () => {
    assert.equal(await m.bootstrapAdminFromEnv(), true);
    const users = await db.user.findMany({ omit: { passwordHash: false } });
    assert.equal(users.length, 1);
    const [root] = users;
    assert.equal(root.email, "root@example.com"); // lower-cased
    assert.equal(root.name, "Root Admin");
    assert.equal(root.role, "ADMIN");
    assert.equal(root.active, true);
    assert.equal(await verifyPassword(ADMIN_PASSWORD, root.passwordHash), true);
    const entries = await db.auditEntry.findMany();
    assert.deepEqual(entries.map((e) => [e.action, e.objectId, e.actorId]), [["setup", root.id, root.id]]);

    assert.equal(info.mock.callCount(), 1);
    const logged = info.mock.calls.map((c) => c.arguments.join(" ")).join("\n");
    assert.match(logged, /Root@Example\.COM/i);
    assert.ok(!logged.includes(ADMIN_PASSWORD));
  });

  test("returns false and changes nothing once any user exists", async () => {
    assert.equal(await m.bootstrapAdminFromEnv(), true);
    const users = await db.user.findMany({ omit: { passwordHash: false } });
    assert.equal(await m.bootstrapAdminFromEnv(), false);
    assert.deepEqual(await db.user.findMany({ omit: { passwordHash: false } }), users);
    assert.equal(await db.auditEntry.count(), 1);
  });

  test("returns false when a different user already exists (it is not only about the admin's email)", async () => {
    await db.user.create({ data: { email: "someone@example.com", name: "Someone", passwordHash: "x", role: "MEMBER" } });
    assert.equal(await m.bootstrapAdminFromEnv(), false);
    assert.equal(await db.user.count(), 1);
    assert.equal(await db.user.count({ where: { email: "root@example.com" } }), 0);
  });

  test("two instances starting together: one creates the admin, the other returns false without an error", async () => {
    const results = await Promise.all([m.bootstrapAdminFromEnv(), m.bootstrapAdminFromEnv()]);
    assert.deepEqual(results.sort(), [false, true]);
    assert.equal(await db.user.count(), 1);
    assert.equal(await db.auditEntry.count(), 1);
  });
});
