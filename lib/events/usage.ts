import "server-only";
import type { TTx } from "@/lib/db";
import { AppError } from "@/lib/errors";

/** A service or environment that event subscriptions use cannot be deleted; the message names them. */
export async function refuseWhileSubscribed(tx: TTx, where: { serviceId: string } | { environmentId: string }, name: string): Promise<void> {
  const subs = await tx.eventSubscription.findMany({ where, select: { name: true }, orderBy: { name: "asc" }, take: 6 });
  if (subs.length === 0) return;
  const total = await tx.eventSubscription.count({ where });
  const names = subs.slice(0, 5).map((s) => `"${s.name}"`).join(", ");
  throw new AppError("CONFLICT", `"${name}" is used by ${total} event subscription${total === 1 ? "" : "s"} (${names}${total > 5 ? ", ..." : ""}). Delete them or move them first.`);
}
