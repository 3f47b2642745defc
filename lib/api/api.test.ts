// /api/v1 end to end on a real database and real local upstreams: the lean handler behind a real
// HTTP server, called with fetch. Conventions (errors, request ids, paging), discovery, runs
// (JSON, text, binary, form + file, mapped outputs), upstream failures, tokens and roles, and a
// property-based test that no generated input gets a 5xx or writes anything.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import type { TDb } from "@/lib/db";
import { startServer, type THandler, type TTestServer } from "@/lib/http/testing/servers";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";

let temp: TTempDb;
let db: TDb;
let upstream: TTestServer;
let api: Server;
let base: string;
let adminToken: string;
let memberToken: string;
let admin: { id: string; email: string; name: string; role: "ADMIN"; mustChangePassword: false };
let member: { id: string; email: string; name: string; role: "MEMBER"; mustChangePassword: false };
const ids: Record<string, string> = {};
const KEY = "CANARY-api-key-7781";

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-api-", env: { PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1", PATCHBAY_URL: "https://patchbay.example.test" } }));
  const { handleApiRequest } = await import("./handler");
  api = createServer((req, res) => void handleApiRequest(req, res));
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(api.address() as AddressInfo).port}/api/v1`;

  upstream = await startServer();
  upstream.route("/json", (req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: { id: 42, tags: ["a", "b"] }, key: req.headers["x-key"] === KEY })));
  upstream.route("/text", (_req, res) => res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not hére"));
  upstream.route("/binary", (_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255])));
  const echo: THandler = (req, res, body) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ method: req.method, url: req.url, contentType: req.headers["content-type"] ?? null, headers: req.headers, body: body.toString("latin1") }));
  for (const p of ["/echo/a%20b%2Fc", "/echo/1", "/echo/form"]) upstream.route(p, echo);
  upstream.route("/deep", (_req, res) => {
    res.setHeader("content-type", "application/json");
    res.setHeader("constructor", "x");
    res.setHeader("__proto__", "y");
    res.writeHead(200).end("[".repeat(100_000) + "]".repeat(100_000));
  });
  upstream.route("/slow", (_req, res) => void setTimeout(() => res.writeHead(200).end("late"), 3000));

  const mk = async (email: string, role: string) => db.user.create({ data: { email, name: email.split("@")[0], role, passwordHash: "scrypt$x", active: true } });
  const a = await mk("admin@api.test", "ADMIN");
  const m = await mk("member@api.test", "MEMBER");
  admin = { id: a.id, email: a.email, name: a.name, role: "ADMIN", mustChangePassword: false };
  member = { id: m.id, email: m.email, name: m.name, role: "MEMBER", mustChangePassword: false };
  const tokens = await import("@/lib/api-tokens/store");
  adminToken = (await tokens.createApiToken({ name: "ci", expires: "90d", rateLimit: null }, admin)).token;
  memberToken = (await tokens.createApiToken({ name: "m", expires: "never", rateLimit: null }, member)).token;

  const { ZAuthConfigInput } = await import("@/lib/auth-configs/schema");
  const { createAuthConfig } = await import("@/lib/auth-configs/store");
  const { ZConnectorInput } = await import("@/lib/connectors/schema");
  const { createConnector } = await import("@/lib/connectors/store");
  const cfg = await createAuthConfig(ZAuthConfigInput.parse({ name: "Key", protocol: "HTTP", subProtocol: "API_KEY", headerName: "X-Key", prefix: "", apiKey: KEY }), admin);
  ids.config = cfg.id;
  ids.service = (await db.service.create({ data: { name: "Upstream", authConfigId: cfg.id } })).id;
  const connector = async (name: string, v: Record<string, unknown>) =>
    (ids[name] = (await createConnector(ZConnectorInput.parse({ name, serviceId: ids.service, method: "GET", ...v }), admin)).id);
  await connector("json", { urlTemplate: `${upstream.origin}/json`, description: "gives JSON" });
  await db.connector.update({ where: { id: ids.json }, data: { responseMapping: [{ name: "id", path: "$.data.id" }, { name: "tags", path: "$.data.tags[*]" }, { name: "none", path: "$.nope" }] } });
  await connector("text", { urlTemplate: `${upstream.origin}/text` });
  await connector("binary", { urlTemplate: `${upstream.origin}/binary` });
  await connector("echo", {
    method: "POST",
    urlTemplate: `${upstream.origin}/echo/{item}`,
    headers: [{ name: "X-Fixed", value: "fixed", description: "a header" }],
    queryParams: [{ name: "page", defaultValue: "1", required: false, description: "" }],
    bodyType: "JSON",
  });
  await connector("form", { method: "POST", urlTemplate: `${upstream.origin}/echo/form`, bodyType: "FORM", formParams: [{ name: "note", type: "text" }, { name: "doc", type: "file" }] });
  await connector("deep", { urlTemplate: `${upstream.origin}/deep` });
  await connector("slow", { urlTemplate: `${upstream.origin}/slow`, timeoutMs: 1000 });
  await connector("refused", { urlTemplate: "http://127.0.0.1:9/nothing" });
  await connector("blocked", { urlTemplate: "http://10.255.255.1/x" });
});

after(async () => {
  await new Promise((r) => api?.close(r));
  await upstream?.close();
  const { closeDispatchers } = await import("@/lib/http/dispatcher");
  await closeDispatchers();
  await db?.$disconnect();
  await temp?.cleanup();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, asserted field by field
type TJson = any;
type TRes = { status: number; headers: Headers; json: TJson; text: string };
async function call(path: string, init: RequestInit & { token?: string | null } = {}): Promise<TRes> {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? adminToken : init.token;
  if (token) headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(`${base}${path}`, { ...init, headers });
  const text = await res.text();
  let json: TJson = null;
  try {
    json = JSON.parse(text);
  } catch {
    // asserted by the callers
  }
  return { status: res.status, headers: res.headers, json, text };
}
const post = (path: string, body: unknown, extra: RequestInit & { token?: string | null } = {}) =>
  call(path, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), ...extra, headers: { "content-type": "application/json", ...(extra.headers as object) } });

function assertError(r: TRes, status: number, code: string) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
  assert.equal(r.json.error.code, code, r.text);
  assert.equal(typeof r.json.error.message, "string");
  assert.equal(r.json.error.requestId, r.headers.get("x-request-id"));
  assert.doesNotMatch(r.text, /\bat [\w.]+ \(|node_modules|\.ts:\d+/, "no stack trace");
}

describe("conventions", () => {
  test("no token, a malformed token, an unknown token: 401 with WWW-Authenticate", async () => {
    for (const token of [null, "nope", `pb_${"a".repeat(49)}`]) {
      const r = await call("/connectors", { token });
      assertError(r, 401, "UNAUTHENTICATED");
      assert.match(r.headers.get("www-authenticate") ?? "", /^Bearer/);
    }
  });

  test("X-Request-Id: a valid one is echoed, an invalid one replaced", async () => {
    assert.equal((await call("/connectors", { headers: { "x-request-id": "abc-123" } })).headers.get("x-request-id"), "abc-123");
    const r = await call("/connectors", { headers: { "x-request-id": "bad id with spaces" } });
    assert.match(r.headers.get("x-request-id")!, /^[0-9a-f-]{36}$/);
  });

  test("unknown paths 404, wrong methods 405 with Allow, never HTML", async () => {
    assertError(await call("/nothing/here"), 404, "NOT_FOUND");
    assertError(await call(""), 404, "NOT_FOUND");
    const r = await call("/connectors", { method: "DELETE" });
    assertError(r, 405, "METHOD_NOT_ALLOWED");
    assert.equal(r.headers.get("allow"), "GET, HEAD");
    assert.equal((await call(`/connectors/${ids.json}/run`)).headers.get("allow"), "POST");
  });

  test("limit and cursor are checked; unknown query parameters refused", async () => {
    for (const q of ["limit=0", "limit=201", "limit=-5", "limit=abc", "limit=99999999999999999999", "cursor=%%%", "cursor=eyJ2IjoyfQ", "colour=red", "limit=1&limit=2"]) {
      assertError(await call(`/connectors?${q}`), 400, "VALIDATION");
    }
  });

  test("lists page with limit and nextCursor until the end", async () => {
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const r: TRes = await call(`/connectors?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.items.length <= 3);
      names.push(...r.json.items.map((c: { name: string }) => c.name));
      cursor = r.json.nextCursor;
    } while (cursor);
    assert.deepEqual(names, [...names].sort());
    assert.equal(names.length, 9);
    assert.deepEqual((await call("/connectors?q=gives")).json.items.map((c: { name: string }) => c.name), ["json"]);
    assert.equal((await call(`/connectors?serviceId=${ids.service}&limit=200`)).json.items.length, 9);
  });
});

