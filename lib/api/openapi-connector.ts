// One connector's typed OpenAPI 3.1 document (SPEC §8): its run, POST /connectors/<id>/run, with
// the connector's own path, query, header, body and form parameters and its mapped outputs, built
// from the connector's description (describeConnector). Pure.
import { z } from "zod";
import type { TConnectorDescription } from "@/lib/connectors/queries";
import { baseDocument, Components, errorResponses, isObject, ref, requestIdHeader, RUN_ERRORS, type TJsonSchema, type TOpenApiDocument } from "./openapi";
import { fileParams, runExample } from "./run-example";
import { ZRunResponse } from "./schemas";

/**
 * A JSON Schema inferred from an example value: the type of each property, arrays typed by their
 * first item. Nothing is required (an example does not say) and further properties stay allowed;
 * null and empty arrays say nothing about the type, so they accept anything.
 */
export function schemaFromExample(value: unknown, depth = 0): TJsonSchema {
  if (depth > 32) return {};
  if (typeof value === "string") return { type: "string" };
  if (typeof value === "boolean") return { type: "boolean" };
  if (typeof value === "number") return { type: Number.isInteger(value) ? "integer" : "number" };
  if (Array.isArray(value)) return value.length ? { type: "array", items: schemaFromExample(value[0], depth + 1) } : { type: "array" };
  if (isObject(value)) return { type: "object", properties: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, schemaFromExample(v, depth + 1)])) };
  return {};
}

/** "Get weather (v2)" → "runGetWeatherV2"; "runConnector" when the name has no letters or digits. */
export function connectorOperationId(name: string): string {
  const words = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return words.length ? `run${words.map((w) => w[0].toUpperCase() + w.slice(1)).join("")}` : "runConnector";
}

const oneOrMore = (description?: string): TJsonSchema => ({
  ...(description ? { description } : {}),
  anyOf: [{ type: "string", maxLength: 8000 }, { type: "array", items: { type: "string", maxLength: 8000 }, maxItems: 100 }],
});

function connectorRequestSchema(c: TConnectorDescription): TJsonSchema {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  if (c.pathParams.length) {
    properties.pathParams = {
      type: "object",
      description: "Values of the URL's {name} segments (percent-encoded into the URL)",
      properties: Object.fromEntries(c.pathParams.map((n) => [n, { type: "string", minLength: 1, maxLength: 8000 }])),
      required: c.pathParams,
      additionalProperties: false,
    };
    required.push("pathParams");
  }
  // A defined parameter left out gets its default, so only a required one without a default must be given.
  const mustGive = c.queryParams.filter((q) => q.required && q.default === null).map((q) => q.name);
  properties.queryParams = {
    type: "object",
    description: "Query parameters; an array repeats the name. Defined parameters left out get their default; others may be added",
    properties: Object.fromEntries(
      c.queryParams.map((q) => [q.name, { ...oneOrMore(q.description || undefined), ...(q.default !== null ? { default: q.default } : {}) }]),
    ),
    ...(mustGive.length ? { required: mustGive } : {}),
    additionalProperties: oneOrMore(),
  };
  if (mustGive.length) required.push("queryParams");
  properties.headers = {
    type: "object",
    description: "Header values for this run: the connector's own headers (overriding their configured value) or extra ones",
    properties: Object.fromEntries(c.headers.map((h) => [h.name, { type: "string", maxLength: 8000, ...(h.description ? { description: h.description } : {}) }])),
    additionalProperties: { type: "string", maxLength: 8000 },
  };
  if (c.body.type === "JSON") {
    const d = c.body.description;
    properties.body =
      d === null || d === undefined || typeof d === "string"
        ? { description: `The JSON body: any JSON value (serialized), or a string sent as is${typeof d === "string" && d ? `. The connector describes it as: ${d.slice(0, 2000)}` : ""}` }
        : { ...schemaFromExample(d), description: "The JSON body (a string is sent as is). Typed after the connector's body description, which is the example", examples: [d] };
  }
  const texts = c.body.type === "FORM" ? c.formParams.filter((f) => f.type === "text") : [];
  if (c.body.type === "FORM") {
    properties.formParams = {
      type: "object",
      description: "Text Form parameters; an array repeats the name",
      properties: Object.fromEntries(texts.map((f) => [f.name, oneOrMore(f.description || undefined)])),
      additionalProperties: false,
    };
  }
  return { type: "object", properties, ...(required.length ? { required } : {}), additionalProperties: false };
}

