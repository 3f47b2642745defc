"use client";
// Copy to the clipboard with the outcome said in words: "Copied." (role="status"), or, where the
// browser refuses, how to copy by hand (role="alert"). The caller places the button and the message.
import { useState, type ReactNode } from "react";

/** `what` names the thing in the refusal: "the token", "the command", ... */
export function useCopy(what: string): { copy: (text: string) => Promise<void>; message: ReactNode } {
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setResult({ ok: true, text: "Copied." });
    } catch {
      setResult({ ok: false, text: `Copying is not allowed here: select ${what} and copy it by hand.` });
    }
  };
  const message = result ? (
    <p role={result.ok ? "status" : "alert"} className="field-hint">
      {result.text}
    </p>
  ) : null;
  return { copy, message };
}
