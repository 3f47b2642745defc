"use client";
// A write-only field: the stored value is never shown, only whether one is set. "Replace" opens an
// empty input; leaving it blank keeps the stored value.
import { useId, useState } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { Button } from "@/components/ui/button";

export function SecretField(props: {
  label: string;
  isSet: boolean;
  registration: UseFormRegisterReturn;
  error?: string;
  hint?: string;
  multiline?: boolean;
  /** For optional secrets: lets the user remove the stored value on save. */
  clear?: { cleared: boolean; onChange: (cleared: boolean) => void };
}) {
  const id = useId();
  const [replacing, setReplacing] = useState(!props.isSet);
  const describedBy = [props.hint ? `${id}-hint` : null, props.error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <div className="secret-state">
        <span className={props.isSet ? "badge" : "badge off"} data-testid={`secret-state-${props.label}`}>
          {props.isSet ? "set" : "not set"}
        </span>
        {props.isSet && !replacing && !props.clear?.cleared ? (
          <Button size="small" onClick={() => setReplacing(true)} aria-label={`Replace ${props.label}`}>Replace</Button>
        ) : null}
        {props.isSet && props.clear ? (
          <Button size="small" onClick={() => props.clear!.onChange(!props.clear!.cleared)} aria-label={`${props.clear.cleared ? "Keep" : "Clear"} ${props.label}`} aria-pressed={props.clear.cleared}>
            {props.clear.cleared ? "Keep" : "Clear"}
          </Button>
        ) : null}
        {props.clear?.cleared ? <span className="muted">removed when you save</span> : null}
      </div>
      {props.clear?.cleared ? null : replacing ? (
        props.multiline ? (
          <textarea id={id} rows={5} className="mono" autoComplete="off" spellCheck={false} aria-invalid={props.error ? true : undefined} aria-describedby={describedBy} {...props.registration} />
        ) : (
          <input id={id} type="password" autoComplete="new-password" aria-invalid={props.error ? true : undefined} aria-describedby={describedBy} {...props.registration} />
        )
      ) : (
        <input id={id} type="password" disabled value="" placeholder="Stored value kept" readOnly />
      )}
      {props.isSet && replacing ? <p className="field-hint">Leave blank to keep the stored value.</p> : null}
      {props.hint ? <p className="field-hint" id={`${id}-hint`}>{props.hint}</p> : null}
      {props.error ? <p className="field-error" id={`${id}-error`}>{props.error}</p> : null}
    </div>
  );
}
