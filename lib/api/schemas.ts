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
  decisions: z.record(z.string().max(500), ZDecision).default({}).describe('Per taken name, keyed "<kind>:<name>" (kind: authConfigs, services, connectors)'),
});

export const ZErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string(),
  }),
});
