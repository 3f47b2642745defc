import "server-only";
import type { TTx } from "@/lib/db";
import { AppError } from "@/lib/errors";

/** A connector or environment that listeners use cannot be deleted; the message names them. */
export async function refuseWhileListened(tx: TTx, where: { connectorId: string } | { environmentId: string }, name: string): Promise<void> {
  const rows = await tx.listener.findMany({ where, select: { name: true }, orderBy: { name: "asc" }, take: 6 });
  if (rows.length === 0) return;
  const total = await tx.listener.count({ where });
  const names = rows.slice(0, 5).map((s) => `"${s.name}"`).join(", ");
  throw new AppError("CONFLICT", `"${name}" is used by ${total} listener${total === 1 ? "" : "s"} (${names}${total > 5 ? ", ..." : ""}). Delete them or change their target first.`);
}
