"use client";
// Client certificate (PEM pair or PKCS#12) and trusted server certificate, on every configuration.
import { useId, useState } from "react";
import { useWatch, type UseFormReturn } from "react-hook-form";
import { bytesToBase64 } from "@/components/ui/base64";
import { SelectField } from "@/components/ui/field";
import { TextareaField } from "@/components/ui/textarea-field";
import type { TAuthConfigFormValues } from "./form-values";
import { SecretField } from "./secret-field";
import { useClearSecret } from "./use-clear-secret";

const MAX_PKCS12_BYTES = 256 * 1024;

export function TlsFields({ form, secretsSet, disabled }: { form: UseFormReturn<TAuthConfigFormValues>; secretsSet: Record<string, boolean>; disabled: boolean }) {
  const mode = useWatch({ control: form.control, name: "tls.clientCertMode" });
  const errors = form.formState.errors.tls;
  const fileId = useId();
  const clearPassphrase = useClearSecret(form, "tls.pkcs12Passphrase");
  const [fileNote, setFileNote] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);

  return (
    <fieldset className="fieldset" disabled={disabled}>
      <legend>TLS</legend>
      <SelectField label="Client certificate" {...form.register("tls.clientCertMode")}>
        <option value="NONE">None</option>
        <option value="PEM">PEM certificate and private key</option>
        <option value="PKCS12">PKCS#12 file</option>
      </SelectField>
      {mode === "PEM" ? (
        <>
          <TextareaField label="Certificate (PEM)" rows={5} spellCheck={false} error={errors?.clientCertPem?.message} {...form.register("tls.clientCertPem")} />
          <SecretField label="Private key (PEM)" multiline isSet={!!secretsSet["tls.clientKeyPem"]} registration={form.register("tls.clientKeyPem")} error={errors?.clientKeyPem?.message} />
        </>
      ) : null}
      {mode === "PKCS12" ? (
        <>
          <div className="field">
            <label htmlFor={fileId}>PKCS#12 file</label>
            <span className={secretsSet["tls.pkcs12"] ? "badge" : "badge off"}>{secretsSet["tls.pkcs12"] ? "set" : "not set"}</span>
            <input
              id={fileId}
              type="file"
              accept=".p12,.pfx,application/x-pkcs12"
              onChange={async (e) => {
                setFileError(null);
                setFileNote(null);
                const file = e.target.files?.[0];
                if (!file) return;
                if (file.size > MAX_PKCS12_BYTES) {
                  setFileError("The file is larger than 256 KB: is it really a PKCS#12 bundle?");
                  return;
                }
                form.setValue("tls.pkcs12", bytesToBase64(new Uint8Array(await file.arrayBuffer())), { shouldDirty: true });
                setFileNote(`${file.name} (${file.size} bytes) will replace the stored bundle when you save.`);
              }}
            />
            {fileNote ? <p className="field-hint">{fileNote}</p> : null}
            {fileError || errors?.pkcs12?.message ? <p className="field-error">{fileError ?? errors?.pkcs12?.message}</p> : null}
          </div>
          <SecretField label="Passphrase" isSet={!!secretsSet["tls.pkcs12Passphrase"]} registration={form.register("tls.pkcs12Passphrase")} clear={clearPassphrase} />
        </>
      ) : null}
      <TextareaField
        label="Trusted server certificate"
        rows={4}
        spellCheck={false}
        hint="PEM CA bundle, for servers whose certificate is not signed by a public authority. Used together with the public authorities."
        error={errors?.caBundlePem?.message}
        {...form.register("tls.caBundlePem")}
      />
    </fieldset>
  );
}
