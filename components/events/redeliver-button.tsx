"use client";
// Redeliver one event: a new round of attempts, whatever its delivery status.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { AlertMessage, StatusMessage } from "@/components/ui/messages";
import { redeliverEventAction } from "@/lib/events/actions";

export function RedeliverButton({ eventId, subscriptionId }: { eventId: string; subscriptionId: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<{ ok: true } | { ok: false; error: string } | null>(null);
  return (
    <div className="field">
      <div>
        <Button
          variant="primary"
          pending={pending}
          onClick={async () => {
            setPending(true);
            setResult(null);
            try {
              const res = await redeliverEventAction({ eventId, subscriptionId });
              setResult(res.ok ? { ok: true } : { ok: false, error: res.error });
              if (res.ok) router.refresh();
            } catch {
              setResult({ ok: false, error: "The server could not be reached. Check your connection and try again." });
            } finally {
              setPending(false);
            }
          }}
        >
          Redeliver
        </Button>
      </div>
      {result?.ok ? <StatusMessage>Queued for delivery</StatusMessage> : null}
      <AlertMessage testId="redeliver-error">{result && !result.ok ? result.error : null}</AlertMessage>
    </div>
  );
}
