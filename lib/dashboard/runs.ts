import "server-only";
// The dashboard's runs (issue 15): every connector's runs of the last 24 hours (and 7 days, for the
// chart), and a table of the connectors that ran, sorted and paged here: runs, error rate and last
// run are counted for every connector, the p95 (which needs durations) only for the page shown.
import { getDb } from "@/lib/db";
import { runStats, runStatsByRange } from "@/lib/runs/queries";
import { rangeWindow, type TRange, type TRunStats } from "@/lib/runs/stats";

export type TConnectorRuns = {
  connectorId: string;
  name: string;
  runs: number;
  /** (4xx/5xx + no answer) / runs. */
  errorRate: number;
  lastRunAt: Date;
  p95: number | null;
};

/** Columns the connector table sorts by (p95 is known only for the page shown). */
export const CONNECTOR_RUNS_SORTS = ["name", "runs", "errors", "last"] as const;
export type TConnectorRunsSort = (typeof CONNECTOR_RUNS_SORTS)[number];

export type TConnectorRunsQuery = { sort: string | null; dir: "asc" | "desc"; page: number; pageSize: number };

export type TDashboardRuns = {
  /** Every connector's runs, both ranges (the chart switches between them). */
  stats: Record<TRange, TRunStats>;
  /** The page of connectors that ran in the last 24 hours, and how many ran. */
  connectors: TConnectorRuns[];
  total: number;
};

const HOUR = 3_600_000;
/** Runs one counting statement should scan at most (about, from the rate of the previous slice). */
const SLICE_ROWS = 20_000;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

type TCounts = { runs: number; errors: number; lastRunAt: number };

/**
 * Runs, errors and the last run per connector over [from, to), counted in slices of whole hours
 * sized from the rate seen so far, with a turn of the event loop between them: the SQLite driver is
 * synchronous, so one count over a busy day would hold the REST API (see lib/runs/queries.ts).
 * Grouped by status too, which keeps the rows few (connectors × statuses seen).
 */
async function countsPerConnector(from: number, to: number): Promise<Map<string, TCounts>> {
  const db = getDb();
  const counts = new Map<string, TCounts>();
  let sliceHours = 1;
  for (let start = from; start < to; ) {
    const end = Math.min(to, start + sliceHours * HOUR);
    const groups = await db.run.groupBy({
      by: ["connectorId", "status"],
      where: { at: { gte: new Date(start), lt: new Date(end) }, connectorId: { not: null } },
      _count: { _all: true },
      _max: { at: true },
    });
    let scanned = 0;
    for (const g of groups) {
      const c = counts.get(g.connectorId!) ?? { runs: 0, errors: 0, lastRunAt: 0 };
      const n = g._count._all;
      c.runs += n;
      if (g.status === null || g.status >= 400) c.errors += n;
      c.lastRunAt = Math.max(c.lastRunAt, g._max.at?.getTime() ?? 0);
      counts.set(g.connectorId!, c);
      scanned += n;
    }
    sliceHours = Math.max(1, Math.min(6, Math.floor((SLICE_ROWS * (end - start)) / HOUR / Math.max(1, scanned))));
    start = end;
    await yieldToEventLoop();
  }
  return counts;
}

type TRow = Omit<TConnectorRuns, "p95">;
const SORT_VALUE: Record<TConnectorRunsSort, (r: TRow) => number | string> = {
  name: (r) => r.name.toLowerCase(),
  runs: (r) => r.runs,
  errors: (r) => r.errorRate,
  last: (r) => r.lastRunAt.getTime(),
};

/** Sorts by the query's column (runs when unknown), then by name; returns the page asked for (clamped). */
export function pageOfConnectorRuns<T extends TRow>(rows: readonly T[], q: TConnectorRunsQuery): T[] {
  const key = (CONNECTOR_RUNS_SORTS as readonly string[]).includes(q.sort ?? "") ? (q.sort as TConnectorRunsSort) : "runs";
  const value = SORT_VALUE[key];
  const sign = q.dir === "asc" ? 1 : -1;
  const sorted = [...rows].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    return (x < y ? -sign : x > y ? sign : 0) || a.name.localeCompare(b.name) || (a.connectorId < b.connectorId ? -1 : 1);
  });
  const pages = Math.max(1, Math.ceil(sorted.length / q.pageSize));
  const page = Math.min(Math.max(1, q.page), pages);
  return sorted.slice((page - 1) * q.pageSize, page * q.pageSize);
}

/** The runs of the last 24 hours (and 7 days, for the chart), overall and for one page of connectors. */
export async function dashboardRuns(q: TConnectorRunsQuery, now = new Date()): Promise<TDashboardRuns> {
  const stats = await runStatsByRange(null, now);
  const window = rangeWindow("24h", now);
  const counts = await countsPerConnector(window.from.getTime(), window.to.getTime());
  // Runs outlive their connector: only connectors that still exist are listed (and linked).
  const existing = counts.size ? await getDb().connector.findMany({ where: { id: { in: [...counts.keys()] } }, select: { id: true, name: true } }) : [];
  const rows = existing.map((c) => {
    const { runs, errors, lastRunAt } = counts.get(c.id)!;
    return { connectorId: c.id, name: c.name, runs, errorRate: errors / runs, lastRunAt: new Date(lastRunAt) };
  });
  const connectors: TConnectorRuns[] = [];
  // One after the other: each reads in slices and yields; the dashboard is not worth a burst.
  for (const r of pageOfConnectorRuns(rows, q)) {
    connectors.push({ ...r, p95: (await runStats(r.connectorId, "24h", now)).totals.p95 });
  }
  return { stats, connectors, total: rows.length };
}
