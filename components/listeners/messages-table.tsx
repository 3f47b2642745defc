// One page of a listener's messages, sorted and paged by the page's query (newest first unless the
// user sorts otherwise); each row's time opens the message.
import Link from "next/link";
import { DataTable, type TColumn } from "@/components/ui/data-table";
import type { TSearchParams, TTableState } from "@/components/ui/data-table-model";
import { formatUtc } from "@/components/ui/format";
import type { TMessageRow } from "@/lib/listeners/queries";
import { MessageStatusBadge } from "./badges";
import { formatBytes } from "./format";

const none = <span className="muted">—</span>;

const columns: TColumn<TMessageRow>[] = [
  {
    key: "received",
    header: "Received",
    serverSort: true,
    nowrap: true,
    cell: (m) => (
      <Link href={`/listeners/${m.listenerId}/${m.id}`} data-message-id={m.id}>
        <time dateTime={m.receivedAt.toISOString()}>{formatUtc(m.receivedAt, true)}</time>
      </Link>
    ),
  },
  { key: "method", header: "Method", serverSort: true, cell: (m) => <span className="method">{m.method}</span> },
  { key: "type", header: "Content type", serverSort: true, cell: (m) => (m.contentType ? <span className="mono">{m.contentType}</span> : none) },
  { key: "size", header: "Size", serverSort: true, numeric: true, nowrap: true, cell: (m) => formatBytes(m.size) },
  { key: "status", header: "Status", serverSort: true, cell: (m) => <MessageStatusBadge status={m.status} /> },
  { key: "attempts", header: "Attempts", serverSort: true, numeric: true, cell: (m) => m.attemptCount },
  {
    key: "error",
    header: "Last error",
    cell: (m) => (m.lastError && m.status !== "delivered" ? <span className="status-bad">{m.lastError}</span> : none),
  },
];

export function MessagesTable(props: {
  listenerId: string;
  messages: TMessageRow[];
  total: number;
  pageSize: number;
  state: TTableState;
  params: TSearchParams;
  /** Set when a Status filter is applied. */
  filtered: boolean;
}) {
  const path = `/listeners/${props.listenerId}`;
  return (
    <DataTable
      label="Messages"
      noun={["message", "messages"]}
      columns={columns}
      rows={props.messages}
      total={props.total}
      pageSize={props.pageSize}
      rowKey={(m) => m.id}
      rowTestId={() => "message-row"}
      state={props.state}
      path={path}
      params={props.params}
      empty={
        props.filtered ? (
          <p>
            No messages match this filter. <Link href={path}>Show all messages</Link>
          </p>
        ) : (
          <p>No messages yet. Send a request to the listener URL above: the cURL example shows how.</p>
        )
      }
    />
  );
}
