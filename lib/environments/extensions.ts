// The extensions document of an environment (SPEC §7, seed 001 "Working with the Environment
// Extensions object"): its schema, and the plan of changes an update makes. Pure: the store reads
// the current state, asks planUpdate() what to do, and writes the plan in one transaction.
//
// Rules (seed 001, each with a test in extensions.test.ts and the API tests):
// - GET: an overridden field has useDefault false and its value; a default one useDefault true and
//   no value; encrypted fields never carry a value, encryptedValueSet says whether one is stored.
// - PATCH changes only the fields sent. PUT reverts every field not sent, except encrypted fields
//   sent with encryptedValueSet true, which keep their stored override.
// - useDefault false + value "" overrides with an empty value; useDefault true reverts.
// - Legacy (no useDefault): a non-empty value overrides; an absent or empty one reverts (for
//   encrypted fields, encryptedValueSet true keeps the stored override).
// - Custom properties (name/value lists) are replaced as a whole; each pair may be encrypted;
//   empty or duplicate keys are rejected; encrypted pairs come back without their value (and an
//   encrypted pair sent back without a value keeps the stored one).
// - `properties` are the environment variables.
import { z } from "zod";
import { AppError, firstProblem } from "@/lib/errors";
import type { TSubProtocol } from "@/lib/auth-configs/schema";
import { extensibleField, extensibleFields, fieldSchema, type TExtField } from "./fields";
import { parseSecretReference } from "./secret-ref-format";

export const VARIABLE_NAME = /^[A-Z0-9_]+$/;
export const MAX_VALUE = 512 * 1024;

const type = z.string().max(100).optional();

const ZPair = z.strictObject({
  "@type": type,
  key: z.string().max(200),
  value: z.string().max(2000).optional(),
  encrypted: z.boolean().default(false),
});

const ZField = z.strictObject({
  "@type": type,
  id: z.string().min(1).max(100),
  value: z.union([z.string().max(MAX_VALUE), z.boolean()]).optional(),
  useDefault: z.boolean().optional(),
  usesEncryption: z.boolean().optional(),
  encryptedValueSet: z.boolean().optional(),
  /** Boomi's attribute; always false here (there are no component-level overrides). */
  componentOverride: z.boolean().optional(),
  /** An encrypted field's external secret instead of a value (SPEC §7). */
  secretReference: z.string().max(1000).optional(),
  customProperties: z
    .strictObject({ "@type": type, properties: z.array(ZPair).max(30, "At most 30 properties") })
    .optional(),
});

const ZConnection = z.strictObject({
  "@type": type,
  id: z.string().min(1).max(100),
  /** Ignored on update (the configuration's name, as GET returns it). */
  name: z.string().max(200).optional(),
  fields: z.array(ZField).max(200).default([]),
});

const ZProperty = z.strictObject({
  "@type": type,
  id: z.string().min(1).max(100),
  value: z.string().max(MAX_VALUE).optional(),
  useDefault: z.boolean().optional(),
  usesEncryption: z.boolean().optional(),
  encryptedValueSet: z.boolean().optional(),
});

/** The body of PUT and PATCH /api/v1/environments/{id}/extensions. */
export const ZExtensionsUpdate = z.strictObject({
  "@type": type,
  environmentId: z.string().max(100).optional(),
  connections: z.array(ZConnection).max(1000).default([]),
  properties: z.array(ZProperty).max(1000).optional(),
});
export type TExtensionsUpdate = z.infer<typeof ZExtensionsUpdate>;

export type TDocField = {
  id: string;
  value?: string | boolean;
  useDefault: boolean;
  usesEncryption: boolean;
  encryptedValueSet: boolean;
  componentOverride: false;
  secretReference?: string;
  customProperties?: { properties: Array<{ key: string; value?: string; encrypted: boolean }> };
};
/** GET /api/v1/environments/{id}/extensions. */
export type TExtensionsDocument = {
  environmentId: string;
  connections: Array<{ id: string; name: string; fields: TDocField[] }>;
  properties: Array<{ id: string; value?: string; usesEncryption: boolean; encryptedValueSet: boolean }>;
};

/** A stored override as the document shows it (decrypted plain values only). */
export type TStoredOverride =
  | { fieldId: string; kind: "plain"; value: string | boolean }
  | { fieldId: string; kind: "pairs"; pairs: Array<{ key: string; value?: string; encrypted: boolean }> }
  | { fieldId: string; kind: "secret"; valueSet: boolean; secretReference: string | null };

