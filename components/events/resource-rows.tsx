"use client";
// The resources of a polling subscription (seed 004), one row each. Every input is labelled with its
// column name; each row is a group named "resource N", so "Resource name" in row 2 is
// getByRole("group", { name: "resource 2" }).getByLabel("Resource name").
import { useFieldArray, type UseFormReturn } from "react-hook-form";
import { TextField } from "@/components/ui/field";
import { Row, RowList } from "@/components/ui/row-list";
import type { TResource, TSubscriptionFormValues } from "@/lib/events/schema";
import { EMPTY_RESOURCE } from "./form-values";

type TForm = UseFormReturn<TSubscriptionFormValues>;

const COLUMNS: Array<{ key: keyof TResource; label: string; placeholder?: string }> = [
  { key: "name", label: "Resource name", placeholder: "orders" },
  { key: "url", label: "URL", placeholder: "https://api.example.com/orders?since=${gmtDate:yyyy-MM-dd'T'HH:mm:ss'Z'}" },
  { key: "idField", label: "ID field", placeholder: "id" },
  { key: "itemsPath", label: "Items path", placeholder: "$.data.items" },
  { key: "updatedDateField", label: "Updated date field", placeholder: "updatedAt" },
  { key: "updatedDateFormat", label: "Updated date format", placeholder: "yyyy-MM-dd'T'HH:mm:ss'Z'" },
  { key: "updatedDateTimeZone", label: "Updated date time zone", placeholder: "UTC" },
  { key: "createdDateField", label: "Created date field", placeholder: "createdAt" },
  { key: "createdDateFormat", label: "Created date format", placeholder: "epochMillis" },
  { key: "createdDateTimeZone", label: "Created date time zone", placeholder: "UTC" },
];

export function ResourceRows({ form }: { form: TForm }) {
  const rows = useFieldArray({ control: form.control, name: "resources" });
  const errors = form.formState.errors.resources;
  const listError = errors?.message ?? errors?.root?.message;
  const cellError = (i: number, key: keyof TResource) => errors?.[i]?.[key]?.message;
  return (
    <>
      <div>
        <p className="field-hint">
          <strong>URL</strong>: a full URL. It may contain <code>{"${gmtDate:yyyy-MM-dd'T'HH:mm:ss'Z'}"}</code> — the time of the previous
          successful poll in GMT (on the first poll: when the subscription was enabled) — and environment variables as <code>{"{{VARIABLE}}"}</code>.
        </p>
        <p className="field-hint">
          <strong>Items path</strong>: an RFC 9535 JSONPath to the items, like <code>$.data.items</code>; empty means the response is the array.
          <strong> ID field</strong>: the item&apos;s field that identifies it.
        </p>
        <p className="field-hint">
          <strong>Date formats</strong>: a Java DateTimeFormatter pattern such as <code>{"yyyy-MM-dd'T'HH:mm:ss'Z'"}</code>, or <code>epoch</code>{" "}
          (seconds) / <code>epochMillis</code>. <strong>Time zones</strong>: an IANA id such as <code>Europe/Berlin</code>, or an offset like{" "}
          <code>+02:00</code>; empty means UTC. Without date fields, a change of the item&apos;s content counts as an update.
        </p>
      </div>
      <RowList title="Resources" addLabel="Add resource" count={rows.fields.length} empty="No resources: add the API lists to watch." onAdd={() => rows.append({ ...EMPTY_RESOURCE })}>
        {rows.fields.map((f, i) => (
          <Row key={f.id} removeLabel={`Remove resource ${i + 1}`} onRemove={() => rows.remove(i)}>
            {COLUMNS.map((c) => (
              <TextField
                key={c.key}
                label={c.label}
                placeholder={c.placeholder}
                autoComplete="off"
                spellCheck={false}
                error={cellError(i, c.key)}
                {...form.register(`resources.${i}.${c.key}`)}
              />
            ))}
          </Row>
        ))}
      </RowList>
      {listError ? <p className="field-error" role="alert">{listError}</p> : null}
    </>
  );
}
