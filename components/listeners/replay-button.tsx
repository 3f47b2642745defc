"use client";
// Replay one message: the listener's current target runs again for it (a new round of attempts).
// A listener that only stores has nothing to replay into: the button is disabled and says why.
import Link from "next/link";
import { useId } from "react";
import { Button } from "@/components/ui/button";
import { AlertMessage, StatusMessage } from "@/components/ui/messages";
import { useAction } from "@/components/ui/use-action";
import { replayMessageAction } from "@/lib/listeners/actions";

export function ReplayButton({ messageId, listenerId, storeOnly }: { messageId: string; listenerId: string; storeOnly: boolean }) {
  const id = useId();
  const replay = useAction(replayMessageAction);
  return (
    <div className="field">
      <div>
        <Button variant="primary" pending={replay.pending} disabled={storeOnly} aria-describedby={storeOnly ? `${id}-why` : undefined} onClick={() => replay.run({ messageId, listenerId })}>
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
      {replay.result?.ok ? <StatusMessage>Replay queued</StatusMessage> : null}
      <AlertMessage testId="replay-error">{replay.error}</AlertMessage>
    </div>
  );
}
