// The OpenAPI 3.1 documents: the whole API in structure (every route, every $ref resolves, path
// parameters declared, the error responses), one connector's typed run built from a
// describeConnector-shaped input (pure, no database), the example request and its cURL, and both
// documents through the real handler with a temp database. No independent OpenAPI validator is
// installed, so the structure is checked here against the OpenAPI 3.1 object definitions.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { z } from "zod";
import type { TConnectorDescription } from "@/lib/connectors/queries";
import type { TDb } from "@/lib/db";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import type { TRoute } from "./context";
import { buildOpenApiDocument, operationIdOf, type TOpenApiDocument } from "./openapi";
import { buildConnectorOpenApiDocument, connectorOperationId, schemaFromExample } from "./openapi-connector";
import { runCurl, runExample } from "./run-example";
import { ZRunRequest } from "./schemas";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- generated JSON, asserted field by field
type TJson = any;

const BASE = "https://patchbay.example.test";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const OPERATION_KEYS = new Set(["tags", "summary", "description", "externalDocs", "operationId", "parameters", "requestBody", "responses", "callbacks", "deprecated", "security", "servers"]);
const JSON_TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);

/** The value at a JSON pointer of `doc` ("#/components/schemas/Error"), or undefined. */
function resolve(doc: unknown, pointer: string): unknown {
  if (!pointer.startsWith("#/")) return undefined;
  let at: TJson = doc;
  for (const raw of pointer.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (at === null || typeof at !== "object" || !Object.hasOwn(at, key)) return undefined;
    at = at[key];
  }
  return at;
}

function walk(v: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(v)) return v.forEach((x) => walk(x, visit));
  if (v === null || typeof v !== "object") return;
  for (const [k, x] of Object.entries(v)) {
    visit(k, x);
    walk(x, visit);
  }
}

/** The shapes of the JSON Schema 2020-12 keywords the generators use, recursively. */
function assertSchema(schema: unknown, at: string): void {
  if (typeof schema === "boolean") return;
  assert.ok(schema !== null && typeof schema === "object" && !Array.isArray(schema), `${at} is a schema`);
  const s = schema as TJson;
  assert.equal(s.$defs, undefined, `${at}: definitions are hoisted to components/schemas`);
  assert.equal(s.nullable, undefined, `${at}: OpenAPI 3.0's nullable is not JSON Schema 2020-12`);
  assert.equal(s.$schema, undefined, `${at}: no $schema inside the document`);
  if (s.type !== undefined) for (const t of [s.type].flat()) assert.ok(JSON_TYPES.has(t), `${at}: type ${String(t)}`);
  if (s.required !== undefined) assert.ok(Array.isArray(s.required) && s.required.every((r: unknown) => typeof r === "string"), `${at}: required`);
  if (s.enum !== undefined) assert.ok(Array.isArray(s.enum), `${at}: enum`);
  if (s.examples !== undefined) assert.ok(Array.isArray(s.examples), `${at}: examples is an array in 2020-12`);
  if (s.properties !== undefined) for (const [k, v] of Object.entries(s.properties)) assertSchema(v, `${at}.properties.${k}`);
  for (const k of ["items", "additionalProperties", "propertyNames", "not", "contains"]) if (s[k] !== undefined) assertSchema(s[k], `${at}.${k}`);
  for (const k of ["anyOf", "oneOf", "allOf", "prefixItems"]) {
    if (s[k] === undefined) continue;
    assert.ok(Array.isArray(s[k]) && s[k].length > 0, `${at}.${k}`);
    s[k].forEach((x: unknown, i: number) => assertSchema(x, `${at}.${k}[${i}]`));
  }
}

const isErrorRef = (response: TJson) => response?.content?.["application/json"]?.schema?.$ref === "#/components/schemas/Error";

