"use client";
// The fields of the four OAuth2 sub-protocols (SPEC §3), labelled as the spec names them.
import { useId, useState } from "react";
import { useFieldArray, useWatch, type UseFormReturn } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { useCopy } from "@/components/ui/copy";
import { CheckboxField } from "@/components/ui/checkbox-field";
import { SelectField, TextField } from "@/components/ui/field";
import { Row, RowList } from "@/components/ui/row-list";
import { ZServiceAccountKey } from "@/lib/auth-configs/schema";
import type { TAuthConfigFormValues } from "./form-values";
import { SecretField } from "./secret-field";

type TForm = UseFormReturn<TAuthConfigFormValues>;
type TProps = { form: TForm; secretsSet: Record<string, boolean> };

const MAX_KEY_FILE_BYTES = 64 * 1024;

function useErr(form: TForm) {
  const errors = form.formState.errors as Record<string, unknown>;
  return (path: string): string | undefined => {
    let cur: unknown = errors;
    for (const part of path.split(".")) cur = (cur as Record<string, unknown> | undefined)?.[part];
    return (cur as { message?: string } | undefined)?.message;
  };
}

/** "Extra authorization parameters" / "Extra token parameters": name/value rows. */
function NameValues({ form, name, title, noun }: { form: TForm; name: "authParams" | "tokenParams"; title: string; noun: string }) {
  const rows = useFieldArray({ control: form.control, name });
  const err = useErr(form);
  return (
    <RowList title={title} addLabel={`Add ${noun}`} count={rows.fields.length} empty={`No extra ${noun}s.`} onAdd={() => rows.append({ name: "", value: "" })}>
      {rows.fields.map((f, i) => (
        <Row key={f.id} removeLabel={`Remove ${noun} ${i + 1}`} onRemove={() => rows.remove(i)}>
          <TextField label="Parameter name" error={err(`${name}.${i}.name`)} {...form.register(`${name}.${i}.name`)} />
          <TextField label="Parameter value" error={err(`${name}.${i}.value`)} {...form.register(`${name}.${i}.value`)} />
        </Row>
      ))}
    </RowList>
  );
}

/** Read-only: this app's callback, to register at the provider; with a Copy button. */
function RedirectUrl({ url }: { url: string }) {
  const id = useId();
  const { copy, message } = useCopy("the URL");
  return (
    <div className="field">
      <label htmlFor={id}>Redirect URL</label>
      <div className="inline-field">
        <input id={id} readOnly value={url} className="mono" aria-describedby={`${id}-hint`} />
        <Button size="small" onClick={() => copy(url)}>
          Copy
        </Button>
      </div>
      <p className="field-hint" id={`${id}-hint`}>Register this URL at the provider as the redirect (callback) URL.</p>
      {message}
    </div>
  );
}

function ClientAuth({ form }: { form: TForm }) {
  return (
    <SelectField label="Client authentication" hint="How the client ID and secret reach the token endpoint (RFC 6749 §2.3.1)." {...form.register("clientAuth")}>
      <option value="BASIC">HTTP Basic header</option>
      <option value="BODY">In the body</option>
    </SelectField>
  );
}

function ClientFields({ form, secretsSet, secretHint }: TProps & { secretHint?: string }) {
  const err = useErr(form);
  return (
    <>
      <TextField label="Token URL" type="url" placeholder="https://auth.example.com/oauth/token" error={err("tokenUrl")} {...form.register("tokenUrl")} />
      <TextField label="Client ID" autoComplete="off" error={err("clientId")} {...form.register("clientId")} />
      <SecretField label="Client secret" isSet={!!secretsSet.clientSecret} registration={form.register("clientSecret")} error={err("clientSecret")} hint={secretHint} />
    </>
  );
}

function ScopeAudience({ form }: { form: TForm }) {
  const err = useErr(form);
  return (
    <>
      <TextField label="Scope" hint="Space-separated, as the provider documents them." error={err("scope")} {...form.register("scope")} />
      <TextField label="Audience" hint="Optional: the API the token is for, for providers that ask for it." error={err("audience")} {...form.register("audience")} />
    </>
  );
}

function TokenPlacement({ form }: { form: TForm }) {
  const err = useErr(form);
  return (
    <>
      <TextField label="Header name" error={err("headerName")} {...form.register("headerName")} />
      <TextField label="Prefix" hint="Sent before the token, e.g. Bearer. Leave empty to send the token alone." error={err("prefix")} {...form.register("prefix")} />
    </>
  );
}

