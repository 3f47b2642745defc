// A connector's latest runs (SPEC §8): when, from where, by whom, what came back, how long, how big.
// Server component: nothing here changes without a reload.
import { DataTable, type TColumn } from "@/components/ui/data-table";
import { readTableState, type TSearchParams } from "@/components/ui/data-table-model";
import { formatUtc } from "@/components/ui/format";
import { formatSize } from "@/lib/http/body-kind";
import type { TRecentRun } from "@/lib/runs/queries";

function Caller({ run }: { run: TRecentRun }) {
  const { user, token } = run;
  return (
    <>
      {user === null ? <span className="muted">—</span> : user.found ? <span title={user.email}>{user.name}</span> : <span className="muted">Deleted user</span>}
      {token ? (
        <span className="runs-token">
          {token.found ? (
            <>Token {token.name} <span className="mono">({token.prefix}…)</span></>
          ) : (
            <span className="muted">Deleted token</span>
          )}
        </span>
      ) : null}
    </>
  );
}

/** The upstream's status, or why there was none; in words, the badge colour only repeats it. */
function Status({ run }: { run: TRecentRun }) {
  if (run.status !== null) return <span className={run.status >= 400 ? "badge off" : "badge ok"}>{run.status}</span>;
  return <span className="badge off">{run.errorCode ?? "No answer"}</span>;
}

const callerName = (r: TRecentRun) => (r.user?.found ? r.user.name : r.token?.found ? r.token.name : null);

// The e2e spec reads the cells by position: Time, Source, Caller, Status, Duration, sizes.
const columns: TColumn<TRecentRun>[] = [
  { key: "at", header: "Time", nowrap: true, sortValue: (r) => r.at, cell: (r) => <time className="muted" dateTime={r.at.toISOString()}>{formatUtc(r.at, true)}</time> },
  { key: "source", header: "Source", sortValue: (r) => r.source, cell: (r) => (r.source === "api" ? "API" : "Test") },
  { key: "caller", header: "Caller", className: "runs-caller", sortValue: callerName, cell: (r) => <Caller run={r} /> },
  { key: "status", header: "Status", nowrap: true, sortValue: (r) => r.status ?? r.errorCode, cell: (r) => <Status run={r} /> },
  { key: "duration", header: "Duration", numeric: true, nowrap: true, sortValue: (r) => r.durationMs, cell: (r) => `${r.durationMs} ms` },
  { key: "request", header: "Request size", numeric: true, nowrap: true, sortValue: (r) => r.requestBytes, cell: (r) => formatSize(r.requestBytes) },
  { key: "response", header: "Response size", numeric: true, nowrap: true, sortValue: (r) => r.responseBytes, cell: (r) => formatSize(r.responseBytes) },
];

/** The sort parameters' prefix: the connector page has more than this list in its address. */
const PREFIX = "runs_";

/**
 * The latest runs, newest first. With the page's `path` and `params` the columns sort (in memory:
 * the list is the latest few runs); without them it stays in the query's order, with no sort links.
 */
export function RecentRuns({ runs, path, params = {} }: { runs: TRecentRun[]; path?: string; params?: TSearchParams }) {
  const state = readTableState(path ? params : {}, PREFIX, { sort: "at", dir: "desc" });
  return (
    <DataTable
      // Not "Recent runs": that is the name of the section around it.
      label={path ? `Latest ${runs.length} runs` : `Latest ${runs.length} runs, newest first`}
      noun={["run", "runs"]}
      columns={path ? columns : columns.map((c) => ({ ...c, sortValue: undefined }))}
      rows={runs}
      rowKey={(r) => r.id}
      state={state}
      path={path ?? ""}
      params={path ? params : {}}
      prefix={PREFIX}
      pageSize={Math.max(1, runs.length)}
      testId="recent-runs"
      empty={<p>No runs yet. Send a Test or call the run API.</p>}
    />
  );
}
