"use client";
// The fields of the chosen sub-protocol, labelled as SPEC §3 names them.
import { useState } from "react";
import { useWatch, type UseFormReturn } from "react-hook-form";
import { CheckboxField } from "@/components/ui/checkbox-field";
import { SelectField, TextField } from "@/components/ui/field";
import { AWS_REGIONS, AWS_SERVICES } from "@/lib/auth-configs/strategies/aws-catalog";
import type { TAuthConfigFormValues } from "./form-values";
import { AuthCodeFields, ClientCredentialsFields, PasswordFields, ServiceAccountFields } from "./oauth2-fields";
import { SecretField } from "./secret-field";
import { useClearSecret } from "./use-clear-secret";

/** The option value that reveals the free-text input. */
const CUSTOM = "__custom__";

type TProps = { form: UseFormReturn<TAuthConfigFormValues>; secretsSet: Record<string, boolean> };

export function SubProtocolFields({ form, secretsSet, redirectUrl }: TProps & { redirectUrl: string }) {
  const sub = useWatch({ control: form.control, name: "subProtocol" });
  const placement = useWatch({ control: form.control, name: "placement" });
  const { errors } = form.formState;
  const err = (name: string) => (errors as Record<string, { message?: string } | undefined>)[name]?.message;

  switch (sub) {
    case "API_KEY": {
      return (
        <>
          <SelectField label="Placement" {...form.register("placement")}>
            <option value="HEADER">Header</option>
            <option value="QUERY">Query parameter</option>
          </SelectField>
          {placement === "QUERY" ? (
            <TextField label="Query parameter name" error={err("queryParamName")} {...form.register("queryParamName")} />
          ) : (
            <>
              <TextField label="Header name" error={err("headerName")} {...form.register("headerName")} />
              <TextField label="Prefix" hint="Sent before the key, e.g. Bearer. Leave empty to send the key alone." error={err("prefix")} {...form.register("prefix")} />
            </>
          )}
          <SecretField label="API key" isSet={!!secretsSet.apiKey} registration={form.register("apiKey")} error={err("apiKey")} />
        </>
      );
    }
    case "BASIC":
      return (
        <>
          <TextField label="Username" autoComplete="off" error={err("username")} {...form.register("username")} />
          <SecretField label="Password" isSet={!!secretsSet.password} registration={form.register("password")} error={err("password")} />
          <CheckboxField
            label="Preemptive"
            hint="On: credentials go with the first request. Off: only after the server answers 401 with a Basic challenge."
            {...form.register("preemptive")}
          />
        </>
      );
    case "DIGEST":
      return (
        <>
          <TextField label="Username" autoComplete="off" error={err("username")} {...form.register("username")} />
          <SecretField
            label="Password"
            isSet={!!secretsSet.password}
            registration={form.register("password")}
            error={err("password")}
            hint="Digest (RFC 7616: MD5, SHA-256 and their -sess forms) answers the server's challenge; nothing is sent before it."
          />
        </>
      );
    case "NONE":
      return <p className="muted">Requests carry no credentials. Custom headers on a connector may carry a token.</p>;
    case "AWS_SIGV4":
      return <AwsFields form={form} secretsSet={secretsSet} />;
    case "OAUTH2_AUTH_CODE":
      return <AuthCodeFields form={form} secretsSet={secretsSet} redirectUrl={redirectUrl} />;
    case "OAUTH2_CLIENT_CREDENTIALS":
      return <ClientCredentialsFields form={form} secretsSet={secretsSet} />;
    case "OAUTH2_PASSWORD":
      return <PasswordFields form={form} secretsSet={secretsSet} />;
    case "OAUTH2_SERVICE_ACCOUNT":
      return <ServiceAccountFields form={form} secretsSet={secretsSet} />;
    default:
      return null;
  }
}

/** A list with "Custom" that reveals a free-text input; the form field holds the value either way. */
function ListOrCustom({ form, name, label, options }: { form: TProps["form"]; name: "service" | "region"; label: string; options: readonly { value: string; label: string }[] }) {
  const value = useWatch({ control: form.control, name }) ?? "";
  const known = options.some((o) => o.value === value);
  const [custom, setCustom] = useState(!known);
  const err = form.formState.errors[name]?.message;
  return (
    <>
      <SelectField
        label={label}
        value={custom ? CUSTOM : value}
        onChange={(e) => {
          if (e.target.value === CUSTOM) {
            setCustom(true);
            form.setValue(name, "", { shouldDirty: true });
          } else {
            setCustom(false);
            form.setValue(name, e.target.value, { shouldDirty: true, shouldValidate: true });
          }
        }}
        error={custom ? undefined : err}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>{o.label}</option>
        ))}
        <option value={CUSTOM}>Custom</option>
      </SelectField>
      {custom ? <TextField label={`Custom ${label.toLowerCase()}`} error={err} {...form.register(name)} /> : null}
    </>
  );
}

function AwsFields({ form, secretsSet }: TProps) {
  const clearSessionToken = useClearSecret(form, "sessionToken");
  const err = (name: "accessKeyId" | "secretAccessKey" | "sessionToken") => form.formState.errors[name]?.message;
  return (
    <>
      <TextField label="Access key ID" autoComplete="off" error={err("accessKeyId")} {...form.register("accessKeyId")} />
      <SecretField label="Secret access key" isSet={!!secretsSet.secretAccessKey} registration={form.register("secretAccessKey")} error={err("secretAccessKey")} />
      <SecretField label="Session token" isSet={!!secretsSet.sessionToken} registration={form.register("sessionToken")} hint="Optional: for temporary credentials." clear={clearSessionToken} />
      <ListOrCustom form={form} name="service" label="Service" options={AWS_SERVICES} />
      <ListOrCustom form={form} name="region" label="Region" options={AWS_REGIONS} />
    </>
  );
}
