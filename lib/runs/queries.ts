import "server-only";
// Reading the run log (SPEC §8): a connector's latest runs with who made them, and its numbers over
// the last 24 hours or 7 days. Runs have no foreign keys (they outlive users and tokens), so names
// are looked up by id in a second query and may be gone.
import { Prisma } from "@/generated/prisma/client";
import { dialect, getDb } from "@/lib/db";
import { hourKey, hourKeySql, hourOf, yieldToEventLoop } from "@/lib/db-hours";
import type { TRunSource } from "./log";
import { RANGES, rangeWindow, summarizeRuns, type TDurationSample, type THourCounts, type TRange, type TRunStats } from "./stats";

export type TRecentRun = {
  id: string;
  at: Date;
  source: TRunSource;
  /** The upstream's status; null when it did not answer (then `errorCode` says why). */
  status: number | null;
  errorCode: string | null;
  durationMs: number;
  requestBytes: number;
  responseBytes: number;
  /** Null when the run had no user; `found: false` when the user has since been deleted. */
  user: { found: true; name: string; email: string } | { found: false } | null;
  /** API runs only; `found: false` when the token has since been deleted. */
  token: { found: true; name: string; prefix: string } | { found: false } | null;
};

/** The connector's latest `limit` runs, newest first. */
export async function recentRuns(connectorId: string, limit = 20): Promise<TRecentRun[]> {
  const db = getDb();
  const runs = await db.run.findMany({
    where: { connectorId },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: limit,
    select: { id: true, at: true, source: true, userId: true, tokenId: true, status: true, errorCode: true, durationMs: true, requestBytes: true, responseBytes: true },
  });
  const userIds = [...new Set(runs.flatMap((r) => (r.userId ? [r.userId] : [])))];
  const tokenIds = [...new Set(runs.flatMap((r) => (r.tokenId ? [r.tokenId] : [])))];
  const [users, tokens] = await Promise.all([
    userIds.length ? db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true, email: true } }) : [],
    tokenIds.length ? db.apiToken.findMany({ where: { id: { in: tokenIds } }, select: { id: true, name: true, prefix: true } }) : [],
  ]);
  const userById = new Map(users.map((u) => [u.id, u]));
  const tokenById = new Map(tokens.map((t) => [t.id, t]));
  return runs.map(({ userId, tokenId, source, ...r }) => {
    const user = userId ? userById.get(userId) : undefined;
    const token = tokenId ? tokenById.get(tokenId) : undefined;
    return {
      ...r,
      source: source === "api" ? "api" : "test",
      user: userId ? (user ? { found: true, name: user.name, email: user.email } : { found: false }) : null,
      token: tokenId ? (token ? { found: true, name: token.name, prefix: token.prefix } : { found: false }) : null,
    };
  });
}

/*
 * A range's numbers without holding the event loop. The SQLite driver is synchronous: while a
 * statement runs (and while Prisma turns its rows into objects) the whole process waits, the REST
 * API included. So no statement may scale with the number of runs, and none returns them all:
 *
 * 1. Counts, exact: per UTC hour, grouped in SQL with the outcome class as a CASE on status — at
 *    most one row per hour (168 for a week). The window is read in slices of whole hours, sized
 *    from the rate seen in the previous slice to scan about SLICE_ROWS runs (1 to 6 hours), with a
 *    turn of the event loop between slices.
 * 2. Durations, a bounded sample: the percentiles need single durations, so about LATENCY_SAMPLE
 *    of them per range are read (every one when the range has no more runs than that: then the
 *    percentiles are exact), again in slices of about SLICE_ROWS scanned runs.
 *
 * The sample: within an hour, a run is read when h(rowid) < the hour's threshold, with
 * h(r) = (r × 10368889) mod 2^24 (Fibonacci hashing: 10368889 ≈ 2^24 / φ and odd, so consecutive
 * or evenly spaced rowids land evenly over [0, 2^24)). Thresholds share the budget over the hours
 * (water-filling): an hour with few runs is read whole, the busy ones each give an equal number, so
 * every bucket keeps enough durations; summarizeRuns weights each by its hour's rate. Why this rule:
 * - cheap: rowid is in every index entry, so the test needs no table lookup, and
 *   an hour's threshold is a CASE on the hour key;
 * - deterministic: the chart does not change on reload, unlike random() (a VACUUM may renumber
 *   rowids, which only changes which runs are drawn);
 * - even: `rowid % k = 0` resonates with interleaving — a client calling two connectors in turn
 *   gives one all the odd rowids and the other the even ones, and k = 2 would read all runs of one
 *   and none of the other; the latest N runs per bucket would need a sort of every run and miss a
 *   slow burst early in the bucket;
 * - nested: a run drawn under a threshold is drawn under any higher one, so runStatsByRange reads
 *   each hour at the highest rate a range needs and each range keeps its own share, which is
 *   exactly what runStats reads for that range alone.
 * Each slice's statement also has LIMIT 1.25 × its expected sample (+8), so even a pathological
 * rowid pattern cannot read more than ~20,000 durations per range.
 *
 * Portability: identifiers are quoted and values are parameters; the counts (SUM of CASE, GROUP BY)
 * and LIMIT are standard. Two expressions differ by database (SPEC §12):
 * - the hour key: in SQLite `at` is ISO 8601 text like 2026-12-03T20:24:42.070+00:00, so its first
 *   13 characters; in PostgreSQL a timestamp (UTC, as Prisma writes it) formatted the same way;
 * - the hash: PostgreSQL has no rowid, so the mixed bits of the id (hashtext, low 24 bits) — as
 *   even, deterministic and nested as the rowid hash; it reads the id from the table (the index on
 *   ("connectorId", "at") does not hold it), which PostgreSQL's asynchronous driver makes cheaper
 *   to bear: the slices there only bound each statement's length.
 */

