import "server-only";
// A listener's message numbers over the last 24 hours and 7 days (lib/listeners/stats.ts), for its
// chart. Messages are counted in SQL per UTC hour and status (at most one row per hour and
// status), a day at a time with a turn of the event loop between days: the SQLite driver is
// synchronous, so no statement may scale with a week of messages (see lib/runs/queries.ts).
// The hour key differs by database: in SQLite "receivedAt" is ISO 8601 text, so its first 13
// characters; in PostgreSQL a UTC timestamp formatted the same way.
import { Prisma } from "@/generated/prisma/client";
import { dialect, getDb } from "@/lib/db";
import { RANGES, rangeWindow, type TRange } from "@/lib/runs/stats";
import { bucketMessages, type TMessagePoint, type TMessageStats } from "./stats";

const DAY = 86_400_000;
const HOUR_KEY = { sqlite: Prisma.sql`substr("receivedAt", 1, 13)`, postgres: Prisma.sql`to_char("receivedAt", 'YYYY-MM-DD"T"HH24')` };

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** "2026-12-03T20" → epoch ms of that UTC hour. */
function hourOf(key: string): number {
  const t = Date.parse(`${key}:00:00.000Z`);
  if (!/^\d{4}-\d\d-\d\dT\d\d$/.test(key) || !Number.isFinite(t)) throw new Error(`unexpected message time: ${key}`);
  return t;
}

/** The listener's messages per range up to `now`, counted by hand-off outcome. */
export async function messageStatsByRange(listenerId: string, now = new Date()): Promise<Record<TRange, TMessageStats>> {
  const db = getDb();
  const key = dialect() === "postgres" ? HOUR_KEY.postgres : HOUR_KEY.sqlite;
  const ranges = Object.keys(RANGES) as TRange[];
  const windows = ranges.map((r) => rangeWindow(r, now));
  const from = Math.min(...windows.map((w) => w.from.getTime()));
  const to = Math.max(...windows.map((w) => w.to.getTime()));
  const points: TMessagePoint[] = [];
  for (let start = from; start < to; start += DAY) {
    const rows = await db.$queryRaw<{ hour: string; status: string; count: number | bigint }[]>`
      SELECT ${key} AS "hour", "status", count(*) AS "count"
      FROM "InboundMessage" WHERE "listenerId" = ${listenerId} AND "receivedAt" >= ${new Date(start)} AND "receivedAt" < ${new Date(Math.min(to, start + DAY))}
      GROUP BY ${key}, "status"`;
    for (const r of rows) points.push({ at: hourOf(r.hour), status: r.status, count: Number(r.count) });
    await yieldToEventLoop();
  }
  return Object.fromEntries(ranges.map((r) => [r, bucketMessages(points, r, now)])) as Record<TRange, TMessageStats>;
}
