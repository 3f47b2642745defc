import "server-only";
// Reading the run log (SPEC §8): a connector's latest runs with who made them, and its numbers over
// the last 24 hours or 7 days. Runs have no foreign keys (they outlive users and tokens), so names
// are looked up by id in a second query and may be gone.
import { getDb } from "@/lib/db";
import type { TRunSource } from "./log";
import { bucketRuns, RANGES, rangeWindow, type TRange, type TRunPoint, type TRunStats } from "./stats";

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

/**
 * `at`, `status` and `durationMs` of the runs in [from, to), of one connector or (null) of all.
 *
 * Why raw SQL: a busy week is ~100k runs, and findMany moves them as 100k row objects through
 * libsql and Prisma — about 3× slower than letting SQLite pack the three columns into one string
 * that is split here (measured over 100k runs of one connector among 200k: ~1.6 s against ~0.5 s on
 * a busy 2-CPU machine; most of the rest is SQLite's table lookups, as the (connectorId, at) index
 * does not hold status and durationMs). SQLite dialect (group_concat; `at` is ISO 8601 text); a
 * PostgreSQL port (SPEC §12) would use string_agg. queries.test.ts checks it against findMany.
 */
async function runPoints(connectorId: string | null, from: Date, to: Date): Promise<TRunPoint[]> {
  const db = getDb();
  const [row] = connectorId
    ? await db.$queryRaw<{ runs: string | null }[]>`
        SELECT group_concat(at || ' ' || coalesce(status, '-') || ' ' || durationMs, ',') AS runs
        FROM Run WHERE connectorId = ${connectorId} AND at >= ${from} AND at < ${to}`
    : await db.$queryRaw<{ runs: string | null }[]>`
        SELECT group_concat(at || ' ' || coalesce(status, '-') || ' ' || durationMs, ',') AS runs
        FROM Run WHERE at >= ${from} AND at < ${to}`;
  if (!row?.runs) return [];
  return row.runs.split(",").map((run) => {
    const [at, status, durationMs] = run.split(" ");
    const point = { at: Date.parse(at), status: status === "-" ? null : Number(status), durationMs: Number(durationMs) };
    if (!Number.isFinite(point.at) || !Number.isFinite(point.durationMs)) throw new Error(`unexpected run in the run log: ${run}`);
    return point;
  });
}

/**
 * A connector's runs (every connector's with null) over `range` up to `now`, in buckets with
 * outcome counts and latency percentiles (see lib/runs/stats.ts).
 */
export async function runStats(connectorId: string | null, range: TRange, now = new Date()): Promise<TRunStats> {
  const { from, to } = rangeWindow(range, now);
  return bucketRuns(await runPoints(connectorId, from, to), range, now);
}

/** runStats for every range from one read: the widest window holds the others. */
export async function runStatsByRange(connectorId: string | null, now = new Date()): Promise<Record<TRange, TRunStats>> {
  const ranges = Object.keys(RANGES) as TRange[];
  const windows = ranges.map((r) => rangeWindow(r, now));
  const from = new Date(Math.min(...windows.map((w) => w.from.getTime())));
  const to = new Date(Math.max(...windows.map((w) => w.to.getTime())));
  const points = await runPoints(connectorId, from, to);
  return Object.fromEntries(ranges.map((r) => [r, bucketRuns(points, r, now)])) as Record<TRange, TRunStats>;
}
