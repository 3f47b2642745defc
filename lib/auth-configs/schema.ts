// Authentication configurations (SPEC §3): one zod schema per sub-protocol in one discriminated
// union, shared by the form (zodResolver) and the server actions. Pure.
//
// Secret fields are write-only: in input, "" or absent means "keep the stored value" (the store
// enforces that required secrets exist). They never appear in anything sent back to a browser.
import { z } from "zod";

export const PROTOCOLS = [
  { value: "HTTP", label: "HTTP" },
  { value: "NONE", label: "No Authentication" },
  { value: "AWS", label: "AWS" },
] as const;
export type TProtocol = (typeof PROTOCOLS)[number]["value"];

export const SUB_PROTOCOLS = [
  { value: "API_KEY", protocol: "HTTP", label: "API Key" },
  { value: "BASIC", protocol: "HTTP", label: "Basic" },
  { value: "DIGEST", protocol: "HTTP", label: "Digest" },
  { value: "NONE", protocol: "NONE", label: "No Authentication" },
  { value: "AWS_SIGV4", protocol: "AWS", label: "Signature V4" },
] as const;
export type TSubProtocol = (typeof SUB_PROTOCOLS)[number]["value"];

export const protocolOf = (sub: TSubProtocol): TProtocol => SUB_PROTOCOLS.find((s) => s.value === sub)!.protocol;
export const subProtocolLabel = (sub: string) => SUB_PROTOCOLS.find((s) => s.value === sub)?.label ?? sub;
export const protocolLabel = (p: string) => PROTOCOLS.find((x) => x.value === p)?.label ?? p;

const MAX_SECRET = 16 * 1024;
const MAX_PEM = 256 * 1024;
/** A write-only input: "" keeps the stored value. */
const secret = (max = MAX_SECRET) => z.string().max(max, `At most ${max} characters`).optional().default("");
const text = (max = 500) => z.string().trim().max(max, `At most ${max} characters`);
const headerName = text(200).regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "Use letters, digits and - only (an HTTP header name)");

const ZTestUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => v === "" || /^https?:\/\/[^\s]+$/i.test(v), "Enter an http:// or https:// URL")
  .default("");

/** Client certificate and trusted server certificate, available on every configuration. */
export const ZTls = z.object({
  clientCertMode: z.enum(["NONE", "PEM", "PKCS12"]).default("NONE"),
  clientCertPem: z.string().max(MAX_PEM).default(""),
  clientKeyPem: secret(MAX_PEM),
  /** base64 of the PKCS#12 file */
  pkcs12: secret(MAX_PEM * 2),
  pkcs12Passphrase: secret(),
  caBundlePem: z
    .string()
    .max(MAX_PEM)
    .refine((v) => v.trim() === "" || v.includes("-----BEGIN CERTIFICATE-----"), "Paste PEM certificates (-----BEGIN CERTIFICATE-----)")
    .default(""),
}).superRefine((v, ctx) => {
  if (v.clientCertMode === "PEM" && !v.clientCertPem.includes("-----BEGIN CERTIFICATE-----")) {
    ctx.addIssue({ code: "custom", path: ["clientCertPem"], message: "Paste the client certificate in PEM form (-----BEGIN CERTIFICATE-----)" });
  }
  if (v.clientKeyPem !== "" && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(v.clientKeyPem)) {
    ctx.addIssue({ code: "custom", path: ["clientKeyPem"], message: "Paste the private key in PEM form (-----BEGIN PRIVATE KEY-----)" });
  }
});

const ZBase = z.object({
  name: text(120).min(1, "Enter a name"),
  /** Stored optional secrets to remove on save ("sessionToken", "tls.pkcs12Passphrase"): blank means keep. */
  clearSecrets: z.array(z.string().max(64)).max(10).default([]),
  testUrl: ZTestUrl,
  tls: ZTls.default({ clientCertMode: "NONE", clientCertPem: "", clientKeyPem: "", pkcs12: "", pkcs12Passphrase: "", caBundlePem: "" }),
});

export const ZApiKey = ZBase.extend({
  protocol: z.literal("HTTP"),
  subProtocol: z.literal("API_KEY"),
  headerName: headerName.default("Authorization"),
  prefix: text(100).default("Bearer"),
  apiKey: secret(),
  placement: z.enum(["HEADER", "QUERY"]).default("HEADER"),
  queryParamName: text(200).default(""),
}).refine((v) => v.placement !== "QUERY" || v.queryParamName !== "", {
  path: ["queryParamName"],
  message: "Enter the query parameter name",
});

export const ZBasic = ZBase.extend({
  protocol: z.literal("HTTP"),
  subProtocol: z.literal("BASIC"),
  username: text(500).min(1, "Enter the username").refine((v) => !v.includes(":"), "A Basic username cannot contain ':'"),
  password: secret(),
  preemptive: z.boolean().default(true),
});

