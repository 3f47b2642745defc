"use client";
// Replay one message: the listener's current target runs again for it (a new round of attempts).
// A listener that only stores has nothing to replay into: the button is disabled and says why.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { AlertMessage, StatusMessage } from "@/components/ui/messages";
import { replayMessageAction } from "@/lib/listeners/actions";

export function ReplayButton({ messageId, listenerId, storeOnly }: { messageId: string; listenerId: string; storeOnly: boolean }) {
  const router = useRouter();
  const id = useId();
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<{ ok: true } | { ok: false; error: string } | null>(null);
  return (
    <div className="field">
      <div>
        <Button
          variant="primary"
          pending={pending}
          disabled={storeOnly}
          aria-describedby={storeOnly ? `${id}-why` : undefined}
          onClick={async () => {
            setPending(true);
            setResult(null);
            try {
              const res = await replayMessageAction({ messageId, listenerId });
              setResult(res.ok ? { ok: true } : { ok: false, error: res.error });
              if (res.ok) router.refresh();
            } catch {
              setResult({ ok: false, error: "The server could not be reached. Check your connection and try again." });
            } finally {
              setPending(false);
            }
          }}
        >
          Replay
        </Button>
      </div>
      {storeOnly ? (
        <p className="field-hint" id={`${id}-why`}>
          This listener only stores its messages: there is no target to replay into. <Link href={`/listeners/${listenerId}/edit`}>Choose a target</Link> to
          forward messages or run a connector.
        </p>
      ) : (
        <p className="field-hint">Runs the listener&apos;s current target again for this message.</p>
      )}
      {result?.ok ? <StatusMessage>Replay queued</StatusMessage> : null}
      <AlertMessage testId="replay-error">{result && !result.ok ? result.error : null}</AlertMessage>
    </div>
  );
}
