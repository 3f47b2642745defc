// The event subscriptions: name (link to its page), service, type, environment, status, last poll
// (with the reason when it failed), events stored in the last 24 hours, failing deliveries and when
// it was created (the default order, newest first).
import Link from "next/link";
import { DataTable, type TColumn } from "@/components/ui/data-table";
import type { TSearchParams, TTableState } from "@/components/ui/data-table-model";
import { formatUtc } from "@/components/ui/format";
import { SUBSCRIPTION_TYPE_LABELS } from "@/lib/events/schema";
import type { TSubscriptionRow } from "@/lib/events/store";
import { StatusBadge } from "./badges";

type TRow = TSubscriptionRow & { createdAt: Date };

const columns: TColumn<TRow>[] = [
  { key: "name", header: "Name", sortValue: (s) => s.name, cell: (s) => <Link href={`/events/${s.id}`}>{s.name}</Link> },
  { key: "service", header: "Service", sortValue: (s) => s.serviceName, cell: (s) => s.serviceName },
  { key: "type", header: "Type", sortValue: (s) => SUBSCRIPTION_TYPE_LABELS[s.type], cell: (s) => SUBSCRIPTION_TYPE_LABELS[s.type] },
  {
    key: "environment",
    header: "Environment",
    sortValue: (s) => s.environmentName,
    cell: (s) => s.environmentName ?? <span className="muted">Defaults</span>,
  },
  { key: "status", header: "Status", sortValue: (s) => s.status, cell: (s) => <StatusBadge status={s.status} /> },
  {
    key: "poll",
    header: "Last poll",
    sortValue: (s) => s.lastPollAt,
    cell: (s) => (
      <>
        {s.lastPollAt ? <time className="nowrap" dateTime={s.lastPollAt.toISOString()}>{formatUtc(s.lastPollAt)}</time> : <span className="muted">—</span>}
        {s.lastPollError ? <p className="field-error" data-testid="last-poll-error">{s.lastPollError}</p> : null}
      </>
    ),
  },
  { key: "events", header: "Events (24 h)", numeric: true, sortValue: (s) => s.events24h, cell: (s) => s.events24h },
  {
    key: "failing",
    header: "Failing deliveries",
    numeric: true,
    sortValue: (s) => s.failingDeliveries,
    cell: (s) => (s.failingDeliveries > 0 ? <span className="status-bad">{s.failingDeliveries}</span> : 0),
  },
  {
    key: "created",
    header: "Created",
    nowrap: true,
    sortValue: (s) => s.createdAt,
    cell: (s) => <time className="muted" dateTime={s.createdAt.toISOString()}>{formatUtc(s.createdAt)}</time>,
  },
];

export function SubscriptionsTable(props: { rows: TRow[]; canEdit: boolean; state: TTableState; params: TSearchParams }) {
  return (
    <DataTable
      label="Event subscriptions"
      noun={["subscription", "subscriptions"]}
      columns={columns}
      rows={props.rows}
      rowKey={(s) => s.id}
      rowTestId={(s) => `subscription-row-${s.name}`}
      state={props.state}
      path="/events"
      params={props.params}
      empty={
        <p>
          No subscriptions yet.{" "}
          {props.canEdit ? (
            <>
              <Link href="/events/new">Create one</Link> to poll a service&apos;s API for new and changed items, or to receive its webhooks, and
              forward each event to your callback URL.
            </>
          ) : (
            "An administrator can create one."
          )}
        </p>
      }
    />
  );
}
