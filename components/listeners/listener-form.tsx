"use client";
// Create/edit form of a listener (SPEC §10, issue 13): Name, Path, Allowed methods, Sender
// authentication, Size limit, Target and Retention. The same zod schema checks here and on the
// server; the server's field errors (a path clash naming its owner, the outbound policy, a
// connector's path parameters, a missing secret) land on their inputs ("auth.secret", "mapping.0.param").
import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId } from "react";
import { useForm, useWatch, type Resolver } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { CheckboxField } from "@/components/ui/checkbox-field";
import { TextField } from "@/components/ui/field";
import { AlertMessage } from "@/components/ui/messages";
import { applyServerErrors } from "@/components/ui/server-errors";
import { useToast } from "@/components/ui/toast";
import { createListenerAction, updateListenerAction } from "@/lib/listeners/actions";
import {
  DEFAULT_RETENTION_DAYS,
  DEFAULT_SIZE_LIMIT,
  LISTENER_METHODS,
  MAX_RETENTION_DAYS,
  MAX_SIZE_LIMIT,
  ZListenerInput,
  type TListenerFormValues,
  type TListenerInput,
} from "@/lib/listeners/schema";
import type { TListenerChoices, TStoredListener } from "./form-values";
import { SenderAuthFields } from "./sender-auth-fields";
import { TargetFields } from "./target-fields";

/**
 * The fields of other modes and targets stay in the form while it is open (switching back finds
 * them again), but are neither checked nor sent.
 */
function relevant(v: TListenerFormValues): TListenerFormValues {
  const a = v.auth ?? {};
  const mode = a.mode ?? "NONE";
  const hmac = mode === "HMAC";
  const auth = {
    mode,
    username: mode === "BASIC" ? a.username : "",
    password: mode === "BASIC" ? a.password : "",
    headerName: mode === "SHARED_SECRET" || hmac ? a.headerName : "",
    headerValue: mode === "SHARED_SECRET" ? a.headerValue : "",
    algorithm: hmac ? a.algorithm : "sha256",
    encoding: hmac ? a.encoding : "hex",
    prefix: hmac ? a.prefix : "",
    secret: hmac || mode === "STANDARD_WEBHOOKS" ? a.secret : "",
  } satisfies TListenerFormValues["auth"];
  const forward = v.target === "FORWARD";
  const connector = v.target === "CONNECTOR";
  return {
    ...v,
    auth,
    callbackUrl: forward ? v.callbackUrl : "",
    signingKey: forward ? v.signingKey : "",
    connectorId: connector ? v.connectorId : "",
    environmentId: connector ? v.environmentId : "",
    mapping: connector ? v.mapping : [],
  };
}

const schemaResolver = zodResolver(ZListenerInput) as unknown as Resolver<TListenerFormValues>;
const resolver: Resolver<TListenerFormValues> = (values, context, options) => schemaResolver(relevant(values), context, options);

const UNREACHABLE = "The server could not be reached. Check your connection and try again.";

export function ListenerForm(props: {
  listener: TStoredListener | null;
  values: TListenerFormValues;
  choices: TListenerChoices;
  /** The listener URLs' common start, e.g. "https://patchbay.example.com/api/hooks/". */
  urlPrefix: string;
}) {
  const router = useRouter();
  const toast = useToast();
  const { listener, choices } = props;
  const form = useForm<TListenerFormValues>({ resolver, defaultValues: props.values });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (raw) => {
    const values = raw as unknown as TListenerInput;
    try {
      if (listener) {
        const res = await updateListenerAction({ id: listener.id, values });
        if (!res.ok) return applyServerErrors(form, res, "values.");
        toast.success(`Saved "${values.name}".`);
        router.push(`/listeners/${listener.id}`);
        router.refresh();
      } else {
        const res = await createListenerAction(values);
        if (!res.ok) return applyServerErrors(form, res);
        toast.success(`Created "${values.name}".`);
        router.push(`/listeners/${res.data.id}`);
      }
    } catch {
      form.setError("root.serverError", { message: UNREACHABLE });
    }
  });

  return (
    <form className="form wide" onSubmit={onSubmit} noValidate aria-label={listener ? "Edit listener" : "New listener"}>
      <AlertMessage>{errors.root?.serverError?.message}</AlertMessage>
      <fieldset className="fieldset">
        <legend>Listener</legend>
        <TextField label="Name" autoComplete="off" error={errors.name?.message} {...form.register("name")} />
        <PathField form={form} urlPrefix={props.urlPrefix} />
        <fieldset className="fieldset" aria-describedby={errors.methods ? "listener-methods-error" : undefined}>
          <legend>Allowed methods</legend>
          {LISTENER_METHODS.map((m) => (
            <CheckboxField key={m} label={m} value={m} {...form.register("methods")} />
          ))}
          <p className="field-hint">Other methods are answered 405 with an Allow header.</p>
          {errors.methods ? <p className="field-error" id="listener-methods-error">{errors.methods.message ?? errors.methods.root?.message}</p> : null}
        </fieldset>
        <TextField
          label="Size limit"
          type="number"
          min={1}
          max={MAX_SIZE_LIMIT}
          step={1}
          hint={`In bytes. Larger messages are refused with 413: at most 10 MB (${MAX_SIZE_LIMIT} bytes); ${DEFAULT_SIZE_LIMIT} bytes (1 MB) by default.`}
          error={errors.sizeLimitBytes?.message}
          {...form.register("sizeLimitBytes")}
        />
        <TextField
          label="Retention"
          type="number"
          min={1}
          max={MAX_RETENTION_DAYS}
          step={1}
          hint={`In days. Older messages are deleted in the background (1 to ${MAX_RETENTION_DAYS} days; ${DEFAULT_RETENTION_DAYS} by default).`}
          error={errors.retentionDays?.message}
          {...form.register("retentionDays")}
        />
      </fieldset>

      <SenderAuthFields form={form} stored={listener} />
      <TargetFields form={form} stored={listener} choices={choices} />

      <div className="form-actions">
        <Button type="submit" variant="primary" pending={isSubmitting}>{listener ? "Save" : "Create"}</Button>
        <Link className="btn" href={listener ? `/listeners/${listener.id}` : "/listeners"}>Cancel</Link>
      </div>
    </form>
  );
}

/** "Path", shown after the fixed /api/hooks/ with the full URL it makes. */
function PathField({ form, urlPrefix }: { form: ReturnType<typeof useForm<TListenerFormValues>>; urlPrefix: string }) {
  const id = useId();
  const path = (useWatch({ control: form.control, name: "path" }) ?? "").trim().replace(/^\/+/, "");
  const error = form.formState.errors.path?.message;
  return (
    <div className="field">
      <label htmlFor={id}>Path</label>
      <div className="inline-field">
        <span className="mono" id={`${id}-prefix`}>/api/hooks/</span>
        <input
          id={id}
          className="mono"
          autoComplete="off"
          spellCheck={false}
          placeholder="acme/orders"
          aria-invalid={error ? true : undefined}
          aria-describedby={[`${id}-prefix`, `${id}-hint`, error ? `${id}-error` : null].filter(Boolean).join(" ")}
          {...form.register("path")}
        />
      </div>
      <p className="field-hint" id={`${id}-hint`}>
        Letters, digits, -, _ and /; unique across listeners and webhook subscriptions, whatever the case. Senders use{" "}
        <code className="mono">{urlPrefix}{path || "…"}</code>
      </p>
      {error ? <p className="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}
