import "server-only";
// User management: first-run setup, bootstrap from the environment, and the admin's actions.
// Invariant: at least one active admin always exists once setup is done.
import { invalidate } from "@/lib/cache/invalidation";
import { actorOf, audit } from "@/lib/audit";
import type { TSessionUser } from "@/lib/auth/session";
import { getDb, isUniqueViolation, lockFor, type TTx } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { hashPassword, temporaryPassword, verifyPassword } from "./password";
import type { TChangePassword, TCreateUser, TRole, TSetupAdmin } from "./schema";


export async function userCount(): Promise<number> {
  return getDb().user.count();
}


const emailTaken = () =>
  new AppError("CONFLICT", "A user with this email already exists.", { email: ["A user with this email already exists"] });

/** First-run setup: creates the first admin, refused once any user exists. */
export async function setupFirstAdmin(input: TSetupAdmin): Promise<void> {
  const passwordHash = await hashPassword(input.password);
  await getDb().$transaction(async (tx) => {
    // Two setups at once (two instances starting with PATCHBAY_ADMIN_*, two browsers on /setup):
    // one at a time, so the second counts the first's admin and is refused.
    await lockFor(tx, "first-admin");
    if ((await tx.user.count()) > 0) {
      throw new AppError("FORBIDDEN", "Setup is already complete. Sign in instead.");
    }
    const user = await tx.user.create({ data: { name: input.name, email: input.email, passwordHash, role: "ADMIN" } });
    await audit({ actor: { id: user.id, email: user.email }, action: "setup", objectType: "User", objectId: user.id, objectName: user.email }, tx);
  });
}

/** Creates the first admin from PATCHBAY_ADMIN_EMAIL/PASSWORD when the database has no user yet. */
export async function bootstrapAdminFromEnv(): Promise<boolean> {
  const e = env();
  if (!e.PATCHBAY_ADMIN_EMAIL || !e.PATCHBAY_ADMIN_PASSWORD) return false;
  if ((await userCount()) > 0) return false;
  try {
    await setupFirstAdmin({ name: e.PATCHBAY_ADMIN_NAME, email: e.PATCHBAY_ADMIN_EMAIL.toLowerCase(), password: e.PATCHBAY_ADMIN_PASSWORD });
  } catch (err) {
    if (err instanceof AppError && err.code === "FORBIDDEN") return false; // another instance won the race
    throw err;
  }
  console.info(`[patchbay] created the first admin ${e.PATCHBAY_ADMIN_EMAIL} from PATCHBAY_ADMIN_EMAIL`);
  return true;
}

export async function listUsers() {
  return getDb().user.findMany({ orderBy: [{ role: "asc" }, { email: "asc" }] });
}

/** Creates a user with a generated temporary password, returned once and never stored in clear. */
export async function createUser(input: TCreateUser, by: TSessionUser) {
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  try {
    const user = await getDb().$transaction(async (tx) => {
      const created = await tx.user.create({
        data: { name: input.name, email: input.email, role: input.role, passwordHash, mustChangePassword: true },
      });
      await audit({ actor: actorOf(by), action: "create", objectType: "User", objectId: created.id, objectName: created.email, details: { role: created.role } }, tx);
      return created;
    });
    return { id: user.id, email: user.email, temporaryPassword: password };
  } catch (e) {
    if (isUniqueViolation(e)) throw emailTaken();
    throw e;
  }
}

async function loadTarget(tx: TTx, userId: string) {
  const user = await tx.user.findUnique({ where: { id: userId } });
  if (!user) throw new AppError("NOT_FOUND", "This user no longer exists.");
  return user;
}

async function assertAnotherActiveAdmin(tx: TTx, excludingId: string, what: string) {
  // Two admins demoting (deactivating, deleting) each other at once: one at a time, each counting
  // after the other committed — otherwise both see the other still active and none remains.
  await lockFor(tx, "last-active-admin");
  const others = await tx.user.count({ where: { role: "ADMIN", active: true, id: { not: excludingId } } });
  if (others === 0) throw new AppError("CONFLICT", `${what}: it is the last active administrator.`);
}

export async function changeRole(input: { userId: string; role: TRole }, by: TSessionUser) {
  await getDb().$transaction(async (tx) => {
    const user = await loadTarget(tx, input.userId);
    if (user.role === input.role) return;
    if (user.role === "ADMIN") await assertAnotherActiveAdmin(tx, user.id, `Cannot make ${user.email} a member`);
    await tx.user.update({ where: { id: user.id }, data: { role: input.role } });
    await audit({ actor: actorOf(by), action: "update", objectType: "User", objectId: user.id, objectName: user.email, details: { role: { from: user.role, to: input.role } } }, tx);
  });
  invalidate("user", input.userId);
}

export async function setActive(input: { userId: string; active: boolean }, by: TSessionUser) {
  if (input.userId === by.id && !input.active) throw new AppError("CONFLICT", "You cannot deactivate your own account.");
  await getDb().$transaction(async (tx) => {
    const user = await loadTarget(tx, input.userId);
    if (user.active === input.active) return;
    if (!input.active && user.role === "ADMIN") await assertAnotherActiveAdmin(tx, user.id, `Cannot deactivate ${user.email}`);
    // Deactivation ends open sessions for good: reactivating does not revive them.
    await tx.user.update({
      where: { id: user.id },
      data: { active: input.active, ...(input.active ? {} : { sessionVersion: { increment: 1 } }) },
    });
    await audit({ actor: actorOf(by), action: input.active ? "activate" : "deactivate", objectType: "User", objectId: user.id, objectName: user.email }, tx);
  });
  invalidate("user", input.userId);
}

export async function deleteUser(input: { userId: string }, by: TSessionUser) {
  if (input.userId === by.id) throw new AppError("CONFLICT", "You cannot delete your own account.");
  await getDb().$transaction(async (tx) => {
    const user = await loadTarget(tx, input.userId);
    if (user.role === "ADMIN") await assertAnotherActiveAdmin(tx, user.id, `Cannot delete ${user.email}`);
    await tx.user.delete({ where: { id: user.id } });
    await audit({ actor: actorOf(by), action: "delete", objectType: "User", objectId: user.id, objectName: user.email }, tx);
  });
  invalidate("user", input.userId);
}

/** Gives the user a new temporary password and ends their sessions. */
export async function resetPassword(input: { userId: string }, by: TSessionUser) {
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  const email = await getDb().$transaction(async (tx) => {
    const user = await loadTarget(tx, input.userId);
    await tx.user.update({
      where: { id: user.id },
      data: { passwordHash, mustChangePassword: true, sessionVersion: { increment: 1 } },
    });
    await audit({ actor: actorOf(by), action: "reset-password", objectType: "User", objectId: user.id, objectName: user.email }, tx);
    return user.email;
  });
  invalidate("user", input.userId);
  return { email, temporaryPassword: password };
}

/** Changes the caller's own password and ends all of their sessions, this one included. */
export async function changeOwnPassword(input: TChangePassword, me: TSessionUser) {
  const db = getDb();
  const current = await db.user.findUnique({ where: { id: me.id }, omit: { passwordHash: false } });
  if (!current) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
  if (!(await verifyPassword(input.currentPassword, current.passwordHash))) {
    throw new AppError("VALIDATION", "The current password is not right.", { currentPassword: ["The current password is not right"] });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: me.id },
      data: { passwordHash, mustChangePassword: false, sessionVersion: { increment: 1 } },
    });
    await audit({ actor: actorOf(me), action: "change-password", objectType: "User", objectId: me.id, objectName: me.email }, tx);
  });
}
