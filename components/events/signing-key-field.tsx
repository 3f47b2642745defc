"use client";
// "Signature key" (Standard Webhooks): write-only. Without a stored key, an input that Generate
// fills with a fresh whsec_ key, shown so it can be copied before saving. With one: "A key is
// set", Rotate (a new key at once, shown once; the previous one keeps signing for 24 h) and
// "Remove signature key".
import { useId, useState } from "react";
import { useWatch, type UseFormReturn } from "react-hook-form";
import { bytesToBase64 } from "@/components/ui/base64";
import { Button } from "@/components/ui/button";
import { CheckboxField } from "@/components/ui/checkbox-field";
import { useCopy } from "@/components/ui/copy";
import { formatUtc } from "@/components/ui/format";
import { AlertMessage, StatusMessage } from "@/components/ui/messages";
import { rotateSigningKeyAction } from "@/lib/events/actions";
import type { TSubscriptionFormValues } from "@/lib/events/schema";

type TForm = UseFormReturn<TSubscriptionFormValues>;

/** `whsec_` + base64 of 32 random bytes, as lib/events/signing.ts makes them on the server. */
function newSigningKey(): string {
  return `whsec_${bytesToBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
}

export function SigningKeyField({ form, subscription }: { form: TForm; subscription: { id: string; hasSigningKey: boolean; previousKeyUntil: Date | null } | null }) {
  if (subscription?.hasSigningKey) return <StoredKey form={form} subscriptionId={subscription.id} previousKeyUntil={subscription.previousKeyUntil} />;
  return <NewKey form={form} />;
}

function NewKey({ form }: { form: TForm }) {
  const id = useId();
  const { copy, message } = useCopy("the key");
  const [generated, setGenerated] = useState(false);
  const value = useWatch({ control: form.control, name: "signingKey" }) ?? "";
  const error = form.formState.errors.signingKey?.message;
  const describedBy = [`${id}-hint`, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>Signature key</label>
      <div className="inline-field">
        <input id={id} className="mono" autoComplete="off" spellCheck={false} placeholder="whsec_…" aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...form.register("signingKey")} />
        <Button
          size="small"
          onClick={() => {
            form.setValue("signingKey", newSigningKey(), { shouldDirty: true, shouldValidate: true });
            setGenerated(true);
          }}
        >
          Generate
        </Button>
        {value ? <Button size="small" onClick={() => copy(value)} aria-label="Copy signature key">Copy</Button> : null}
      </div>
      <p className="field-hint" id={`${id}-hint`}>
        Optional. Each delivery is signed with it per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature headers); your receiver
        verifies with the same key. It is never shown again after saving.
      </p>
      {generated && value ? <p className="field-hint" role="status">A new key is in the field: copy it to your receiver now.</p> : null}
      {error ? <p className="field-error" id={`${id}-error`}>{error}</p> : null}
      {message}
    </div>
  );
}

function StoredKey({ form, subscriptionId, previousKeyUntil }: { form: TForm; subscriptionId: string; previousKeyUntil: Date | null }) {
  const labelId = useId();
  const newKeyId = useId();
  const { copy, message } = useCopy("the key");
  const [rotating, setRotating] = useState(false);
  const [rotated, setRotated] = useState<{ key: string; previousKeyUntil: Date | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const removing = useWatch({ control: form.control, name: "removeSigningKey" }) ?? false;

  const rotate = async () => {
    setRotating(true);
    setError(null);
    try {
      const res = await rotateSigningKeyAction({ id: subscriptionId });
      if (!res.ok) setError(res.error);
      else setRotated(res.data);
    } catch {
      setError("The server could not be reached. Check your connection and try again.");
    } finally {
      setRotating(false);
    }
  };

  return (
    <div className="field" role="group" aria-labelledby={labelId}>
      <span className="field-label" id={labelId}>Signature key</span>
      <div className="secret-state">
        <span className="badge" data-testid="signing-key-state">A key is set</span>
        {removing ? (
          <span className="muted">removed when you save</span>
        ) : (
          <Button size="small" pending={rotating} onClick={rotate}>Rotate</Button>
        )}
      </div>
      {!rotated && previousKeyUntil ? (
        <p className="field-hint">The previous key also signs until {formatUtc(previousKeyUntil)}.</p>
      ) : null}
      {rotated ? (
        <>
          <label htmlFor={newKeyId}>New signature key</label>
          <div className="inline-field">
            <input id={newKeyId} readOnly value={rotated.key} className="mono" />
            <Button size="small" onClick={() => copy(rotated.key)} aria-label="Copy new signature key">Copy</Button>
          </div>
          <StatusMessage>
            A new key signs deliveries from now on; it is shown only now.{" "}
            {rotated.previousKeyUntil
              ? `The previous key keeps signing until ${formatUtc(rotated.previousKeyUntil)}, so receivers can switch without missing a delivery.`
              : null}
          </StatusMessage>
          {message}
        </>
      ) : null}
      <AlertMessage testId="rotate-error">{error}</AlertMessage>
      <CheckboxField label="Remove signature key" hint="Deliveries are sent unsigned after saving." {...form.register("removeSigningKey")} />
    </div>
  );
}