/** The checks every generated document must pass: OpenAPI 3.1's required fields and shapes. */
function assertValidDocument(doc: TOpenApiDocument) {
  assert.deepEqual(JSON.parse(JSON.stringify(doc)), doc, "plain JSON (nothing undefined, no functions)");
  assert.equal(doc.openapi, "3.1.0");
  assert.equal(typeof doc.info.title, "string");
  assert.equal(typeof doc.info.version, "string");
  assert.equal(doc.servers[0].url, `${BASE}/api/v1`);
  assert.deepEqual(doc.security, [{ bearerAuth: [] }]);
  const scheme = doc.components.securitySchemes.bearerAuth as TJson;
  assert.deepEqual([scheme.type, scheme.scheme], ["http", "bearer"]);
  assert.match(scheme.description, /pb_\[0-9A-Za-z\]\{49\}/);
  assert.ok(doc.components.schemas.Error, "the shared Error schema");

  let refs = 0;
  walk(doc, (key, value) => {
    if (key !== "$ref") return;
    refs++;
    assert.equal(typeof value, "string");
    assert.notEqual(resolve(doc, value as string), undefined, `unresolved $ref ${String(value)}`);
  });
  assert.ok(refs > 0);
  for (const [name, schema] of Object.entries(doc.components.schemas)) assertSchema(schema, name);

  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    assert.match(path, /^\//);
    const declared = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const [method, op] of Object.entries(item) as Array<[string, TJson]>) {
      assert.ok(METHODS.includes(method), `${method} ${path}`);
      for (const k of Object.keys(op)) assert.ok(OPERATION_KEYS.has(k) || k.startsWith("x-"), `unknown operation field ${k}`);
      assert.equal(typeof op.operationId, "string");
      assert.ok(!operationIds.has(op.operationId), `duplicate operationId ${op.operationId}`);
      operationIds.add(op.operationId);
      const params: TJson[] = op.parameters ?? [];
      for (const p of params) {
        assert.ok(["query", "header", "path", "cookie"].includes(p.in), `${p.name} in ${p.in}`);
        assertSchema(p.schema, `${method} ${path} parameter ${p.name}`);
      }
      const inPath = params.filter((p) => p.in === "path");
      assert.deepEqual(inPath.map((p) => p.name).sort(), [...declared].sort(), `${method} ${path}: every {x} declared, nothing else`);
      assert.ok(inPath.every((p) => p.required === true), "path parameters are required");
      if (op.requestBody) {
        assert.ok(Object.keys(op.requestBody.content).length > 0);
        for (const [type, media] of Object.entries(op.requestBody.content) as Array<[string, TJson]>) assertSchema(media.schema, `${method} ${path} request ${type}`);
      }
      const responses = Object.entries(op.responses) as Array<[string, TJson]>;
      assert.ok(responses.some(([s]) => /^2\d\d$/.test(s)), `${method} ${path} has a success answer`);
      for (const [status, r] of responses) {
        assert.ok(/^[1-5](\d\d|XX)$/.test(status) || status === "default", status);
        assert.equal(typeof r.description, "string", `${method} ${path} ${status} has a description`);
        assert.ok(r.headers?.["X-Request-Id"], `${method} ${path} ${status} has X-Request-Id`);
        for (const [type, media] of Object.entries(r.content ?? {}) as Array<[string, TJson]>) assertSchema(media.schema, `${method} ${path} ${status} ${type}`);
        if (!/^2/.test(status)) assert.ok(isErrorRef(r), `${method} ${path} ${status} uses the Error schema`);
      }
      for (const s of ["400", "401", "403", "404", "429"]) assert.ok(isErrorRef(op.responses[s]), `${method} ${path} answers ${s} with Error`);
      assert.ok(op.responses["401"].headers["WWW-Authenticate"]);
    }
  }
}

// ---- a connector as describeConnector gives it

const described = (over: Partial<TConnectorDescription> = {}): TConnectorDescription => ({
  id: "cnn_1",
  name: "Get wéather (v2)",
  description: "The weather of a city",
  method: "POST",
  urlTemplate: "https://api.example.com/cities/{city}/weather/{day}",
  service: { id: "svc_1", name: "Weather" },
  createdAt: "2025-01-01T00:00:00.000Z",
  updatedAt: "2025-01-02T00:00:00.000Z",
  authConfig: { id: "cfg_1", name: "Key", protocol: "HTTP", subProtocol: "API_KEY", fromService: true },
  timeoutMs: 30_000,
  pathParams: ["city", "day"],
  queryParams: [
    { name: "units", description: "metric or imperial", required: false, default: "metric" },
    { name: "lang", description: "", required: true, default: null },
    { name: "fmt", description: "", required: true, default: "json" },
  ],
  headers: [{ name: "X-Trace", description: "a trace id" }],
  body: { type: "JSON", description: { city: "Berlin", count: 3, ratio: 0.5, ok: true, tags: ["a"], points: [{ x: 1 }], nothing: null, none: [], nested: { deep: "x" } } },
  formParams: [],
  outputs: [
    { name: "temperature", path: "$.main.temp" },
    { name: "__proto__", path: "$.odd" },
  ],
  run: { method: "POST", path: "/api/v1/connectors/cnn_1/run" },
  ...over,
});

