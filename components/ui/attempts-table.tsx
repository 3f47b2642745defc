// The attempts of a delivery or a hand-off (event deliveries, listener messages), oldest first:
// time, status code, duration, error and the start of the response, behind a disclosure.
import { formatUtc } from "@/components/ui/format";

export type TAttempt = { number: number; at: Date; statusCode: number | null; durationMs: number; error: string | null; responseExcerpt: string | null };

export function AttemptsTable({ attempts, labelledBy, empty = "No attempts yet." }: { attempts: TAttempt[]; labelledBy: string; empty?: string }) {
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
              <td colSpan={6} className="empty">{empty}</td>
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