describe("discovery", () => {
  test("a connector describes how to call it, without header values", async () => {
    const r = await call(`/connectors/${ids.echo}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.method, "POST");
    assert.deepEqual(r.json.pathParams, ["item"]);
    assert.deepEqual(r.json.queryParams, [{ name: "page", description: "", required: false, default: "1" }]);
    assert.deepEqual(r.json.headers, [{ name: "X-Fixed", description: "a header" }]);
    assert.equal(r.json.body.type, "JSON");
    assert.equal(r.json.authConfig.name, "Key");
    assert.equal(r.json.run.path, `/api/v1/connectors/${ids.echo}/run`);
    assertError(await call("/connectors/unknown-id"), 404, "NOT_FOUND");
  });

  test("services and configurations; secrets only as set / not set", async () => {
    const s = await call("/services");
    assert.equal(s.json.items[0].name, "Upstream");
    assert.equal(s.json.items[0].connectors, 9);
    const c = await call("/auth-configs");
    assert.equal(c.status, 200, c.text);
    assert.deepEqual(c.json.items[0].secrets, { apiKey: "set" });
    assert.ok(!c.text.includes(KEY));
    assert.ok(!c.text.includes("pb1."), "no ciphertext either");
  });
});

describe("run", () => {
  test("JSON upstream: parsed body, the status inside a 200, mapped outputs", async () => {
    const r = await post(`/connectors/${ids.json}/run`, {});
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 200);
    assert.equal(r.json.bodyEncoding, "json");
    assert.deepEqual(r.json.body.data, { id: 42, tags: ["a", "b"] });
    assert.equal(r.json.body.key, true, "the configuration's API key was applied");
    assert.deepEqual(r.json.outputs, { id: 42, tags: ["a", "b"], none: null });
    assert.equal(typeof r.json.durationMs, "number");
    assert.equal(r.json.truncated, false);
    assert.ok(!r.text.includes(KEY));
  });

  test("a text 404 upstream is a 200 with status 404 and UTF-8 text; binary is base64", async () => {
    const t = await post(`/connectors/${ids.text}/run`, {});
    assert.equal(t.status, 200);
    assert.deepEqual([t.json.status, t.json.bodyEncoding, t.json.body], [404, "utf8", "not hére"]);
    const b = await call(`/connectors/${ids.binary}/run`, { method: "POST" });
    assert.deepEqual([b.json.bodyEncoding, Buffer.from(b.json.body, "base64")], ["base64", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255])]);
  });

  test("path, query, headers and a JSON body reach the upstream", async () => {
    const r = await post(`/connectors/${ids.echo}/run`, { pathParams: { item: "a b/c" }, queryParams: { q: ["x", "y"] }, headers: { "X-Extra": "1" }, body: { hello: "wörld" } });
    assert.equal(r.status, 200, r.text);
    const seen = r.json.body;
    assert.equal(seen.url, "/echo/a%20b%2Fc?page=1&q=x&q=y");
    assert.equal(seen.headers["x-fixed"], "fixed");
    assert.equal(seen.headers["x-extra"], "1");
    assert.equal(seen.contentType, "application/json");
    assert.deepEqual(JSON.parse(Buffer.from(seen.body, "latin1").toString("utf8")), { hello: "wörld" });
    const raw = await post(`/connectors/${ids.echo}/run`, { pathParams: { item: "1" }, body: '{"as":"is"}' });
    assert.equal(raw.json.body.body, '{"as":"is"}');
  });

  test("multipart: a request part and a file part become the connector's form", async () => {
    const form = new FormData();
    form.set("request", JSON.stringify({ formParams: { note: "hi" } }));
    form.set("doc", new Blob([Buffer.from("file-bytes")], { type: "text/plain" }), "a.txt");
    const r = await call(`/connectors/${ids.form}/run`, { method: "POST", body: form });
    assert.equal(r.status, 200, r.text);
    const body: string = r.json.body.body;
    assert.match(r.json.body.contentType, /^multipart\/form-data; boundary=/);
    assert.match(body, /name="note"\r\n\r\nhi\r\n/);
    assert.match(body, /name="doc"; filename="a.txt"\r\nContent-Type: text\/plain\r\n\r\nfile-bytes\r\n/);
  });

  test("JSON too deep to serialize again comes back as text; header names like __proto__ are plain keys", async () => {
    const r = await post(`/connectors/${ids.deep}/run`, {});
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.equal(r.json.bodyEncoding, "utf8");
    assert.equal(r.json.body.length, 200_000);
    assert.equal(r.json.headers.constructor, "x");
    assert.equal(Object.getOwnPropertyDescriptor(r.json.headers, "__proto__")?.value, "y");
  });

  test("no answer: 502 with the error code, 504 on timeout", async () => {
    assertError(await post(`/connectors/${ids.refused}/run`, {}), 502, "CONNECTION_REFUSED");
    assertError(await post(`/connectors/${ids.blocked}/run`, {}), 502, "OUTBOUND_BLOCKED");
    assertError(await post(`/connectors/${ids.slow}/run`, {}), 504, "UPSTREAM_TIMEOUT");
  });

  test("bad input is a 4xx JSON error", async () => {
    const run = `/connectors/${ids.echo}/run`;
    assertError(await post(run, "{not json"), 400, "VALIDATION");
    assertError(await post(run, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]) as unknown as string), 400, "VALIDATION");
    assertError(await post(run, { pathParams: { item: 1 } }), 400, "VALIDATION");
    assertError(await post(run, { pathParams: { item: "1" }, colour: "red" }), 400, "VALIDATION");
    assertError(await post(run, { pathParams: {} }), 400, "VALIDATION"); // required path parameter missing
    assertError(await post(run, { pathParams: { item: "1" }, headers: { "X-Bad": "a\r\nInjected: 1" } }), 400, "VALIDATION");
    assertError(await post(run, { pathParams: { item: "1" }, headers: { "Bad Name": "x" } }), 400, "VALIDATION");
    assertError(await post(`/connectors/${ids.json}/run`, { body: { a: 1 } }), 400, "VALIDATION");
    // Host would send the configuration's key to another virtual host; framing headers are undici's.
    for (const name of ["Host", "content-length", "Transfer-Encoding", "Connection", "Expect", "Upgrade"]) {
      const r = await post(run, { pathParams: { item: "1" }, headers: { [name]: "1" } });
      assertError(r, 400, "VALIDATION");
      assert.ok(r.json.error.details.fields[`headers.${name}`], r.text);
    }
    assertError(await post(run, `{"pathParams":{"item":"1"},"body":${"[".repeat(100_000)}${"]".repeat(100_000)}}`), 400, "VALIDATION");
    const form = new FormData();
    form.set("note", new Blob([Buffer.from("x")]), "n.txt"); // a file for the text parameter
    assertError(await call(`/connectors/${ids.form}/run`, { method: "POST", body: form }), 400, "VALIDATION");
    assertError(await post(`/connectors/${ids.form}/run`, { formParams: { doc: "text for the file parameter" } }), 400, "VALIDATION");
    assertError(await call(run, { method: "POST", body: "a=1", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415, "UNSUPPORTED_MEDIA_TYPE");
    assertError(await post("/connectors/nope/run", {}), 404, "NOT_FOUND");
    const big = await call(run, { method: "POST", body: Buffer.alloc(12 * 1024 * 1024, 0x20), headers: { "content-type": "application/json" } });
    assertError(big, 413, "PAYLOAD_TOO_LARGE");
  });
});

describe("tokens and roles", () => {
  test("a member's token runs connectors but may not import a library", async () => {
    assert.equal((await post(`/connectors/${ids.json}/run`, {}, { token: memberToken })).status, 200);
    assertError(await post("/library", { mode: "preview", file: {} }, { token: memberToken }), 403, "FORBIDDEN");
    assertError(await call("/library", { token: memberToken }), 403, "FORBIDDEN");
  });

  test("library: export, preview with conflicts, import with rename", async () => {
    const file = (await call("/library")).json;
    assert.equal(file.format, "patchbay-connectors-library");
    assert.ok(!JSON.stringify(file).includes(KEY));
    const preview = await post("/library", { mode: "preview", file });
    assert.equal(preview.status, 200, preview.text);
    assert.ok(preview.json.items.every((i: { conflict: boolean }) => i.conflict));
    const only = { ...file, authConfigs: [], services: [], connectors: file.connectors.filter((c: { name: string }) => c.name === "json") };
    const imported = await post("/library", { mode: "import", file: only, decisions: { "connectors:json": { action: "rename", name: "json copy" } } });
    assert.equal(imported.status, 200, imported.text);
    assert.equal(imported.json.created.connectors, 1);
    assert.ok(await db.connector.findUnique({ where: { name: "json copy" } }));
    assertError(await post("/library", { mode: "import", file: only }), 409, "CONFLICT");
    assertError(await post("/library", { mode: "import", file: { format: "other" } }), 400, "VALIDATION");
  });

  test("revocation and user changes apply to the next request", async () => {
    const tokens = await import("@/lib/api-tokens/store");
    const { token, id } = await tokens.createApiToken({ name: "short", expires: "30d", rateLimit: null }, member);
    assert.equal((await call("/connectors", { token })).status, 200);
    await tokens.revokeApiToken(id, admin);
    assertError(await call("/connectors", { token }), 401, "UNAUTHENTICATED");

    const users = await import("@/lib/users/manage");
    await users.changeRole({ userId: member.id, role: "ADMIN" }, admin);
    assert.equal((await call("/library", { token: memberToken })).status, 200);
    await users.changeRole({ userId: member.id, role: "MEMBER" }, admin);
    assertError(await call("/library", { token: memberToken }), 403, "FORBIDDEN");
    await users.setActive({ userId: member.id, active: false }, admin);
    assertError(await call("/connectors", { token: memberToken }), 401, "UNAUTHENTICATED");
    await users.setActive({ userId: member.id, active: true }, admin);
    await users.resetPassword({ userId: member.id }, admin);
    assertError(await call("/connectors", { token: memberToken }), 403, "FORBIDDEN");
    await db.user.update({ where: { id: member.id }, data: { mustChangePassword: false } });
    (await import("@/lib/cache/invalidation")).invalidate("user", member.id);
    assert.equal((await call("/connectors", { token: memberToken })).status, 200);
  });

  test("a per-token limit answers 429 with Retry-After", async () => {
    const tokens = await import("@/lib/api-tokens/store");
    const { token } = await tokens.createApiToken({ name: "limited", expires: "30d", rateLimit: 2 }, admin);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await call("/connectors", { token }));
    assert.deepEqual(statuses.map((r) => r.status), [200, 200, 429, 429]);
    assertError(statuses[2], 429, "RATE_LIMITED");
    assert.ok(Number(statuses[2].headers.get("retry-after")) >= 1);
  });

  test("API runs go to the run log, not to the audit log", async () => {
    const { flushRuns } = await import("@/lib/runs/log");
    await post(`/connectors/${ids.json}/run`, {});
    await flushRuns();
    const runs = await db.run.findMany({ where: { connectorId: ids.json, source: "api" } });
    assert.ok(runs.length >= 1);
    assert.ok(runs.every((r) => r.tokenId && r.userId));
    assert.equal(await db.auditEntry.count({ where: { objectType: "Connector", action: "run" } }), 0);
    // A run refused before it was built is logged with its error code.
    const refused = { where: { connectorId: ids.json, errorCode: "VALIDATION", status: null } };
    const before = await db.run.count(refused);
    await post(`/connectors/${ids.json}/run`, "{broken");
    await flushRuns();
    assert.equal(await db.run.count(refused), before + 1);
  });
});

describe("generated bad input", () => {
  test("the run and library endpoints answer any generated input with a 2xx or a JSON 4xx, and write nothing on a 4xx", async () => {
    const anyJson = fc.jsonValue({ maxDepth: 3 });
    const runBody = fc.oneof(
      anyJson,
      fc.record({ pathParams: fc.oneof(anyJson, fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 50 }))), queryParams: anyJson, headers: fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 50 })), body: anyJson }, { requiredKeys: [] }),
    );
    const raw = fc.oneof(runBody.map((v) => JSON.stringify(v)), fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")));
    const before = { connectors: await db.connector.count(), services: await db.service.count(), configs: await db.authConfig.count() };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("echo", "json", "form"), raw, fc.constantFrom("application/json", "multipart/form-data; boundary=x", "text/plain", ""), async (name, body, type) => {
        const r = await call(`/connectors/${ids[name]}/run`, { method: "POST", body, headers: type ? { "content-type": type } : {} });
        assert.ok(r.status === 200 || (r.status >= 400 && r.status < 500), `${r.status} ${r.text}`);
        if (r.status !== 200) assert.equal(typeof r.json?.error?.code, "string", r.text);
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyJson, fc.record({ mode: fc.constantFrom("preview", "import", "x"), file: anyJson, decisions: anyJson }, { requiredKeys: [] })), async (body) => {
        const r = await post("/library", body);
        assert.ok(r.status === 200 || (r.status >= 400 && r.status < 500), `${r.status} ${r.text}`);
        if (r.status !== 200) assert.equal(typeof r.json?.error?.code, "string", r.text);
      }),
      { numRuns: 150 },
    );
    assert.deepEqual({ connectors: await db.connector.count(), services: await db.service.count(), configs: await db.authConfig.count() }, before);
  });
});
