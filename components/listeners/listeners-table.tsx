// The listeners: name (link to its page), full URL, allowed methods, target, state, messages of the
// last 24 hours, last message, the messages whose hand-off is failing and when it was created (the
// default order, newest first).
import Link from "next/link";
import { DataTable, type TColumn } from "@/components/ui/data-table";
import type { TSearchParams, TTableState } from "@/components/ui/data-table-model";
import { formatUtc } from "@/components/ui/format";
import { LISTENER_TARGET_LABELS } from "@/lib/listeners/schema";
import type { TListenerRow } from "@/lib/listeners/store";
import { EnabledBadge } from "./badges";
import { targetDetail } from "./format";

type TRow = TListenerRow & { createdAt: Date };

const when = (d: Date | null) => (d ? <time className="nowrap" dateTime={d.toISOString()}>{formatUtc(d)}</time> : <span className="muted">—</span>);

const columns: TColumn<TRow>[] = [
  { key: "name", header: "Name", sortValue: (l) => l.name, cell: (l) => <Link href={`/listeners/${l.id}`}>{l.name}</Link> },
  { key: "path", header: "Path", sortValue: (l) => l.path, className: "url-cell", cell: (l) => <code className="mono" title={l.url}>{l.url}</code> },
  { key: "methods", header: "Methods", nowrap: true, cell: (l) => l.methods.map((m) => <span key={m} className="method">{m} </span>) },
  {
    key: "target",
    header: "Target",
    sortValue: (l) => LISTENER_TARGET_LABELS[l.target],
    cell: (l) => {
      const detail = targetDetail(l);
      return (
        <>
          {LISTENER_TARGET_LABELS[l.target]}
          {detail ? <> · <span className={l.target === "FORWARD" ? "mono" : undefined}>{detail}</span></> : null}
        </>
      );
    },
  },
  { key: "status", header: "Status", sortValue: (l) => l.enabled, cell: (l) => <EnabledBadge enabled={l.enabled} /> },
  { key: "messages", header: "Messages (24 h)", numeric: true, sortValue: (l) => l.messages24h, cell: (l) => l.messages24h },
  { key: "last", header: "Last received", sortValue: (l) => l.lastReceivedAt, cell: (l) => when(l.lastReceivedAt) },
  {
    key: "failing",
    header: "Failing",
    numeric: true,
    sortValue: (l) => l.failing,
    cell: (l) => <span data-testid="listener-failing">{l.failing > 0 ? <span className="status-bad">{l.failing}</span> : 0}</span>,
  },
  { key: "created", header: "Created", sortValue: (l) => l.createdAt, cell: (l) => <span className="muted">{when(l.createdAt)}</span> },
];

export function ListenersTable(props: { rows: TRow[]; canEdit: boolean; state: TTableState; params: TSearchParams }) {
  return (
    <DataTable
      label="Listeners"
      noun={["listener", "listeners"]}
      columns={columns}
      rows={props.rows}
      rowKey={(l) => l.id}
      rowTestId={(l) => `listener-row-${l.name}`}
      state={props.state}
      path="/listeners"
      params={props.params}
      actions={props.canEdit ? (l) => <Link className="btn small" href={`/listeners/${l.id}/edit`} aria-label={`Edit ${l.name}`}>Edit</Link> : undefined}
      empty={
        <p>
          No listeners yet.{" "}
          {props.canEdit ? (
            <>
              <Link href="/listeners/new">Create one</Link> to give a partner or another application a URL to send its messages to: each one is
              stored before it is acknowledged, then kept, forwarded to your callback URL or run through a connector.
            </>
          ) : (
            "An administrator can create one."
          )}
        </p>
      }
    />
  );
}
