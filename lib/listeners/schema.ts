// Inbound HTTP listeners (SPEC §10, issue 13): the zod schemas shared by the form and the server.
// Pure and light (the listener form loads it): what needs the database — path clashes, that the
// connector and environment exist — or node:crypto — a whsec_ key's decoded length
// (isValidSigningKey) — is checked on the server and comes back as field errors with the same keys
// ("auth.secret", "mapping.0.name").
import { z } from "zod";
import { isToken } from "@/lib/auth-configs/strategies/shared";
import { normalizeListenerPath } from "./path";

export const LISTENER_METHODS = ["POST", "PUT", "PATCH", "GET", "DELETE"] as const;
export type TListenerMethod = (typeof LISTENER_METHODS)[number];

export const SENDER_AUTH_MODES = ["NONE", "BASIC", "SHARED_SECRET", "HMAC", "STANDARD_WEBHOOKS"] as const;
export type TSenderAuthMode = (typeof SENDER_AUTH_MODES)[number];
export const SENDER_AUTH_LABELS: Record<TSenderAuthMode, string> = {
  NONE: "None",
  BASIC: "Basic",
  SHARED_SECRET: "Shared secret header",
  HMAC: "HMAC signature",
  STANDARD_WEBHOOKS: "Standard Webhooks",
};

export const LISTENER_TARGETS = ["STORE", "FORWARD", "CONNECTOR"] as const;
export type TListenerTarget = (typeof LISTENER_TARGETS)[number];
export const LISTENER_TARGET_LABELS: Record<TListenerTarget, string> = {
  STORE: "Store only",
  FORWARD: "Forward to a callback URL",
  CONNECTOR: "Run a connector",
};

export const HMAC_ALGORITHMS = ["sha256", "sha1"] as const;
export type THmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];
export const HMAC_ALGORITHM_LABELS: Record<THmacAlgorithm, string> = { sha256: "SHA-256", sha1: "SHA-1" };
export const HMAC_ENCODINGS = ["hex", "base64"] as const;
export type THmacEncoding = (typeof HMAC_ENCODINGS)[number];

export const DEFAULT_SIZE_LIMIT = 1_048_576;
export const MAX_SIZE_LIMIT = 10_485_760;
export const DEFAULT_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 3650;
export const MAX_MAPPINGS = 50;

// Shape only: the decoded length (24..64 bytes) needs Buffer, so the server checks it with isValidSigningKey.
const WHSEC_SHAPE = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
const LINE_BREAK = /[\r\n\0]/;

const text = (max: number) => z.string().trim().max(max, `At most ${max} characters`).default("");
const headerName = text(100).refine((v) => v === "" || isToken(v), "Use letters, digits and - (an HTTP header name)");
// Secrets are write-only: "" keeps the stored one (see missingAuthSecrets). Passwords and keys are
// not trimmed (a space may belong to them); a header value is, as HTTP drops the spaces around it.
const secret = (max: number, trim = false) =>
  (trim ? z.string().trim() : z.string()).max(max, `At most ${max} characters`).refine((v) => !LINE_BREAK.test(v), "Line breaks are not allowed").default("");

function callbackUrlProblem(value: string): string | null {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return "Enter an absolute URL, like https://example.com/hooks/orders";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return "Use an http or https URL";
  if (u.username || u.password) return "Remove the credentials from the URL";
  return null;
}

export const ZSenderAuthInput = z
  .object({
    mode: z.enum(SENDER_AUTH_MODES).default("NONE"),
    username: text(200).refine((v) => !v.includes(":"), "Remove the colon: Basic authentication cannot carry one in the username"),
    password: secret(500),
    headerName,
    headerValue: secret(2000, true),
    algorithm: z.enum(HMAC_ALGORITHMS).default("sha256"),
    encoding: z.enum(HMAC_ENCODINGS).default("hex"),
    /** Exact text before the signature, such as "sha256="; "" = none. */
    prefix: text(50),
    secret: secret(500),
  })
  .superRefine((a, ctx) => {
    const need = (field: string, message: string) => ctx.addIssue({ code: "custom", path: [field], message });
    if (a.mode === "BASIC" && !a.username) need("username", "Enter the username");
    if ((a.mode === "SHARED_SECRET" || a.mode === "HMAC") && !a.headerName) need("headerName", "Enter the header name");
    if (a.mode === "STANDARD_WEBHOOKS" && a.secret && !WHSEC_SHAPE.test(a.secret)) need("secret", "Enter a Standard Webhooks secret: whsec_ followed by base64");
  });
export type TSenderAuthInput = z.infer<typeof ZSenderAuthInput>;