export function AuthCodeFields({ form, secretsSet, redirectUrl }: TProps & { redirectUrl: string }) {
  const err = useErr(form);
  return (
    <>
      <TextField label="Authorization URL" type="url" placeholder="https://auth.example.com/authorize" error={err("authorizationUrl")} {...form.register("authorizationUrl")} />
      <ClientFields form={form} secretsSet={secretsSet} secretHint="Optional for public clients that rely on PKCE." />
      <TextField label="Refresh URL" type="url" hint="Optional: defaults to the token URL." error={err("refreshUrl")} {...form.register("refreshUrl")} />
      <RedirectUrl url={redirectUrl} />
      <ScopeAudience form={form} />
      <NameValues form={form} name="authParams" title="Extra authorization parameters" noun="authorization parameter" />
      <NameValues form={form} name="tokenParams" title="Extra token parameters" noun="token parameter" />
      <CheckboxField label="PKCE" hint="S256 code challenge (RFC 7636). Leave on unless the provider rejects it." {...form.register("pkce")} />
      <ClientAuth form={form} />
      <CheckboxField
        label="Shared credentials"
        hint="On: one connection (made by an administrator) serves everybody. Off: each user connects their own account."
        {...form.register("sharedCredentials")}
      />
      <TokenPlacement form={form} />
    </>
  );
}

export function ClientCredentialsFields({ form, secretsSet }: TProps) {
  return (
    <>
      <ClientFields form={form} secretsSet={secretsSet} />
      <ScopeAudience form={form} />
      <NameValues form={form} name="tokenParams" title="Extra token parameters" noun="token parameter" />
      <ClientAuth form={form} />
      <TokenPlacement form={form} />
    </>
  );
}

export function PasswordFields({ form, secretsSet }: TProps) {
  const err = useErr(form);
  return (
    <>
      <ClientFields form={form} secretsSet={secretsSet} secretHint="Optional when the provider knows the client without one." />
      <TextField label="Username" autoComplete="off" error={err("username")} {...form.register("username")} />
      <SecretField label="Password" isSet={!!secretsSet.password} registration={form.register("password")} error={err("password")} />
      <ScopeAudience form={form} />
      <NameValues form={form} name="tokenParams" title="Extra token parameters" noun="token parameter" />
      <ClientAuth form={form} />
      <TokenPlacement form={form} />
    </>
  );
}

export function ServiceAccountFields({ form, secretsSet }: TProps) {
  const err = useErr(form);
  const fileId = useId();
  const [clientEmail, privateKeyId, keyTokenUri] = useWatch({ control: form.control, name: ["clientEmail", "privateKeyId", "keyTokenUri"] });
  const [note, setNote] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const shownError = fileError ?? err("privateKey") ?? err("clientEmail");

  const onFile = async (file: File | undefined) => {
    setNote(null);
    setFileError(null);
    if (!file) return;
    if (file.size > MAX_KEY_FILE_BYTES) return setFileError("The file is larger than 64 KB: is it really a service account key file?");
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch {
      return setFileError("The file is not JSON. Upload the service account's JSON key file.");
    }
    const parsed = ZServiceAccountKey.safeParse(json);
    if (!parsed.success) return setFileError(`Not a usable key file: ${parsed.error.issues.map((i) => i.message).join("; ")}.`);
    const key = parsed.data;
    const opts = { shouldDirty: true, shouldValidate: true };
    form.setValue("clientEmail", key.client_email, opts);
    form.setValue("privateKeyId", key.private_key_id, opts);
    form.setValue("keyTokenUri", key.token_uri, opts);
    // The private key travels to the server with Save/Test and is never shown again.
    form.setValue("privateKey", key.private_key, opts);
    setNote(`${file.name}: the private key replaces the stored one when you save.`);
  };

  return (
    <>
      <div className="field">
        <label htmlFor={fileId}>Key file</label>
        <span className={secretsSet.privateKey ? "badge" : "badge off"} data-testid="secret-state-Key file">{secretsSet.privateKey ? "set" : "not set"}</span>
        <input id={fileId} type="file" accept=".json,application/json" aria-describedby={`${fileId}-hint`} onChange={(e) => onFile(e.target.files?.[0])} />
        <p className="field-hint" id={`${fileId}-hint`}>
          The JSON key file of the service account (client_email, private_key, private_key_id, token_uri). The private key is stored encrypted and never shown.
        </p>
        {clientEmail ? (
          <dl className="facts" data-testid="key-file-facts">
            <dt>client_email</dt>
            <dd>{clientEmail}</dd>
            <dt>private_key_id</dt>
            <dd>{privateKeyId || "—"}</dd>
            <dt>token_uri</dt>
            <dd>{keyTokenUri || "—"}</dd>
          </dl>
        ) : null}
        {note ? <p className="field-hint">{note}</p> : null}
        {shownError ? <p className="field-error">{shownError}</p> : null}
      </div>
      <TextField label="Token URL" type="url" hint="Optional: defaults to the key file's token_uri." error={err("tokenUrl")} {...form.register("tokenUrl")} />
      <TextField label="Scope" hint="Space-separated; sent as the assertion's scope claim." error={err("scope")} {...form.register("scope")} />
      <TextField label="Audience" hint="Optional: the assertion's aud claim. Defaults to the token URL." error={err("audience")} {...form.register("audience")} />
      <TextField label="Subject" hint="Optional, for domain-wide delegation: the user to act as. Defaults to client_email." error={err("subject")} {...form.register("subject")} />
      <TokenPlacement form={form} />
    </>
  );
}