const formConnector = () =>
  described({
    id: "cnn_form",
    name: "Upload",
    pathParams: [],
    queryParams: [],
    headers: [],
    body: { type: "FORM", description: null },
    formParams: [
      { name: "note", type: "text", description: "a note" },
      { name: "doc", type: "file", description: "the document" },
    ],
    outputs: [],
    run: { method: "POST", path: "/api/v1/connectors/cnn_form/run" },
  });

describe("a connector's document (pure)", () => {
  test("one operation, its path, a name-derived operationId, valid structure", () => {
    const doc = buildConnectorOpenApiDocument({ connector: described(), baseUrl: BASE });
    assertValidDocument(doc);
    assert.deepEqual(Object.keys(doc.paths), ["/connectors/cnn_1/run"]);
    assert.deepEqual(Object.keys(doc.paths["/connectors/cnn_1/run"]), ["post"]);
    assert.equal(doc.paths["/connectors/cnn_1/run"].post.operationId, "runGetWeatherV2");
    assert.equal(doc.info.version, "2025-01-02T00:00:00.000Z");
    assert.match(doc.info.title, /Get wéather \(v2\)/);
  });

  test("path, query, header and body parameters are typed from the definition", () => {
    const doc = buildConnectorOpenApiDocument({ connector: described(), baseUrl: BASE });
    const req: TJson = doc.components.schemas.RunRequest;
    assert.equal(req.additionalProperties, false);
    assert.deepEqual(req.required, ["pathParams", "queryParams"]);
    assert.deepEqual(req.properties.pathParams.required, ["city", "day"]);
    assert.equal(req.properties.pathParams.properties.city.type, "string");
    const q = req.properties.queryParams;
    assert.deepEqual(Object.keys(q.properties), ["units", "lang", "fmt"]);
    assert.equal(q.properties.units.default, "metric");
    assert.equal(q.properties.units.description, "metric or imperial");
    assert.deepEqual(q.required, ["lang"], "a required parameter with a default may be left out (the run fills it in)");
    assert.ok(q.additionalProperties, "other query parameters may be added");
    const h = req.properties.headers;
    assert.deepEqual(h.properties["X-Trace"], { type: "string", maxLength: 8000, description: "a trace id" });
    assert.equal(h.required, undefined, "headers are optional");
    assert.deepEqual(h.additionalProperties, { type: "string", maxLength: 8000 });
    const body = req.properties.body;
    assert.equal(body.type, "object");
    assert.deepEqual(
      Object.fromEntries(Object.entries(body.properties).map(([k, v]) => [k, (v as TJson).type])),
      { city: "string", count: "integer", ratio: "number", ok: "boolean", tags: "array", points: "array", nothing: undefined, none: "array", nested: "object" },
    );
    assert.deepEqual(body.properties.tags.items, { type: "string" });
    assert.deepEqual(body.properties.points.items, { type: "object", properties: { x: { type: "integer" } } });
    assert.deepEqual(body.properties.nested.properties.deep, { type: "string" });
    assert.deepEqual(body.examples, [described().body.description]);
    assert.equal(req.properties.formParams, undefined, "a JSON connector takes no form");
    const op: TJson = doc.paths["/connectors/cnn_1/run"].post;
    assert.deepEqual(Object.keys(op.requestBody.content), ["application/json"]);
    assert.equal(op.requestBody.required, true);
    assert.deepEqual(op.requestBody.content["application/json"].example, runExample(described()));
  });

  test("outputs: one property per mapped output, all present; none without a mapping", () => {
    const res: TJson = buildConnectorOpenApiDocument({ connector: described(), baseUrl: BASE }).components.schemas.RunResponse;
    assert.deepEqual(Object.keys(res.properties.outputs.properties), ["temperature", "__proto__"]);
    assert.ok(Object.hasOwn(res.properties.outputs.properties, "__proto__"), "an ordinary key, not the prototype");
    assert.deepEqual(res.properties.outputs.required, ["temperature", "__proto__"]);
    assert.ok(res.required.includes("outputs"));
    assert.match(res.properties.outputs.properties.temperature.description, /\$\.main\.temp/);
    for (const k of ["status", "statusText", "headers", "body", "bodyEncoding", "durationMs", "truncated"]) assert.ok(res.required.includes(k), k);
    const plain: TJson = buildConnectorOpenApiDocument({ connector: described({ outputs: [] }), baseUrl: BASE }).components.schemas.RunResponse;
    assert.equal(plain.properties.outputs, undefined);
    assert.ok(!plain.required.includes("outputs"));
  });

  test("a Form connector: text parameters in formParams, files as binary parts of a multipart variant", () => {
    const doc = buildConnectorOpenApiDocument({ connector: formConnector(), baseUrl: BASE });
    assertValidDocument(doc);
    const req: TJson = doc.components.schemas.RunRequest;
    assert.deepEqual(Object.keys(req.properties.formParams.properties), ["note"]);
    assert.equal(req.properties.formParams.properties.note.description, "a note");
    assert.equal(req.properties.formParams.additionalProperties, false, "unknown form parameters are refused by the run");
    assert.equal(req.properties.body, undefined);
    assert.equal(req.properties.pathParams, undefined);
    assert.equal(req.required, undefined);
    const op: TJson = doc.paths["/connectors/cnn_form/run"].post;
    assert.equal(op.requestBody.required, false);
    const multipart = op.requestBody.content["multipart/form-data"];
    assert.deepEqual(Object.keys(multipart.schema.properties), ["request", "doc"]);
    assert.equal(multipart.schema.properties.request.$ref, "#/components/schemas/RunRequest");
    assert.equal(multipart.schema.properties.doc.contentMediaType, "application/octet-stream");
    assert.equal(multipart.schema.properties.doc.description, "the document");
    assert.deepEqual(multipart.encoding, { request: { contentType: "application/json" } });
  });

  test("a JSON body description that is not JSON, or none, accepts any value", () => {
    for (const description of [null, "{{TEMPLATE}}"]) {
      const body: TJson = (buildConnectorOpenApiDocument({ connector: described({ body: { type: "JSON", description } }), baseUrl: BASE }).components.schemas.RunRequest as TJson).properties.body;
      assert.equal(body.type, undefined);
      assert.match(body.description, /any JSON value/);
    }
    const none: TJson = buildConnectorOpenApiDocument({ connector: described({ body: { type: "NONE", description: null } }), baseUrl: BASE }).components.schemas.RunRequest;
    assert.equal(none.properties.body, undefined);
  });

  test("schemaFromExample and operation ids", () => {
    assert.deepEqual(schemaFromExample([[1.5]]), { type: "array", items: { type: "array", items: { type: "number" } } });
    assert.deepEqual(schemaFromExample("x"), { type: "string" });
    assert.deepEqual(schemaFromExample(null), {});
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    assert.doesNotThrow(() => schemaFromExample(deep));
    assert.equal(connectorOperationId("list  users / by-id"), "runListUsersById");
    assert.equal(connectorOperationId("日本"), "runConnector");
    assert.equal(connectorOperationId("2fa check"), "run2faCheck");
    assert.equal(operationIdOf("GET", "/connectors/{id}/openapi.json"), "getConnectorsByIdOpenapiJson");
  });
});

