"use client";
// One extensible field in an environment: its label, the configuration's default (secrets only as
// set / not set), "Use default", and the override input, enabled when "Use default" is unchecked.
// Secrets are write-only (Replace; blank keeps the stored value) and may name a secret reference;
// certificates are uploads; name/value lists are rows, each optionally encrypted.
import { useId, useState } from "react";
import { bytesToBase64 } from "@/components/ui/base64";
import { Button } from "@/components/ui/button";
import { optionLabel } from "@/lib/environments/fields";
import type { TExtFieldModel } from "./extensions-model";
import { nextUid, type TFieldState, type TPairRow } from "./extensions-state";

const MAX_FILE_BYTES = 256 * 1024;

function DefaultValue({ f }: { f: TExtFieldModel }) {
  const d = f.defaults;
  if (d.kind === "secret") return <span className={d.set ? "badge" : "badge off"}>{d.set ? "set" : "not set"}</span>;
  if (d.kind === "pairs") return d.pairs.length ? <span className="mono">{d.pairs.map((p) => `${p.key}=${p.value}`).join(", ")}</span> : <span className="muted">none</span>;
  if (typeof d.value === "boolean") return <span>{d.value ? "on" : "off"}</span>;
  if (d.value === "") return <span className="muted">(empty)</span>;
  if (f.kind === "multiline") {
    const first = d.value.split("\n")[0];
    return <span className="mono">{first} … ({d.value.length} characters)</span>;
  }
  if (f.kind === "enum") return <span>{optionLabel(f.id, d.value)}</span>;
  return <span className="mono ext-default-value">{d.value}</span>;
}

type TProps = {
  f: TExtFieldModel;
  s: TFieldState;
  canEdit: boolean;
  errors?: string[];
  onChange: (patch: Partial<TFieldState>) => void;
};

function Override({ f, s, canEdit, onChange, described }: TProps & { described?: string }) {
  const id = useId();
  const off = s.useDefault || !canEdit;
  const aria = { "aria-label": `Override for ${f.label}`, "aria-invalid": described ? true : undefined, "aria-describedby": described };
  const label = <label htmlFor={id}>Override</label>;
  switch (f.kind) {
    case "boolean":
      return (
        <div className="checkbox-row">
          <input id={id} type="checkbox" checked={s.value === true} disabled={off} onChange={(e) => onChange({ value: e.target.checked })} {...aria} />
          {label}
        </div>
      );
    case "enum":
      return (
        <div className="field">
          {label}
          <select id={id} value={String(s.value)} disabled={off} onChange={(e) => onChange({ value: e.target.value })} {...aria}>
            {(f.options ?? []).map((o) => (
              <option key={o} value={o}>{optionLabel(f.id, o)}</option>
            ))}
          </select>
        </div>
      );
    case "multiline":
      return (
        <div className="field">
          {label}
          <textarea id={id} rows={4} spellCheck={false} value={String(s.value)} disabled={off} onChange={(e) => onChange({ value: e.target.value })} {...aria} />
        </div>
      );
    default:
      return (
        <div className="field">
          {label}
          <input id={id} type="text" autoComplete="off" spellCheck={false} value={String(s.value)} disabled={off} onChange={(e) => onChange({ value: e.target.value })} {...aria} />
        </div>
      );
  }
}

function SecretOverride({ f, s, canEdit, onChange, described }: TProps & { described?: string }) {
  const id = useId();
  const off = s.useDefault || !canEdit;
  const [fileError, setFileError] = useState<string | null>(null);
  const d = f.doc;
  const state = d.useDefault ? "not set" : d.encryptedValueSet ? "set" : "needs a value";
  const aria = { "aria-label": `Override for ${f.label}`, "aria-invalid": described ? true : undefined, "aria-describedby": described };
  let input;
  if (f.kind === "file") {
    input = (
      <input
        id={id}
        type="file"
        accept=".p12,.pfx,application/x-pkcs12"
        disabled={off}
        {...aria}
        onChange={async (e) => {
          setFileError(null);
          const file = e.target.files?.[0];
          if (!file) return onChange({ secret: "", fileNote: null });
          if (file.size > MAX_FILE_BYTES) return setFileError("The file is larger than 256 KB: is it really a PKCS#12 bundle?");
          onChange({ secret: bytesToBase64(new Uint8Array(await file.arrayBuffer())), fileNote: `${file.name} (${file.size} bytes) is stored when you save.` });
        }}
      />
    );
  } else if (s.replacing && canEdit) {
    input =
      f.kind === "multiline" ? (
        <textarea id={id} rows={4} spellCheck={false} autoComplete="off" value={s.secret} disabled={off} onChange={(e) => onChange({ secret: e.target.value })} {...aria} />
      ) : (
        <input id={id} type="password" autoComplete="new-password" value={s.secret} disabled={off} onChange={(e) => onChange({ secret: e.target.value })} {...aria} />
      );
  } else {
    input = <input id={id} type="password" disabled readOnly value="" placeholder={d.encryptedValueSet ? "Stored value kept" : ""} {...aria} />;
  }
  return (
    <>
      <div className="field">
        <label htmlFor={id}>Override</label>
        <div className="secret-state">
          <span className={state === "set" ? "badge" : state === "needs a value" ? "badge warn" : "badge off"} data-testid={`override-state-${f.label}`}>{state}</span>
          {canEdit && f.kind !== "file" && !s.replacing ? (
            <Button size="small" disabled={off} onClick={() => onChange({ replacing: true })} aria-label={`Replace ${f.label}`}>Replace</Button>
          ) : null}
        </div>
        {input}
        {!d.useDefault && d.encryptedValueSet && (s.replacing || f.kind === "file") ? <p className="field-hint">Leave blank to keep the stored value.</p> : null}
        {s.fileNote ? <p className="field-hint">{s.fileNote}</p> : null}
        {fileError ? <p className="field-error" role="alert">{fileError}</p> : null}
      </div>
      <div className="field">
        <label htmlFor={`${id}-ref`}>Secret reference</label>
        <input
          id={`${id}-ref`}
          type="text"
          className="mono"
          autoComplete="off"
          spellCheck={false}
          value={s.reference}
          disabled={off}
          placeholder="file:/run/secrets/name or projects/p/secrets/s/versions/latest"
          aria-label={`Secret reference for ${f.label}`}
          aria-describedby={`${id}-ref-hint`}
          onChange={(e) => onChange({ reference: e.target.value })}
        />
        <p className="field-hint" id={`${id}-ref-hint`}>Optional, instead of a value: a mounted file or a GCP Secret Manager version, read when needed.</p>
      </div>
    </>
  );
}

