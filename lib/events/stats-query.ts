import "server-only";
// A subscription's delivery numbers over the last 24 hours and 7 days (lib/events/stats.ts), for
// its chart: events counted in SQL per UTC hour and delivery status (at most one row per hour and
// status), a day at a time (lib/db-hours.ts).
import { forEachDay, hourKeySql, hourOf } from "@/lib/db-hours";
import { getDb } from "@/lib/db";
import { allRangesWindow, type TRange } from "@/lib/runs/stats";
import { bucketDeliveries, type TDeliveryStats, type TEventPoint } from "./stats";

/** The subscription's events per range up to `now`, counted by delivery outcome, with their attempts. */
export async function deliveryStatsByRange(subscriptionId: string, now = new Date()): Promise<Record<TRange, TDeliveryStats>> {
  const db = getDb();
  const key = hourKeySql("createdAt");
  const { ranges, from, to } = allRangesWindow(now);
  const points: TEventPoint[] = [];
  await forEachDay(from, to, async (start, end) => {
    const rows = await db.$queryRaw<{ hour: string; status: string; count: number | bigint; attempts: number | bigint | null }[]>`
      SELECT ${key} AS "hour", "deliveryStatus" AS "status", count(*) AS "count", sum("attemptCount") AS "attempts"
      FROM "Event" WHERE "subscriptionId" = ${subscriptionId} AND "createdAt" >= ${start} AND "createdAt" < ${end}
      GROUP BY ${key}, "deliveryStatus"`;
    for (const r of rows) points.push({ at: hourOf(r.hour, "event"), status: r.status, count: Number(r.count), attempts: Number(r.attempts ?? 0) });
  });
  return Object.fromEntries(ranges.map((r) => [r, bucketDeliveries(points, r, now)])) as Record<TRange, TDeliveryStats>;
}
