// The Events section's filter: Type and Delivery status as GET parameters (?type=&status=), so a
// filtered list has its own address; a new filter starts again at the first page, in the table's
// current order.
import Form from "next/form";
import { Button } from "@/components/ui/button";
import { DELIVERY_STATUS_LABELS, DELIVERY_STATUSES, EVENT_TYPES, type TDeliveryStatus, type TEventType } from "@/lib/events/schema";

const TYPE_LABELS: Record<TEventType, string> = { CREATED: "Created", UPDATED: "Updated", RECEIVED: "Received" };

export function EventsFilter(props: { subscriptionId: string; type?: TEventType; status?: TDeliveryStatus; order?: { sort: string; dir: string } }) {
  const { subscriptionId, type, status, order } = props;
  return (
    <Form action={`/events/${subscriptionId}`} className="filters" aria-label="Filter events">
      {order ? (
        <>
          <input type="hidden" name="sort" value={order.sort} />
          <input type="hidden" name="dir" value={order.dir} />
        </>
      ) : null}
      <div className="field">
        <label htmlFor="events-type">Type</label>
        <select id="events-type" name="type" defaultValue={type ?? ""}>
          <option value="">All</option>
          {EVENT_TYPES.map((t) => (
            <option key={t} value={t}>{TYPE_LABELS[t]}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="events-status">Delivery status</label>
        <select id="events-status" name="status" defaultValue={status ?? ""}>
          <option value="">All</option>
          {DELIVERY_STATUSES.map((s) => (
            <option key={s} value={s}>{DELIVERY_STATUS_LABELS[s]}</option>
          ))}
        </select>
      </div>
      <Button type="submit">Filter</Button>
    </Form>
  );
}
