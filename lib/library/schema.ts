// The connectors library file (SPEC §5.1): services, connectors and the authentication
// configurations they use, referenced by name, without any secret; and the environments (SPEC §7)
// with their variables and overrides, secret values left out and marked `needsValue`. Pure: the
// Import dialog, the import itself and POST /api/v1/library validate with the same code.
import { z } from "zod";
import { settingsOf, ZAuthConfigInput, type TAuthConfigInput, type TSubProtocol } from "@/lib/auth-configs/schema";
import { ZConnectorInput, type TConnectorInput } from "@/lib/connectors/schema";
import { fieldErrorsOf } from "@/lib/actions/field-errors";
import { extensibleField, fieldSchema } from "@/lib/environments/fields";
import { AppError, firstProblem } from "@/lib/errors";
import { parseLogo } from "@/lib/services/logo";
import { ZServiceInput } from "@/lib/services/schema";

export const LIBRARY_FORMAT = "patchbay-connectors-library";
export const LIBRARY_VERSION = 1;

const name = z.string().min(1).max(200);

const ZLibAuthConfig = z.object({
  name,
  protocol: z.string().max(40),
  subProtocol: z.string().max(40),
  testUrl: z.string().max(2000).default(""),
  /** The stored non-secret settings (settingsOf), TLS certificates included, keys and passwords not. */
  settings: z.record(z.string(), z.unknown()).default({}),
});

const ZLibService = z.object({
  name,
  productName: z.string().max(200).default(""),
  productVersion: z.string().max(200).default(""),
  apiVersion: z.string().max(200).default(""),
  authConfig: name,
  logo: z.object({ contentType: z.string().max(40), base64: z.string().max(1_500_000) }).nullable().default(null),
});

const ZLibConnector = z.object({
  name,
  description: z.string().max(2000).default(""),
  service: name,
  method: z.string().max(10),
  urlTemplate: z.string().max(2000),
  /** null: the service's configuration. */
  authConfig: name.nullable().default(null),
  headers: z.array(z.unknown()).max(100).default([]),
  queryParams: z.array(z.unknown()).max(100).default([]),
  bodyType: z.string().max(10).default("NONE"),
  bodyDescription: z.string().max(100_000).default(""),
  formParams: z.array(z.unknown()).max(100).default([]),
  timeoutMs: z.number().int().default(30_000),
  /** Rows { name, path }; absent in files from before response mapping (still version 1). */
  responseMapping: z.array(z.unknown()).max(100).default([]),
});

/** A variable name: A-Z, 0-9, _ (the same rule as VARIABLE_NAME in lib/environments/extensions.ts). */
export const LIB_VARIABLE_NAME = /^[A-Z0-9_]+$/;
const MAX_ENV_VALUE = 512 * 1024;

const ZLibVariable = z.object({
  name: z.string().min(1).max(100),
  secret: z.boolean().default(false),
  /** Never present for a secret variable: the library carries no secret value. */
  value: z.string().max(MAX_ENV_VALUE).optional(),
  /** Marks a variable imported without its value (every secret one): enter it after importing. */
  needsValue: z.literal(true).optional(),
});

const ZLibPair = z.object({
  key: z.string().max(200),
  /** Absent on an encrypted pair. */
  value: z.string().max(2000).optional(),
  encrypted: z.boolean().default(false),
});

/**
 * One overridden field. Exactly one of: `value` (a plain field), `customProperties` (a name/value
 * list; encrypted pairs without their value), `secretReference` (an encrypted field's external
 * secret, which is not a secret), or none of them with `needsValue` (an encrypted field).
 */
const ZLibOverride = z.object({
  /** The authentication configuration, by name (in the file or already in Patchbay). */
  authConfig: name,
  /** The extensible field's id: "username", "tokenParams", "testUrl", "tls.clientKeyPem", ... */
  field: z.string().min(1).max(100),
  value: z.union([z.string().max(MAX_ENV_VALUE), z.boolean()]).optional(),
  customProperties: z.array(ZLibPair).max(30).optional(),
  secretReference: z.string().max(1000).optional(),
  needsValue: z.literal(true).optional(),
});

const ZLibEnvironment = z.object({
  name,
  description: z.string().max(2000).default(""),
  variables: z.array(ZLibVariable).max(500).default([]),
  overrides: z.array(ZLibOverride).max(10_000).default([]),
});

