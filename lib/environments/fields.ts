// The extensible fields of an authentication configuration (SPEC §7, seed 001): every setting of
// its sub-protocol, its secrets, the Test URL and the TLS material — not Name, Protocol or
// Sub-protocol. Derived from the configuration schemas (lib/auth-configs/schema.ts), so a new
// setting becomes extensible without being listed twice. Pure; also used by the browser.
import type { z } from "zod";
import { SECRET_FIELDS, ZAuthConfigInput, ZTls, type TSubProtocol } from "@/lib/auth-configs/schema";

export type TFieldKind =
  /** One line of text (URLs, names, ids). */
  | "text"
  /** PEM and other multi-line text. */
  | "multiline"
  | "boolean"
  | "enum"
  /** Custom properties: a name/value list replaced as a whole (extra authorization/token parameters). */
  | "pairs"
  /** A file uploaded as base64 (PKCS#12). */
  | "file";

export type TExtField = {
  /** As in the stored settings: "username", "tokenParams", "testUrl", "tls.clientKeyPem". */
  id: string;
  label: string;
  kind: TFieldKind;
  /** Secret: stored encrypted, write-only, may be a secret reference. */
  encrypted: boolean;
  options?: readonly string[];
  /**
   * Changes who the provider thinks is asking or what it grants (client, URLs, scope, credentials,
   * TLS): an OAuth2 configuration overridden here is a separate connection with its own tokens.
   */
  identity: boolean;
};

const LABELS: Record<string, string> = {
  testUrl: "Test URL",
  headerName: "Header name",
  prefix: "Prefix",
  apiKey: "API key",
  placement: "Placement",
  queryParamName: "Query parameter name",
  username: "Username",
  password: "Password",
  preemptive: "Preemptive",
  accessKeyId: "Access key ID",
  secretAccessKey: "Secret access key",
  sessionToken: "Session token",
  service: "Service",
  region: "Region",
  authorizationUrl: "Authorization URL",
  tokenUrl: "Token URL",
  refreshUrl: "Refresh URL",
  clientId: "Client ID",
  clientSecret: "Client secret",
  clientAuth: "Client authentication",
  scope: "Scope",
  audience: "Audience",
  authParams: "Extra authorization parameters",
  tokenParams: "Extra token parameters",
  pkce: "PKCE",
  sharedCredentials: "Shared credentials",
  clientEmail: "Client email",
  privateKeyId: "Private key ID",
  keyTokenUri: "Key file token URI",
  privateKey: "Private key",
  subject: "Subject",
  "tls.clientCertMode": "Client certificate",
  "tls.clientCertPem": "Client certificate (PEM)",
  "tls.clientKeyPem": "Private key (PEM)",
  "tls.pkcs12": "PKCS#12 file",
  "tls.pkcs12Passphrase": "Passphrase",
  "tls.caBundlePem": "Trusted server certificate",
};

/** How a token is applied, or where the configuration is tested: not part of the connection. */
const NOT_IDENTITY = new Set(["headerName", "prefix", "testUrl"]);
const MULTILINE = new Set(["privateKey", "tls.clientCertPem", "tls.clientKeyPem", "tls.caBundlePem"]);
const NOT_SETTINGS = new Set(["name", "protocol", "subProtocol", "clearSecrets", "testUrl", "tls"]);

type TAnySchema = z.ZodType & { _zod: { def: { type: string; innerType?: TAnySchema; entries?: Record<string, string> } } };

/** The schema under .default()/.optional() wrappers. */
function unwrap(schema: TAnySchema): TAnySchema {
  let s = schema;
  while (s._zod.def.innerType && (s._zod.def.type === "default" || s._zod.def.type === "optional" || s._zod.def.type === "prefault")) s = s._zod.def.innerType;
  return s;
}

function kindOf(id: string, schema: TAnySchema): { kind: TFieldKind; options?: string[] } {
  const inner = unwrap(schema);
  switch (inner._zod.def.type) {
    case "boolean":
      return { kind: "boolean" };
    case "enum":
      return { kind: "enum", options: Object.values(inner._zod.def.entries ?? {}) };
    case "array":
      return { kind: "pairs" };
    default:
      return { kind: id === "tls.pkcs12" ? "file" : MULTILINE.has(id) ? "multiline" : "text" };
  }
}

const OPTIONS = ZAuthConfigInput.options as unknown as Array<{ shape: Record<string, TAnySchema> }>;

/** The zod schema of a sub-protocol's configuration (the same the form and the store use). */
export function schemaOf(subProtocol: TSubProtocol): { shape: Record<string, TAnySchema> } {
  const found = OPTIONS.find((o) => (unwrap(o.shape.subProtocol)._zod.def as { values?: unknown[] }).values?.includes(subProtocol));
  if (!found) throw new Error(`no schema for sub-protocol ${subProtocol}`);
  return found;
}

const TLS_SHAPE = (ZTls as unknown as { shape: Record<string, TAnySchema> }).shape;
const TLS_SECRETS = new Set(["clientKeyPem", "pkcs12", "pkcs12Passphrase"]);

/** The schema that validates one field's value (the same rule as in the configuration form). */
export function fieldSchema(subProtocol: TSubProtocol, id: string): TAnySchema | null {
  if (id.startsWith("tls.")) return TLS_SHAPE[id.slice(4)] ?? null;
  return schemaOf(subProtocol).shape[id] ?? null;
}

const cache = new Map<TSubProtocol, TExtField[]>();

/** Every extensible field of a sub-protocol, in form order: settings, secrets, Test URL, TLS. */
export function extensibleFields(subProtocol: TSubProtocol): TExtField[] {
  const hit = cache.get(subProtocol);
  if (hit) return hit;
  const secretNames = new Set(SECRET_FIELDS[subProtocol].map((f) => f.name));
  const shape = schemaOf(subProtocol).shape;
  const field = (id: string, schema: TAnySchema, encrypted: boolean): TExtField => ({
    id,
    label: LABELS[id] ?? SECRET_FIELDS[subProtocol].find((f) => f.name === id)?.label ?? id,
    encrypted,
    identity: !NOT_IDENTITY.has(id),
    ...(encrypted ? { kind: id === "tls.pkcs12" ? "file" : MULTILINE.has(id) ? "multiline" : "text" } : kindOf(id, schema)),
  });
  const fields: TExtField[] = [];
  for (const [id, schema] of Object.entries(shape)) {
    if (!NOT_SETTINGS.has(id)) fields.push(field(id, schema, secretNames.has(id)));
  }
  fields.push(field("testUrl", shape.testUrl, false));
  for (const [name, schema] of Object.entries(TLS_SHAPE)) fields.push(field(`tls.${name}`, schema, TLS_SECRETS.has(name)));
  cache.set(subProtocol, fields);
  return fields;
}

/** One field of a sub-protocol, or null when it has no such extensible field. */
export function extensibleField(subProtocol: TSubProtocol, id: string): TExtField | null {
  return extensibleFields(subProtocol).find((f) => f.id === id) ?? null;
}

/** How the configuration form names the choices of enum fields. */
const OPTION_LABELS: Record<string, Record<string, string>> = {
  placement: { HEADER: "Header", QUERY: "Query parameter" },
  clientAuth: { BASIC: "HTTP Basic header", BODY: "In the body" },
  "tls.clientCertMode": { NONE: "None", PEM: "PEM certificate and private key", PKCS12: "PKCS#12 file" },
};

/** The label of an enum field's choice (the stored value when it has none). */
export function optionLabel(fieldId: string, value: string): string {
  return OPTION_LABELS[fieldId]?.[value] ?? value;
}