describe("the example request and its cURL (pure)", () => {
  test("JSON: placeholders for path parameters, required query parameters, the body description", () => {
    const example = runExample(described());
    assert.deepEqual(example, { pathParams: { city: "<city>", day: "<day>" }, queryParams: { lang: "<lang>", fmt: "json" }, body: described().body.description });
    assert.ok(ZRunRequest.safeParse(example).success, "a valid run request");
    const curl = runCurl({ connector: described(), baseUrl: `${BASE}/` });
    assert.match(curl, /^curl -X POST 'https:\/\/patchbay\.example\.test\/api\/v1\/connectors\/cnn_1\/run' \\\n/);
    assert.ok(curl.includes(`-H "Authorization: Bearer $PATCHBAY_TOKEN"`), "the shell expands the token variable");
    assert.ok(curl.includes(`-H 'Content-Type: application/json'`));
    const data = /--data-raw '([\s\S]*)'$/.exec(curl);
    assert.ok(data);
    assert.deepEqual(JSON.parse(data[1]), example);
  });

  test("Form with files: a request part taken literally and one file part each", () => {
    const c = formConnector();
    assert.deepEqual(runExample(c), { formParams: { note: "<note>" } });
    const curl = runCurl({ connector: c, baseUrl: BASE });
    assert.ok(curl.includes(`--form-string 'request={"formParams":{"note":"<note>"}}'`), curl);
    assert.ok(curl.includes(`-F 'doc=@/path/to/doc'`), curl);
    assert.ok(!curl.includes("Content-Type"), "curl writes the multipart Content-Type itself");
  });

  test("single quotes in values are escaped for the shell", () => {
    const curl = runCurl({ connector: described({ body: { type: "JSON", description: { q: "it's" } }, pathParams: [], queryParams: [] }), baseUrl: BASE });
    assert.ok(curl.includes(`"q": "it'\\''s"`), curl);
  });
});