function PairRowFields({ p, index, off, canEdit, onRow, onRemove }: { p: TPairRow; index: number; off: boolean; canEdit: boolean; onRow: (patch: Partial<TPairRow>) => void; onRemove: () => void }) {
  const id = useId();
  const keepStored = p.encrypted && p.stored && !p.replacing;
  return (
    <div className="row-item" role="group" aria-label={`Parameter ${index + 1}`}>
      <div className="field">
        <label htmlFor={`${id}-k`}>Parameter name</label>
        <input id={`${id}-k`} autoComplete="off" spellCheck={false} value={p.key} disabled={off} onChange={(e) => onRow({ key: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-v`}>Parameter value</label>
        {keepStored ? (
          <div className="inline-field">
            <input id={`${id}-v`} type="password" disabled readOnly value="" placeholder="Stored value kept" />
            {canEdit ? <Button size="small" disabled={off} onClick={() => onRow({ replacing: true })} aria-label={`Replace parameter ${index + 1}`}>Replace</Button> : null}
          </div>
        ) : (
          <input id={`${id}-v`} type={p.encrypted ? "password" : "text"} autoComplete={p.encrypted ? "new-password" : "off"} spellCheck={false} value={p.value} disabled={off} onChange={(e) => onRow({ value: e.target.value })} />
        )}
      </div>
      <div className="checkbox-row">
        <input
          id={`${id}-e`}
          type="checkbox"
          checked={p.encrypted}
          disabled={off}
          // Unchecked, a stored encrypted value cannot be kept: the plain value must be typed.
          onChange={(e) => onRow(e.target.checked ? { encrypted: true } : { encrypted: false, stored: false, value: "" })}
        />
        <label htmlFor={`${id}-e`}>Encrypted</label>
      </div>
      {canEdit ? <Button size="small" variant="danger" disabled={off} onClick={onRemove} aria-label={`Remove parameter ${index + 1}`}>Remove</Button> : null}
    </div>
  );
}

function PairsOverride({ f, s, canEdit, onChange }: TProps) {
  const off = s.useDefault || !canEdit;
  const setRow = (i: number, patch: Partial<TPairRow>) => onChange({ pairs: s.pairs.map((p, j) => (j === i ? { ...p, ...patch } : p)) });
  return (
    <div className="field" role="group" aria-label={`Override for ${f.label}`}>
      <span className="field-label">Override</span>
      {s.pairs.length === 0 ? <p className="muted">No parameters: the override sends none.</p> : null}
      <div className="rows">
        {s.pairs.map((p, i) => (
          <PairRowFields key={p.uid} p={p} index={i} off={off} canEdit={canEdit} onRow={(patch) => setRow(i, patch)} onRemove={() => onChange({ pairs: s.pairs.filter((_, j) => j !== i) })} />
        ))}
      </div>
      {canEdit ? (
        <div>
          <Button size="small" disabled={off} onClick={() => onChange({ pairs: [...s.pairs, { uid: nextUid(), key: "", value: "", encrypted: false, stored: false, replacing: false }] })}>
            Add parameter
          </Button>
        </div>
      ) : null}
    </div>
  );
}

export function ExtensionField(props: TProps) {
  const { f, s, canEdit, errors, onChange } = props;
  const id = useId();
  const described = errors?.length ? `${id}-error` : undefined;
  return (
    <fieldset className="ext-field" data-testid={`ext-field-${f.id}`}>
      <legend>{f.label}</legend>
      <p className="field-hint">
        Default: <DefaultValue f={f} />
      </p>
      <div className="checkbox-row">
        <input id={id} type="checkbox" checked={s.useDefault} disabled={!canEdit} aria-label={`Use default for ${f.label}`} onChange={(e) => onChange({ useDefault: e.target.checked })} />
        <label htmlFor={id}>Use default</label>
      </div>
      {f.kind === "pairs" ? <PairsOverride {...props} /> : f.encrypted ? <SecretOverride {...props} described={described} /> : <Override {...props} described={described} />}
      {errors?.length ? (
        <p className="field-error" id={`${id}-error`}>{errors.join(" ")}</p>
      ) : null}
    </fieldset>
  );
}
