// One page of a subscription's events, newest first; each row opens the event's detail.
import Link from "next/link";
import { formatUtc } from "@/components/ui/format";
import type { TEventRow } from "@/lib/events/queries";
import { DeliveryBadge } from "./badges";

export function EventsTable({ events, filtered }: { events: TEventRow[]; filtered: boolean }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Occurred at</th>
            <th scope="col">Event type</th>
            <th scope="col">Item ID</th>
            <th scope="col">Delivery status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last status code</th>
            <th scope="col">Stored at</th>
          </tr>
        </thead>
        <tbody>
          {events.length === 0 ? (
            <tr>
              <td colSpan={7} className="empty">{filtered ? "No events match this filter." : "No events yet."}</td>
            </tr>
          ) : (
            events.map((e) => (
              <tr key={e.id} data-testid="event-row">
                <td className="nowrap"><time dateTime={e.occurredAt.toISOString()}>{formatUtc(e.occurredAt, true)}</time></td>
                <td>
                  <Link className="mono" href={`/events/${e.subscriptionId}/${e.id}`} aria-label={`${e.eventType} ${e.itemId ?? e.id}`}>{e.eventType}</Link>
                </td>
                <td className="mono">{e.itemId ?? <span className="muted">—</span>}</td>
                <td>
                  <DeliveryBadge status={e.deliveryStatus} />
                  {e.lastError && e.deliveryStatus !== "delivered" ? <p className="field-error">{e.lastError}</p> : null}
                </td>
                <td>{e.attemptCount}</td>
                <td>{e.lastStatusCode ?? <span className="muted">—</span>}</td>
                <td className="muted nowrap"><time dateTime={e.createdAt.toISOString()}>{formatUtc(e.createdAt, true)}</time></td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
