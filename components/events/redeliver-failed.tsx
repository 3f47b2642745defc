"use client";
// "Redeliver failed since…": every dead-lettered event of the subscription stored since a moment
// (the admin's local time) gets a new round of attempts.
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { AlertMessage, StatusMessage } from "@/components/ui/messages";
import { redeliverFailedSinceAction } from "@/lib/events/actions";

export function RedeliverFailedForm({ subscriptionId }: { subscriptionId: string }) {
  const router = useRouter();
  const id = useId();
  const [since, setSince] = useState("");
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<{ ok: true; count: number } | { ok: false; error: string } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    // datetime-local has no zone: the browser reads it as local time.
    const at = since ? new Date(since) : null;
    if (!at || Number.isNaN(at.getTime())) return setResult({ ok: false, error: "Enter a date and time." });
    setPending(true);
    try {
      const res = await redeliverFailedSinceAction({ id: subscriptionId, since: at.toISOString() });
      setResult(res.ok ? { ok: true, count: res.data.count } : { ok: false, error: res.error });
      if (res.ok) router.refresh();
    } catch {
      setResult({ ok: false, error: "The server could not be reached. Check your connection and try again." });
    } finally {
      setPending(false);
    }
  };

  return (
    <form className="filters" onSubmit={submit} noValidate aria-label="Redeliver failed since">
      <div className="field">
        <label htmlFor={id}>Failed since</label>
        <input
          id={id}
          type="datetime-local"
          value={since}
          onChange={(e) => setSince(e.target.value)}
          aria-invalid={result && !result.ok ? true : undefined}
          aria-describedby={`${id}-hint`}
        />
        <p className="field-hint" id={`${id}-hint`}>Dead-lettered events stored since then (your local time) are delivered again.</p>
      </div>
      <Button type="submit" pending={pending}>Redeliver failed</Button>
      <div aria-live="polite">
        {result?.ok ? <StatusMessage>{result.count} event{result.count === 1 ? "" : "s"} queued again</StatusMessage> : null}
        <AlertMessage testId="redeliver-failed-error">{result && !result.ok ? result.error : null}</AlertMessage>
      </div>
    </form>
  );
}