export const ZLibraryFile = z.object({
  format: z.literal(LIBRARY_FORMAT, { error: `Not a Patchbay connectors library (expected "format": "${LIBRARY_FORMAT}")` }),
  version: z.literal(LIBRARY_VERSION, { error: (iss) => `This file is version ${JSON.stringify(iss.input)}; this Patchbay reads version ${LIBRARY_VERSION}` }),
  exportedAt: z.string().max(40).optional(),
  authConfigs: z.array(ZLibAuthConfig).max(1000).default([]),
  services: z.array(ZLibService).max(1000).default([]),
  connectors: z.array(ZLibConnector).max(10_000).default([]),
  /** Absent in files from before environments (still version 1): nothing to import. */
  environments: z.array(ZLibEnvironment).max(1000).default([]),
});
export type TLibraryFile = z.infer<typeof ZLibraryFile>;
type TLibAuthConfig = z.infer<typeof ZLibAuthConfig>;
export type TLibEnvironment = z.infer<typeof ZLibEnvironment>;
export type TLibOverride = z.infer<typeof ZLibOverride>;

/** An override as the import writes it (checked against its configuration's sub-protocol). */
export type TCheckedOverride = { authConfig: string; fieldId: string } & (
  | { kind: "plain"; value: string | boolean }
  | { kind: "pairs"; pairs: Array<{ key: string; value?: string; encrypted: boolean }> }
  /** An encrypted field: its reference, or null when it needs a value. */
  | { kind: "secret"; secretReference: string | null }
);

/** What an import creates, each item checked with the same schema as its form. */
export type TCheckedLibrary = {
  authConfigs: Array<{ name: string; input: TAuthConfigInput }>;
  services: Array<{ name: string; authConfig: string; productName: string; productVersion: string; apiVersion: string; logo: { bytes: Buffer; contentType: string } | null }>;
  connectors: Array<{ name: string; service: string; authConfig: string | null; input: Omit<TConnectorInput, "serviceId" | "authConfigId"> }>;
  environments: Array<{
    name: string;
    description: string;
    /** value null: a secret (or value-less) variable that needs a value. */
    variables: Array<{ name: string; secret: boolean; value: string | null }>;
    overrides: TCheckedOverride[];
  }>;
};

export type TKind = "authConfigs" | "services" | "connectors" | "environments";

/** Names of environments: the same limits as the Environments page's form. */
export const MAX_ENVIRONMENT_NAME = 120;
const MAX_ENVIRONMENT_DESCRIPTION = 1000;

/** The exported form of a configuration: settingsOf() already holds no secret. */
export function libAuthConfigOf(input: TAuthConfigInput): TLibAuthConfig {
  return { name: input.name, protocol: input.protocol, subProtocol: input.subProtocol, testUrl: input.testUrl, settings: settingsOf(input) };
}

function prefixErrors(errors: Record<string, string[]>, prefix: string, into: Record<string, string[]>): void {
  for (const [k, v] of Object.entries(errors)) (into[`${prefix}.${k}`] ??= []).push(...v);
}

/**
 * Checks one override against the sub-protocol of the configuration it will apply to: the field
 * must be one of its extensible fields and the override of the field's kind, its value valid by
 * the same rule as the configuration form. No secret value is accepted (the library never holds
 * one); a secret reference is format-checked with `checkSecretReference`. Reports problems as
 * (sub-path, message) pairs; returns the override to write, or null.
 */
