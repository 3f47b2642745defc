import "server-only";
// Counting rows per UTC hour in SQL on either database, for the charts (runs, deliveries, messages).
// The hour key is "2026-12-03T20": in SQLite a DateTime is ISO 8601 text, so its first 13
// characters; in PostgreSQL a timestamp formatted the same way. Long windows are read a slice at a
// time with a turn of the event loop between slices: the SQLite driver is synchronous, so no
// statement may scale with a week of rows (see lib/runs/queries.ts).
import { Prisma } from "@/generated/prisma/client";
import { dialect } from "@/lib/db";

/** SQL for the hour key of a DateTime column. `column` is a name from the code, never input. */
export function hourKeySql(column: string): Prisma.Sql {
  if (!/^[A-Za-z]+$/.test(column)) throw new Error(`not a column name: ${column}`);
  return dialect() === "postgres" ? Prisma.raw(`to_char("${column}", 'YYYY-MM-DD"T"HH24')`) : Prisma.raw(`substr("${column}", 1, 13)`);
}

/** "2026-12-03T20" → epoch ms of that UTC hour; anything else is a fault of the query. */
export function hourOf(key: string, what = "row"): number {
  const t = Date.parse(`${key}:00:00.000Z`);
  if (!/^\d{4}-\d\d-\d\dT\d\d$/.test(key) || !Number.isFinite(t)) throw new Error(`unexpected ${what} time: ${key}`);
  return t;
}

/** Epoch ms of an hour → its key (the inverse of hourOf). */
export const hourKey = (hour: number) => new Date(hour).toISOString().slice(0, 13);

export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const DAY = 86_400_000;

/** Calls `read` for each day-long slice of [from, to), yielding to the event loop after each. */
export async function forEachDay(from: number, to: number, read: (start: Date, end: Date) => Promise<void>): Promise<void> {
  for (let start = from; start < to; start += DAY) {
    await read(new Date(start), new Date(Math.min(to, start + DAY)));
    await yieldToEventLoop();
  }
}
