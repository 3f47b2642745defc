// Text badges for a subscription's status and an event's delivery status: the word says it, the
// colour only repeats it.
import { DELIVERY_STATUS_LABELS, type TDeliveryStatus } from "@/lib/events/schema";
import type { TSubscriptionStatus } from "@/lib/events/store";

const STATUS_CLASS: Record<TSubscriptionStatus, string> = {
  Active: "badge ok",
  Paused: "badge",
  Failing: "badge off",
  "Delivery stopped": "badge off",
};

export function StatusBadge({ status }: { status: TSubscriptionStatus }) {
  return <span className={STATUS_CLASS[status]} data-testid="subscription-status">{status}</span>;
}

const DELIVERY_CLASS: Record<TDeliveryStatus, string> = {
  pending: "badge",
  retrying: "badge warn",
  delivered: "badge ok",
  dead: "badge off",
  held: "badge",
};

export function DeliveryBadge({ status }: { status: TDeliveryStatus }) {
  return <span className={DELIVERY_CLASS[status]} data-testid="delivery-status">{DELIVERY_STATUS_LABELS[status]}</span>;
}
