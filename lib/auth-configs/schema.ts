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
  { value: "OAUTH2", label: "OAuth2" },
] as const;
export type TProtocol = (typeof PROTOCOLS)[number]["value"];

export const SUB_PROTOCOLS = [
  { value: "API_KEY", protocol: "HTTP", label: "API Key" },
  { value: "BASIC", protocol: "HTTP", label: "Basic" },
  { value: "DIGEST", protocol: "HTTP", label: "Digest" },
  { value: "NONE", protocol: "NONE", label: "No Authentication" },
  { value: "AWS_SIGV4", protocol: "AWS", label: "Signature V4" },
  { value: "OAUTH2_AUTH_CODE", protocol: "OAUTH2", label: "Authorization Code" },
  { value: "OAUTH2_CLIENT_CREDENTIALS", protocol: "OAUTH2", label: "Client Credentials" },
  { value: "OAUTH2_PASSWORD", protocol: "OAUTH2", label: "Password" },
  { value: "OAUTH2_SERVICE_ACCOUNT", protocol: "OAUTH2", label: "Service Account" },
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

/** An absolute http(s) URL; the outbound policy checks the rest when it is used. */
const HTTP_URL = /^https?:\/\/[^\s]+$/i;
/** A PEM private key (PKCS#8, or PKCS#1 / SEC1 with the algorithm in the label). */
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

const httpUrl = (what: string) => text(2000).regex(HTTP_URL, `Enter the ${what} (an http:// or https:// URL)`);
const optionalHttpUrl = (message = "Enter an http:// or https:// URL, or leave empty") =>
  text(2000)
    .refine((v) => v === "" || HTTP_URL.test(v), message)
    .default("");

const ZTestUrl = optionalHttpUrl("Enter an http:// or https:// URL");

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
  if (v.clientKeyPem !== "" && !PEM_PRIVATE_KEY.test(v.clientKeyPem)) {
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

// OAuth2 (SPEC §3, §6). Parameters Patchbay sets itself cannot be given as extra parameters.
const RESERVED_AUTH_PARAMS = ["response_type", "client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method"];
const RESERVED_TOKEN_PARAMS = ["grant_type", "code", "redirect_uri", "code_verifier", "client_id", "client_secret", "refresh_token", "assertion", "username", "password"];

const nameValues = (reserved: string[]) =>
  z
    .array(
      z.object({
        name: text(200)
          .min(1, "Enter a name")
          .refine((v) => !reserved.includes(v.toLowerCase()), "Patchbay sets this parameter itself"),
        value: text(2000),
      }),
    )
    .max(30, "At most 30 parameters")
    .default([]);


/** How a token is applied to API requests, and what it asks for: on every OAuth2 sub-protocol. */
const oauthCommon = {
  protocol: z.literal("OAUTH2"),
  scope: text(2000).default(""),
  audience: text(500).default(""),
  headerName: headerName.default("Authorization"),
  prefix: text(100).default("Bearer"),
};

/** The client as the token endpoint knows it. */
const oauthClient = {
  tokenUrl: httpUrl("token URL"),
  clientId: text(500).min(1, "Enter the client ID"),
  clientSecret: secret(),
  /** RFC 6749 §2.3.1: HTTP Basic header, or client_id/client_secret in the form body. */
  clientAuth: z.enum(["BASIC", "BODY"]).default("BASIC"),
  tokenParams: nameValues(RESERVED_TOKEN_PARAMS),
};

export const ZOAuthAuthCode = ZBase.extend({
  ...oauthCommon,
  ...oauthClient,
  subProtocol: z.literal("OAUTH2_AUTH_CODE"),
  authorizationUrl: httpUrl("authorization URL"),
  refreshUrl: optionalHttpUrl(),
  authParams: nameValues(RESERVED_AUTH_PARAMS),
  pkce: z.boolean().default(true),
  sharedCredentials: z.boolean().default(true),
});

export const ZOAuthClientCredentials = ZBase.extend({
  ...oauthCommon,
  ...oauthClient,
  subProtocol: z.literal("OAUTH2_CLIENT_CREDENTIALS"),
});

export const ZOAuthPassword = ZBase.extend({
  ...oauthCommon,
  ...oauthClient,
  subProtocol: z.literal("OAUTH2_PASSWORD"),
  username: text(500).min(1, "Enter the username"),
  password: secret(),
});

/** The parts of a service account's JSON key file that are not secret; private_key is the secret "privateKey". */
export const ZServiceAccountKey = z.object({
  client_email: z.string().trim().min(1, "client_email is missing").max(500),
  private_key: z
    .string()
    .max(MAX_PEM)
    .regex(PEM_PRIVATE_KEY, "private_key is not a PEM private key"),
  private_key_id: z.string().trim().min(1, "private_key_id is missing").max(200),
  token_uri: optionalHttpUrl("token_uri is not an http(s) URL"),
});

export const ZOAuthServiceAccount = ZBase.extend({
  ...oauthCommon,
  subProtocol: z.literal("OAUTH2_SERVICE_ACCOUNT"),
  /** From the key file. */
  clientEmail: text(500).min(1, "Upload the key file"),
  privateKeyId: text(200).default(""),
  keyTokenUri: optionalHttpUrl(),
  privateKey: secret(MAX_PEM).refine((v) => v === "" || PEM_PRIVATE_KEY.test(v), "Not a PEM private key"),
  /** Defaults to the key file's token_uri. */
  tokenUrl: optionalHttpUrl(),
  subject: text(500).default(""),
}).refine((v) => v.tokenUrl !== "" || v.keyTokenUri !== "", {
  path: ["tokenUrl"],
  message: "Enter the token URL (the key file has no token_uri)",
});

export type TOAuth2Input = z.infer<typeof ZOAuthAuthCode> | z.infer<typeof ZOAuthClientCredentials> | z.infer<typeof ZOAuthPassword> | z.infer<typeof ZOAuthServiceAccount>;
export const isOAuth2 = (c: { protocol: string }): c is TOAuth2Input => c.protocol === "OAUTH2";

export const ZAuthConfigInput = z.discriminatedUnion("subProtocol", [
  ZApiKey,
  ZBasic,
  ZDigest,
  ZNone,
  ZAwsSigV4,
  ZOAuthAuthCode,
  ZOAuthClientCredentials,
  ZOAuthPassword,
  ZOAuthServiceAccount,
]);
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
  // A public client (PKCE, no secret) is possible with Authorization Code and Password.
  OAUTH2_AUTH_CODE: [{ name: "clientSecret", label: "Client secret", required: false }],
  OAUTH2_CLIENT_CREDENTIALS: [{ name: "clientSecret", label: "Client secret", required: true }],
  OAUTH2_PASSWORD: [
    { name: "clientSecret", label: "Client secret", required: false },
    { name: "password", label: "Password", required: true },
  ],
  OAUTH2_SERVICE_ACCOUNT: [{ name: "privateKey", label: "Key file", required: true }],
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