const HOUR = 3_600_000;
/** Durations read per range in expectation (each slice's LIMIT caps them at 1.25 × this, +8 a slice). */
const LATENCY_SAMPLE = 15_000;
/** Runs one statement should scan (~5–10 ms of SQLite on a small machine), and return. */
const SLICE_ROWS = 20_000;
const SLICE_DRAWN = 2_000;
const MAX_SLICE_HOURS = 6;
const HASH_MOD = 16_777_216;
const SQLITE = { hash: Prisma.sql`((rowid * 10368889) % 16777216)` };
const POSTGRES = { hash: Prisma.sql`(hashtext("id") & 16777215)` };
const sql = () => ({ ...(dialect() === "postgres" ? POSTGRES : SQLITE), hourKey: hourKeySql("at") });

type THour = THourCounts & { count: number };
type TSampled = TDurationSample & { hash: number };


/** Exact outcome counts per hour of [from, to) (whole hours); hours without runs are absent. */
async function hourCounts(where: Prisma.Sql, from: number, to: number): Promise<Map<number, THour>> {
  const db = getDb();
  const HOUR_KEY = sql().hourKey;
  const hours = new Map<number, THour>();
  let sliceHours = 1; // the rate is not known yet
  for (let start = from; start < to; ) {
    const end = Math.min(to, start + sliceHours * HOUR);
    const rows = await db.$queryRaw<{ hour: string; count: number | bigint; errors: number | bigint | null; failed: number | bigint | null }[]>`
      SELECT ${HOUR_KEY} AS "hour", count(*) AS "count",
        sum(CASE WHEN "status" >= 400 THEN 1 ELSE 0 END) AS "errors",
        sum(CASE WHEN "status" IS NULL THEN 1 ELSE 0 END) AS "failed"
      FROM "Run" WHERE ${where} "at" >= ${new Date(start)} AND "at" < ${new Date(end)}
      GROUP BY ${HOUR_KEY}`;
    let scanned = 0;
    for (const r of rows) {
      const [hour, count, errors, failed] = [hourOf(r.hour, "run"), Number(r.count), Number(r.errors ?? 0), Number(r.failed ?? 0)];
      hours.set(hour, { hour, count, ok: count - errors - failed, errors, failed });
      scanned += count;
    }
    sliceHours = Math.max(1, Math.min(MAX_SLICE_HOURS, Math.floor((SLICE_ROWS * (end - start)) / HOUR / Math.max(1, scanned))));
    start = end;
    await yieldToEventLoop();
  }
  return hours;
}

/**
 * The hash thresholds that draw about LATENCY_SAMPLE durations from the hours of [from, to): none
 * when the window has no more runs than that; otherwise the largest share c with
 * Σ min(runs, c) = LATENCY_SAMPLE, and a threshold drawing c runs from each hour busier than c.
 * Hours without a threshold are read whole.
 */
function sampleThresholds(hours: Map<number, THour>, from: number, to: number): Map<number, number> {
  const inWindow = [...hours.values()].filter((h) => h.hour >= from && h.hour < to);
  const thresholds = new Map<number, number>();
  let budget = LATENCY_SAMPLE;
  let left = inWindow.length;
  let share = Infinity;
  for (const runs of inWindow.map((h) => h.count).sort((a, b) => a - b)) {
    if (runs > budget / left) {
      share = budget / left;
      break;
    }
    budget -= runs;
    left--;
  }
  for (const h of inWindow) if (h.count > share) thresholds.set(h.hour, Math.max(1, Math.floor((HASH_MOD * share) / h.count)));
  return thresholds;
}

