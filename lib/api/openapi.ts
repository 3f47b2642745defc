// The OpenAPI 3.1 document of /api/v1 (SPEC §8), generated from the route table and the same zod
// schemas that validate the requests (zod 4's toJSONSchema: JSON Schema 2020-12, as OpenAPI 3.1
// uses it); the parts every document shares (Error, bearer token, X-Request-Id). One connector's
// typed document: openapi-connector.ts. Pure.
import { z } from "zod";
import { LIBRARY_FORMAT, ZLibraryFile } from "@/lib/library/schema";
import type { TRoute } from "./context";
import {
  ZAuthConfigsPage,
  ZConnectorDescription,
  ZConnectorsPage,
  ZErrorBody,
  ZLibraryImportRequest,
  ZLibraryImportResponse,
  ZOpenApiDocument,
  ZRunRequest,
  ZRunResponse,
  ZServicesPage,
} from "./schemas";

export const API_VERSION = "1.0.0";

export type TJsonSchema = Record<string, unknown>;
export type TOperation = Record<string, unknown> & { operationId: string; responses: Record<string, unknown> };
export type TOpenApiDocument = {
  openapi: "3.1.0";
  info: { title: string; version: string; description?: string };
  servers: Array<{ url: string; description?: string }>;
  security: Array<Record<string, string[]>>;
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, TOperation>>;
  components: {
    schemas: Record<string, TJsonSchema>;
    securitySchemes: Record<string, unknown>;
    headers: Record<string, unknown>;
  };
};

/** Errors every endpoint may answer (besides the ones a route lists in doc.errors). */
export const ALWAYS_ERRORS = [400, 401, 403, 404, 429] as const;
/** The run's own errors; the run route's doc and each connector's document share them. */
export const RUN_ERRORS = [409, 413, 415, 502, 504];

const ERROR_TEXT: Record<number, string> = {
  400: "The request is not valid (VALIDATION); details.fields names each field at fault",
  401: "No valid API token (UNAUTHENTICATED): send Authorization: Bearer <token>",
  403: "The token's user may not do this (FORBIDDEN)",
  404: "No such endpoint or object (NOT_FOUND)",
  409: "Conflict with the current state (CONFLICT, OAUTH_NOT_CONNECTED or OAUTH_RECONNECT with details.link)",
  413: "The request body is too large (PAYLOAD_TOO_LARGE)",
  415: "Unsupported Content-Type (UNSUPPORTED_MEDIA_TYPE)",
  429: "Too many requests for this token (RATE_LIMITED); retry after Retry-After seconds",
  502: "The upstream gave no answer (DNS_FAILURE, CONNECTION_REFUSED, CONNECTION_FAILED, TLS_FAILURE, OUTBOUND_BLOCKED, OAUTH_ERROR)",
  504: "The upstream did not answer in time (UPSTREAM_TIMEOUT)",
};

const TOKEN_DESCRIPTION =
  "An API token (create one under API tokens): `pb_` followed by 49 base62 characters, matching `pb_[0-9A-Za-z]{49}`. Send it as `Authorization: Bearer <token>`. It acts as its user, with that user's current role.";

const API_DESCRIPTION = [
  "The REST API of Patchbay: discover connectors, services and authentication configurations, run connectors, move the connectors library, manage environments, follow event subscriptions and their deliveries.",
  "",
  "**Authentication.** Every endpoint needs an API token: `Authorization: Bearer <token>` (create one under API tokens in the app). Endpoints marked *admins only* need the token of an admin.",
  "",
  '**Errors** are JSON: `{ "error": { "code", "message", "details"?, "requestId" } }` with a 4xx/5xx status. `requestId` is also in the `X-Request-Id` header of every answer; send your own `X-Request-Id` (1–128 of `A-Z a-z 0-9 . _ : @ -`) to have it used.',
  "",
  "**Paging.** Lists take `limit` (1–200, default 50) and `cursor`, and answer `{ items, nextCursor }`; pass `nextCursor` back as `cursor` until it is null.",
  "",
  "**Unknown fields** in a JSON body or the query string are refused (400), so that a typo never passes silently.",
].join("\n");

// Request and response schemas that get a name under components/schemas (others stay inline).
const NAMED = new Map<z.ZodType, string>([
  [ZRunRequest, "RunRequest"],
  [ZRunResponse, "RunResponse"],
  [ZConnectorsPage, "ConnectorsPage"],
  [ZConnectorDescription, "ConnectorDescription"],
  [ZServicesPage, "ServicesPage"],
  [ZAuthConfigsPage, "AuthConfigsPage"],
  [ZLibraryImportRequest, "LibraryImportRequest"],
  [ZLibraryImportResponse, "LibraryImportResponse"],
  [ZLibraryFile, "LibraryFile"],
  [ZOpenApiDocument, "OpenApiDocument"],
]);

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Collects component schemas while a document is built. */
export class Components {
  readonly schemas: Record<string, TJsonSchema> = {};
  private readonly byZod = { input: new Map<z.ZodType, string>(), output: new Map<z.ZodType, string>() };
  private generated = 0;

