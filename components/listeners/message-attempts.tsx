// Every hand-off attempt of a message, oldest first: status code, duration, error and the start of
// the response, as for an event's delivery attempts.
import { formatUtc } from "@/components/ui/format";
import type { TMessageAttemptRow } from "@/lib/listeners/queries";

export function MessageAttempts({ attempts, labelledBy, storeOnly }: { attempts: TMessageAttemptRow[]; labelledBy: string; storeOnly: boolean }) {
  return (
    <div className="table-wrap">
      <table aria-labelledby={labelledBy}>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time</th>
            <th scope="col">Status code</th>
            <th scope="col">Duration (ms)</th>
            <th scope="col">Error</th>
            <th scope="col">Response excerpt</th>
          </tr>
        </thead>
        <tbody>
          {attempts.length === 0 ? (
            <tr>
              <td colSpan={6} className="empty">{storeOnly ? "No attempts: this listener only stores its messages." : "No attempts yet."}</td>
            </tr>
          ) : (
            attempts.map((a) => (
              <tr key={a.number} data-testid="attempt-row">
                <td>{a.number}</td>
                <td className="nowrap"><time dateTime={a.at.toISOString()}>{formatUtc(a.at, true)}</time></td>
                <td>{a.statusCode ?? <span className="muted">—</span>}</td>
                <td>{a.durationMs}</td>
                <td>{a.error ? <span className="status-bad">{a.error}</span> : <span className="muted">—</span>}</td>
                <td>
                  {a.responseExcerpt ? (
                    <details>
                      <summary>Show ({a.responseExcerpt.length} characters)</summary>
                      <pre className="response-text">{a.responseExcerpt}</pre>
                    </details>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
