// An example call of POST /api/v1/connectors/{id}/run for one connector: the request body with
// placeholders, and the same as a cURL command. Used by the connector's OpenAPI document (its
// example) and by the "Call from another system" box. Pure: the browser imports it too.
import type { TConnectorDescription } from "@/lib/connectors/queries";
import { runPath } from "@/lib/connectors/call-shape";
import { shellQuote } from "@/lib/http/curl";

/** The parts of a connector description an example needs. */
export type TRunExampleConnector = Pick<TConnectorDescription, "id" | "pathParams" | "queryParams" | "body" | "formParams">;

export type TRunExample = {
  pathParams?: Record<string, string>;
  queryParams?: Record<string, string>;
  body?: unknown;
  formParams?: Record<string, string>;
};

export const TOKEN_PLACEHOLDER = "$PATCHBAY_TOKEN";

const placeholder = (name: string) => `<${name}>`;
// Object.fromEntries: names come from the connector, and "__proto__" must stay an ordinary key.
const record = (entries: Array<[string, string]>) => (entries.length ? Object.fromEntries(entries) : undefined);

export function connectorOpenApiPath(connectorId: string): string {
  return `/api/v1/connectors/${encodeURIComponent(connectorId)}/openapi.json`;
}

/** File Form parameters: they travel as multipart parts, not in the JSON. */
export function fileParams(c: Pick<TRunExampleConnector, "body" | "formParams">): string[] {
  return c.body.type === "FORM" ? c.formParams.filter((f) => f.type === "file").map((f) => f.name) : [];
}

/**
 * The run request with placeholders: every path parameter as "<name>", required query parameters
 * (their default, else "<name>"), the JSON body description as the body, text Form parameters as
 * "<name>". Only the keys the connector uses.
 */
export function runExample(c: TRunExampleConnector): TRunExample {
  const out: TRunExample = {};
  const path = record(c.pathParams.map((n): [string, string] => [n, placeholder(n)]));
  if (path) out.pathParams = path;
  const query = record(c.queryParams.filter((q) => q.required).map((q): [string, string] => [q.name, q.default ?? placeholder(q.name)]));
  if (query) out.queryParams = query;
  if (c.body.type === "JSON" && c.body.description !== null && c.body.description !== undefined) out.body = c.body.description;
  if (c.body.type === "FORM") {
    const form = record(c.formParams.filter((f) => f.type === "text").map((f): [string, string] => [f.name, placeholder(f.name)]));
    if (form) out.formParams = form;
  }
  return out;
}

const safeFileName = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, "_") || "file";

/**
 * The run as one shell command. The token stays a shell variable (double quotes, so the shell
 * expands it); everything else is single-quoted. A Form connector with file parameters is sent as
 * multipart: the JSON goes in a `request` part with --form-string (taken literally: no @, < or ;
 * handling), each file as -F name=@path.
 */
export function runCurl(opts: { connector: TRunExampleConnector; baseUrl: string }): string {
  const { connector, baseUrl } = opts;
  const url = `${baseUrl.replace(/\/+$/, "")}${runPath(connector.id)}`;
  const example = runExample(connector);
  const lines = [`curl -X POST ${shellQuote(url)}`, `-H "Authorization: Bearer ${TOKEN_PLACEHOLDER}"`];
  const files = fileParams(connector);
  if (files.length > 0) {
    lines.push(`--form-string ${shellQuote(`request=${JSON.stringify(example)}`)}`);
    for (const name of files) lines.push(`-F ${shellQuote(`${name}=@/path/to/${safeFileName(name)}`)}`);
  } else {
    lines.push(`-H 'Content-Type: application/json'`, `--data-raw ${shellQuote(JSON.stringify(example, null, 2))}`);
  }
  return lines.join(" \\\n  ");
}
