"use client";
// A write-only secret of the listener form: never filled in from the server. On edit it says
// whether one is stored ("Set"/"Not set"); left empty, the stored one is kept. Keys the browser can
// make (Standard Webhooks whsec_ keys) get a Generate button and are shown so they can be copied
// to the other side before saving.
import { useId, useState, type ReactNode } from "react";
import { useWatch, type Path, type UseFormReturn } from "react-hook-form";
import { bytesToBase64 } from "@/components/ui/base64";
import { Button } from "@/components/ui/button";
import { useCopy } from "@/components/ui/copy";
import type { TListenerFormValues } from "@/lib/listeners/schema";

type TForm = UseFormReturn<TListenerFormValues>;
type TSecretPath = Extract<Path<TListenerFormValues>, "auth.password" | "auth.headerValue" | "auth.secret" | "signingKey">;

/** `whsec_` + base64 of 32 random bytes, as lib/events/signing.ts makes them on the server. */
export function newSigningKey(): string {
  return `whsec_${bytesToBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
}

export function SecretField(props: {
  form: TForm;
  name: TSecretPath;
  label: string;
  /** null on create; on edit, whether a value is stored for the current mode. */
  stored: boolean | null;
  /** Offers Generate (a fresh whsec_ key) and shows the value in clear. */
  generate?: boolean;
  placeholder?: string;
  hint: ReactNode;
  error?: string;
}) {
  const { form, name, label, stored, generate } = props;
  const id = useId();
  const { copy, message } = useCopy(`the ${label.toLowerCase()}`);
  const [generated, setGenerated] = useState(false);
  const value = (useWatch({ control: form.control, name }) as string | undefined) ?? "";
  const describedBy = [stored !== null ? `${id}-state` : null, `${id}-hint`, props.error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="inline-field">
        <input
          id={id}
          type={generate ? "text" : "password"}
          className={generate ? "mono" : undefined}
          autoComplete={generate ? "off" : "new-password"}
          spellCheck={false}
          placeholder={props.placeholder}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={describedBy}
          {...form.register(name)}
        />
        {generate ? (
          <Button
            size="small"
            onClick={() => {
              form.setValue(name, newSigningKey(), { shouldDirty: true, shouldValidate: true });
              setGenerated(true);
            }}
            aria-label={`Generate ${label.toLowerCase()}`}
          >
            Generate
          </Button>
        ) : null}
        {generate && value ? <Button size="small" onClick={() => copy(value)} aria-label={`Copy ${label.toLowerCase()}`}>Copy</Button> : null}
      </div>
      {stored !== null ? (
        <p className="field-hint" id={`${id}-state`}>
          <span className={stored ? "badge ok" : "badge"} data-testid={`secret-state-${name}`}>{stored ? "Set" : "Not set"}</span>{" "}
          {stored ? "Leave empty to keep the stored value; what you enter replaces it." : "Nothing is stored yet."}
        </p>
      ) : null}
      <p className="field-hint" id={`${id}-hint`}>{props.hint}</p>
      {generated && value ? <p className="field-hint" role="status">A new key is in the field: copy it to the other side now, it is not shown again after saving.</p> : null}
      {props.error ? <p className="field-error" id={`${id}-error`}>{props.error}</p> : null}
      {message}
    </div>
  );
}
