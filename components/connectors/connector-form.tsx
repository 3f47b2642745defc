"use client";
// The connector wizard (SPEC §5.2): Name, Description, Service, Method, URL, Authentication
// configuration, Headers, Query parameters, Body type, Body description, Form parameters, Response
// mapping. Path parameters are listed live from the {name} segments of the URL.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Controller, useFieldArray, useForm, useWatch } from "react-hook-form";
import { JsonEditor } from "@/components/code/json-editor";
import { Button } from "@/components/ui/button";
import { CheckboxField } from "@/components/ui/checkbox-field";
import { SelectField, TextField } from "@/components/ui/field";
import { formatUtc } from "@/components/ui/format";
import { AlertMessage } from "@/components/ui/messages";
import { applyServerErrors } from "@/components/ui/server-errors";
import { TextareaField } from "@/components/ui/textarea-field";
import { useToast } from "@/components/ui/toast";
import { createConnectorAction, updateConnectorAction } from "@/lib/connectors/actions";
import { BODY_TYPES, METHODS } from "@/lib/connectors/choices";
import type { TConnectorFormValues, TConnectorInput } from "@/lib/connectors/schema";
import type { TConnectorView, TWizardChoices } from "@/lib/connectors/store";
import { pathParamNames } from "@/lib/http/build-request";
import { lazyZodResolver } from "@/components/ui/lazy-resolver";
import { Row, RowList } from "@/components/ui/row-list";
import { TestConnectorDialog, type TTestEnvironment, type TTestTarget } from "./test/lazy-test-dialog";

const RESOLVER = lazyZodResolver<TConnectorFormValues>(() => import("@/lib/connectors/schema").then((m) => m.ZConnectorInput));

const EMPTY: TConnectorFormValues = {
  name: "",
  description: "",
  serviceId: "",
  method: "GET",
  urlTemplate: "",
  authConfigId: "",
  headers: [],
  queryParams: [],
  bodyType: "NONE",
  bodyDescription: "",
  formParams: [],
  timeoutMs: 30_000,
  responseMapping: [],
};

