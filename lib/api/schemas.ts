// Request and response shapes of /api/v1 (SPEC §8). The endpoints validate with these and the
// OpenAPI document (lib/api/openapi.ts) is generated from them. Pure.
// Unknown fields in a JSON body or query string are refused (400 VALIDATION), so that a typo never
// passes silently (README, "REST API").
import { z } from "zod";
import { ZLimit } from "./paging";

export const ZPageQuery = z.strictObject({
  limit: ZLimit.describe("Page size, 1–200 (default 50)"),
  cursor: z.string().max(2000).optional().describe("The nextCursor of the previous page"),
});

export const ZConnectorsQuery = ZPageQuery.extend({
  q: z.string().trim().max(200).optional().describe("Search in name, description, method and service name"),
  serviceId: z.string().max(100).optional().describe("Only this service's connectors"),
});

export const ZLibraryExportQuery = z.strictObject({
  ids: z.string().max(200_000).optional().describe("Comma-separated connector ids; all connectors when absent"),
});

const value = z.string().max(8000);
const name = z.string().min(1).max(200);
const oneOrMany = z.union([value, z.array(value).max(100)]);

export const ZRunRequest = z
  .strictObject({
    environment: z.string().min(1).max(200).optional().describe("The environment to run in, by id or name: its overrides and {{VAR}} variables apply. Omitted: the defaults (no environment). Unknown: 400"),
    pathParams: z.record(name, value).optional().describe("Values of the URL's {name} segments"),
    queryParams: z.record(name, oneOrMany).optional().describe("Query parameters; an array repeats the name. Defined parameters left out get their default"),
    headers: z.record(name, value).optional().describe("Header values for this run: the connector's own headers or extra ones"),
    body: z.unknown().optional().describe("For Body type JSON: any JSON value (serialized), or a string sent as is"),
    formParams: z.record(name, z.union([z.string().max(1024 * 1024), z.array(z.string().max(1024 * 1024)).max(100)])).optional().describe("Text Form parameters; files travel as multipart parts"),
  })
  .describe("The inputs of one run. As JSON, or as multipart/form-data with a `request` part holding this JSON and one part per file Form parameter");
export type TRunRequest = z.infer<typeof ZRunRequest>;

export const ZRunResponse = z.object({
  status: z.number().int().describe("The upstream's status code"),
  statusText: z.string(),
  headers: z.record(z.string(), z.string()).describe("Response headers, lower-case names; repeated ones joined with \", \""),
  body: z.unknown().describe("Parsed JSON (bodyEncoding json), UTF-8 text (utf8) or base64 (base64)"),
  bodyEncoding: z.enum(["json", "utf8", "base64"]),
  durationMs: z.number().int().describe("Time of the upstream exchange"),
  truncated: z.boolean().describe("The body was cut at 10 MB"),
  outputs: z.record(z.string(), z.unknown()).optional().describe("With a response mapping: per output, the one value its JSON path selects, an array when it selects several, null when none"),
});
export type TRunResponse = z.infer<typeof ZRunResponse>;

const ZDecision = z.discriminatedUnion("action", [z.strictObject({ action: z.literal("skip") }), z.strictObject({ action: z.literal("rename"), name: z.string().min(1).max(500) })]);

export const ZLibraryImportRequest = z.strictObject({
  mode: z.enum(["preview", "import"]).default("preview").describe("preview: what would be created and which names are taken; import: create everything in one transaction"),
  file: z.unknown().describe("A Patchbay connectors library (GET /api/v1/library)"),
  decisions: z.record(z.string().max(500), ZDecision).default({}).describe('Per taken name, keyed "<kind>:<name>" (kind: authConfigs, services, connectors, environments)'),
});

export const ZErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string(),
  }),
});

// ---- Responses of the discovery and library endpoints (documentation: the handlers build these
// bodies in lib/<domain>; lib/api/openapi.test.ts checks real answers against them).

const isoDate = z.iso.datetime({ offset: true }).describe("ISO 8601 date and time");

/** A page of a list: `nextCursor` is null on the last page (pass it back as `cursor`). */
const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe("Pass as cursor to get the next page; null on the last page"),
  });

