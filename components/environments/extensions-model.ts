// What the Extensions section shows per configuration: every extensible field with its default
// (non-secret values as text, secrets only as set / not set) and the environment's override as the
// extensions document has it (never a secret value). Pure; the page builds it on the server.
import type { TAuthConfigView } from "@/lib/auth-configs/view";
import { subProtocolLabel } from "@/lib/auth-configs/schema";
import type { TDocField, TExtensionsDocument } from "@/lib/environments/extensions";
import { extensibleFields, type TFieldKind } from "@/lib/environments/fields";

export type TPair = { key: string; value: string };

export type TExtFieldModel = {
  id: string;
  label: string;
  kind: TFieldKind;
  encrypted: boolean;
  options?: readonly string[];
  /** The configuration's own value: secrets as set / not set only. */
  defaults: { kind: "secret"; set: boolean } | { kind: "pairs"; pairs: TPair[] } | { kind: "value"; value: string | boolean };
  /** The environment's override, as GET .../extensions returns it. */
  doc: TDocField;
};

export type TExtConfigModel = {
  id: string;
  name: string;
  subProtocol: string;
  overrideCount: number;
  fields: TExtFieldModel[];
};

function defaultOf(view: TAuthConfigView, id: string, kind: TFieldKind, encrypted: boolean): TExtFieldModel["defaults"] {
  if (encrypted) return { kind: "secret", set: !!view.secretsSet[id] };
  let raw: unknown;
  if (id === "testUrl") raw = view.testUrl;
  else if (id.startsWith("tls.")) raw = ((view.settings.tls ?? {}) as Record<string, unknown>)[id.slice(4)];
  else raw = view.settings[id];
  if (kind === "pairs") {
    const list = Array.isArray(raw) ? (raw as Array<{ name?: unknown; value?: unknown }>) : [];
    return { kind: "pairs", pairs: list.map((p) => ({ key: String(p.name ?? ""), value: String(p.value ?? "") })) };
  }
  if (kind === "boolean") return { kind: "value", value: raw === true };
  return { kind: "value", value: typeof raw === "string" ? raw : raw === undefined || raw === null ? "" : String(raw) };
}

/** One entry per configuration of the document, in its order (by name). */
export function extensionsModel(doc: TExtensionsDocument, views: TAuthConfigView[], counts: Record<string, number>): TExtConfigModel[] {
  const byId = new Map(views.map((v) => [v.id, v]));
  const out: TExtConfigModel[] = [];
  for (const c of doc.connections) {
    const view = byId.get(c.id);
    if (!view) continue;
    const docFields = new Map(c.fields.map((f) => [f.id, f]));
    out.push({
      id: c.id,
      name: c.name,
      subProtocol: subProtocolLabel(view.subProtocol),
      overrideCount: counts[c.id] ?? 0,
      fields: extensibleFields(view.subProtocol).map((f) => ({
        id: f.id,
        label: f.label,
        kind: f.kind,
        encrypted: f.encrypted,
        ...(f.options ? { options: [...f.options] } : {}),
        defaults: defaultOf(view, f.id, f.kind, f.encrypted),
        doc: docFields.get(f.id) ?? { id: f.id, useDefault: true, usesEncryption: f.encrypted, encryptedValueSet: false, componentOverride: false },
      })),
    });
  }
  return out;
}

/** An encrypted override that exists without a value or reference (copied or imported). */
export const needsValue = (f: TExtFieldModel) => f.encrypted && !f.doc.useDefault && !f.doc.encryptedValueSet;
