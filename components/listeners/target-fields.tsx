"use client";
// "Target" of the listener form — what happens to each stored message — and the fields of the
// chosen one: the callback URL and signature key of Forward, the connector, environment and
// parameter mapping of Run a connector.
import Link from "next/link";
import { useWatch, type UseFormReturn } from "react-hook-form";
import { SelectField, TextField } from "@/components/ui/field";
import { LISTENER_TARGET_LABELS, LISTENER_TARGETS, type TListenerFormValues, type TListenerTarget } from "@/lib/listeners/schema";
import type { TListenerChoices, TStoredListener } from "./form-values";
import { MappingRows } from "./mapping-rows";
import { SecretField } from "./secret-field";

type TForm = UseFormReturn<TListenerFormValues>;

const TARGET_HINTS: Record<TListenerTarget, string> = {
  STORE: "Messages are kept for the retention period and can be read here or through the API.",
  FORWARD: "Each message is POSTed to your callback URL, signed, with retries and a dead letter as for events.",
  CONNECTOR: "Each message's body becomes the body of a connector run; its status and outputs are kept with the message.",
};

export function TargetFields({ form, stored, choices }: { form: TForm; stored: TStoredListener | null; choices: TListenerChoices }) {
  const { errors } = form.formState;
  const [target, connectorId] = useWatch({ control: form.control, name: ["target", "connectorId"] }) as [TListenerTarget | undefined, string | undefined];
  const connector = choices.connectors.find((c) => c.id === connectorId);
  return (
    <fieldset className="fieldset">
      <legend>Hand-off</legend>
      <SelectField label="Target" hint={TARGET_HINTS[target ?? "STORE"]} error={errors.target?.message} {...form.register("target")}>
        {LISTENER_TARGETS.map((t) => (
          <option key={t} value={t}>{LISTENER_TARGET_LABELS[t]}</option>
        ))}
      </SelectField>
      {target === "FORWARD" ? (
        <>
          <TextField
            label="Callback URL"
            type="url"
            autoComplete="off"
            placeholder="https://receiver.example.com/inbound"
            hint="2xx counts as handed on; anything else is retried with backoff. Checked against the outbound policy when you save."
            error={errors.callbackUrl?.message}
            {...form.register("callbackUrl")}
          />
          <SecretField
            form={form}
            name="signingKey"
            label="Signature key"
            generate
            placeholder="whsec_…"
            stored={stored ? stored.hasSigningKey : null}
            hint="Optional. Each forward is signed with it per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature); your receiver verifies with the same key."
            error={errors.signingKey?.message}
          />
        </>
      ) : null}
      {target === "CONNECTOR" ? (
        choices.connectors.length === 0 ? (
          <p className="muted">
            No connectors yet. <Link href="/connectors/new">Create a connector</Link> first, then come back to choose it.
          </p>
        ) : (
          <>
            <SelectField label="Connector" hint="The message's body becomes the connector's request body." error={errors.connectorId?.message} {...form.register("connectorId")}>
              <option value="">Choose…</option>
              {choices.connectors.map((c) => (
                <option key={c.id} value={c.id}>{c.name}</option>
              ))}
            </SelectField>
            <SelectField label="Environment" hint="The connector's configuration and {{VARIABLES}} as overridden in this environment." error={errors.environmentId?.message} {...form.register("environmentId")}>
              <option value="">No environment (defaults)</option>
              {choices.environments.map((e) => (
                <option key={e.id} value={e.id}>{e.name}</option>
              ))}
            </SelectField>
            <MappingRows form={form} pathParams={connector?.pathParams ?? []} />
          </>
        )
      ) : null}
    </fieldset>
  );
}