// ---- the whole API, and both documents over HTTP

let temp: TTempDb;
let db: TDb;
let api: Server;
let base: string;
let memberToken: string;
let adminToken: string;
let routes: TRoute[];
const ids: Record<string, string> = {};

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-openapi-", env: { PATCHBAY_URL: BASE } }));
  const { handleApiRequest } = await import("./handler");
  ({ ROUTES: routes } = await import("./routes"));
  api = createServer((req, res) => void handleApiRequest(req, res));
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(api.address() as AddressInfo).port}/api/v1`;

  const mk = async (email: string, role: "ADMIN" | "MEMBER") => {
    const u = await db.user.create({ data: { email, name: email.split("@")[0], role, passwordHash: "scrypt$x", active: true } });
    return { id: u.id, email: u.email, name: u.name, role, mustChangePassword: false };
  };
  const admin = await mk("admin@openapi.test", "ADMIN");
  const member = await mk("member@openapi.test", "MEMBER");
  const tokens = await import("@/lib/api-tokens/store");
  adminToken = (await tokens.createApiToken({ name: "a", expires: "never", rateLimit: null }, admin)).token;
  memberToken = (await tokens.createApiToken({ name: "m", expires: "never", rateLimit: null }, member)).token;

  const { ZAuthConfigInput } = await import("@/lib/auth-configs/schema");
  const { createAuthConfig } = await import("@/lib/auth-configs/store");
  const { ZConnectorInput } = await import("@/lib/connectors/schema");
  const { createConnector } = await import("@/lib/connectors/store");
  const cfg = await createAuthConfig(ZAuthConfigInput.parse({ name: "Key", protocol: "HTTP", subProtocol: "API_KEY", headerName: "X-Key", prefix: "", apiKey: "secret-key-1" }), admin);
  const service = await db.service.create({ data: { name: "Weather", authConfigId: cfg.id } });
  ids.json = (
    await createConnector(
      ZConnectorInput.parse({
        name: "Get weather",
        serviceId: service.id,
        method: "POST",
        urlTemplate: "https://api.example.com/cities/{city}",
        queryParams: [{ name: "units", defaultValue: "metric", required: false, description: "units" }],
        headers: [{ name: "X-Trace", value: "t", description: "" }],
        bodyType: "JSON",
        bodyDescription: JSON.stringify({ days: 3, tags: ["a"] }),
      }),
      admin,
    )
  ).id;
  await db.connector.update({ where: { id: ids.json }, data: { responseMapping: [{ name: "temp", path: "$.main.temp" }] } });
  ids.form = (
    await createConnector(
      ZConnectorInput.parse({ name: "Upload doc", serviceId: service.id, method: "POST", urlTemplate: "https://api.example.com/upload", bodyType: "FORM", formParams: [{ name: "note", type: "text" }, { name: "doc", type: "file" }] }),
      admin,
    )
  ).id;
});

after(async () => {
  await new Promise((r) => api?.close(r));
  await db?.$disconnect();
  await temp?.cleanup();
});

async function call(path: string, token: string | null = memberToken, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(`${base}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: JSON.parse(text) as TJson };
}

