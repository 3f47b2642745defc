import "server-only";
// The audit trail: who did what to which object, when. Callers pass names and ids, never secrets;
// `details` is for non-secret facts (changed field names, old and new roles, ...).
import type { Prisma } from "@/generated/prisma/client";
import { getDb } from "@/lib/db";

export type TActor = { id: string; email: string } | null;

/** The audit actor of a signed-in user. */
export const actorOf = (u: { id: string; email: string }): { id: string; email: string } => ({ id: u.id, email: u.email });

export type TAuditInput = {
  actor: TActor;
  action: string;
  objectType: string;
  objectId?: string | null;
  objectName?: string | null;
  details?: Prisma.InputJsonValue;
};

type TTx = Pick<ReturnType<typeof getDb>, "auditEntry">;

/** Records an entry; pass the transaction client so the entry commits (or not) with the change. */
export async function audit(entry: TAuditInput, tx: TTx = getDb()): Promise<void> {
  await tx.auditEntry.create({
    data: {
      actorId: entry.actor?.id ?? null,
      actorEmail: entry.actor?.email ?? null,
      action: entry.action,
      objectType: entry.objectType,
      objectId: entry.objectId ?? null,
      objectName: entry.objectName ?? null,
      details: entry.details,
    },
  });
}

export const AUDIT_PAGE_SIZE = 50;

/** One page of entries by time (the only sort: `at` is indexed, alone and after the object type). */
export async function listAuditEntries(opts: { page: number; objectType?: string; dir?: "asc" | "desc" }) {
  const db = getDb();
  const where = opts.objectType ? { objectType: opts.objectType } : {};
  const dir = opts.dir ?? "desc";
  const [entries, total, types] = await Promise.all([
    db.auditEntry.findMany({
      where,
      orderBy: [{ at: dir }, { id: dir }],
      skip: (opts.page - 1) * AUDIT_PAGE_SIZE,
      take: AUDIT_PAGE_SIZE,
    }),
    db.auditEntry.count({ where }),
    db.auditEntry.findMany({ distinct: ["objectType"], select: { objectType: true }, orderBy: { objectType: "asc" } }),
  ]);
  return { entries, total, objectTypes: types.map((t) => t.objectType), pageSize: AUDIT_PAGE_SIZE };
}
