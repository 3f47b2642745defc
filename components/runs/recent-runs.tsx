// A connector's latest runs (SPEC §8): when, from where, by whom, what came back, how long, how big.
// Server component: nothing here changes without a reload.
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

export function RecentRuns({ runs }: { runs: TRecentRun[] }) {
  if (runs.length === 0) return <p className="empty panel">No runs yet. Send a Test or call the run API.</p>;
  return (
    <div className="table-wrap">
      <table data-testid="recent-runs">
        <caption className="visually-hidden">The latest {runs.length} runs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Source</th>
            <th scope="col">Caller</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">Duration</th>
            <th scope="col" className="num">Request size</th>
            <th scope="col" className="num">Response size</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id}>
              <td className="muted nowrap"><time dateTime={r.at.toISOString()}>{formatUtc(r.at, true)}</time></td>
              <td>{r.source === "api" ? "API" : "Test"}</td>
              <td className="runs-caller"><Caller run={r} /></td>
              <td className="nowrap"><Status run={r} /></td>
              <td className="num nowrap">{r.durationMs} ms</td>
              <td className="num nowrap">{formatSize(r.requestBytes)}</td>
              <td className="num nowrap">{formatSize(r.responseBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
