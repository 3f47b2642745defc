"use client";
// Create/edit form of an authentication configuration (SPEC §3): Name, Protocol, Sub-protocol, the
// sub-protocol's fields, Test URL and TLS; "Test" runs the unsaved values on the server, "Save" stores.
// The form edits the defaults; Test runs in the environment chosen in the header (SPEC §7), so an
// environment's overrides apply over the form's values.
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch, type Resolver } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { AlertMessage } from "@/components/ui/messages";
import { applyServerErrors } from "@/components/ui/server-errors";
import { useToast } from "@/components/ui/toast";
import { createAuthConfigAction, testAuthConfigAction, updateAuthConfigAction } from "@/lib/auth-configs/actions";
import { PROTOCOLS, SUB_PROTOCOLS, ZAuthConfigInput, type TAuthConfigInput, type TProtocol } from "@/lib/auth-configs/schema";
import { formValuesOf, type TAuthConfigView } from "@/lib/auth-configs/view";
import type { TAuthTestResult } from "@/lib/auth-configs/test-config";
import { DEFAULT_FORM_VALUES, type TAuthConfigFormValues } from "./form-values";
import { SubProtocolFields } from "./sub-protocol-fields";
import { TestResult } from "./test-result";
import { TlsFields } from "./tls-fields";

type TProps = {
  view: TAuthConfigView | null;
  canEdit: boolean;
  redirectUrl: string;
  /** The header's environment, where Test runs; null: No environment (the defaults). */
  environment: { id: string; name: string } | null;
  /** Field ids the environment overrides: errors about them are the environment's, not the form's. */
  overridden?: string[];
};

export function AuthConfigForm({ view, canEdit, redirectUrl, environment, overridden = [] }: TProps) {
  const router = useRouter();
  const toast = useToast();
  const [testing, setTesting] = useState(false);
  const [testResult, setTestResult] = useState<TAuthTestResult | null>(null);
  const form = useForm<TAuthConfigFormValues>({
    resolver: zodResolver(ZAuthConfigInput) as unknown as Resolver<TAuthConfigFormValues>,
    defaultValues: view ? { ...DEFAULT_FORM_VALUES, ...formValuesOf(view) } : DEFAULT_FORM_VALUES,
  });
  const { errors, isSubmitting } = form.formState;
  const protocol = useWatch({ control: form.control, name: "protocol" });
  const secretsSet = view?.secretsSet ?? {};

  // An action call that fails outright (network, server restart) still ends in a visible alert.
  const unreachable = () => form.setError("root.serverError", { message: "The server could not be reached. Check your connection and try again." });

  const onSave = form.handleSubmit(async (raw) => {
    const values = raw as unknown as TAuthConfigInput;
    setTestResult(null);
    try {
      await save(values);
    } catch {
      unreachable();
    }
  });

  const save = async (values: TAuthConfigInput) => {
    if (view) {
      const res = await updateAuthConfigAction({ id: view.id, values });
      if (!res.ok) return applyServerErrors(form, res, "values.");
      toast.success(`Saved "${values.name}".`);
      router.refresh();
    } else {
      const res = await createAuthConfigAction(values);
      if (!res.ok) return applyServerErrors(form, res);
      toast.success(`Created "${values.name}".`);
      router.push(`/auth-configs/${res.data.id}`);
    }
  };

  const onTest = async () => {
    setTestResult(null);
    form.clearErrors("root.serverError");
    // Admins test what the form holds (saved or not); members test the saved configuration.
    const valid = canEdit ? await form.trigger() : true;
    if (!valid) return;
    setTesting(true);
    try {
      const values = canEdit ? (form.getValues() as unknown as TAuthConfigInput) : undefined;
      const res = await testAuthConfigAction({ id: view?.id ?? null, values, environmentId: environment?.id ?? null });
      if (!res.ok) {
        // A problem with an override (no value yet, invalid in the environment) is not on the form's
        // field: the message, which names the environment, says it.
        const fieldErrors = Object.fromEntries(Object.entries(res.fieldErrors ?? {}).filter(([k]) => !overridden.includes(k.replace(/^values\./, ""))));
        applyServerErrors(form, { ...res, fieldErrors }, "values.");
        return;
      }
      setTestResult(res.data);
      if (view) router.refresh();
    } catch {
      unreachable();
    } finally {
      setTesting(false);
    }
  };

  return (
    <form className="form wide" onSubmit={onSave} noValidate>
      <AlertMessage>{errors.root?.serverError?.message}</AlertMessage>
      <fieldset className="fieldset" disabled={!canEdit}>
        <legend>Configuration</legend>
        <TextField label="Name" error={errors.name?.message} {...form.register("name")} />
        <SelectField
          label="Protocol"
          {...form.register("protocol", {
            onChange: (e) => {
              const first = SUB_PROTOCOLS.find((s) => s.protocol === (e.target.value as TProtocol));
              if (first) form.setValue("subProtocol", first.value);
            },
          })}
        >
          {PROTOCOLS.map((p) => (
            <option key={p.value} value={p.value}>{p.label}</option>
          ))}
        </SelectField>
        <SelectField label="Sub-protocol" {...form.register("subProtocol")}>
          {SUB_PROTOCOLS.filter((s) => s.protocol === protocol).map((s) => (
            <option key={s.value} value={s.value}>{s.label}</option>
          ))}
        </SelectField>
        <SubProtocolFields form={form} secretsSet={secretsSet} redirectUrl={redirectUrl} />
        <TextField
          label="Test URL"
          type="url"
          placeholder="https://api.example.com/me"
          hint={protocol === "OAUTH2" ? "Optional. Test obtains a token, then sends a GET here with it." : "Optional. Test sends a GET here with these settings."}
          error={errors.testUrl?.message}
          {...form.register("testUrl")}
        />
      </fieldset>
      <TlsFields form={form} secretsSet={secretsSet} disabled={!canEdit} />
      <TestResult result={testResult} pending={testing} />
      <div className="form-actions">
        <Button onClick={onTest} pending={testing}>{testing ? "Testing…" : "Test"}</Button>
        {canEdit ? (
          <Button type="submit" variant="primary" pending={isSubmitting}>Save</Button>
        ) : null}
      </div>
    </form>
  );
}