export const ZMappingRow = z.object({
  from: z.enum(["query", "header"]),
  name: z.string().trim().min(1, "Enter the name").max(200, "At most 200 characters"),
  to: z.enum(["path", "query"]),
  param: z.string().trim().min(1, "Enter the connector's parameter").max(200, "At most 200 characters"),
});
export type TMappingRow = z.infer<typeof ZMappingRow>;

export const ZListenerInput = z
  .object({
    name: z.string().trim().min(1, "Enter a name").max(100, "At most 100 characters"),
    /** Stored normalised: no leading or trailing "/", no pasted "api/hooks/". */
    path: z.string().transform((v, ctx) => {
      const p = normalizeListenerPath(v);
      if (typeof p === "string") return p;
      ctx.addIssue({ code: "custom", message: p.error });
      return z.NEVER;
    }),
    methods: z
      .array(z.enum(LISTENER_METHODS, { message: "Choose POST, PUT, PATCH, GET or DELETE" }))
      .min(1, "Choose at least one method")
      .default(["POST"])
      .transform((m) => [...new Set(m)]),
    auth: ZSenderAuthInput.prefault({}),
    sizeLimitBytes: z.coerce
      .number({ message: "Enter a size in bytes" })
      .int("Whole bytes")
      .min(1, "At least 1 byte")
      .max(MAX_SIZE_LIMIT, `At most 10 MB (${MAX_SIZE_LIMIT} bytes)`)
      .default(DEFAULT_SIZE_LIMIT),
    target: z.enum(LISTENER_TARGETS, { message: "Choose what happens to each message" }).default("STORE"),
    callbackUrl: text(2000),
    /** Write-only, for the FORWARD target: "" keeps the stored key (none on create). */
    signingKey: z.string().trim().max(200).refine((v) => v === "" || WHSEC_SHAPE.test(v), "Enter a key like whsec_… (use Generate)").default(""),
    connectorId: text(100),
    /** "" = the configuration's defaults. */
    environmentId: text(100),
    mapping: z.array(ZMappingRow).max(MAX_MAPPINGS, `At most ${MAX_MAPPINGS} mappings`).default([]),
    retentionDays: z.coerce
      .number({ message: "Enter a number of days" })
      .int("Whole days")
      .min(1, "At least 1 day")
      .max(MAX_RETENTION_DAYS, `At most ${MAX_RETENTION_DAYS} days`)
      .default(DEFAULT_RETENTION_DAYS),
  })
  .superRefine((v, ctx) => {
    if (v.target === "FORWARD") {
      const problem = v.callbackUrl ? callbackUrlProblem(v.callbackUrl) : "Enter the callback URL";
      if (problem) ctx.addIssue({ code: "custom", path: ["callbackUrl"], message: problem });
    }
    if (v.target === "CONNECTOR" && !v.connectorId) ctx.addIssue({ code: "custom", path: ["connectorId"], message: "Choose a connector" });
    const pathParams = new Set<string>();
    v.mapping.forEach((m, i) => {
      if (m.from === "header" && m.name && !isToken(m.name)) ctx.addIssue({ code: "custom", path: ["mapping", i, "name"], message: "Use letters, digits and - (an HTTP header name)" });
      // A path parameter holds one value; two sources for it would make the winner arbitrary.
      if (m.to === "path" && m.param) {
        if (pathParams.has(m.param)) ctx.addIssue({ code: "custom", path: ["mapping", i, "param"], message: `${m.param} is mapped twice` });
        pathParams.add(m.param);
      }
    });
  });
export type TListenerInput = z.infer<typeof ZListenerInput>;
export type TListenerFormValues = z.input<typeof ZListenerInput>;

export type TStoredSecrets = { hasPassword: boolean; hasHeaderValue: boolean; hasSecret: boolean };

/**
 * The secrets the chosen sender authentication needs that are neither entered nor stored (on
 * create nothing is stored), as field errors keyed like the form ("auth.password").
 */
export function missingAuthSecrets(input: Pick<TListenerInput, "auth">, stored: TStoredSecrets): Array<{ field: string; message: string }> {
  const { auth } = input;
  switch (auth.mode) {
    case "NONE":
      return [];
    case "BASIC":
      return auth.password || stored.hasPassword ? [] : [{ field: "auth.password", message: "Enter the password" }];
    case "SHARED_SECRET":
      return auth.headerValue || stored.hasHeaderValue ? [] : [{ field: "auth.headerValue", message: "Enter the header value the sender must send" }];
    case "HMAC":
    case "STANDARD_WEBHOOKS":
      return auth.secret || stored.hasSecret ? [] : [{ field: "auth.secret", message: "Enter the secret the sender signs with" }];
  }
}
