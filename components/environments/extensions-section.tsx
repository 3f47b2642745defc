"use client";
// Extensions of an environment (SPEC §7): for every authentication configuration, every extensible
// field with its default and this environment's override. Filter by configuration; one Save per
// configuration sends a PATCH of that configuration's changed fields (lib/environments/actions).
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/field";
import { AlertMessage, StatusMessage } from "@/components/ui/messages";
import { updateExtensionsAction } from "@/lib/environments/actions";
import { ExtensionField } from "./extension-field";
import type { TExtConfigModel } from "./extensions-model";
import { errorsByField, fieldUpdate, initialState, type TFieldState, type TFieldUpdate } from "./extensions-state";

type TConfigProps = {
  environmentId: string;
  config: TExtConfigModel;
  canEdit: boolean;
  saved: boolean;
  onSaved: () => void;
  onEdited: () => void;
  hidden: boolean;
};

function ConfigExtensions({ environmentId, config, canEdit, saved, onSaved, onEdited, hidden }: TConfigProps) {
  const [state, setState] = useState<Record<string, TFieldState>>(() => Object.fromEntries(config.fields.map((f) => [f.id, initialState(f)])));
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const change = (fieldId: string, patch: Partial<TFieldState>) => {
    setState((s) => ({ ...s, [fieldId]: { ...s[fieldId], ...patch } }));
    setNote(null);
    onEdited();
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const sent: Array<{ fieldId: string; update: TFieldUpdate }> = [];
    for (const f of config.fields) {
      const update = fieldUpdate(f, initialState(f), state[f.id]);
      if (update) sent.push({ fieldId: f.id, update });
    }
    setErrors({});
    setFormError(null);
    onEdited(); // the previous "Saved" no longer describes this attempt
    if (sent.length === 0) return setNote("No changes to save.");
    setPending(true);
    try {
      const res = await updateExtensionsAction({ id: environmentId, doc: { connections: [{ id: config.id, fields: sent.map((x) => x.update) }] } });
      if (res.ok) return onSaved();
      const byField = errorsByField(res.fieldErrors, sent.map((x) => x.fieldId));
      setErrors(byField);
      const named = config.fields.filter((f) => byField[f.id]).map((f) => `${f.label}: ${byField[f.id][0]}`);
      setFormError(named.length ? `Not saved. ${named.join("; ")}` : res.error);
    } catch {
      setFormError("The server could not be reached. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  };

  return (
    <form onSubmit={onSubmit} noValidate hidden={hidden} className="ext-config">
      <fieldset className="fieldset">
        <legend>{config.name}</legend>
        <p className="muted ext-config-meta">
          {config.subProtocol} · {config.overrideCount} overridden ·{" "}
          <Link href={`/auth-configs/${config.id}`} aria-label={`Open configuration ${config.name}`}>Open configuration</Link>
        </p>
        <AlertMessage>{formError}</AlertMessage>
        <div className="ext-fields">
          {config.fields.map((f) => (
            <ExtensionField key={f.id} f={f} s={state[f.id]} canEdit={canEdit} errors={errors[f.id]} onChange={(patch) => change(f.id, patch)} />
          ))}
        </div>
        {saved ? <StatusMessage>Saved</StatusMessage> : null}
        {note ? <div role="status" className="message">{note}</div> : null}
        {canEdit ? (
          <div className="form-actions">
            <Button type="submit" variant="primary" pending={pending}>Save</Button>
          </div>
        ) : null}
      </fieldset>
    </form>
  );
}

export function ExtensionsSection({ environmentId, configs, canEdit }: { environmentId: string; configs: TExtConfigModel[]; canEdit: boolean }) {
  const router = useRouter();
  const [filter, setFilter] = useState("");
  const [versions, setVersions] = useState<Record<string, number>>({});
  const [savedId, setSavedId] = useState<string | null>(null);
  const [, startTransition] = useTransition();

  if (configs.length === 0) return <p className="muted">No authentication configurations yet: there is nothing to override.</p>;
  return (
    <>
      <div className="filters">
        <SelectField label="Configuration" value={filter} onChange={(e) => setFilter(e.target.value)}>
          <option value="">All configurations</option>
          {configs.map((c) => (
            <option key={c.id} value={c.id}>{`${c.name} (${c.overrideCount} overridden)`}</option>
          ))}
        </SelectField>
      </div>
      {configs.map((c) => (
        <ConfigExtensions
          // Remounted after a save (version) and whenever the page brings another document.
          key={`${c.id}:${versions[c.id] ?? 0}:${JSON.stringify(c.fields.map((f) => f.doc))}`}
          environmentId={environmentId}
          config={c}
          canEdit={canEdit}
          hidden={filter !== "" && filter !== c.id}
          saved={savedId === c.id}
          onEdited={() => setSavedId((s) => (s === c.id ? null : s))}
          onSaved={() =>
            startTransition(() => {
              setSavedId(c.id);
              setVersions((v) => ({ ...v, [c.id]: (v[c.id] ?? 0) + 1 }));
              router.refresh();
            })
          }
        />
      ))}
    </>
  );
}
