"use client";
// Redeliver one event: a new round of attempts, whatever its delivery status.
import { Button } from "@/components/ui/button";
import { AlertMessage, StatusMessage } from "@/components/ui/messages";
import { useAction } from "@/components/ui/use-action";
import { redeliverEventAction } from "@/lib/events/actions";

export function RedeliverButton({ eventId, subscriptionId }: { eventId: string; subscriptionId: string }) {
  const redeliver = useAction(redeliverEventAction);
  return (
    <div className="field">
      <div>
        <Button variant="primary" pending={redeliver.pending} onClick={() => redeliver.run({ eventId, subscriptionId })}>
          Redeliver
        </Button>
      </div>
      {redeliver.result?.ok ? <StatusMessage>Queued for delivery</StatusMessage> : null}
      <AlertMessage testId="redeliver-error">{redeliver.error}</AlertMessage>
    </div>
  );
}
