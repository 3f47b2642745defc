// Text badges for a listener's state and a message's hand-off status: the word says it, the colour
// only repeats it.
import { MESSAGE_STATUS_LABELS, type TMessageStatus } from "@/lib/listeners/queries";

export function EnabledBadge({ enabled }: { enabled: boolean }) {
  return <span className={enabled ? "badge ok" : "badge off"} data-testid="listener-status">{enabled ? "Enabled" : "Disabled"}</span>;
}

const MESSAGE_CLASS: Record<TMessageStatus, string> = {
  stored: "badge",
  pending: "badge",
  retrying: "badge warn",
  delivered: "badge ok",
  failed: "badge off",
  dead: "badge off",
};

export function MessageStatusBadge({ status }: { status: TMessageStatus }) {
  return <span className={MESSAGE_CLASS[status]} data-testid="message-status">{MESSAGE_STATUS_LABELS[status]}</span>;
}
