"use client";
// The variables of an environment ({{NAME}} in connectors): rows of Name, Value and Secret, saved as
// a whole list. Secret values are write-only: the page gets only whether one is stored ("set" or
// "needs a value"); "Replace" opens an empty input, and leaving it blank keeps the stored value.
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { useFieldArray, useForm, useWatch, type Resolver, type UseFormReturn } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { CheckboxField } from "@/components/ui/checkbox-field";
import { TextField } from "@/components/ui/field";
import { AlertMessage, StatusMessage } from "@/components/ui/messages";
import { applyServerErrors } from "@/components/ui/server-errors";
import { Row, RowList } from "@/components/ui/row-list";
import { setVariablesAction } from "@/lib/environments/actions";
import { ZVariablesInput } from "@/lib/environments/schema";

// The same rules as the server action; `raw` keeps each row's "stored" state for the submit handler.
const resolver = zodResolver(z.object({ variables: ZVariablesInput }), undefined, { raw: true });

export type TVariableView = { name: string; value: string; secret: boolean; valueSet: boolean };

/** `stored`: the name this row had when the page was loaded as a secret with a value (or null). */
type TRow = { name: string; value: string; secret: boolean; stored: { name: string; valueSet: boolean } | null };
type TForm = { variables: TRow[] };

function SecretValue({ form, index, row }: { form: UseFormReturn<TForm>; index: number; row: TRow }) {
  const id = useId();
  const [replacing, setReplacing] = useState(!row.stored?.valueSet);
  const error = form.formState.errors.variables?.[index]?.value?.message;
  const state = row.stored?.valueSet ? "set" : row.stored ? "needs a value" : "not set";
  const label = `value of ${row.stored?.name ?? row.name}`;
  return (
    <div className="field">
      <label htmlFor={id}>Value</label>
      <div className="secret-state">
        <span className={state === "set" ? "badge" : state === "needs a value" ? "badge warn" : "badge off"} data-testid={`variable-state-${row.stored?.name ?? index}`}>
          {state}
        </span>
        {row.stored?.valueSet && !replacing ? (
          <Button size="small" onClick={() => setReplacing(true)} aria-label={`Replace ${label}`}>Replace</Button>
        ) : null}
      </div>
      {replacing ? (
        <input key="replace" id={id} type="password" autoComplete="new-password" aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} {...form.register(`variables.${index}.value`)} />
      ) : (
        <input key="kept" id={id} type="password" disabled readOnly value="" placeholder={row.stored?.valueSet ? "Stored value kept" : ""} />
      )}
      {row.stored?.valueSet && replacing ? <p className="field-hint">Leave blank to keep the stored value.</p> : null}
      {error ? <p className="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

function VariableRow({ form, index, onRemove }: { form: UseFormReturn<TForm>; index: number; onRemove: () => void }) {
  const row = useWatch({ control: form.control, name: `variables.${index}` }) as TRow;
  const errors = form.formState.errors.variables?.[index];
  // A stored secret stays write-only while the row is secret; unchecking Secret asks for a plain value.
  const storedSecret = row.secret && row.stored !== null;
  return (
    <Row removeLabel={`Remove variable ${row.name || index + 1}`} onRemove={onRemove}>
      <TextField label="Name" autoComplete="off" spellCheck={false} className="mono" error={errors?.name?.message} {...form.register(`variables.${index}.name`)} />
      {storedSecret ? (
        <SecretValue form={form} index={index} row={row} />
      ) : (
        <TextField label="Value" type={row.secret ? "password" : "text"} autoComplete={row.secret ? "new-password" : "off"} spellCheck={false} error={errors?.value?.message} {...form.register(`variables.${index}.value`)} />
      )}
      <CheckboxField label="Secret" {...form.register(`variables.${index}.secret`)} />
    </Row>
  );
}

function VariablesForm({ environmentId, variables, saved, onSaved }: { environmentId: string; variables: TVariableView[]; saved: boolean; onSaved: () => void }) {
  // Checked here and by the server action with ZVariablesInput (A-Z, 0-9, _; no name twice); the
  // server's field errors ("variables.2.name") land on the rows too.
  const form = useForm<TForm>({
    resolver: resolver as unknown as Resolver<TForm>,
    defaultValues: {
      variables: variables.map((v) => ({ name: v.name, value: v.value, secret: v.secret, stored: v.secret ? { name: v.name, valueSet: v.valueSet } : null })),
    },
  });
  const rows = useFieldArray({ control: form.control, name: "variables" });
  const { errors, isSubmitting, isDirty } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    // A secret's stored value belongs to its name: a renamed secret needs its value again.
    let renamed = false;
    values.variables.forEach((r, i) => {
      if (r.secret && r.stored?.valueSet && r.name.trim() !== r.stored.name && r.value === "") {
        form.setError(`variables.${i}.value`, { message: `Enter the value again: the stored value belongs to ${r.stored.name}` });
        renamed = true;
      }
    });
    if (renamed) return;
    try {
      const variables = values.variables.map((r) => ({ name: r.name, value: r.value, secret: r.secret }));
      const res = await setVariablesAction({ id: environmentId, variables });
      if (!res.ok) return applyServerErrors(form, res);
      onSaved();
    } catch {
      form.setError("root.serverError", { message: "The server could not be reached. Check your connection and try again." });
    }
  });

  return (
    <form className="form wide" onSubmit={onSubmit} noValidate>
      <AlertMessage>{errors.root?.serverError?.message ?? errors.variables?.root?.message ?? errors.variables?.message}</AlertMessage>
      {saved && !isDirty ? <StatusMessage>Saved</StatusMessage> : null}
      <RowList
        title="Variables"
        addLabel="Add variable"
        count={rows.fields.length}
        empty="No variables yet."
        onAdd={() => rows.append({ name: "", value: "", secret: false, stored: null })}
      >
        {rows.fields.map((f, i) => (
          <VariableRow key={f.id} form={form} index={i} onRemove={() => rows.remove(i)} />
        ))}
      </RowList>
      <div className="form-actions">
        <Button type="submit" variant="primary" pending={isSubmitting}>Save variables</Button>
      </div>
    </form>
  );
}

/** Members: the variables read-only, secret values as set / needs a value. */
function VariablesTable({ variables }: { variables: TVariableView[] }) {
  if (variables.length === 0) return <p className="muted">No variables yet.</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
            <th scope="col">Secret</th>
          </tr>
        </thead>
        <tbody>
          {variables.map((v) => (
            <tr key={v.name}>
              <td className="mono">{v.name}</td>
              <td className="mono">
                {v.secret || !v.valueSet ? <span className={v.valueSet ? "badge" : "badge warn"}>{v.valueSet ? "set" : "needs a value"}</span> : v.value || <span className="muted">(empty)</span>}
              </td>
              <td>{v.secret ? "Yes" : "No"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Admins edit (the form remounts with the page's new data once a save's refresh arrived). */
export function VariablesSection({ environmentId, variables, canEdit }: { environmentId: string; variables: TVariableView[]; canEdit: boolean }) {
  const router = useRouter();
  const [version, setVersion] = useState(0);
  const [saved, setSaved] = useState(false);
  const [, startTransition] = useTransition();
  if (!canEdit) return <VariablesTable variables={variables} />;
  return (
    <VariablesForm
      // Remounted after a save (version) and whenever the page brings other variables.
      key={`${version}:${JSON.stringify(variables)}`}
      environmentId={environmentId}
      variables={variables}
      saved={saved}
      onSaved={() =>
        startTransition(() => {
          setSaved(true);
          setVersion((v) => v + 1);
          router.refresh();
        })
      }
    />
  );
}
