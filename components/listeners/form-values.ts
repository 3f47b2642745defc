// The listener form's values: defaults for "Create", the stored ones for "Edit" — secrets never:
// the sender's password, header value and secret and the forward's signature key are write-only,
// only "set" is known.
import { DEFAULT_RETENTION_DAYS, DEFAULT_SIZE_LIMIT, type TListenerFormValues, type TMappingRow } from "@/lib/listeners/schema";
import type { TListenerDetail } from "@/lib/listeners/store";

export const EMPTY_MAPPING: TMappingRow = { from: "query", name: "", to: "query", param: "" };

export const NEW_LISTENER: TListenerFormValues = {
  name: "",
  path: "",
  methods: ["POST"],
  auth: { mode: "NONE", username: "", password: "", headerName: "", headerValue: "", algorithm: "sha256", encoding: "hex", prefix: "", secret: "" },
  sizeLimitBytes: DEFAULT_SIZE_LIMIT,
  target: "STORE",
  callbackUrl: "",
  signingKey: "",
  connectorId: "",
  environmentId: "",
  mapping: [],
  retentionDays: DEFAULT_RETENTION_DAYS,
};

export function formValuesOf(l: TListenerDetail): TListenerFormValues {
  return {
    name: l.name,
    path: l.path,
    methods: [...l.methods],
    auth: {
      mode: l.auth.mode,
      username: l.auth.username,
      password: "",
      headerName: l.auth.headerName,
      headerValue: "",
      algorithm: l.auth.algorithm,
      encoding: l.auth.encoding,
      prefix: l.auth.prefix,
      secret: "",
    },
    sizeLimitBytes: l.sizeLimitBytes,
    target: l.target,
    callbackUrl: l.callbackUrl ?? "",
    signingKey: "",
    connectorId: l.connectorId ?? "",
    environmentId: l.environmentId ?? "",
    mapping: l.mapping.map((m) => ({ ...m })),
    retentionDays: l.retentionDays,
  };
}

/** What the form knows of a stored listener besides its values: secrets only as "set". */
export type TStoredListener = {
  id: string;
  auth: { mode: TListenerDetail["auth"]["mode"]; hasPassword: boolean; hasHeaderValue: boolean; hasSecret: boolean };
  hasSigningKey: boolean;
};

export function storedListenerOf(l: TListenerDetail): TStoredListener {
  return {
    id: l.id,
    auth: { mode: l.auth.mode, hasPassword: l.auth.hasPassword, hasHeaderValue: l.auth.hasHeaderValue, hasSecret: l.auth.hasSecret },
    hasSigningKey: l.hasSigningKey,
  };
}

export type TListenerChoices = {
  connectors: Array<{ id: string; name: string; pathParams: string[] }>;
  environments: Array<{ id: string; name: string }>;
};
