"use client";
// Run a connector: optional mapping of the message's query parameters and headers to the
// connector's path and query parameters, one row each. Every input is labelled with its column
// name; each row is a group named "mapping N", so "Name" in row 2 is
// getByRole("group", { name: "mapping 2" }).getByLabel("Name").
import { useFieldArray, useWatch, type UseFormReturn } from "react-hook-form";
import { SelectField, TextField } from "@/components/ui/field";
import { Row, RowList } from "@/components/ui/row-list";
import type { TListenerFormValues, TMappingRow } from "@/lib/listeners/schema";
import { EMPTY_MAPPING } from "./form-values";

type TForm = UseFormReturn<TListenerFormValues>;

export function MappingRows({ form, pathParams }: { form: TForm; pathParams: string[] }) {
  const rows = useFieldArray({ control: form.control, name: "mapping" });
  const watched = (useWatch({ control: form.control, name: "mapping" }) ?? []) as Array<Partial<TMappingRow>>;
  const errors = form.formState.errors.mapping;
  const listError = errors?.message ?? errors?.root?.message;
  return (
    <>
      <RowList
        title="Parameter mapping"
        addLabel="Add mapping"
        count={rows.fields.length}
        empty="No mapping: the connector runs with its own parameters. Add a row to pass a query parameter or header of the message on."
        onAdd={() => rows.append({ ...EMPTY_MAPPING })}
      >
        {rows.fields.map((f, i) => {
          const row = watched[i] ?? {};
          const param = row.param ?? "";
          const choosePath = row.to === "path" && pathParams.length > 0;
          const e = errors?.[i];
          return (
            <Row key={f.id} removeLabel={`Remove mapping ${i + 1}`} onRemove={() => rows.remove(i)}>
              <SelectField label="Source" error={e?.from?.message} {...form.register(`mapping.${i}.from`)}>
                <option value="query">Query parameter</option>
                <option value="header">Header</option>
              </SelectField>
              <TextField
                label="Name"
                autoComplete="off"
                spellCheck={false}
                placeholder={row.from === "header" ? "X-Order-Id" : "orderId"}
                error={e?.name?.message}
                {...form.register(`mapping.${i}.name`)}
              />
              <SelectField label="Connector parameter type" error={e?.to?.message} {...form.register(`mapping.${i}.to`)}>
                <option value="path">Path parameter</option>
                <option value="query">Query parameter</option>
              </SelectField>
              {choosePath ? (
                <SelectField label="Connector parameter" error={e?.param?.message} {...form.register(`mapping.${i}.param`)}>
                  <option value="">Choose…</option>
                  {pathParams.map((p) => (
                    <option key={p} value={p}>{`{${p}}`}</option>
                  ))}
                  {param && !pathParams.includes(param) ? <option value={param}>{param} (not in the connector&apos;s URL)</option> : null}
                </SelectField>
              ) : (
                <TextField
                  label="Connector parameter"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder={row.to === "path" ? "id" : "status"}
                  hint={row.to === "path" ? "The connector's URL has no {name} placeholders to fill." : undefined}
                  error={e?.param?.message}
                  {...form.register(`mapping.${i}.param`)}
                />
              )}
            </Row>
          );
        })}
      </RowList>
      {listError ? <p className="field-error" role="alert">{listError}</p> : null}
    </>
  );
}