  /** A zod schema as JSON Schema 2020-12: a $ref when it has a name (or refers to itself), inline otherwise. */
  schemaOf(schema: z.ZodType, io: "input" | "output"): TJsonSchema {
    const name = NAMED.get(schema);
    if (!name) return this.convert(schema, io, null);
    const known = this.byZod[io].get(schema);
    if (known) return ref(known);
    // The same name asked for in the other direction (input vs output) gets a suffix.
    const unique = this.schemas[name] ? `${name}${io === "input" ? "Input" : "Output"}` : name;
    this.byZod[io].set(schema, unique);
    this.schemas[unique] = {}; // reserved before converting, so that the name is taken
    this.schemas[unique] = this.convert(schema, io, unique);
    return ref(unique);
  }

  /**
   * zod's references are relative to the schema it converts ("#" for the schema itself,
   * "#/$defs/x" for definitions of recursive parts); embedded in the document they would resolve
   * against the document's root, so they are pointed at components/schemas.
   */
  private convert(schema: z.ZodType, io: "input" | "output", name: string | null): TJsonSchema {
    const json = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as TJsonSchema;
    delete json.$schema;
    const defs = isObject(json.$defs) ? json.$defs : {};
    delete json.$defs;
    const target = new Map<string, string>();
    for (const key of Object.keys(defs)) target.set(`#/$defs/${key}`, `Def${++this.generated}_${key.replace(/[^A-Za-z0-9._-]/g, "_")}`);
    const self = refersTo(json, "#") ? (name ?? `Def${++this.generated}`) : null;
    if (self) target.set("#", self);
    if (target.size === 0) return json;
    const rewrite = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(rewrite);
      if (!isObject(v)) return v;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === "$ref" && typeof x === "string" && target.has(x) ? `#/components/schemas/${target.get(x)}` : rewrite(x)]));
    };
    for (const [key, def] of Object.entries(defs)) this.schemas[target.get(`#/$defs/${key}`)!] = rewrite(def) as TJsonSchema;
    const out = rewrite(json) as TJsonSchema;
    if (self && !name) {
      this.schemas[self] = out;
      return ref(self);
    }
    return out;
  }
}

function refersTo(v: unknown, pointer: string): boolean {
  if (Array.isArray(v)) return v.some((x) => refersTo(x, pointer));
  if (!isObject(v)) return false;
  return Object.entries(v).some(([k, x]) => (k === "$ref" ? x === pointer : refersTo(x, pointer)));
}

export function baseDocument(opts: { title: string; version: string; description: string; baseUrl: string }, components: Components): TOpenApiDocument {
  components.schemas.Error = (() => {
    const json = z.toJSONSchema(ZErrorBody, { target: "draft-2020-12", io: "output", unrepresentable: "any" }) as TJsonSchema;
    delete json.$schema;
    return { ...json, description: "Every error answer: a code to act on, a message to show, details (e.g. fields) where useful, and the request id" };
  })();
  return {
    openapi: "3.1.0",
    info: { title: opts.title, version: opts.version, description: opts.description },
    servers: [{ url: `${opts.baseUrl.replace(/\/+$/, "")}/api/v1` }],
    security: [{ bearerAuth: [] }],
    paths: {},
    components: {
      schemas: components.schemas,
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "pb_[0-9A-Za-z]{49}", description: TOKEN_DESCRIPTION } },
      headers: {
        "X-Request-Id": { description: "The request's id, also in error bodies as requestId: the one sent in X-Request-Id when valid, else generated", schema: { type: "string" } },
        "WWW-Authenticate": { description: 'Bearer realm="patchbay"', schema: { type: "string" } },
        "Retry-After": { description: "Seconds to wait before the next request", schema: { type: "integer" } },
      },
    },
  };
}

export const requestIdHeader = { "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" } };

export function errorResponses(extra: readonly number[] = []): Record<string, unknown> {
  const statuses = [...new Set([...ALWAYS_ERRORS, ...extra])].sort((a, b) => a - b);
  const out: Record<string, unknown> = {};
  for (const status of statuses) {
    const headers: Record<string, unknown> = { ...requestIdHeader };
    if (status === 401) headers["WWW-Authenticate"] = { $ref: "#/components/headers/WWW-Authenticate" };
    if (status === 429) headers["Retry-After"] = { $ref: "#/components/headers/Retry-After" };
    out[String(status)] = { description: ERROR_TEXT[status] ?? `Error ${status}`, headers, content: { "application/json": { schema: ref("Error") } } };
  }
  out.default = { description: "Any other error, e.g. 500 INTERNAL (no details; the server log has the request id)", headers: { ...requestIdHeader }, content: { "application/json": { schema: ref("Error") } } };
  return out;
}

