"use client";
// Read-only: the listener's URL to give to the sender, and a ready cURL example with its sender
// authentication (secrets as placeholders), each with a Copy button.
import { useId } from "react";
import { Button } from "@/components/ui/button";
import { useCopy } from "@/components/ui/copy";

export function ListenerUrl({ url, curl, maxBytes }: { url: string; curl: string; maxBytes: string }) {
  const id = useId();
  const urlCopy = useCopy("the URL");
  const curlCopy = useCopy("the command");
  return (
    <>
      <div className="field">
        <label htmlFor={id}>URL</label>
        <div className="inline-field">
          <input id={id} readOnly value={url} className="mono" aria-describedby={`${id}-hint`} data-testid="listener-url" />
          <Button size="small" onClick={() => urlCopy.copy(url)} aria-label="Copy URL">Copy</Button>
        </div>
        <p className="field-hint" id={`${id}-hint`}>
          Give this URL to the sender. Each message (any content type, up to {maxBytes}) is stored before Patchbay answers 202 with its id; while the
          listener is disabled the URL answers 404.
        </p>
        {urlCopy.message}
      </div>
      <div className="field">
        <span className="field-label" id={`${id}-curl`}>cURL example</span>
        <pre className="response-text mono" aria-labelledby={`${id}-curl`} data-testid="curl-example"><code>{curl}</code></pre>
        <div>
          <Button size="small" onClick={() => curlCopy.copy(curl)} aria-label="Copy cURL example">Copy</Button>
        </div>
        {curlCopy.message}
      </div>
    </>
  );
}
