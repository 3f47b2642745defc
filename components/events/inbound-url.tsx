"use client";
// Read-only: a webhook subscription's inbound URL, to register at the sender; with a Copy button.
import { useId } from "react";
import { Button } from "@/components/ui/button";
import { useCopy } from "@/components/ui/copy";

export function InboundUrl({ url }: { url: string }) {
  const id = useId();
  const { copy, message } = useCopy("the URL");
  return (
    <div className="field">
      <label htmlFor={id}>Inbound URL</label>
      <div className="inline-field">
        <input id={id} readOnly value={url} className="mono" aria-describedby={`${id}-hint`} />
        <Button size="small" onClick={() => copy(url)} aria-label="Copy inbound URL">Copy</Button>
      </div>
      <p className="field-hint" id={`${id}-hint`}>
        Register this URL at the sender. It takes POST requests of any content type (up to 1 MB) and answers 202 with the stored event&apos;s id;
        while the subscription is paused it answers 404.
      </p>
      {message}
    </div>
  );
}
