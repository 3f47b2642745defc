// The Extensions form's state per field, and the PATCH document it sends: only the fields the user
// changed, so an untouched override is not rewritten (rewriting a client or URL override would
// drop the environment's OAuth2 tokens). Secrets are sent only when replaced. Pure.
import type { TExtensionsUpdate } from "@/lib/environments/extensions";
import type { TExtFieldModel } from "./extensions-model";

export type TPairRow = {
  uid: number;
  key: string;
  value: string;
  encrypted: boolean;
  /** An encrypted pair stored on the server: its value is not here; blank keeps it. */
  stored: boolean;
  replacing: boolean;
};

export type TFieldState = {
  useDefault: boolean;
  /** Plain fields: the override value (prefilled with the default when not overridden). */
  value: string | boolean;
  /** Encrypted fields: the replacement typed or the file read (base64); "" keeps the stored one. */
  secret: string;
  replacing: boolean;
  reference: string;
  pairs: TPairRow[];
  /** What was picked for a file field, shown to the user. */
  fileNote: string | null;
};

export type TFieldUpdate = TExtensionsUpdate["connections"][number]["fields"][number];

let uid = 0;
export const nextUid = () => ++uid;

/** The field's state as the page loaded it. */
export function initialState(f: TExtFieldModel): TFieldState {
  const d = f.doc;
  const defaultValue = f.defaults.kind === "value" ? f.defaults.value : f.kind === "boolean" ? false : "";
  const pairs: TPairRow[] =
    !d.useDefault && d.customProperties
      ? d.customProperties.properties.map((p) => ({ uid: nextUid(), key: p.key, value: p.value ?? "", encrypted: p.encrypted, stored: p.encrypted, replacing: false }))
      : f.defaults.kind === "pairs"
        ? f.defaults.pairs.map((p) => ({ uid: nextUid(), key: p.key, value: p.value, encrypted: false, stored: false, replacing: false }))
        : [];
  return {
    useDefault: d.useDefault,
    value: d.useDefault || d.value === undefined ? defaultValue : d.value,
    secret: "",
    replacing: !(!d.useDefault && d.encryptedValueSet),
    reference: d.secretReference ?? "",
    pairs,
    fileNote: null,
  };
}

const pairsKey = (pairs: TPairRow[]) => JSON.stringify(pairs.map((p) => [p.key, p.encrypted, p.encrypted && p.stored && p.value === "" ? null : p.value]));

/** What to send for one field, or null when it is unchanged. */
export function fieldUpdate(f: TExtFieldModel, init: TFieldState, cur: TFieldState): TFieldUpdate | null {
  const id = f.id;
  if (cur.useDefault) return init.useDefault ? null : { id, useDefault: true };
  const wasOverridden = !init.useDefault;

  if (f.kind === "pairs") {
    if (wasOverridden && pairsKey(init.pairs) === pairsKey(cur.pairs)) return null;
    const properties = cur.pairs.map((p) => (p.encrypted && p.stored && p.value === "" ? { key: p.key, encrypted: true } : { key: p.key, value: p.value, encrypted: p.encrypted }));
    return { id, useDefault: false, customProperties: { properties } };
  }

  if (f.encrypted) {
    const reference = cur.reference.trim();
    const referenceChanged = reference !== init.reference && reference !== "";
    if (cur.secret !== "") return { id, useDefault: false, usesEncryption: true, value: cur.secret, ...(referenceChanged ? { secretReference: reference } : {}) };
    if (referenceChanged) return { id, useDefault: false, usesEncryption: true, secretReference: reference };
    // Newly overridden without a value: the server says what is missing.
    return wasOverridden ? null : { id, useDefault: false, usesEncryption: true };
  }

  if (wasOverridden && cur.value === init.value) return null;
  return { id, useDefault: false, value: cur.value };
}

/**
 * The server's field errors by field id. Paths are the extensions document's
 * ("connections[0].fields[3].value") or zod's ("doc.connections.0.fields.3.value"); the index is
 * the position in the fields sent.
 */
export function errorsByField(fieldErrors: Record<string, string[]> | undefined, sent: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [path, messages] of Object.entries(fieldErrors ?? {})) {
    const m = /fields(?:\[(\d+)\]|\.(\d+))/.exec(path);
    const fieldId = m ? sent[Number(m[1] ?? m[2])] : undefined;
    if (!fieldId) continue;
    // The store names the field and configuration ("\"username\" of \"Staging\": ..."); here the field is beside it.
    (out[fieldId] ??= []).push(...messages.map((t) => t.replace(/^"[^"]*" of ".*?": /, "")));
  }
  return out;
}
