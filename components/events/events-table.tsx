// One page of a subscription's events, sorted and paged by the page's query (newest stored first
// unless the user sorts otherwise); each row's event type opens the event's detail.
import Link from "next/link";
import { DataTable, type TColumn } from "@/components/ui/data-table";
import type { TSearchParams, TTableState } from "@/components/ui/data-table-model";
import { formatUtc } from "@/components/ui/format";
import type { TEventRow } from "@/lib/events/queries";
import { DeliveryBadge } from "./badges";

const at = (d: Date) => <time dateTime={d.toISOString()}>{formatUtc(d, true)}</time>;
const none = <span className="muted">—</span>;

const columns: TColumn<TEventRow>[] = [
  { key: "occurred", header: "Occurred at", serverSort: true, nowrap: true, cell: (e) => at(e.occurredAt) },
  {
    key: "type",
    header: "Event type",
    serverSort: true,
    cell: (e) => <Link className="mono" href={`/events/${e.subscriptionId}/${e.id}`} aria-label={`${e.eventType} ${e.itemId ?? e.id}`}>{e.eventType}</Link>,
  },
  { key: "item", header: "Item ID", serverSort: true, cell: (e) => (e.itemId ? <span className="mono">{e.itemId}</span> : none) },
  {
    key: "status",
    header: "Delivery status",
    serverSort: true,
    cell: (e) => (
      <>
        <DeliveryBadge status={e.deliveryStatus} />
        {e.lastError && e.deliveryStatus !== "delivered" ? <p className="field-error">{e.lastError}</p> : null}
      </>
    ),
  },
  { key: "attempts", header: "Attempts", serverSort: true, numeric: true, cell: (e) => e.attemptCount },
  { key: "code", header: "Last status code", serverSort: true, numeric: true, cell: (e) => e.lastStatusCode ?? none },
  { key: "stored", header: "Stored at", serverSort: true, nowrap: true, cell: (e) => <span className="muted">{at(e.createdAt)}</span> },
];

export function EventsTable(props: {
  subscriptionId: string;
  events: TEventRow[];
  total: number;
  pageSize: number;
  state: TTableState;
  params: TSearchParams;
  /** Set when a Type or Delivery status filter is applied. */
  filtered: boolean;
  /** What brings the first event: "Poll now above…" or "Send a webhook to the Inbound URL above". */
  nextStep: string;
}) {
  const path = `/events/${props.subscriptionId}`;
  return (
    <DataTable
      // Not "Events": the section around it is the "Events" region.
      label="Event log"
      noun={["event", "events"]}
      columns={columns}
      rows={props.events}
      total={props.total}
      pageSize={props.pageSize}
      rowKey={(e) => e.id}
      rowTestId={() => "event-row"}
      state={props.state}
      path={path}
      params={props.params}
      empty={
        props.filtered ? (
          <p>
            No events match this filter. <Link href={path}>Show all events</Link>
          </p>
        ) : (
          <p>No events yet. {props.nextStep}</p>
        )
      }
    />
  );
}
