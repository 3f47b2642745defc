import "server-only";
// A listener's message numbers over the last 24 hours and 7 days (lib/listeners/stats.ts), for its
// chart: messages counted in SQL per UTC hour and status (at most one row per hour and status), a
// day at a time (lib/db-hours.ts).
import { forEachDay, hourKeySql, hourOf } from "@/lib/db-hours";
import { getDb } from "@/lib/db";
import { allRangesWindow, type TRange } from "@/lib/runs/stats";
import { bucketMessages, type TMessagePoint, type TMessageStats } from "./stats";

/** The listener's messages per range up to `now`, counted by hand-off outcome. */
export async function messageStatsByRange(listenerId: string, now = new Date()): Promise<Record<TRange, TMessageStats>> {
  const db = getDb();
  const key = hourKeySql("receivedAt");
  const { ranges, from, to } = allRangesWindow(now);
  const points: TMessagePoint[] = [];
  await forEachDay(from, to, async (start, end) => {
    const rows = await db.$queryRaw<{ hour: string; status: string; count: number | bigint }[]>`
      SELECT ${key} AS "hour", "status", count(*) AS "count"
      FROM "InboundMessage" WHERE "listenerId" = ${listenerId} AND "receivedAt" >= ${start} AND "receivedAt" < ${end}
      GROUP BY ${key}, "status"`;
    for (const r of rows) points.push({ at: hourOf(r.hour, "message"), status: r.status, count: Number(r.count) });
  });
  return Object.fromEntries(ranges.map((r) => [r, bucketMessages(points, r, now)])) as Record<TRange, TMessageStats>;
}
