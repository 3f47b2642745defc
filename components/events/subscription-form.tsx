"use client";
// Create/edit form of an event subscription (SPEC §9, seed 004): Name, Service, Environment, Type,
// Callback URL, Signature key; then the polling fields and resources, or the webhook's sender
// verification. The same zod schema checks here and on the server; the server's field errors
// (date patterns, time zones, the outbound policy, …) land on their inputs.
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useForm, useWatch, type Resolver } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { CheckboxField } from "@/components/ui/checkbox-field";
import { SelectField, TextField } from "@/components/ui/field";
import { AlertMessage } from "@/components/ui/messages";
import { applyServerErrors } from "@/components/ui/server-errors";
import { useToast } from "@/components/ui/toast";
import { createSubscriptionAction, updateSubscriptionAction } from "@/lib/events/actions";
import {
  MAX_PAGE_LIMIT,
  SUBSCRIPTION_TYPE_LABELS,
  SUBSCRIPTION_TYPES,
  VERIFY_MODE_LABELS,
  VERIFY_MODES,
  ZSubscriptionInput,
  type TSubscriptionFormValues,
  type TSubscriptionInput,
  type TVerifyMode,
} from "@/lib/events/schema";
import { ResourceRows } from "./resource-rows";
import { SigningKeyField } from "./signing-key-field";

export type TSubscriptionChoices = { services: Array<{ id: string; name: string }>; environments: Array<{ id: string; name: string }> };

/** What the form knows of a stored subscription besides its values: secrets only as "set". */
export type TStoredSubscription = { id: string; hasSigningKey: boolean; previousKeyUntil: Date | null; hasVerifySecret: boolean; verifyMode: TVerifyMode };

/**
 * The fields of the other type stay in the form while it is open (switching back finds them
 * again), but are neither checked nor sent.
 */
function relevant(v: TSubscriptionFormValues): TSubscriptionFormValues {
  return v.type === "WEBHOOK"
    ? { ...v, resources: [], refreshMinutes: undefined, emitExisting: false, pageLimit: undefined }
    : { ...v, verifyMode: "NONE", verifyHeader: "", verifySecret: "" };
}

const schemaResolver = zodResolver(ZSubscriptionInput) as unknown as Resolver<TSubscriptionFormValues>;
const resolver: Resolver<TSubscriptionFormValues> = (values, context, options) => schemaResolver(relevant(values), context, options);