export const ZDigest = ZBase.extend({
  protocol: z.literal("HTTP"),
  subProtocol: z.literal("DIGEST"),
  username: text(500).min(1, "Enter the username"),
  password: secret(),
});

export const ZNone = ZBase.extend({
  protocol: z.literal("NONE"),
  subProtocol: z.literal("NONE"),
});

export const ZAwsSigV4 = ZBase.extend({
  protocol: z.literal("AWS"),
  subProtocol: z.literal("AWS_SIGV4"),
  accessKeyId: text(128).min(1, "Enter the access key ID"),
  secretAccessKey: secret(),
  sessionToken: secret(),
  service: text(64).regex(/^[a-z0-9-]+$/, "Use lower-case letters, digits and - (e.g. execute-api)"),
  region: text(64).regex(/^[a-z0-9-]+$/, "Use lower-case letters, digits and - (e.g. eu-west-1)"),
});

export const ZAuthConfigInput = z.discriminatedUnion("subProtocol", [ZApiKey, ZBasic, ZDigest, ZNone, ZAwsSigV4]);
export type TAuthConfigInput = z.infer<typeof ZAuthConfigInput>;
export type TTlsInput = z.infer<typeof ZTls>;

/** Secret fields per sub-protocol, and which of them must exist once saved. */
export const SECRET_FIELDS: Record<TSubProtocol, { name: string; label: string; required: boolean }[]> = {
  API_KEY: [{ name: "apiKey", label: "API key", required: true }],
  BASIC: [{ name: "password", label: "Password", required: true }],
  DIGEST: [{ name: "password", label: "Password", required: true }],
  NONE: [],
  AWS_SIGV4: [
    { name: "secretAccessKey", label: "Secret access key", required: true },
    { name: "sessionToken", label: "Session token", required: false },
  ],
};

/** TLS secrets, stored as "tls.<name>"; required ones depend on the client certificate mode. */
export const TLS_SECRET_FIELDS = [
  { name: "clientKeyPem", label: "Private key (PEM)", mode: "PEM" },
  { name: "pkcs12", label: "PKCS#12 file", mode: "PKCS12" },
  { name: "pkcs12Passphrase", label: "Passphrase", mode: "PKCS12" },
] as const;

/** The stored, non-secret settings of an input (everything but name, testUrl, tls and secrets). */
export function settingsOf(input: TAuthConfigInput): Record<string, unknown> {
  const secretNames = new Set(SECRET_FIELDS[input.subProtocol].map((f) => f.name));
  const omit = new Set(["name", "testUrl", "tls", "protocol", "subProtocol", "clearSecrets", ...secretNames]);
  const settings = Object.fromEntries(Object.entries(input).filter(([k]) => !omit.has(k)));
  return { ...settings, tls: { clientCertMode: input.tls.clientCertMode, clientCertPem: input.tls.clientCertPem, caBundlePem: input.tls.caBundlePem } };
}

/** Secret values present in an input (non-blank), keyed as stored: "apiKey", "tls.clientKeyPem". */
export function secretsOf(input: TAuthConfigInput): Record<string, string> {
  const out: Record<string, string> = {};
  const values = input as unknown as Record<string, unknown>;
  for (const f of SECRET_FIELDS[input.subProtocol]) {
    const v = values[f.name];
    if (typeof v === "string" && v !== "") out[f.name] = v;
  }
  for (const f of TLS_SECRET_FIELDS) {
    const v = input.tls[f.name];
    if (v !== "" && f.mode === input.tls.clientCertMode) out[`tls.${f.name}`] = v;
  }
  return out;
}

/** Stored secret keys that an input needs (required ones, for its sub-protocol and TLS mode). */
export function requiredSecretsOf(input: TAuthConfigInput): { key: string; path: string; label: string }[] {
  const out = SECRET_FIELDS[input.subProtocol].filter((f) => f.required).map((f) => ({ key: f.name, path: f.name, label: f.label }));
  for (const f of TLS_SECRET_FIELDS) {
    // The passphrase may legitimately be empty; the key and the bundle may not.
    if (f.mode === input.tls.clientCertMode && f.name !== "pkcs12Passphrase") out.push({ key: `tls.${f.name}`, path: `tls.${f.name}`, label: f.label });
  }
  return out;
}

/** Stored secret keys an input may keep (others are dropped, e.g. after a sub-protocol change). */
export function allowedSecretsOf(input: TAuthConfigInput): Set<string> {
  return new Set([
    ...SECRET_FIELDS[input.subProtocol].map((f) => f.name),
    ...TLS_SECRET_FIELDS.filter((f) => f.mode === input.tls.clientCertMode).map((f) => `tls.${f.name}`),
  ]);
}
