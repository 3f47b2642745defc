// The Messages section's filter: Status as a GET parameter (?status=), so a filtered list has its
// own address; a new filter starts again at the first page, in the table's current order.
import Form from "next/form";
import { Button } from "@/components/ui/button";
import { MESSAGE_STATUS_LABELS, MESSAGE_STATUSES, type TMessageStatus } from "@/lib/listeners/queries";

export function MessagesFilter(props: { listenerId: string; status?: TMessageStatus; order?: { sort: string; dir: string } }) {
  const { listenerId, status, order } = props;
  return (
    <Form action={`/listeners/${listenerId}`} className="filters" aria-label="Filter messages">
      {order ? (
        <>
          <input type="hidden" name="sort" value={order.sort} />
          <input type="hidden" name="dir" value={order.dir} />
        </>
      ) : null}
      <div className="field">
        <label htmlFor="messages-status">Status</label>
        <select id="messages-status" name="status" defaultValue={status ?? ""}>
          <option value="">All</option>
          {MESSAGE_STATUSES.map((s) => (
            <option key={s} value={s}>{MESSAGE_STATUS_LABELS[s]}</option>
          ))}
        </select>
      </div>
      <Button type="submit">Filter</Button>
    </Form>
  );
}