export function ConnectorForm(props: { connector: TConnectorView | null; choices: TWizardChoices; environment: TTestEnvironment }) {
  const router = useRouter();
  const toast = useToast();
  const { connector } = props;
  const form = useForm<TConnectorFormValues>({
    resolver: RESOLVER,
    defaultValues: connector ?? EMPTY,
  });
  const { errors, isSubmitting } = form.formState;
  const headers = useFieldArray({ control: form.control, name: "headers" });
  const queryParams = useFieldArray({ control: form.control, name: "queryParams" });
  const formParams = useFieldArray({ control: form.control, name: "formParams" });
  const mapping = useFieldArray({ control: form.control, name: "responseMapping" });
  const [url, bodyType, serviceId] = useWatch({ control: form.control, name: ["urlTemplate", "bodyType", "serviceId"] });
  const pathParams = pathParamNames(url ?? "");
  const { services, authConfigs } = props.choices;
  const serviceAuth = services.find((s) => s.id === serviceId)?.authConfigName;
  const [testTarget, setTestTarget] = useState<TTestTarget | null>(null);

  // Test runs what the form holds now, saved or not; invalid fields are shown first.
  const openTest = form.handleSubmit((raw) => {
    const values = raw as TConnectorInput;
    const authConfigId = values.authConfigId || services.find((s) => s.id === values.serviceId)?.authConfigId;
    const authHeader = authConfigs.find((c) => c.id === authConfigId)?.authHeader ?? null;
    setTestTarget({ connectorId: connector?.id ?? null, connector: values, sendDefinition: true, authHeader });
  });

  const onSubmit = form.handleSubmit(async (raw) => {
    const values = raw as TConnectorInput;
    try {
      if (connector) {
        const res = await updateConnectorAction({ id: connector.id, values });
        if (!res.ok) return applyServerErrors(form, res, "values.");
        toast.success(`Saved "${values.name}".`);
        router.refresh();
      } else {
        const res = await createConnectorAction(values);
        if (!res.ok) return applyServerErrors(form, res);
        toast.success(`Created "${values.name}".`);
        router.push(`/connectors/${res.data.id}`);
      }
    } catch {
      form.setError("root.serverError", { message: "The server could not be reached. Check your connection and try again." });
    }
  });

  const rowError = (list: "headers" | "queryParams" | "formParams" | "responseMapping", i: number, field: string) =>
    (errors[list]?.[i] as Record<string, { message?: string }> | undefined)?.[field]?.message;

  return (
    <>
    <form className="form wide" onSubmit={onSubmit} noValidate>
      <AlertMessage>{errors.root?.serverError?.message}</AlertMessage>
      {connector ? (
        <p className="muted" data-testid="connector-meta">
          Created {formatUtc(connector.createdAt)}{connector.author ? ` by ${connector.author}` : ""}
        </p>
      ) : null}
      <fieldset className="fieldset">
        <legend>Connector</legend>
        <TextField label="Name" error={errors.name?.message} {...form.register("name")} />
        <TextareaField label="Description" rows={2} error={errors.description?.message} {...form.register("description")} />
        <SelectField label="Service" error={errors.serviceId?.message} {...form.register("serviceId")}>
          <option value="">Choose…</option>
          {services.map((s) => (
            <option key={s.id} value={s.id}>{s.name}</option>
          ))}
        </SelectField>
        <SelectField label="Method" {...form.register("method")}>
          {METHODS.map((m) => (
            <option key={m} value={m}>{m}</option>
          ))}
        </SelectField>
        <TextField label="URL" placeholder="https://api.example.com/customers/{customerId}" hint="{name} marks a path parameter; {{VAR}} an environment variable." error={errors.urlTemplate?.message} {...form.register("urlTemplate")} />
        <div aria-live="polite" data-testid="path-params">
          {pathParams.length > 0 ? (
            <p className="muted">Path parameters: {pathParams.map((p) => <span key={p} className="badge">{p}</span>)}</p>
          ) : null}
        </div>
        <SelectField label="Authentication configuration" error={errors.authConfigId?.message} {...form.register("authConfigId")}>
          <option value="">{serviceAuth ? `The service's (${serviceAuth})` : "The service's"}</option>
          {authConfigs.map((c) => (
            <option key={c.id} value={c.id}>{c.name}</option>
          ))}
        </SelectField>
        <TextField label="Timeout (ms)" type="number" min={1000} max={300000} step={1000} error={errors.timeoutMs?.message} {...form.register("timeoutMs")} />
      </fieldset>

      <RowList title="Headers" addLabel="Add header" count={headers.fields.length} empty="No headers." onAdd={() => headers.append({ name: "", value: "", description: "" })}>
        {headers.fields.map((f, i) => (
          <Row key={f.id} removeLabel={`Remove header ${i + 1}`} onRemove={() => headers.remove(i)}>
            <TextField label="Header name" error={rowError("headers", i, "name")} {...form.register(`headers.${i}.name`)} />
            <TextField label="Header value" error={rowError("headers", i, "value")} {...form.register(`headers.${i}.value`)} />
            <TextField label="Description" {...form.register(`headers.${i}.description`)} />
          </Row>
        ))}
      </RowList>

      <RowList title="Query parameters" addLabel="Add query parameter" count={queryParams.fields.length} empty="No query parameters." onAdd={() => queryParams.append({ name: "", description: "", defaultValue: "", required: false })}>
        {queryParams.fields.map((f, i) => (
          <Row key={f.id} removeLabel={`Remove query parameter ${i + 1}`} onRemove={() => queryParams.remove(i)}>
            <TextField label="Parameter name" error={rowError("queryParams", i, "name")} {...form.register(`queryParams.${i}.name`)} />
            <TextField label="Description" {...form.register(`queryParams.${i}.description`)} />
            <TextField label="Default value" {...form.register(`queryParams.${i}.defaultValue`)} />
            <CheckboxField label="Required" {...form.register(`queryParams.${i}.required`)} />
          </Row>
        ))}
      </RowList>

      <fieldset className="fieldset">
        <legend>Body</legend>
        <SelectField label="Body type" {...form.register("bodyType")}>
          {BODY_TYPES.map((b) => (
            <option key={b.value} value={b.value}>{b.label}</option>
          ))}
        </SelectField>
        {bodyType === "JSON" ? (
          <Controller
            control={form.control}
            name="bodyDescription"
            render={({ field }) => (
              <JsonEditor label="Body description" hint="An example JSON body; the Test dialog starts from it." value={field.value ?? ""} onChange={field.onChange} onBlur={field.onBlur} ref={field.ref} error={errors.bodyDescription?.message} />
            )}
          />
        ) : null}
      </fieldset>

      {bodyType === "FORM" ? (
        <RowList title="Form parameters" addLabel="Add form parameter" count={formParams.fields.length} empty="No form parameters." onAdd={() => formParams.append({ name: "", type: "text", description: "" })}>
          {formParams.fields.map((f, i) => (
            <Row key={f.id} removeLabel={`Remove form parameter ${i + 1}`} onRemove={() => formParams.remove(i)}>
              <TextField label="Parameter name" error={rowError("formParams", i, "name")} {...form.register(`formParams.${i}.name`)} />
              <SelectField label="Type" {...form.register(`formParams.${i}.type`)}>
                <option value="text">text</option>
                <option value="file">file</option>
              </SelectField>
              <TextField label="Description" {...form.register(`formParams.${i}.description`)} />
            </Row>
          ))}
        </RowList>
      ) : null}

      <RowList title="Response mapping" addLabel="Add output" count={mapping.fields.length} empty="No outputs." onAdd={() => mapping.append({ name: "", path: "" })}>
        {mapping.fields.map((f, i) => (
          <Row key={f.id} removeLabel={`Remove output ${i + 1}`} onRemove={() => mapping.remove(i)}>
            <TextField label="Output name" placeholder="customerId" autoComplete="off" error={rowError("responseMapping", i, "name")} {...form.register(`responseMapping.${i}.name`)} />
            <TextField label="JSON path" placeholder="$.data.id" autoComplete="off" spellCheck={false} error={rowError("responseMapping", i, "path")} {...form.register(`responseMapping.${i}.path`)} />
          </Row>
        ))}
      </RowList>

      <div className="form-actions">
        <Button type="submit" variant="primary" pending={isSubmitting}>Save</Button>
        <Button onClick={() => void openTest()}>Test</Button>
      </div>
    </form>
    {/* Outside the wizard's <form>: React events bubble through portals to their React parents. */}
    <TestConnectorDialog target={testTarget} environment={props.environment} open={testTarget !== null} onOpenChange={(o) => (o ? null : setTestTarget(null))} />
    </>
  );
}