describe("the whole API's document", () => {
  test("valid in structure; every route present with its method", () => {
    const doc = buildOpenApiDocument({ routes, baseUrl: BASE });
    assertValidDocument(doc);
    assert.equal(doc.info.title, "Patchbay API");
    for (const r of routes) assert.ok(doc.paths[r.path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`);
    const count = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    assert.equal(count, routes.length);
    for (const p of ["/openapi.json", "/connectors/{id}/openapi.json"]) assert.ok(doc.paths[p]?.get, p);
  });

  test("query parameters, request bodies and responses come from the zod schemas", () => {
    const doc = buildOpenApiDocument({ routes, baseUrl: BASE });
    const list: TJson = doc.paths["/connectors"].get;
    assert.deepEqual(list.parameters.map((p: TJson) => [p.name, p.in, p.required]), [["limit", "query", false], ["cursor", "query", false], ["q", "query", false], ["serviceId", "query", false]]);
    assert.equal(list.parameters[0].schema.default, 50);
    assert.equal(list.parameters[0].schema.maximum, 200);
    assert.ok(list.parameters[0].description);
    assert.equal(list.responses["200"].content["application/json"].schema.$ref, "#/components/schemas/ConnectorsPage");
    const run: TJson = doc.paths["/connectors/{id}/run"].post;
    assert.equal(run.requestBody.content["application/json"].schema.$ref, "#/components/schemas/RunRequest");
    assert.equal(run.requestBody.required, false, "an empty body runs with no inputs");
    assert.equal(run.requestBody.content["multipart/form-data"].schema.properties.request.$ref, "#/components/schemas/RunRequest");
    for (const s of ["409", "413", "415", "502", "504"]) assert.ok(isErrorRef(run.responses[s]), s);
    const importOp: TJson = doc.paths["/library"].post;
    assert.equal(importOp.requestBody.required, true);
    assert.match(importOp.description, /Admins only/);
    const schemas: TJson = doc.components.schemas;
    assert.equal(schemas.RunRequest.additionalProperties, false, "unknown fields are refused");
    assert.deepEqual(schemas.Error.required, ["error"]);
    assert.deepEqual(schemas.Error.properties.error.required, ["code", "message", "requestId"]);
    for (const name of ["ConnectorDescription", "ServicesPage", "AuthConfigsPage", "LibraryImportResponse", "LibraryFile", "RunResponse"]) assert.ok(schemas[name], name);
  });

  test("a recursive schema's references point into components/schemas", () => {
    type TNode = { name: string; children: TNode[] };
    const ZNode: z.ZodType<TNode> = z.object({ name: z.string(), get children() { return z.array(ZNode); } });
    const handler = async () => ({ body: null });
    const fake: TRoute[] = [
      { method: "POST", path: "/trees/{id}", role: "MEMBER", handler, doc: { summary: "self", tags: ["T"], body: ZNode } },
      { method: "PUT", path: "/trees/{id}", role: "MEMBER", handler, doc: { summary: "nested", tags: ["T"], body: z.object({ a: ZNode, b: ZNode }), response: ZNode } },
    ];
    const doc = buildOpenApiDocument({ routes: fake, baseUrl: BASE });
    assertValidDocument(doc);
    walk(doc, (k, v) => {
      if (k === "$ref") assert.match(String(v), /^#\/components\//);
    });
  });
});

describe("over HTTP", () => {
  test("GET /openapi.json: 200 with openapi 3.1.0 for a member's token, 401 without one", async () => {
    const r = await call("/openapi.json");
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.openapi, "3.1.0");
    assert.equal(r.json.servers[0].url, `${BASE}/api/v1`);
    assert.ok(r.json.paths["/connectors/{id}/run"].post);
    assert.ok(r.headers.get("x-request-id"));
    assertValidDocument(r.json);
    const anon = await call("/openapi.json", null);
    assert.equal(anon.status, 401);
    assert.equal(anon.json.error.code, "UNAUTHENTICATED");
  });

  test("GET /connectors/{id}/openapi.json: the connector's typed run; 401 without a token; 404 when unknown", async () => {
    const r = await call(`/connectors/${ids.json}/openapi.json`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.openapi, "3.1.0");
    assertValidDocument(r.json);
    const op = r.json.paths[`/connectors/${ids.json}/run`].post;
    assert.equal(op.operationId, "runGetWeather");
    const req = r.json.components.schemas.RunRequest;
    assert.deepEqual(req.properties.pathParams.required, ["city"]);
    assert.equal(req.properties.queryParams.properties.units.default, "metric");
    assert.ok(req.properties.headers.properties["X-Trace"]);
    assert.deepEqual(req.properties.body.properties, { days: { type: "integer" }, tags: { type: "array", items: { type: "string" } } });
    assert.deepEqual(r.json.components.schemas.RunResponse.properties.outputs.required, ["temp"]);
    assert.ok(!r.text.includes("secret-key-1"), "no secret");

    const form = await call(`/connectors/${ids.form}/openapi.json`);
    assert.equal(form.status, 200, form.text);
    assert.ok(form.json.paths[`/connectors/${ids.form}/run`].post.requestBody.content["multipart/form-data"].schema.properties.doc);

    const anon = await call(`/connectors/${ids.json}/openapi.json`, null);
    assert.equal(anon.status, 401);
    const unknown = await call("/connectors/no-such-connector/openapi.json");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error.code, "NOT_FOUND");
    assert.equal(unknown.json.error.requestId, unknown.headers.get("x-request-id"));
  });

  test("the discovery and library answers are exactly what their response schemas describe", async () => {
    const s = await import("./schemas");
    const { ZLibraryFile } = await import("@/lib/library/schema");
    const exact = (schema: z.ZodType, value: unknown, what: string) => {
      const parsed = schema.safeParse(value);
      assert.ok(parsed.success, `${what}: ${parsed.success ? "" : parsed.error.message}`);
      assert.deepEqual(parsed.data, value, `${what}: no field the schema does not describe`);
    };
    exact(s.ZConnectorsPage, (await call("/connectors")).json, "GET /connectors");
    exact(s.ZConnectorDescription, (await call(`/connectors/${ids.json}`)).json, "GET /connectors/{id}");
    exact(s.ZConnectorDescription, (await call(`/connectors/${ids.form}`)).json, "GET /connectors/{id} (form)");
    exact(s.ZServicesPage, (await call("/services")).json, "GET /services");
    exact(s.ZAuthConfigsPage, (await call("/auth-configs")).json, "GET /auth-configs");
    const file = (await call("/library", adminToken)).json;
    exact(ZLibraryFile, file, "GET /library");
    const post = (body: unknown) => call("/library", adminToken, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    exact(s.ZLibraryImportResponse, (await post({ mode: "preview", file })).json, "POST /library preview");
    const one = { ...file, authConfigs: [], services: [], connectors: file.connectors.filter((c: TJson) => c.name === "Upload doc") };
    const imported = await post({ mode: "import", file: one, decisions: { "connectors:Upload doc": { action: "rename", name: "Upload doc 2" } } });
    assert.equal(imported.status, 200, imported.text);
    exact(s.ZLibraryImportResponse, imported.json, "POST /library import");
  });
});

describe("the structure checks themselves", () => {
  test("catch an unresolved $ref, an undeclared path parameter and a missing 401", () => {
    const good = () => buildConnectorOpenApiDocument({ connector: described(), baseUrl: BASE }) as TJson;
    assert.doesNotThrow(() => assertValidDocument(good()));
    const badRef = good();
    badRef.components.schemas.RunRequest.properties.x = { $ref: "#/components/schemas/Nope" };
    assert.throws(() => assertValidDocument(badRef), /unresolved \$ref/);
    const badPath = good();
    badPath.paths["/connectors/{id}/run"] = badPath.paths["/connectors/cnn_1/run"];
    delete badPath.paths["/connectors/cnn_1/run"];
    assert.throws(() => assertValidDocument(badPath), /every \{x\} declared/);
    const no401 = good();
    delete no401.paths["/connectors/cnn_1/run"].post.responses["401"];
    assert.throws(() => assertValidDocument(no401), /401/);
    const badType = good();
    badType.components.schemas.RunRequest.properties.body.properties.city.type = "str";
    assert.throws(() => assertValidDocument(badType), /type str/);
  });
});
