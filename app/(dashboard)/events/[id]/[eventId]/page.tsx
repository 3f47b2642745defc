import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeliveryBadge } from "@/components/events/badges";
import { RedeliverButton } from "@/components/events/redeliver-button";
import { AttemptsTable } from "@/components/ui/attempts-table";
import { formatUtc } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/session";
import { getEvent } from "@/lib/events/queries";
import { JsonViewer } from "@/components/code/json-viewer";

export const metadata: Metadata = { title: "Event" };

/** The stored JSON, indented; a payload cut at the cap is not JSON any more and is shown as it is. */
function pretty(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

const when = (d: Date | null) => (d ? <time dateTime={d.toISOString()}>{formatUtc(d, true)}</time> : <span className="muted">—</span>);

export default async function EventPage({ params }: { params: Promise<{ id: string; eventId: string }> }) {
  const { id, eventId } = await params;
  const user = await requireUser();
  const e = await getEvent(eventId);
  if (!e || e.subscriptionId !== id) notFound();
  return (
    <>
      <p>
        <Link href={`/events/${id}`}>← {e.subscriptionName}</Link>
      </p>
      <PageHeader title={e.eventType} description={<>Event <span className="mono">{e.id}</span></>} />
      <section className="panel" aria-labelledby="event-facts">
        <h2 id="event-facts">Event</h2>
        <dl className="facts">
          <dt>ID</dt>
          <dd className="mono" data-testid="event-id">{e.id}</dd>
          <dt>Subscription</dt>
          <dd><Link href={`/events/${id}`}>{e.subscriptionName}</Link></dd>
          <dt>Event type</dt>
          <dd className="mono">{e.eventType}</dd>
          <dt>Item ID</dt>
          <dd className="mono">{e.itemId ?? <span className="muted">—</span>}</dd>
          <dt>Occurred at</dt>
          <dd>{when(e.occurredAt)}</dd>
          <dt>Stored at</dt>
          <dd>{when(e.createdAt)}</dd>
          <dt>Delivery status</dt>
          <dd>
            <DeliveryBadge status={e.deliveryStatus} />
            {e.deliveredAt ? <> {when(e.deliveredAt)}</> : null}
          </dd>
          <dt>Last error</dt>
          <dd data-testid="last-error">{e.lastError ? <span className="status-bad">{e.lastError}</span> : <span className="muted">—</span>}</dd>
          <dt>Next attempt</dt>
          <dd>{when(e.nextAttemptAt)}</dd>
        </dl>
        {user.role === "ADMIN" ? <RedeliverButton eventId={e.id} subscriptionId={id} /> : null}
      </section>

      <section className="panel" aria-labelledby="event-payload">
        <h2 id="event-payload">Payload</h2>
        {e.payloadTruncated ? <p className="muted" data-testid="payload-truncated">The payload was cut at 2 MB: the delivery carries &quot;data&quot;: null and &quot;dataTruncated&quot;: true.</p> : null}
        <JsonViewer text={pretty(e.payload)} label="Payload" testId="payload" />
      </section>

      <section className="panel" aria-labelledby="event-attempts">
        <h2 id="event-attempts">Delivery attempts</h2>
        <AttemptsTable attempts={e.attempts} label="Delivery attempts, oldest first" empty="No attempts yet. Deliveries run in the background; they wait while the subscription is paused or its delivery is stopped." />
      </section>
    </>
  );
}