export const ZConnectorSummary = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  method: z.enum(["GET", "POST", "PUT", "DELETE", "PATCH"]),
  urlTemplate: z.string().describe("The upstream URL with {name} path parameters and {{VAR}} environment variables"),
  service: z.object({ id: z.string(), name: z.string() }),
  createdAt: isoDate,
  updatedAt: isoDate,
});

export const ZConnectorsPage = pageOf(ZConnectorSummary);

export const ZConnectorDescription = ZConnectorSummary.extend({
  authConfig: z
    .object({ id: z.string(), name: z.string(), protocol: z.string(), subProtocol: z.string(), fromService: z.boolean().describe("The service's configuration (the connector sets none of its own)") })
    .describe("The authentication configuration the connector runs with; applied by Patchbay"),
  timeoutMs: z.number().int(),
  pathParams: z.array(z.string()).describe("Names of the URL's {name} segments: all required in pathParams"),
  queryParams: z.array(z.object({ name: z.string(), description: z.string(), required: z.boolean(), default: z.string().nullable() })),
  headers: z.array(z.object({ name: z.string(), description: z.string() })).describe("The connector's headers by name; values are not shown (they may carry credentials)"),
  body: z.object({
    type: z.enum(["NONE", "JSON", "FORM"]),
    description: z.unknown().describe("For JSON: the body description (an example), parsed when it is JSON; otherwise null"),
  }),
  formParams: z.array(z.object({ name: z.string(), type: z.enum(["text", "file"]), description: z.string() })),
  outputs: z.array(z.object({ name: z.string(), path: z.string().describe("RFC 9535 JSONPath into the response body") })).describe("The response mapping: run answers carry outputs with these names"),
  run: z.object({ method: z.literal("POST"), path: z.string() }).describe("Where to run it"),
});

export const ZServiceSummary = z.object({
  id: z.string(),
  name: z.string(),
  productName: z.string(),
  productVersion: z.string(),
  apiVersion: z.string(),
  hasLogo: z.boolean(),
  authConfig: z.object({ id: z.string(), name: z.string() }),
  connectors: z.number().int().describe("How many connectors use the service"),
  createdAt: isoDate,
  updatedAt: isoDate,
});

export const ZServicesPage = pageOf(ZServiceSummary);

export const ZAuthConfigSummary = z.object({
  id: z.string(),
  name: z.string(),
  protocol: z.string(),
  subProtocol: z.string(),
  testUrl: z.string().nullable(),
  settings: z.record(z.string(), z.unknown()).describe("Non-secret settings of the sub-protocol"),
  secrets: z.record(z.string(), z.enum(["set", "not set"])).describe("Each secret field only as set / not set, never a value"),
  needsReconnect: z.boolean(),
  needsReconnectReason: z.string().nullable(),
  lastTest: z.object({ at: isoDate, ok: z.boolean(), message: z.string() }).nullable(),
  usedBy: z.object({ services: z.array(z.string()), connectors: z.array(z.string()) }),
});

export const ZAuthConfigsPage = pageOf(ZAuthConfigSummary);

const libraryKind = z.enum(["authConfigs", "services", "connectors", "environments"]);

export const ZLibraryImportResponse = z.discriminatedUnion("mode", [
  z.object({
    mode: z.literal("preview"),
    items: z.array(z.object({ kind: libraryKind, name: z.string(), conflict: z.boolean().describe("The name is taken: import needs a decision"), detail: z.string() })),
    needSecrets: z.array(z.string()).describe("Configurations whose secrets must be entered after the import"),
  }),
  z.object({
    mode: z.literal("import"),
    created: z.object({ authConfigs: z.number().int(), services: z.number().int(), connectors: z.number().int(), environments: z.number().int() }),
    skipped: z.number().int(),
    needSecrets: z.array(z.string()).describe("Configurations whose secrets must be entered now"),
    needsValue: z
      .array(z.object({ environment: z.string(), items: z.array(z.string()) }))
      .describe('Per imported environment, what still needs a value: "<configuration>: <field label>" for secret overrides (and custom properties with encrypted pairs), "variable NAME" for secret variables'),
  }),
]);

/** The generated OpenAPI documents, in outline (their full structure is OpenAPI 3.1's). */
export const ZOpenApiDocument = z.looseObject({
  openapi: z.literal("3.1.0"),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});