/** The durations of the runs of [from, to) that the thresholds draw (all of an hour without one). */
async function durationSample(where: Prisma.Sql, hours: Map<number, THour>, thresholds: Map<number, number>, from: number, to: number): Promise<TSampled[]> {
  const db = getDb();
  const { hash: HASH, hourKey: HOUR_KEY } = sql();
  const busy = [...hours.values()].filter((h) => h.hour >= from && h.hour < to && h.count > 0).sort((a, b) => a.hour - b.hour);
  const drawn = (h: THour) => {
    const t = thresholds.get(h.hour);
    return t === undefined ? h.count : (h.count * t) / HASH_MOD;
  };
  const samples: TSampled[] = [];
  for (let i = 0; i < busy.length; ) {
    // Consecutive hours that together hold about SLICE_ROWS runs and SLICE_DRAWN drawn ones (at
    // least one hour): Prisma's turning rows into objects blocks too (~3 µs a row).
    const first = i;
    let [scanned, expected] = [busy[i].count, drawn(busy[i++])];
    while (i < busy.length && scanned + busy[i].count <= SLICE_ROWS && expected + drawn(busy[i]) <= SLICE_DRAWN) {
      scanned += busy[i].count;
      expected += drawn(busy[i++]);
    }
    const slice = busy.slice(first, i);
    const whens: Prisma.Sql[] = [];
    for (const h of slice) {
      const t = thresholds.get(h.hour);
      if (t !== undefined) whens.push(Prisma.sql`WHEN ${hourKey(h.hour)} THEN ${t}`);
    }
    // CAST: PostgreSQL types a CASE of parameters alone as text.
    const draw = whens.length ? Prisma.sql`AND ${HASH} < CAST(CASE ${HOUR_KEY} ${Prisma.join(whens, " ")} ELSE ${HASH_MOD} END AS INTEGER)` : Prisma.empty;
    const rows = await db.$queryRaw<{ hour: string; durationMs: number | bigint; hash: number | bigint }[]>`
      SELECT ${HOUR_KEY} AS "hour", "durationMs", ${HASH} AS "hash"
      FROM "Run" WHERE ${where} "at" >= ${new Date(slice[0].hour)} AND "at" < ${new Date(slice[slice.length - 1].hour + HOUR)} ${draw}
      LIMIT ${Math.ceil(expected * 1.25) + 8}`;
    for (const r of rows) samples.push({ hour: hourOf(r.hour, "run"), durationMs: Number(r.durationMs), hash: Number(r.hash) });
    await yieldToEventLoop();
  }
  return samples;
}

/** The stats of `ranges` from one read of the widest window (it holds the others). */
async function readStats(connectorId: string | null, ranges: readonly TRange[], now: Date): Promise<Record<TRange, TRunStats>> {
  const windows = ranges.map((r) => rangeWindow(r, now)).map((w) => ({ from: w.from.getTime(), to: w.to.getTime() }));
  const from = Math.min(...windows.map((w) => w.from));
  const to = Math.max(...windows.map((w) => w.to));
  const where = connectorId === null ? Prisma.empty : Prisma.sql`"connectorId" = ${connectorId} AND`;
  const hours = await hourCounts(where, from, to);
  const thresholds = windows.map((w) => sampleThresholds(hours, w.from, w.to));
  // Each hour is read at the highest rate a range needs it at; each range keeps its own draw below.
  const highest = new Map<number, number>();
  for (const h of hours.values()) {
    let t = 0;
    windows.forEach((w, i) => {
      if (h.hour >= w.from && h.hour < w.to) t = Math.max(t, thresholds[i].get(h.hour) ?? HASH_MOD);
    });
    if (t < HASH_MOD) highest.set(h.hour, t);
  }
  const samples = await durationSample(where, hours, highest, from, to);
  const counts = [...hours.values()];
  const stats: Partial<Record<TRange, TRunStats>> = {};
  for (const [i, r] of ranges.entries()) {
    if (i > 0) await yieldToEventLoop();
    stats[r] = summarizeRuns(counts, samples.filter((s) => s.hash < (thresholds[i].get(s.hour) ?? HASH_MOD)), r, now);
  }
  return stats as Record<TRange, TRunStats>;
}

/**
 * A connector's runs (every connector's with null) over `range` up to `now`, in buckets with
 * exact outcome counts and latency percentiles (exact up to LATENCY_SAMPLE runs, estimated from a
 * sample beyond; see above and lib/runs/stats.ts).
 */
export async function runStats(connectorId: string | null, range: TRange, now = new Date()): Promise<TRunStats> {
  return (await readStats(connectorId, [range], now))[range];
}

/** runStats for every range from one read: the widest window holds the others. */
export async function runStatsByRange(connectorId: string | null, now = new Date()): Promise<Record<TRange, TRunStats>> {
  return readStats(connectorId, Object.keys(RANGES) as TRange[], now);
}
