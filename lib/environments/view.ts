import "server-only";
// What the configuration page shows of a configuration in an environment (SPEC §7: "the
// configuration page in an environment shows that provenance"): every extensible field with its
// effective value and where it comes from. Built from the configuration's view (no secret values)
// and the environment's extensions document (no secret values either): secrets appear only as
// "set" / "not set" / "needs a value" / "reference: …", never as a value.
import { formValuesOf, type TAuthConfigView } from "@/lib/auth-configs/view";
import type { TDocField } from "./extensions";
import { extensibleFields, optionLabel, type TExtField } from "./fields";
import { getExtensions } from "./store";

export type TProvenanceRow = {
  /** The field id, as in the extensions document ("username", "tls.caBundlePem"). */
  id: string;
  label: string;
  source: "default" | "override";
  /** The effective non-secret value, or the state of a secret. Never a secret value. */
  shown: string;
  encrypted: boolean;
};

export type TProvenance = {
  rows: TProvenanceRow[];
  /** Ids of the fields the environment overrides. */
  overridden: string[];
  /** Effective Shared credentials (Authorization Code): decides whose tokens the page shows. */
  sharedCredentials: boolean | null;
};


type TPairShown = { key: string; value?: string; encrypted: boolean };

function showPairs(pairs: TPairShown[]): string {
  if (pairs.length === 0) return "none";
  return pairs.map((p) => (p.encrypted ? `${p.key} = (encrypted)` : `${p.key} = ${p.value ?? ""}`)).join(", ");
}

function showPlain(f: TExtField, value: unknown): string {
  if (f.kind === "boolean") return value === true ? "on" : "off";
  if (f.kind === "pairs") return showPairs(Array.isArray(value) ? (value as Array<{ name: string; value: string }>).map((p) => ({ key: p.name, value: p.value, encrypted: false })) : []);
  const text = typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
  if (f.kind === "enum") return optionLabel(f.id, text);
  if (text === "") return "(empty)";
  if (f.kind === "multiline") {
    const lines = text.trim().split(/\r?\n/).length;
    return `set (${lines} line${lines === 1 ? "" : "s"})`;
  }
  return text;
}

function defaultValue(config: Record<string, unknown> & { tls: Record<string, unknown> }, id: string): unknown {
  return id.startsWith("tls.") ? config.tls[id.slice(4)] : config[id];
}

function showOverride(f: TExtField, d: TDocField): string {
  if (f.encrypted) {
    if (d.secretReference) return `reference: ${d.secretReference}`;
    return d.encryptedValueSet ? "set" : "needs a value";
  }
  if (f.kind === "pairs") return showPairs(d.customProperties?.properties ?? []);
  return showPlain(f, d.value);
}

/** Every extensible field of `view` in the environment `environmentId`, with its provenance. */
export async function provenanceOf(view: TAuthConfigView, environmentId: string): Promise<TProvenance> {
  const doc = await getExtensions(environmentId, { configIds: [view.id] });
  const fields = new Map((doc.connections.find((c) => c.id === view.id)?.fields ?? []).map((d) => [d.id, d]));
  const config = formValuesOf(view) as unknown as Record<string, unknown> & { tls: Record<string, unknown> };
  const rows: TProvenanceRow[] = extensibleFields(view.subProtocol).map((f) => {
    const d = fields.get(f.id);
    const overridden = d !== undefined && !d.useDefault;
    const shown = overridden ? showOverride(f, d) : f.encrypted ? (view.secretsSet[f.id] ? "set" : "not set") : showPlain(f, defaultValue(config, f.id));
    return { id: f.id, label: f.label, source: overridden ? "override" : "default", shown, encrypted: f.encrypted };
  });
  let sharedCredentials: boolean | null = null;
  if (view.subProtocol === "OAUTH2_AUTH_CODE") {
    const d = fields.get("sharedCredentials");
    sharedCredentials = d && !d.useDefault && typeof d.value === "boolean" ? d.value : config.sharedCredentials === true;
  }
  return { rows, overridden: rows.filter((r) => r.source === "override").map((r) => r.id), sharedCredentials };
}
