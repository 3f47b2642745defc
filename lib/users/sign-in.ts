import "server-only";
// Credentials check with rate limiting, used by next-auth's authorize().
import { randomUUID } from "node:crypto";
import { audit } from "@/lib/audit";
import { getDb, lockFor, type TTx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { dummyPasswordHash, verifyPassword } from "./password";
import { rateLimitMessage, SIGN_IN_WINDOW_MS } from "./rate-limit";
import { ZSignIn } from "./schema";

export const WRONG_CREDENTIALS = "Wrong email or password.";

type TReservation = { accountKey: string; ipKey: string; accountRow: string; ipRow: string };

/** Failures of `key` in the window other than this attempt's own row, and the oldest one's time. */
async function failuresBefore(tx: TTx, key: string, ownRow: string, since: Date) {
  const where = { key, at: { gte: since }, id: { not: ownRow } };
  const count = await tx.signInFailure.count({ where });
  const oldest = await tx.signInFailure.findFirst({ where, orderBy: { at: "asc" }, select: { at: true } });
  return { count, oldest: oldest?.at ?? null };
}

/**
 * Records this attempt as a failure of its account and of its address before the password is
 * checked (a wrong password keeps the rows; a right one deletes them), unless the limits are
 * reached already: then it throws RATE_LIMITED and nothing is recorded (the transaction rolls back,
 * so a refused attempt neither counts nor extends the wait).
 *
 * Why reserve first: counting, then checking the slow password, then recording let a burst of
 * attempts all count the same few failures, so C concurrent guesses got through where the limit
 * allows one. Here each attempt counts the failures recorded before its own, in a transaction that
 * also records its own, one attempt at a time per key. "Before" is the order in which attempts
 * reserve, not the rows' (at, id): timestamps tie, and come from several machines' clocks, and on
 * PostgreSQL a row becomes visible only when its transaction commits, so an attempt with an earlier
 * (at, id) that commits later is missed by one with a later (at, id), which it does not count
 * either (both count only themselves): without the lock below, 13 of 20 concurrent wrong passwords
 * got a password check in a trial (sign-in.test.ts). Hence the serialization:
 * - PostgreSQL: an advisory lock per key, held until the reservation commits or rolls back. The
 *   count runs after the previous holder finished and, in READ COMMITTED (PostgreSQL's default,
 *   which Patchbay keeps), each statement sees what committed before it. Every attempt locks its
 *   account key, then its address key, so no two attempts wait for each other (no deadlock).
 * - SQLite: the transaction begins IMMEDIATE (lib/sqlite-adapter.ts), i.e. holds the file's write
 *   lock throughout: reservations are serialized across connections and processes.
 * So the rows a count sees are exactly those of earlier attempts still standing (refused ones
 * never commit; a success deletes the account's), and a burst of wrong passwords gets exactly as
 * many password checks as the limit leaves, no more and no fewer.
 */
async function reserve(opts: { email: string; ip: string; now: Date }): Promise<TReservation> {
  const r: TReservation = { accountKey: `account:${opts.email}`, ipKey: `ip:${opts.ip}`, accountRow: randomUUID(), ipRow: randomUUID() };
  const since = new Date(opts.now.getTime() - SIGN_IN_WINDOW_MS);
  await getDb().$transaction(
    async (tx) => {
      for (const key of [r.accountKey, r.ipKey]) await lockFor(tx, `sign-in:${key}`);
      await tx.signInFailure.createMany({
        data: [
          { id: r.accountRow, key: r.accountKey, at: opts.now },
          { id: r.ipRow, key: r.ipKey, at: opts.now },
        ],
      });
      const counts = { account: await failuresBefore(tx, r.accountKey, r.accountRow, since), ip: await failuresBefore(tx, r.ipKey, r.ipRow, since) };
      const refused = rateLimitMessage(counts, opts.now);
      if (refused) throw new AppError("RATE_LIMITED", refused);
    },
    // Under a burst, attempts queue for a connection and for the keys' locks: the transaction
    // itself is a few statements, but waits may add up.
    { maxWait: 10_000, timeout: 10_000 },
  );
  return r;
}

/**
 * Returns the signed-in user, or throws AppError with a message for the sign-in form:
 * RATE_LIMITED while too many recent failures exist, UNAUTHENTICATED for wrong credentials or an
 * inactive account (the same message, so that it does not reveal which accounts exist). The
 * limits hold for concurrent attempts, in one process or across instances (see reserve()).
 */
export async function authenticate(input: { email: unknown; password: unknown; ip: string }) {
  const parsed = ZSignIn.safeParse({ email: input.email, password: input.password });
  if (!parsed.success) throw new AppError("UNAUTHENTICATED", WRONG_CREDENTIALS);
  const { email, password } = parsed.data;
  const db = getDb();
  const now = new Date();
  const reserved = await reserve({ email, ip: input.ip, now });

  const user = await db.user.findUnique({ where: { email }, omit: { passwordHash: false } });
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok || !user.active) {
    // The reserved rows stay: they are this failure. Old rows are of no use once outside the window.
    await db.signInFailure.deleteMany({ where: { at: { lt: new Date(now.getTime() - SIGN_IN_WINDOW_MS) } } });
    throw new AppError("UNAUTHENTICATED", WRONG_CREDENTIALS);
  }
  await db.$transaction([
    // The account's failures (ours included) are forgiven; of the address's, only our reservation.
    db.signInFailure.deleteMany({ where: { OR: [{ key: reserved.accountKey }, { id: reserved.ipRow }] } }),
    db.user.update({ where: { id: user.id }, data: { lastSignInAt: now } }),
  ]);
  await audit({ actor: { id: user.id, email: user.email }, action: "sign-in", objectType: "User", objectId: user.id, objectName: user.email });
  return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
}
