"use client";
// The new API token, shown once: a read-only field to select, a Copy button and the warning that it
// cannot be shown again (only its SHA-256 is stored).
import { useEffect, useId, useRef } from "react";
import { Button } from "@/components/ui/button";
import { useCopy } from "@/components/ui/copy";
import { StatusMessage } from "@/components/ui/messages";

export function NewTokenOnce({ name, token }: { name: string; token: string }) {
  const id = useId();
  const field = useRef<HTMLInputElement>(null);
  const { copy, message } = useCopy("the token");

  // The form's Create button is gone: put keyboard focus on the token, selected for copying.
  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, []);

  return (
    <>
      <StatusMessage>Created API token &quot;{name}&quot;.</StatusMessage>
      <p className="message error" id={`${id}-warning`} data-testid="api-token-warning">
        <strong>Copy this token now. You will not be able to see it again.</strong>
      </p>
      <div className="field">
        <label htmlFor={id}>API token</label>
        <div className="inline-field">
          <input
            id={id}
            ref={field}
            readOnly
            value={token}
            className="mono"
            spellCheck={false}
            autoComplete="off"
            aria-describedby={`${id}-warning ${id}-hint`}
            data-testid="api-token-value"
            onFocus={(e) => e.currentTarget.select()}
          />
          <Button size="small" onClick={() => copy(token)}>
            Copy
          </Button>
        </div>
        <p className="field-hint" id={`${id}-hint`}>
          Send it as <code>Authorization: Bearer &lt;token&gt;</code>. It acts as you until it expires or is revoked.
        </p>
        {message}
      </div>
    </>
  );
}
