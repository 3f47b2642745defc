"use client";
// The admin's buttons on a subscription's page: Edit (opens the form below), Pause/Resume, Poll now
// (polling: one poll at once, its result said per resource) and Delete (after confirming).
import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import { deleteSubscriptionAction, pollNowAction, setPausedAction } from "@/lib/events/actions";
import type { TSubscriptionFormValues } from "@/lib/events/schema";
import type { TPollResult } from "@/lib/events/poll";
import { PollResult } from "./poll-result";
import type { TStoredSubscription, TSubscriptionChoices } from "./subscription-form";

// The edit form (and zod with it) loads when Edit opens it, not with the page.
const SubscriptionForm = dynamic(() => import("./subscription-form").then((m) => m.SubscriptionForm), { ssr: false, loading: () => <p className="muted" role="status">Loading the form…</p> });

const UNREACHABLE = "The server could not be reached. Check your connection and try again.";

export function SubscriptionControls(props: {
  name: string;
  polling: boolean;
  paused: boolean;
  subscription: TStoredSubscription;
  values: TSubscriptionFormValues;
  choices: TSubscriptionChoices;
}) {
  const { subscription, name } = props;
  const id = subscription.id;
  const router = useRouter();
  const toast = useToast();
  const editorId = useId();
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState<"pause" | "poll" | null>(null);
  const [poll, setPoll] = useState<{ result: TPollResult } | { error: string } | null>(null);

  const togglePaused = async () => {
    setBusy("pause");
    try {
      const res = await setPausedAction({ id, paused: !props.paused });
      if (!res.ok) toast.error(res.error);
      else {
        toast.success(props.paused ? `Resumed "${name}".` : `Paused "${name}".`);
        router.refresh();
      }
    } catch {
      toast.error(UNREACHABLE);
    } finally {
      setBusy(null);
    }
  };

  const pollNow = async () => {
    setBusy("poll");
    setPoll(null);
    try {
      const res = await pollNowAction({ id });
      setPoll(res.ok ? { result: res.data } : { error: res.error });
      if (res.ok) router.refresh();
    } catch {
      setPoll({ error: UNREACHABLE });
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <div className="actions" data-testid="subscription-actions">
        <Button aria-expanded={editing} aria-controls={editorId} onClick={() => setEditing((e) => !e)}>Edit</Button>
        <Button pending={busy === "pause"} onClick={togglePaused}>{props.paused ? "Resume" : "Pause"}</Button>
        {props.polling ? (
          <Button variant="primary" pending={busy === "poll"} onClick={pollNow}>{busy === "poll" ? "Polling…" : "Poll now"}</Button>
        ) : null}
        <ConfirmDialog
          trigger="Delete"
          triggerLabel={`Delete ${name}`}
          title={`Delete "${name}"?`}
          description="Its events, their delivery attempts and the record of items already seen are deleted with it; deliveries still waiting are not sent. This cannot be undone."
          confirm="Delete"
          onConfirm={async () => {
            try {
              const res = await deleteSubscriptionAction({ id });
              if (!res.ok) return res.error;
            } catch {
              return UNREACHABLE;
            }
            toast.success(`Deleted "${name}".`);
            router.push("/events");
            return null;
          }}
        />
      </div>
      {busy === "poll" ? <p className="muted" role="status">Polling… the requests run on the server.</p> : null}
      {poll ? <PollResult outcome={poll} /> : null}
      <div id={editorId}>
        {editing ? (
          <section className="panel" aria-labelledby={`${editorId}-title`}>
            <h2 id={`${editorId}-title`}>Edit subscription</h2>
            <SubscriptionForm subscription={subscription} values={props.values} choices={props.choices} onClose={() => setEditing(false)} />
          </section>
        ) : null}
      </div>
    </>
  );
}