export function SubscriptionForm(props: { subscription: TStoredSubscription | null; values: TSubscriptionFormValues; choices: TSubscriptionChoices; /** Edit only: closes the editor, after a save or on Cancel. */ onClose?: () => void }) {
  const router = useRouter();
  const toast = useToast();
  const { subscription, choices } = props;
  const form = useForm<TSubscriptionFormValues>({ resolver, defaultValues: props.values });
  const { errors, isSubmitting } = form.formState;
  const [type, verifyMode] = useWatch({ control: form.control, name: ["type", "verifyMode"] });

  const onSubmit = form.handleSubmit(async (raw) => {
    const values = raw as unknown as TSubscriptionInput;
    try {
      if (subscription) {
        const res = await updateSubscriptionAction({ id: subscription.id, values });
        if (!res.ok) return applyServerErrors(form, res, "values.");
        toast.success(`Saved "${values.name}".`);
        router.refresh();
        props.onClose?.();
      } else {
        const res = await createSubscriptionAction(values);
        if (!res.ok) return applyServerErrors(form, res);
        toast.success(`Created "${values.name}".`);
        router.push(`/events/${res.data.id}`);
      }
    } catch {
      form.setError("root.serverError", { message: "The server could not be reached. Check your connection and try again." });
    }
  });

  // A stored secret is kept only while the mode stays the same (the server says so too).
  const secretKept = subscription?.hasVerifySecret && subscription.verifyMode === verifyMode;

  return (
    <form className="form wide" onSubmit={onSubmit} noValidate aria-label={subscription ? "Edit subscription" : "New subscription"}>
      <AlertMessage>{errors.root?.serverError?.message}</AlertMessage>
      <fieldset className="fieldset">
        <legend>Subscription</legend>
        <TextField label="Name" autoComplete="off" error={errors.name?.message} {...form.register("name")} />
        <SelectField label="Service" hint="Its authentication configuration signs the polling requests." error={errors.serviceId?.message} {...form.register("serviceId")}>
          <option value="">Choose…</option>
          {choices.services.map((s) => (
            <option key={s.id} value={s.id}>{s.name}</option>
          ))}
        </SelectField>
        <SelectField label="Environment" hint="The service's configuration and {{VARIABLES}} as overridden in this environment." error={errors.environmentId?.message} {...form.register("environmentId")}>
          <option value="">No environment (defaults)</option>
          {choices.environments.map((e) => (
            <option key={e.id} value={e.id}>{e.name}</option>
          ))}
        </SelectField>
        <SelectField
          label="Type"
          hint="Polling asks the service's API for new and changed items on an interval; Webhook receives the messages the service sends."
          error={errors.type?.message}
          {...form.register("type")}
        >
          {SUBSCRIPTION_TYPES.map((t) => (
            <option key={t} value={t}>{SUBSCRIPTION_TYPE_LABELS[t]}</option>
          ))}
        </SelectField>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Delivery</legend>
        <TextField
          label="Callback URL"
          type="url"
          autoComplete="off"
          placeholder="https://receiver.example.com/patchbay-events"
          hint="Each event is POSTed here as JSON; 2xx counts as delivered, anything else is retried with backoff. Checked against the outbound policy when you save."
          error={errors.callbackUrl?.message}
          {...form.register("callbackUrl")}
        />
        <SigningKeyField form={form} subscription={subscription} />
      </fieldset>

      {type === "POLLING" ? (
        <>
          <fieldset className="fieldset">
            <legend>Polling</legend>
            <TextField
              label="Refresh interval (minutes)"
              type="number"
              min={1}
              step={1}
              error={errors.refreshMinutes?.message}
              {...form.register("refreshMinutes", { setValueAs: (v: unknown) => (v === "" || v === null ? undefined : v) })}
            />
            <CheckboxField
              label="Emit existing items on first poll"
              hint="Otherwise the first poll only records what already exists, and later polls emit what is new or changed."
              {...form.register("emitExisting")}
            />
            <TextField
              label="Page limit"
              type="number"
              min={1}
              max={MAX_PAGE_LIMIT}
              step={1}
              hint={`Pages followed per poll through the response's Link: rel="next" header (1 to ${MAX_PAGE_LIMIT}).`}
              error={errors.pageLimit?.message}
              {...form.register("pageLimit")}
            />
          </fieldset>
          <ResourceRows form={form} />
        </>
      ) : (
        <fieldset className="fieldset">
          <legend>Webhook</legend>
          {subscription ? null : <p className="muted">The inbound URL to register at the sender is shown on the subscription&apos;s page once it is created.</p>}
          <SelectField label="Sender verification" error={errors.verifyMode?.message} {...form.register("verifyMode")}>
            {VERIFY_MODES.map((m) => (
              <option key={m} value={m}>{VERIFY_MODE_LABELS[m]}</option>
            ))}
          </SelectField>
          {verifyMode === "HMAC_SHA256" ? (
            <TextField
              label="Signature header"
              autoComplete="off"
              placeholder="X-Signature"
              hint="The header carrying the HMAC-SHA256 of the raw body, hex or base64 (an sha256= prefix is accepted)."
              error={errors.verifyHeader?.message}
              {...form.register("verifyHeader")}
            />
          ) : null}
          {verifyMode !== "NONE" ? (
            <TextField
              label="Verification secret"
              type="password"
              autoComplete="new-password"
              hint={
                secretKept
                  ? "A secret is set — leave empty to keep it."
                  : verifyMode === "STANDARD_WEBHOOKS"
                    ? "The whsec_ secret the sender signs with. Stored encrypted; never shown again."
                    : "The secret the sender signs with. Stored encrypted; never shown again."
              }
              error={errors.verifySecret?.message}
              {...form.register("verifySecret")}
            />
          ) : (
            <p className="muted">Without verification, anyone who knows the inbound URL can send events.</p>
          )}
        </fieldset>
      )}

      <div className="form-actions">
        <Button type="submit" variant="primary" pending={isSubmitting}>{subscription ? "Save" : "Create"}</Button>
        {subscription && props.onClose ? <Button onClick={props.onClose}>Cancel</Button> : null}
      </div>
    </form>
  );
}