export type TStoredVariable = { name: string; secret: boolean; value: string | null };

export type TConfigRef = { id: string; name: string; subProtocol: TSubProtocol };

/** The document of an environment: every extensible field of every configuration. */
export function toDocument(environmentId: string, configs: TConfigRef[], overrides: Map<string, TStoredOverride[]>, variables: TStoredVariable[]): TExtensionsDocument {
  return {
    environmentId,
    connections: configs.map((c) => {
      const stored = new Map((overrides.get(c.id) ?? []).map((o) => [o.fieldId, o]));
      return { id: c.id, name: c.name, fields: extensibleFields(c.subProtocol).map((f) => docField(f, stored.get(f.id))) };
    }),
    properties: variables.map((v) =>
      v.secret ? { id: v.name, usesEncryption: true, encryptedValueSet: v.value !== null } : { id: v.name, value: v.value ?? "", usesEncryption: false, encryptedValueSet: false },
    ),
  };
}

function docField(f: TExtField, o: TStoredOverride | undefined): TDocField {
  const base = { id: f.id, usesEncryption: f.encrypted, componentOverride: false as const };
  if (!o) return { ...base, useDefault: true, encryptedValueSet: false };
  switch (o.kind) {
    case "secret":
      return { ...base, useDefault: false, encryptedValueSet: o.valueSet || o.secretReference !== null, ...(o.secretReference ? { secretReference: o.secretReference } : {}) };
    case "pairs":
      return {
        ...base,
        useDefault: false,
        encryptedValueSet: false,
        customProperties: { properties: o.pairs.map((p) => (p.encrypted ? { key: p.key, encrypted: true } : { key: p.key, value: p.value ?? "", encrypted: false })) },
      };
    case "plain":
      return { ...base, useDefault: false, encryptedValueSet: false, value: o.value };
  }
}

/** What an update does to one field or variable. */
export type TChange =
  | { op: "revert"; configId: string; fieldId: string }
  | { op: "set"; configId: string; fieldId: string; value: string | boolean }
  | { op: "set-secret"; configId: string; fieldId: string; value: string }
  | { op: "set-reference"; configId: string; fieldId: string; reference: string }
  /** `value` undefined on an encrypted pair: keep the stored value of that key. */
  | { op: "set-pairs"; configId: string; fieldId: string; pairs: Array<{ key: string; value?: string; encrypted: boolean }> }
  | { op: "var-set"; name: string; value: string; secret: boolean }
  | { op: "var-delete"; name: string };

export type TUpdatePlan = { changes: TChange[]; configNames: Map<string, string> };

class Problems {
  readonly fields: Record<string, string[]> = {};
  add(path: string, message: string) {
    (this.fields[path] ??= []).push(message);
  }
  throwIfAny() {
    const all = Object.values(this.fields).flat();
    if (all.length) throw new AppError("VALIDATION", firstProblem(all), this.fields);
  }
}

/** The value as the configuration form stores it (trimmed, checked), or the problem with it. */
function checked<T>(sub: TSubProtocol, f: TExtField, value: T): { ok: true; value: T } | { ok: false; problem: string } {
  const schema = fieldSchema(sub, f.id);
  if (!schema) return { ok: false, problem: "is not an extensible field" };
  const r = schema.safeParse(value);
  return r.success ? { ok: true, value: r.data as T } : { ok: false, problem: r.error.issues[0].message };
}

/** Booleans may be sent as JSON booleans or as "true" / "false" (as Boomi's XML does). */
function coerce(f: TExtField, value: string | boolean): string | boolean | undefined {
  if (f.kind === "boolean") return typeof value === "boolean" ? value : value === "true" ? true : value === "false" ? false : undefined;
  return typeof value === "string" ? value : undefined;
}

/**
 * The changes `doc` makes to the current state, or a VALIDATION error naming every field at fault
 * (then nothing is written). `mode` PUT is the complete update, PATCH the partial one.
 */
