// The connectors library file (SPEC §5.1): services, connectors and the authentication
// configurations they use, referenced by name, without any secret. Pure: the Import dialog, the
// import itself and (later) POST /api/v1/library validate with the same code.
import { z } from "zod";
import { settingsOf, ZAuthConfigInput, type TAuthConfigInput } from "@/lib/auth-configs/schema";
import { ZConnectorInput, type TConnectorInput } from "@/lib/connectors/schema";
import { fieldErrorsOf } from "@/lib/actions/field-errors";
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

export const ZLibraryFile = z.object({
  format: z.literal(LIBRARY_FORMAT, { error: `Not a Patchbay connectors library (expected "format": "${LIBRARY_FORMAT}")` }),
  version: z.literal(LIBRARY_VERSION, { error: (iss) => `This file is version ${JSON.stringify(iss.input)}; this Patchbay reads version ${LIBRARY_VERSION}` }),
  exportedAt: z.string().max(40).optional(),
  authConfigs: z.array(ZLibAuthConfig).max(1000).default([]),
  services: z.array(ZLibService).max(1000).default([]),
  connectors: z.array(ZLibConnector).max(10_000).default([]),
});
export type TLibraryFile = z.infer<typeof ZLibraryFile>;
type TLibAuthConfig = z.infer<typeof ZLibAuthConfig>;

/** What an import creates, each item checked with the same schema as its form. */
export type TCheckedLibrary = {
  authConfigs: Array<{ name: string; input: TAuthConfigInput }>;
  services: Array<{ name: string; authConfig: string; productName: string; productVersion: string; apiVersion: string; logo: { bytes: Buffer; contentType: string } | null }>;
  connectors: Array<{ name: string; service: string; authConfig: string | null; input: Omit<TConnectorInput, "serviceId" | "authConfigId"> }>;
};

export type TKind = "authConfigs" | "services" | "connectors";

/** The exported form of a configuration: settingsOf() already holds no secret. */
export function libAuthConfigOf(input: TAuthConfigInput): TLibAuthConfig {
  return { name: input.name, protocol: input.protocol, subProtocol: input.subProtocol, testUrl: input.testUrl, settings: settingsOf(input) };
}

function prefixErrors(errors: Record<string, string[]>, prefix: string, into: Record<string, string[]>): void {
  for (const [k, v] of Object.entries(errors)) (into[`${prefix}.${k}`] ??= []).push(...v);
}

/**
 * Parses and checks a library file. `existing` names what the database already has, so that a
 * reference to a configuration or service missing from the file can still be satisfied.
 * Throws one VALIDATION AppError listing every problem with its place in the file.
 */
export function checkLibrary(raw: unknown, existing: { authConfigs: Set<string>; services: Set<string> }): TCheckedLibrary {
  const parsed = ZLibraryFile.safeParse(raw);
  if (!parsed.success) {
    const fields = fieldErrorsOf(parsed.error);
    const [first] = Object.entries(fields);
    throw new AppError("VALIDATION", `The file is not a valid library: ${first[0] === "_form" ? "" : `${first[0]}: `}${first[1][0]}`, fields);
  }
  const file = parsed.data;
  const errors: Record<string, string[]> = {};
  const out: TCheckedLibrary = { authConfigs: [], services: [], connectors: [] };
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
  const problems = Object.entries(errors);
  if (problems.length) {
    throw new AppError("VALIDATION", `The file cannot be imported: ${firstProblem(problems.map(([at, m]) => `${at}: ${m[0]}`))}`, errors);
  }
  return out;
}