export function checkLibOverride(
  o: TLibOverride,
  sub: TSubProtocol,
  checkSecretReference: (ref: string) => void,
  problem: (at: string, message: string) => void,
): TCheckedOverride | null {
  const f = extensibleField(sub, o.field);
  const what = `"${o.field}" of "${o.authConfig}"`;
  if (!f) return problem("field", `"${o.field}" is not an extensible field of "${o.authConfig}" (its sub-protocol ${sub} has no such field)`), null;
  const key = { authConfig: o.authConfig, fieldId: f.id };
  const schema = fieldSchema(sub, f.id);
  if (f.kind === "pairs") {
    if (o.value !== undefined || o.secretReference !== undefined) return problem("customProperties", `${what} is a custom properties field: give customProperties, not a value or secretReference`), null;
    if (!o.customProperties) return problem("customProperties", `${what}: give customProperties (the whole list)`), null;
    const keys = new Set<string>();
    let ok = true;
    o.customProperties.forEach((p, i) => {
      const at = `customProperties.${i}`;
      if (p.key.trim() === "") return (ok = false), problem(`${at}.key`, `${what}: a property has an empty key`);
      if (keys.has(p.key)) return (ok = false), problem(`${at}.key`, `${what}: the key ${JSON.stringify(p.key)} is given twice`);
      keys.add(p.key);
      if (p.encrypted && p.value !== undefined) return (ok = false), problem(`${at}.value`, `${what}: the encrypted property ${JSON.stringify(p.key)} carries a value; the library holds no secret value (leave it out)`);
      if (!p.encrypted && p.value === undefined) return (ok = false), problem(`${at}.value`, `${what}: the property ${JSON.stringify(p.key)} needs a value`);
    });
    if (!ok) return null;
    const r = schema?.safeParse(o.customProperties.map((p) => ({ name: p.key, value: p.value ?? "" })));
    if (r && !r.success) return problem("customProperties", `${what}: ${r.error.issues[0].message}`), null;
    return { ...key, kind: "pairs", pairs: o.customProperties.map((p) => (p.encrypted ? { key: p.key, encrypted: true } : { key: p.key, value: p.value ?? "", encrypted: false })) };
  }
  if (o.customProperties !== undefined) return problem("customProperties", `${what} takes a value, not customProperties`), null;
  if (f.encrypted) {
    if (o.value !== undefined) return problem("value", `${what} is an encrypted field: the library holds no secret value (leave the value out, or give a secretReference)`), null;
    if (o.secretReference === undefined) return { ...key, kind: "secret", secretReference: null };
    try {
      checkSecretReference(o.secretReference);
    } catch (e) {
      return problem("secretReference", `${what}: ${e instanceof Error ? e.message : "Invalid secret reference"}`), null;
    }
    return { ...key, kind: "secret", secretReference: o.secretReference };
  }
  if (o.secretReference !== undefined) return problem("secretReference", `${what}: only encrypted fields take a secretReference`), null;
  if (o.value === undefined) return problem("value", `${what} needs a value`), null;
  if ((f.kind === "boolean") !== (typeof o.value === "boolean")) return problem("value", `${what} takes ${f.kind === "boolean" ? "true or false" : "a string"}`), null;
  const r = schema?.safeParse(o.value);
  if (!schema || !r?.success) return problem("value", `${what}: ${r && !r.success ? r.error.issues[0].message : "is not an extensible field"}`), null;
  return { ...key, kind: "plain", value: o.value };
}

/**
 * Parses and checks a library file. `existing` names what the database already has (each
 * configuration with its sub-protocol), so that a reference to a configuration or service missing
 * from the file can still be satisfied. `checkSecretReference` throws on a malformed secret
 * reference (lib/environments/secret-refs.ts's parseSecretReference, given by the server).
 * Throws one VALIDATION AppError listing every problem with its place in the file.
 */