export function planUpdate(opts: {
  environmentId: string;
  mode: "PUT" | "PATCH";
  doc: TExtensionsUpdate;
  configs: TConfigRef[];
  current: Map<string, TStoredOverride[]>;
  variables: TStoredVariable[];
}): TUpdatePlan {
  const { doc, mode } = opts;
  const p = new Problems();
  const changes: TChange[] = [];
  const configs = new Map(opts.configs.map((c) => [c.id, c]));
  if (doc.environmentId !== undefined && doc.environmentId !== opts.environmentId) {
    p.add("environmentId", `environmentId ${JSON.stringify(doc.environmentId)} is not this environment (${opts.environmentId})`);
  }
  const touched = new Map<string, Set<string>>();
  doc.connections.forEach((c, ci) => {
    const at = `connections[${ci}]`;
    const config = configs.get(c.id);
    if (!config) return p.add(`${at}.id`, `No authentication configuration has the id ${JSON.stringify(c.id)}`);
    if (touched.has(c.id)) return p.add(`${at}.id`, `The configuration "${config.name}" is listed twice`);
    const seen = new Set<string>();
    touched.set(c.id, seen);
    const stored = new Map((opts.current.get(c.id) ?? []).map((o) => [o.fieldId, o]));
    c.fields.forEach((field, fi) => {
      const path = `${at}.fields[${fi}]`;
      const f = extensibleField(config.subProtocol, field.id);
      const what = `"${field.id}" of "${config.name}"`;
      if (!f) return p.add(`${path}.id`, `${JSON.stringify(field.id)} is not an extensible field of "${config.name}" (its sub-protocol has no such field)`);
      if (seen.has(f.id)) return p.add(`${path}.id`, `${what} is listed twice`);
      seen.add(f.id);
      const change = planField(config, f, field, stored.get(f.id), (m, sub = "value") => p.add(`${path}.${sub}`, `${what}: ${m}`));
      if (change) changes.push(change);
    });
  });
  if (mode === "PUT") {
    // Complete update: every stored override not sent reverts (kept ones were sent, so are in `touched`).
    for (const [configId, overrides] of opts.current) {
      const sent = touched.get(configId);
      for (const o of overrides) if (!sent?.has(o.fieldId)) changes.push({ op: "revert", configId, fieldId: o.fieldId });
    }
  }
  planVariables(opts, p, changes);
  p.throwIfAny();
  return { changes, configNames: new Map(opts.configs.map((c) => [c.id, c.name])) };
}

type TField = TExtensionsUpdate["connections"][number]["fields"][number];

function planField(config: TConfigRef, f: TExtField, field: TField, stored: TStoredOverride | undefined, problem: (m: string, sub?: string) => void): TChange | null {
  const key = { configId: config.id, fieldId: f.id };
  const revert = (): TChange => ({ op: "revert", ...key });
  if (field.customProperties && f.kind !== "pairs") return problem("takes a value, not customProperties", "customProperties"), null;
  if (field.secretReference !== undefined && !f.encrypted) return problem("only encrypted fields take a secretReference", "secretReference"), null;

  if (f.kind === "pairs") {
    if (field.value !== undefined && field.value !== "") return problem("is a custom properties field: send customProperties.properties, not a value"), null;
    const props = field.customProperties?.properties;
    const override = field.useDefault === false || (field.useDefault === undefined && props !== undefined && props.length > 0);
    if (!override) return revert();
    if (!props) return problem("send customProperties.properties (the whole list)", "customProperties"), null;
    return planPairs(config, f, props, stored, problem, key);
  }

  if (f.encrypted) {
    if (field.value !== undefined && field.value !== "" && field.usesEncryption !== true) {
      return problem("is an encrypted field: send usesEncryption: true with its value", "usesEncryption"), null;
    }
    if (field.value !== undefined && typeof field.value !== "string") return problem("takes a string"), null;
    if (field.value !== undefined && field.secretReference !== undefined && field.value !== "") return problem("give a value or a secretReference, not both", "secretReference"), null;
    if (field.useDefault === true) return revert();
    if (field.secretReference !== undefined) {
      try {
        parseSecretReference(field.secretReference);
      } catch (e) {
        return problem(e instanceof Error ? e.message : "Invalid secret reference", "secretReference"), null;
      }
      return { op: "set-reference", ...key, reference: field.secretReference };
    }
    const legacy = field.useDefault === undefined;
    if (legacy && (field.value === undefined || field.value === "")) {
      // Without useDefault, encryptedValueSet true keeps the stored override; else it reverts.
      if (field.encryptedValueSet === true && stored) return null;
      return revert();
    }
    if (field.value === undefined) {
      // useDefault false without a value: keep what is stored (a round trip of GET), if anything.
      if (stored) return null;
      return problem("send a value (with usesEncryption: true) or a secretReference"), null;
    }
    const c = checked(config.subProtocol, f, field.value);
    if (!c.ok) return problem(c.problem), null;
    return { op: "set-secret", ...key, value: field.value };
  }

  if (field.usesEncryption === true) return problem("is not an encrypted field (usesEncryption must be false)", "usesEncryption"), null;
  if (field.useDefault === true) return revert();
  if (field.value === undefined) {
    if (field.useDefault === false) return problem("send the value to override with (\"\" overrides with an empty value)"), null;
    return revert();
  }
  if (field.useDefault === undefined && field.value === "") return revert();
  const value = coerce(f, field.value);
  if (value === undefined) return problem(f.kind === "boolean" ? "takes true or false" : "takes a string"), null;
  const c = checked(config.subProtocol, f, value);
  if (!c.ok) return problem(c.problem), null;
  return { op: "set", ...key, value: c.value };
}

