// The attempts of a delivery or a hand-off (event deliveries, listener messages), oldest first:
// time, status code, duration, error and the start of the response, behind a disclosure. A
// delivery makes a handful of attempts, so they are shown on one page in the order they happened,
// without sort links (which would need the page's address).
import { DataTable, type TColumn } from "@/components/ui/data-table";
import { formatUtc } from "@/components/ui/format";

export type TAttempt = { number: number; at: Date; statusCode: number | null; durationMs: number; error: string | null; responseExcerpt: string | null };

const none = <span className="muted">—</span>;

// The status code stays the third cell: e2e specs read it by position.
const columns: TColumn<TAttempt>[] = [
  { key: "number", header: "#", numeric: true, cell: (a) => a.number },
  { key: "at", header: "Time", nowrap: true, cell: (a) => <time dateTime={a.at.toISOString()}>{formatUtc(a.at, true)}</time> },
  { key: "status", header: "Status code", cell: (a) => a.statusCode ?? none },
  { key: "duration", header: "Duration (ms)", numeric: true, cell: (a) => a.durationMs },
  { key: "error", header: "Error", cell: (a) => (a.error ? <span className="status-bad">{a.error}</span> : none) },
  {
    key: "response",
    header: "Response excerpt",
    cell: (a) =>
      a.responseExcerpt ? (
        <details>
          <summary>Show ({a.responseExcerpt.length} characters)</summary>
          <pre className="response-text">{a.responseExcerpt}</pre>
        </details>
      ) : (
        none
      ),
  },
];

const ONE_PAGE = { sort: null, dir: "asc", page: 1 } as const;

/** `label` names the table (and its scroll region); `empty` says why there are none yet. */
export function AttemptsTable({ attempts, label, empty = "No attempts yet." }: { attempts: TAttempt[]; label: string; empty?: string }) {
  return (
    <DataTable
      label={label}
      noun={["attempt", "attempts"]}
      columns={columns}
      rows={attempts}
      rowKey={(a) => String(a.number)}
      rowTestId={() => "attempt-row"}
      state={ONE_PAGE}
      path=""
      params={{}}
      pageSize={Math.max(1, attempts.length)}
      empty={<p>{empty}</p>}
    />
  );
}
