// The event subscriptions: name (link to its page), service, type, environment, status, last poll
// (with the reason when it failed), events stored in the last 24 hours and failing deliveries.
import Link from "next/link";
import { formatUtc } from "@/components/ui/format";
import { SUBSCRIPTION_TYPE_LABELS } from "@/lib/events/schema";
import type { TSubscriptionRow } from "@/lib/events/store";
import { StatusBadge } from "./badges";

export function SubscriptionsTable({ rows, canEdit }: { rows: TSubscriptionRow[]; canEdit: boolean }) {
  if (rows.length === 0) {
    return (
      <p className="empty panel">
        No subscriptions yet.{" "}
        {canEdit ? (
          <>
            <Link href="/events/new">Create one</Link> to poll a service&apos;s API for new and changed items, or to receive its webhooks, and forward
            each event to your callback URL.
          </>
        ) : (
          "An administrator can create one."
        )}
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Service</th>
            <th scope="col">Type</th>
            <th scope="col">Environment</th>
            <th scope="col">Status</th>
            <th scope="col">Last poll</th>
            <th scope="col">Events (24 h)</th>
            <th scope="col">Failing deliveries</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.id} data-testid={`subscription-row-${s.name}`}>
              <td><Link href={`/events/${s.id}`}>{s.name}</Link></td>
              <td>{s.serviceName}</td>
              <td>{SUBSCRIPTION_TYPE_LABELS[s.type]}</td>
              <td>{s.environmentName ?? <span className="muted">Defaults</span>}</td>
              <td><StatusBadge status={s.status} /></td>
              <td>
                {s.lastPollAt ? <time className="nowrap" dateTime={s.lastPollAt.toISOString()}>{formatUtc(s.lastPollAt)}</time> : <span className="muted">—</span>}
                {s.lastPollError ? <p className="field-error" data-testid="last-poll-error">{s.lastPollError}</p> : null}
              </td>
              <td>{s.events24h}</td>
              <td>{s.failingDeliveries > 0 ? <span className="status-bad">{s.failingDeliveries}</span> : 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