function planPairs(
  config: TConfigRef,
  f: TExtField,
  props: Array<{ key: string; value?: string; encrypted: boolean }>,
  stored: TStoredOverride | undefined,
  problem: (m: string, sub?: string) => void,
  key: { configId: string; fieldId: string },
): TChange | null {
  const keys = new Set<string>();
  const storedEncrypted = new Set(stored?.kind === "pairs" ? stored.pairs.filter((x) => x.encrypted).map((x) => x.key) : []);
  let ok = true;
  props.forEach((pair, i) => {
    const sub = `customProperties.properties[${i}]`;
    if (pair.key.trim() === "") return (ok = false), problem("a property has an empty key", `${sub}.key`);
    if (keys.has(pair.key)) return (ok = false), problem(`the key ${JSON.stringify(pair.key)} is given twice`, `${sub}.key`);
    keys.add(pair.key);
    if (pair.value === undefined && !(pair.encrypted && storedEncrypted.has(pair.key))) {
      ok = false;
      problem(`the property ${JSON.stringify(pair.key)} needs a value`, `${sub}.value`);
    }
  });
  if (!ok) return null;
  // The same rules as the configuration form (reserved names, lengths, at most 30).
  const c = checked(config.subProtocol, f, props.map((x) => ({ name: x.key, value: x.value ?? "" })));
  if (!c.ok) return problem(c.problem, "customProperties"), null;
  return { op: "set-pairs", ...key, pairs: props.map((x) => ({ key: x.key, value: x.value, encrypted: x.encrypted })) };
}

function planVariables(opts: { mode: "PUT" | "PATCH"; doc: TExtensionsUpdate; variables: TStoredVariable[] }, p: Problems, changes: TChange[]) {
  const props = opts.doc.properties;
  const current = new Map(opts.variables.map((v) => [v.name, v]));
  const sent = new Set<string>();
  (props ?? []).forEach((prop, i) => {
    const path = `properties[${i}]`;
    if (!VARIABLE_NAME.test(prop.id)) return p.add(`${path}.id`, `The variable name ${JSON.stringify(prop.id.slice(0, 100))} may use only A-Z, 0-9 and _`);
    if (sent.has(prop.id)) return p.add(`${path}.id`, `The variable ${prop.id} is given twice`);
    sent.add(prop.id);
    const stored = current.get(prop.id);
    const secret = prop.usesEncryption ?? stored?.secret ?? false;
    if (prop.useDefault === true) return changes.push({ op: "var-delete", name: prop.id });
    if (prop.value === undefined) {
      // A secret sent back as GET shows it (usesEncryption, no value) keeps its value — or its
      // "needs a value" state after a copy or an import.
      if (stored && stored.secret && (prop.encryptedValueSet === true || prop.usesEncryption === true)) return;
      if (prop.useDefault === false) return p.add(`${path}.value`, `The variable ${prop.id} needs a value`);
      return changes.push({ op: "var-delete", name: prop.id });
    }
    changes.push({ op: "var-set", name: prop.id, value: prop.value, secret });
  });
  // PUT replaces the variables when it lists them; without "properties" they stay as they are (an
  // update of the connections alone must not wipe them).
  if (opts.mode === "PUT" && props !== undefined) for (const v of opts.variables) if (!sent.has(v.name)) changes.push({ op: "var-delete", name: v.name });
}