function connectorResponseSchema(c: TConnectorDescription): TJsonSchema {
  const json = z.toJSONSchema(ZRunResponse, { target: "draft-2020-12", io: "output", unrepresentable: "any" }) as TJsonSchema;
  delete json.$schema;
  const properties = { ...(json.properties as Record<string, unknown>) };
  const required = [...((json.required as string[]) ?? [])];
  if (c.outputs.length) {
    properties.outputs = {
      type: "object",
      description: "The response mapping: per output, the one value its JSON path selects, an array when it selects several, null when none",
      properties: Object.fromEntries(c.outputs.map((o) => [o.name, { description: `JSONPath ${o.path}` }])),
      required: c.outputs.map((o) => o.name),
      additionalProperties: false,
    };
    required.push("outputs");
  } else {
    delete properties.outputs;
  }
  return { ...json, properties, required };
}

/**
 * The typed document of one connector: a single operation, POST /connectors/<its id>/run, whose
 * request body has the connector's own path, query, header, body and form parameters and whose
 * answer has its mapped outputs.
 */
export function buildConnectorOpenApiDocument(opts: { connector: TConnectorDescription; baseUrl: string }): TOpenApiDocument {
  const c = opts.connector;
  const components = new Components();
  const facts = [
    `Runs ${c.method} ${c.urlTemplate} (service ${c.service.name || c.service.id}) with the authentication configuration "${c.authConfig.name}" (${c.authConfig.subProtocol || c.authConfig.protocol}), which Patchbay applies.`,
    "An upstream that answers, with any status, is a 200 with that status inside; no answer is a 502 or 504.",
  ];
  const doc = baseDocument(
    {
      title: `${c.name} (Patchbay connector)`,
      version: c.updatedAt,
      description: [c.description, ...facts, `The whole API: GET /api/v1/openapi.json.`].filter(Boolean).join("\n\n"),
      baseUrl: opts.baseUrl,
    },
    components,
  );
  components.schemas.RunRequest = connectorRequestSchema(c);
  components.schemas.RunResponse = connectorResponseSchema(c);
  const example = runExample(c);
  const content: Record<string, unknown> = { "application/json": { schema: ref("RunRequest"), example } };
  const files = fileParams(c).filter((n) => n !== "request");
  if (files.length) {
    const fileDescription = new Map(c.formParams.map((f) => [f.name, f.description]));
    content["multipart/form-data"] = {
      schema: {
        type: "object",
        properties: {
          request: { ...ref("RunRequest"), description: "The JSON request (as for application/json)" },
          ...Object.fromEntries(files.map((n) => [n, { type: "string", contentMediaType: "application/octet-stream", format: "binary", ...(fileDescription.get(n) ? { description: fileDescription.get(n) } : {}) }])),
        },
        additionalProperties: false,
      },
      encoding: { request: { contentType: "application/json" } },
    };
  }
  doc.paths[`/connectors/${encodeURIComponent(c.id)}/run`] = {
    post: {
      operationId: connectorOperationId(c.name),
      summary: `Run ${c.name}`,
      ...(c.description ? { description: c.description } : {}),
      tags: [c.service.name || "Connectors"],
      requestBody: {
        required: c.pathParams.length > 0 || c.queryParams.some((q) => q.required && q.default === null),
        content,
        ...(files.length ? { description: 'JSON, or multipart/form-data with a "request" part holding the JSON and one part per file Form parameter' } : {}),
      },
      responses: {
        "200": { description: "The upstream's answer", headers: { ...requestIdHeader }, content: { "application/json": { schema: ref("RunResponse") } } },
        ...errorResponses(RUN_ERRORS),
      },
    },
  };
  return doc;
}