export function checkLibrary(
  raw: unknown,
  existing: { authConfigs: ReadonlyMap<string, string>; services: ReadonlySet<string> },
  checkSecretReference: (ref: string) => void,
): TCheckedLibrary {
  const parsed = ZLibraryFile.safeParse(raw);
  if (!parsed.success) {
    const fields = fieldErrorsOf(parsed.error);
    const [first] = Object.entries(fields);
    throw new AppError("VALIDATION", `The file is not a valid library: ${first[0] === "_form" ? "" : `${first[0]}: `}${first[1][0]}`, fields);
  }
  const file = parsed.data;
  const errors: Record<string, string[]> = {};
  const out: TCheckedLibrary = { authConfigs: [], services: [], connectors: [], environments: [] };
  const dup = (kind: TKind, list: { name: string }[]) => {
    const seen = new Set<string>();
    list.forEach((x, i) => {
      if (seen.has(x.name)) (errors[`${kind}.${i}.name`] ??= []).push(`"${x.name}" appears twice in the file`);
      seen.add(x.name);
    });
    return seen;
  };
  const fileConfigs = dup("authConfigs", file.authConfigs);
  const fileServices = dup("services", file.services);
  dup("connectors", file.connectors);
  dup("environments", file.environments);
  const configKnown = (n: string) => fileConfigs.has(n) || existing.authConfigs.has(n);

  file.authConfigs.forEach((item, i) => {
    const res = ZAuthConfigInput.safeParse({ ...item.settings, name: item.name, testUrl: item.testUrl, protocol: item.protocol, subProtocol: item.subProtocol });
    if (!res.success) return prefixErrors(fieldErrorsOf(res.error), `authConfigs.${i}`, errors);
    out.authConfigs.push({ name: item.name, input: res.data });
  });
  file.services.forEach((item, i) => {
    const res = ZServiceInput.safeParse({ ...item, authConfigId: "x", logo: "" });
    if (!res.success) return prefixErrors(fieldErrorsOf(res.error), `services.${i}`, errors);
    if (!configKnown(item.authConfig)) (errors[`services.${i}.authConfig`] ??= []).push(`No authentication configuration "${item.authConfig}" in the file or in Patchbay`);
    let logo: TCheckedLibrary["services"][number]["logo"] = null;
    if (item.logo) {
      try {
        logo = parseLogo(item.logo.base64);
      } catch (e) {
        (errors[`services.${i}.logo`] ??= []).push(e instanceof Error ? e.message : String(e));
      }
    }
    out.services.push({ name: res.data.name, authConfig: item.authConfig, productName: res.data.productName, productVersion: res.data.productVersion, apiVersion: res.data.apiVersion, logo });
  });
  file.connectors.forEach((item, i) => {
    const res = ZConnectorInput.safeParse({ ...item, serviceId: "x", authConfigId: "" });
    if (!res.success) return prefixErrors(fieldErrorsOf(res.error), `connectors.${i}`, errors);
    if (!fileServices.has(item.service) && !existing.services.has(item.service)) (errors[`connectors.${i}.service`] ??= []).push(`No service "${item.service}" in the file or in Patchbay`);
    if (item.authConfig !== null && !configKnown(item.authConfig)) (errors[`connectors.${i}.authConfig`] ??= []).push(`No authentication configuration "${item.authConfig}" in the file or in Patchbay`);
    const input: Partial<TConnectorInput> = { ...res.data };
    delete input.serviceId;
    delete input.authConfigId;
    out.connectors.push({ name: res.data.name, service: item.service, authConfig: item.authConfig, input: input as TCheckedLibrary["connectors"][number]["input"] });
  });
  // The sub-protocol an override is checked against: the file's configuration (created, or renamed
  // on import), else Patchbay's. An import that skips a file's configuration checks it again
  // against the existing one.
  const fileSubs = new Map(out.authConfigs.map((c) => [c.name, c.input.subProtocol]));
  const subOf = (n: string) => (fileConfigs.has(n) ? fileSubs.get(n) : (existing.authConfigs.get(n) as TSubProtocol | undefined));
  file.environments.forEach((item, i) => {
    const at = `environments.${i}`;
    const add = (path: string, message: string) => (errors[`${at}.${path}`] ??= []).push(message);
    const envName = item.name.trim();
    if (!envName) add("name", "Enter a name");
    else if (envName.length > MAX_ENVIRONMENT_NAME) add("name", `At most ${MAX_ENVIRONMENT_NAME} characters`);
    const description = item.description.trim();
    if (description.length > MAX_ENVIRONMENT_DESCRIPTION) add("description", `At most ${MAX_ENVIRONMENT_DESCRIPTION} characters`);
    const variables: TCheckedLibrary["environments"][number]["variables"] = [];
    const seenVars = new Set<string>();
    item.variables.forEach((v, j) => {
      if (!LIB_VARIABLE_NAME.test(v.name)) return add(`variables.${j}.name`, `The variable name ${JSON.stringify(v.name)} may use only A-Z, 0-9 and _`);
      if (seenVars.has(v.name)) return add(`variables.${j}.name`, `The variable ${v.name} is given twice`);
      seenVars.add(v.name);
      if (v.secret && v.value !== undefined) return add(`variables.${j}.value`, `The secret variable ${v.name} carries a value; the library holds no secret value (leave it out)`);
      variables.push({ name: v.name, secret: v.secret, value: v.value ?? null });
    });
    const overrides: TCheckedOverride[] = [];
    const seenFields = new Set<string>();
    item.overrides.forEach((o, j) => {
      const sub = subOf(o.authConfig);
      if (!configKnown(o.authConfig)) return add(`overrides.${j}.authConfig`, `No authentication configuration "${o.authConfig}" in the file or in Patchbay`);
      if (!sub) return; // The file's configuration is invalid: reported above.
      const k = JSON.stringify([o.authConfig, o.field]);
      if (seenFields.has(k)) return add(`overrides.${j}.field`, `"${o.field}" of "${o.authConfig}" is overridden twice`);
      seenFields.add(k);
      const checked = checkLibOverride(o, sub, checkSecretReference, (p, m) => add(`overrides.${j}.${p}`, m));
      if (checked) overrides.push(checked);
    });
    out.environments.push({ name: envName, description, variables, overrides });
  });

  const problems = Object.entries(errors);
  if (problems.length) {
    throw new AppError("VALIDATION", `The file cannot be imported: ${firstProblem(problems.map(([at, m]) => `${at}: ${m[0]}`))}`, errors);
  }
  return out;
}
