"use client";
// "Sender authentication" of the listener form and the fields of the chosen mode. Secrets are
// write-only; a stored one counts only while the mode stays the one it was stored for (the server
// decides the same way).
import { useWatch, type UseFormReturn } from "react-hook-form";
import { SelectField, TextField } from "@/components/ui/field";
import {
  HMAC_ALGORITHM_LABELS,
  HMAC_ALGORITHMS,
  HMAC_ENCODINGS,
  SENDER_AUTH_LABELS,
  SENDER_AUTH_MODES,
  type TListenerFormValues,
  type TSenderAuthMode,
} from "@/lib/listeners/schema";
import type { TStoredListener } from "./form-values";
import { SecretField } from "./secret-field";

type TForm = UseFormReturn<TListenerFormValues>;

const MODE_HINTS: Record<TSenderAuthMode, string> = {
  NONE: "Anyone who knows the URL can send messages.",
  BASIC: "The sender sends an Authorization: Basic header with this username and password.",
  SHARED_SECRET: "The sender sends a fixed secret in a header of your choice.",
  HMAC: "The sender signs the raw body with a shared secret and sends the signature in a header (as GitHub, Shopify or Stripe-like senders do).",
  STANDARD_WEBHOOKS: "The sender signs per Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature headers.",
};

export function SenderAuthFields({ form, stored }: { form: TForm; stored: TStoredListener | null }) {
  const errors = form.formState.errors.auth;
  const mode = (useWatch({ control: form.control, name: "auth.mode" }) ?? "NONE") as TSenderAuthMode;
  // On edit: is a secret stored for the mode now chosen? (null on create: nothing to say.)
  const has = (flag: "hasPassword" | "hasHeaderValue" | "hasSecret") => (stored ? stored.auth.mode === mode && stored.auth[flag] : null);
  return (
    <fieldset className="fieldset">
      <legend>Sender</legend>
      <SelectField label="Sender authentication" hint={MODE_HINTS[mode]} error={errors?.mode?.message} {...form.register("auth.mode")}>
        {SENDER_AUTH_MODES.map((m) => (
          <option key={m} value={m}>{SENDER_AUTH_LABELS[m]}</option>
        ))}
      </SelectField>
      {mode === "BASIC" ? (
        <>
          <TextField label="Username" autoComplete="off" spellCheck={false} error={errors?.username?.message} {...form.register("auth.username")} />
          <SecretField form={form} name="auth.password" label="Password" stored={has("hasPassword")} hint="Stored encrypted; never shown again." error={errors?.password?.message} />
        </>
      ) : null}
      {mode === "SHARED_SECRET" || mode === "HMAC" ? (
        <TextField
          label="Header name"
          autoComplete="off"
          spellCheck={false}
          placeholder={mode === "HMAC" ? "X-Hub-Signature-256" : "X-Api-Key"}
          hint={mode === "HMAC" ? "The header carrying the signature." : "The header carrying the secret."}
          error={errors?.headerName?.message}
          {...form.register("auth.headerName")}
        />
      ) : null}
      {mode === "SHARED_SECRET" ? (
        <SecretField
          form={form}
          name="auth.headerValue"
          label="Header value"
          stored={has("hasHeaderValue")}
          hint="The exact value the sender must send, compared in constant time. Stored encrypted; never shown again."
          error={errors?.headerValue?.message}
        />
      ) : null}
      {mode === "HMAC" ? (
        <>
          <SelectField label="Algorithm" error={errors?.algorithm?.message} {...form.register("auth.algorithm")}>
            {HMAC_ALGORITHMS.map((a) => (
              <option key={a} value={a}>{HMAC_ALGORITHM_LABELS[a]}</option>
            ))}
          </SelectField>
          <SelectField label="Encoding" hint="How the signature is written in the header." error={errors?.encoding?.message} {...form.register("auth.encoding")}>
            {HMAC_ENCODINGS.map((e) => (
              <option key={e} value={e}>{e}</option>
            ))}
          </SelectField>
          <TextField
            label="Prefix"
            autoComplete="off"
            spellCheck={false}
            placeholder="sha256="
            hint="Optional: the exact text before the signature in the header, such as sha256=."
            error={errors?.prefix?.message}
            {...form.register("auth.prefix")}
          />
          <SecretField form={form} name="auth.secret" label="Secret" stored={has("hasSecret")} hint="The secret the sender signs the body with. Stored encrypted; never shown again." error={errors?.secret?.message} />
        </>
      ) : null}
      {mode === "STANDARD_WEBHOOKS" ? (
        <SecretField
          form={form}
          name="auth.secret"
          label="Secret"
          generate
          placeholder="whsec_…"
          stored={has("hasSecret")}
          hint="The sender's whsec_ signing secret: paste it, or Generate one and give it to the sender. Stored encrypted; never shown again after saving."
          error={errors?.secret?.message}
        />
      ) : null}
    </fieldset>
  );
}
