import "server-only";
// Credentials check with rate limiting, used by next-auth's authorize().
import { audit } from "@/lib/audit";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { dummyPasswordHash, verifyPassword } from "./password";
import { rateLimitMessage, SIGN_IN_WINDOW_MS } from "./rate-limit";
import { ZSignIn } from "./schema";

export const WRONG_CREDENTIALS = "Wrong email or password.";

async function failures(key: string, since: Date) {
  const db = getDb();
  const [count, oldest] = await Promise.all([
    db.signInFailure.count({ where: { key, at: { gte: since } } }),
    db.signInFailure.findFirst({ where: { key, at: { gte: since } }, orderBy: { at: "asc" }, select: { at: true } }),
  ]);
  return { count, oldest: oldest?.at ?? null };
}

/**
 * Returns the signed-in user, or throws AppError with a message for the sign-in form:
 * RATE_LIMITED while too many recent failures exist, UNAUTHENTICATED for wrong credentials or an
 * inactive account (the same message, so that it does not reveal which accounts exist).
 */
export async function authenticate(input: { email: unknown; password: unknown; ip: string }) {
  const parsed = ZSignIn.safeParse({ email: input.email, password: input.password });
  if (!parsed.success) throw new AppError("UNAUTHENTICATED", WRONG_CREDENTIALS);
  const { email, password } = parsed.data;
  const db = getDb();
  const now = new Date();
  const since = new Date(now.getTime() - SIGN_IN_WINDOW_MS);
  const accountKey = `account:${email}`;
  const ipKey = `ip:${input.ip}`;

  const refused = rateLimitMessage({ account: await failures(accountKey, since), ip: await failures(ipKey, since) }, now);
  if (refused) throw new AppError("RATE_LIMITED", refused);

  const user = await db.user.findUnique({ where: { email }, omit: { passwordHash: false } });
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok || !user.active) {
    await db.signInFailure.createMany({ data: [{ key: accountKey }, { key: ipKey }] });
    // Old rows are of no use once outside the window.
    await db.signInFailure.deleteMany({ where: { at: { lt: since } } });
    throw new AppError("UNAUTHENTICATED", WRONG_CREDENTIALS);
  }
  await db.$transaction([
    db.signInFailure.deleteMany({ where: { key: accountKey } }),
    db.user.update({ where: { id: user.id }, data: { lastSignInAt: now } }),
  ]);
  await audit({ actor: { id: user.id, email: user.email }, action: "sign-in", objectType: "User", objectId: user.id, objectName: user.email });
  return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
}
