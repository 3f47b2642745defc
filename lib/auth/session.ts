import "server-only";
// Who is calling. Every page and action goes through these helpers.
import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TRole } from "@/lib/users/schema";
import { authOptions } from "./options";

export type TSessionUser = {
  id: string;
  email: string;
  name: string;
  role: TRole;
  mustChangePassword: boolean;
};

/**
 * The signed-in user, or null. A session ends when its user is gone, deactivated, or changed
 * password since the session began (sessionVersion).
 */
export async function getCurrentUser(): Promise<TSessionUser | null> {
  const session = (await getServerSession(authOptions())) as { uid?: string; sv?: number } | null;
  if (!session?.uid) return null;
  const user = await getDb().user.findUnique({ where: { id: session.uid } });
  if (!user || !user.active || user.sessionVersion !== session.sv) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role as TRole,
    mustChangePassword: user.mustChangePassword,
  };
}

/** For pages: redirects to sign-in (or to the password change a temporary password requires). */
export async function requireUser(opts: { allowPasswordChangePending?: boolean } = {}): Promise<TSessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  if (user.mustChangePassword && !opts.allowPasswordChangePending) redirect("/account?must-change=1");
  return user;
}

/** For admin pages: members get the 403 page (app/forbidden.tsx) rather than a redirect. */
export async function requireAdmin(): Promise<TSessionUser> {
  const user = await requireUser();
  if (user.role !== "ADMIN") forbidden();
  return user;
}

/**
 * For server actions and route handlers: the caller, or an AppError to answer with
 * (UNAUTHENTICATED without a session, FORBIDDEN for a pending password change or a lower role).
 */
export async function requireCaller(opts: { role: TRole; allowPasswordChangePending?: boolean }): Promise<TSessionUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
  if (user.mustChangePassword && !opts.allowPasswordChangePending) throw new AppError("FORBIDDEN", "Replace your temporary password first.");
  if (opts.role === "ADMIN" && user.role !== "ADMIN") throw new AppError("FORBIDDEN", "Only administrators can do this.");
  return user;
}