/** "GET /connectors/{id}/run" → "getConnectorsByIdRun": unique per method and path. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split("/")
    .filter(Boolean)
    .flatMap((s) => (/^\{\w+\}$/.test(s) ? ["by", s.slice(1, -1)] : s.split(/[^A-Za-z0-9]+/)))
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0].toUpperCase() + w.slice(1)).join("");
}

export function pathParamsOf(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
}

function pathParameters(path: string) {
  const segments = path.split("/").filter(Boolean);
  return pathParamsOf(path).map((name) => {
    const before = segments[segments.indexOf(`{${name}}`) - 1] ?? "";
    const thing = before.replace(/-/g, " ").replace(/s$/, "");
    return { name, in: "path", required: true, description: thing ? `The ${thing}'s ${name}` : name, schema: { type: "string", minLength: 1, maxLength: 200 } };
  });
}

function queryParameters(schema: z.ZodType, components: Components) {
  const json = components.schemaOf(schema, "input");
  const properties = isObject(json.properties) ? json.properties : {};
  const required = Array.isArray(json.required) ? (json.required as string[]) : [];
  return Object.entries(properties).map(([name, raw]) => {
    const { description, ...rest } = isObject(raw) ? raw : {};
    return { name, in: "query", required: required.includes(name), ...(typeof description === "string" ? { description } : {}), schema: rest };
  });
}

function requestBodyOf(route: TRoute, components: Components): Record<string, unknown> | undefined {
  const { doc } = route;
  if (!doc.body) return undefined;
  const body = components.schemaOf(doc.body, "input");
  const content: Record<string, unknown> = { "application/json": { schema: body } };
  if (doc.multipart) {
    content["multipart/form-data"] = {
      schema: {
        type: "object",
        description: doc.multipart,
        properties: { request: { ...body, description: "The JSON request (as for application/json)" } },
        additionalProperties: { type: "string", contentMediaType: "application/octet-stream", format: "binary" },
      },
      encoding: { request: { contentType: "application/json" } },
    };
  }
  // When an empty JSON object is a valid request, the body may be left out.
  return { required: !doc.body.safeParse({}).success, content, ...(doc.multipart ? { description: `JSON, or multipart/form-data: ${doc.multipart}` } : {}) };
}

function operationOf(route: TRoute, components: Components): TOperation {
  const { doc } = route;
  const parameters = [...pathParameters(route.path), ...(route.query ? queryParameters(route.query, components) : [])];
  const requestBody = requestBodyOf(route, components);
  const description = [doc.description, route.role === "ADMIN" ? "*Admins only.*" : ""].filter(Boolean).join("\n\n");
  return {
    operationId: operationIdOf(route.method, route.path),
    summary: doc.summary,
    ...(description ? { description } : {}),
    tags: doc.tags,
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: {
      [String(doc.status ?? 200)]: {
        description: doc.summary,
        headers: { ...requestIdHeader },
        content: { "application/json": { schema: doc.response ? components.schemaOf(doc.response, "output") : {} } },
      },
      ...errorResponses(doc.errors),
    },
  };
}

/** The whole API: every route of the table, with the schemas its handlers validate with. */
export function buildOpenApiDocument(opts: { routes: TRoute[]; baseUrl: string }): TOpenApiDocument {
  const components = new Components();
  const doc = baseDocument({ title: "Patchbay API", version: API_VERSION, description: API_DESCRIPTION, baseUrl: opts.baseUrl }, components);
  const tags = new Set<string>();
  for (const route of opts.routes) {
    (doc.paths[route.path] ??= {})[route.method.toLowerCase()] = operationOf(route, components);
    for (const t of route.doc.tags) tags.add(t);
  }
  doc.tags = [...tags].map((name) => ({ name, ...(TAG_TEXT[name] ? { description: TAG_TEXT[name] } : {}) }));
  return doc;
}

const TAG_TEXT: Record<string, string> = {
  Connectors: "What can be called, how, and the run itself",
  Services: "The third-party APIs connectors belong to",
  Authentication: "Authentication configurations, without secrets",
  Library: `Export and import of the connectors library ("format": "${LIBRARY_FORMAT}")`,
  Events:
    "Event subscriptions (polling and webhook), their events and delivery attempts. Delivery is at-least-once: duplicates of one event share its `webhook-id`; delivery order is not guaranteed",
  Listeners: "Inbound HTTP listeners and the messages they received (each stored before its 202), to pull what arrived",
  OpenAPI: "These documents",
};
