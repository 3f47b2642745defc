// /api/v1/environments and /api/v1/environments/{id}/extensions end to end (SPEC §7, §8, seed 001):
// the lean handler behind a real HTTP server on a temp database, called with fetch. Tokens and
// roles, errors (404, 400 naming the field, unknown keys), the GET/PUT/PATCH round trip, secrets
// never in an answer, the configuration filter, paging; and the run API in an environment:
// `environment` by id or name, {{BASE_URL}} resolved against a local server, the missing-variable
// error, overridden credentials, and the run log's environment.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { z } from "zod";
import type { TDb } from "@/lib/db";
import { startServer, type TTestServer } from "@/lib/http/testing/servers";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { ZEnvironmentsPage, ZExtensionsDocument } from "./schemas-environments";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, asserted field by field
type TJson = any;
type TRes = { status: number; headers: Headers; json: TJson; text: string };

const C = {
  password: "CANARY-api-env-password-4471",
  clientSecret: "CANARY-api-env-client-secret-90d2",
  pair: "CANARY-api-env-pair-1b3c",
  variable: "CANARY-api-env-variable-6f0e",
};
const DEFAULT_PASSWORD = "default-pass-basic";
const GCP_REF = "projects/634801617861/secrets/testQA/versions/6";

let temp: TTempDb;
let db: TDb;
let upstream: TTestServer;
let api: Server;
let base: string;
let adminToken: string;
let memberToken: string;
const ids: Record<string, string> = {};
/** Every answer body this file received: none may contain a secret. */
const answers: string[] = [];

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-env-api-", env: { PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1", PATCHBAY_URL: "https://patchbay.example.test" } }));
  const { handleApiRequest } = await import("./handler");
  api = createServer((req, res) => void handleApiRequest(req, res));
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(api.address() as AddressInfo).port}/api/v1`;

  upstream = await startServer();
  upstream.route("/x", (req, res) => {
    const auth = req.headers.authorization ?? "";
    const who = auth.startsWith("Basic ") ? Buffer.from(auth.slice(6), "base64").toString("utf8").split(":")[0] : null;
    // Says which credentials arrived without echoing the password.
    const passwordOk = auth === `Basic ${Buffer.from(`${who}:${who === "alice" ? DEFAULT_PASSWORD : C.password}`).toString("base64")}`;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ path: req.url, user: who, passwordOk }));
  });

  const mk = async (email: string, role: string) => db.user.create({ data: { email, name: email.split("@")[0], role, passwordHash: "scrypt$x", active: true } });
  const a = await mk("admin@env-api.test", "ADMIN");
  const m = await mk("member@env-api.test", "MEMBER");
  const admin = { id: a.id, email: a.email, name: a.name, role: "ADMIN" as const, mustChangePassword: false };
  const member = { id: m.id, email: m.email, name: m.name, role: "MEMBER" as const, mustChangePassword: false };
  const tokens = await import("@/lib/api-tokens/store");
  adminToken = (await tokens.createApiToken({ name: "admin", expires: "never", rateLimit: null }, admin)).token;
  memberToken = (await tokens.createApiToken({ name: "member", expires: "never", rateLimit: null }, member)).token;

  const { ZAuthConfigInput } = await import("@/lib/auth-configs/schema");
  const { createAuthConfig } = await import("@/lib/auth-configs/store");
  ids.basic = (await createAuthConfig(ZAuthConfigInput.parse({ protocol: "HTTP", subProtocol: "BASIC", name: "Basic", username: "alice", password: DEFAULT_PASSWORD }), admin)).id;
  ids.cc = (
    await createAuthConfig(
      ZAuthConfigInput.parse({ protocol: "OAUTH2", subProtocol: "OAUTH2_CLIENT_CREDENTIALS", name: "CC", tokenUrl: "https://idp.example.test/token", clientId: "default-client", clientSecret: "default-secret" }),
      admin,
    )
  ).id;
  const service = await db.service.create({ data: { name: "Upstream", authConfigId: ids.basic } });
  const { ZConnectorInput } = await import("@/lib/connectors/schema");
  const { createConnector } = await import("@/lib/connectors/store");
  ids.connector = (await createConnector(ZConnectorInput.parse({ name: "Via variable", serviceId: service.id, method: "GET", urlTemplate: "{{BASE_URL}}/x" }), admin)).id;

  const envs = await import("@/lib/environments/store");
  ids.staging = (await envs.createEnvironment({ name: "Staging", description: "pre-production" }, admin)).id;
  ids.empty = (await envs.createEnvironment({ name: "Empty", description: "" }, admin)).id;
  for (const n of ["Alpha", "Delta", "Echo", "Zulu"]) await envs.createEnvironment({ name: n, description: "" }, admin);
});

after(async () => {
  await new Promise((r) => api?.close(r));
  await upstream?.close();
  const { closeDispatchers } = await import("@/lib/http/dispatcher");
  await closeDispatchers();
  await db?.$disconnect();
  await temp?.cleanup();
});

async function call(path: string, init: RequestInit & { token?: string | null } = {}): Promise<TRes> {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? adminToken : init.token;
  if (token) headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(`${base}${path}`, { ...init, headers });
  const text = await res.text();
  answers.push(text);
  let json: TJson = null;
  try {
    json = JSON.parse(text);
  } catch {
    // asserted by the callers
  }
  return { status: res.status, headers: res.headers, json, text };
}
const send = (method: "PUT" | "PATCH" | "POST", path: string, body: unknown, extra: { token?: string | null; type?: string } = {}) =>
  call(path, { method, body: typeof body === "string" ? body : JSON.stringify(body), token: extra.token, headers: { "content-type": extra.type ?? "application/json" } });
const ext = (envId: string) => `/environments/${envId}/extensions`;
const on = (configId: string, ...fields: unknown[]) => ({ id: configId, fields });

function assertError(r: TRes, status: number, code: string) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
  assert.equal(r.json.error.code, code, r.text);
  assert.equal(r.json.error.requestId, r.headers.get("x-request-id"));
}

/** The answer is exactly what the response schema describes (no field it does not list). */
function exact(schema: z.ZodType, value: unknown, what: string) {
  const parsed = schema.safeParse(value);
  assert.ok(parsed.success, `${what}: ${parsed.success ? "" : parsed.error.message}`);
  assert.deepEqual(parsed.data, value, `${what}: no field the schema does not describe`);
}

const fieldOf = (doc: TJson, configId: string, fieldId: string): TJson => doc.connections.find((c: TJson) => c.id === configId).fields.find((f: TJson) => f.id === fieldId);

describe("tokens and roles", () => {
  test("no token: 401 on every environments endpoint", async () => {
    for (const [method, path] of [["GET", "/environments"], ["GET", ext(ids.staging)], ["PUT", ext(ids.staging)], ["PATCH", ext(ids.staging)]] as const) {
      const r = await call(path, { method, token: null, ...(method === "GET" ? {} : { body: "{}", headers: { "content-type": "application/json" } }) });
      assertError(r, 401, "UNAUTHENTICATED");
      assert.match(r.headers.get("www-authenticate") ?? "", /^Bearer/);
    }
  });

  test("a member reads (list and GET) but may not PUT or PATCH: 403, nothing written", async () => {
    assert.equal((await call("/environments", { token: memberToken })).status, 200);
    assert.equal((await call(ext(ids.staging), { token: memberToken })).status, 200);
    const doc = { connections: [on(ids.basic, { id: "username", value: "member-was-here" })] };
    assertError(await send("PUT", ext(ids.staging), doc, { token: memberToken }), 403, "FORBIDDEN");
    assertError(await send("PATCH", ext(ids.staging), doc, { token: memberToken }), 403, "FORBIDDEN");
    assert.equal(await db.envOverride.count({ where: { environmentId: ids.staging } }), 0);
  });

  test("other methods: 405 with Allow", async () => {
    const r = await call(ext(ids.staging), { method: "DELETE" });
    assertError(r, 405, "METHOD_NOT_ALLOWED");
    assert.equal(r.headers.get("allow"), "GET, PUT, PATCH, HEAD");
    assert.equal((await call("/environments", { method: "POST" })).headers.get("allow"), "GET, HEAD");
  });
});

describe("extensions", () => {
  test("an unknown environment: 404 NOT_FOUND for GET, PUT and PATCH", async () => {
    assertError(await call(ext("no-such-env")), 404, "NOT_FOUND");
    assertError(await send("PUT", ext("no-such-env"), {}), 404, "NOT_FOUND");
    assertError(await send("PATCH", ext("no-such-env"), { connections: [] }), 404, "NOT_FOUND");
  });

  test("GET: every field of every configuration, in the documented shape", async () => {
    const r = await call(ext(ids.empty));
    assert.equal(r.status, 200, r.text);
    exact(ZExtensionsDocument, r.json, "GET extensions");
    assert.equal(r.json.environmentId, ids.empty);
    assert.deepEqual(r.json.connections.map((c: TJson) => c.name), ["Basic", "CC"]);
    assert.deepEqual(fieldOf(r.json, ids.basic, "username"), { id: "username", useDefault: true, usesEncryption: false, encryptedValueSet: false, componentOverride: false });
    assert.deepEqual(fieldOf(r.json, ids.basic, "password"), { id: "password", useDefault: true, usesEncryption: true, encryptedValueSet: false, componentOverride: false });
    assert.deepEqual(r.json.properties, []);
  });

  test("PATCH, GET, PUT of GET's document back: a round trip that changes nothing; secrets never in an answer", async () => {
    const envId = ids.staging;
    const patched = await send("PATCH", ext(envId), {
      connections: [
        on(ids.basic, { id: "username", value: "bob", useDefault: false }, { id: "password", value: C.password, usesEncryption: true, useDefault: false }),
        on(ids.cc, { id: "clientSecret", value: C.clientSecret, usesEncryption: true }, { id: "tokenParams", useDefault: false, customProperties: { properties: [{ key: "tenant", value: C.pair, encrypted: true }, { key: "resource", value: "api://x" }] } }),
      ],
      properties: [{ id: "BASE_URL", value: upstream.origin }, { id: "TOKEN", value: C.variable, usesEncryption: true }],
    });
    assert.equal(patched.status, 200, patched.text);
    exact(ZExtensionsDocument, patched.json, "PATCH answer");
    const got = await call(ext(envId));
    assert.deepEqual(got.json, patched.json, "PATCH answers with the document");
    assert.deepEqual(fieldOf(got.json, ids.basic, "username"), { id: "username", value: "bob", useDefault: false, usesEncryption: false, encryptedValueSet: false, componentOverride: false });
    assert.deepEqual(fieldOf(got.json, ids.basic, "password"), { id: "password", useDefault: false, usesEncryption: true, encryptedValueSet: true, componentOverride: false });
    assert.deepEqual(fieldOf(got.json, ids.cc, "tokenParams").customProperties, { properties: [{ key: "tenant", encrypted: true }, { key: "resource", value: "api://x", encrypted: false }] });
    assert.deepEqual(got.json.properties, [
      { id: "BASE_URL", value: upstream.origin, usesEncryption: false, encryptedValueSet: false },
      { id: "TOKEN", usesEncryption: true, encryptedValueSet: true },
    ]);

    const rowsBefore = await db.envOverride.findMany({ where: { environmentId: envId }, orderBy: { fieldId: "asc" } });
    const put = await send("PUT", ext(envId), got.json);
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.json, got.json, "PUT of GET's document keeps everything");
    const rowsAfter = await db.envOverride.findMany({ where: { environmentId: envId }, orderBy: { fieldId: "asc" } });
    const secretValues = (rows: typeof rowsBefore) => rows.filter((r) => ["password", "clientSecret", "tokenParams"].includes(r.fieldId)).map((r) => [r.fieldId, r.value]);
    assert.deepEqual(secretValues(rowsAfter), secretValues(rowsBefore), "encrypted overrides untouched (same envelopes)");

    // PATCH changes only what it sends.
    const p2 = await send("PATCH", ext(envId), { connections: [on(ids.basic, { id: "preemptive", value: false, useDefault: false })] });
    assert.equal(p2.status, 200, p2.text);
    assert.deepEqual(fieldOf(p2.json, ids.basic, "username").value, "bob");
    assert.equal(fieldOf(p2.json, ids.basic, "preemptive").value, false);
    assert.equal(fieldOf(p2.json, ids.basic, "password").encryptedValueSet, true);

    // PUT with less reverts the rest, except encrypted fields sent with encryptedValueSet: true.
    const p3 = await send("PUT", ext(envId), {
      connections: [on(ids.basic, { id: "username", value: "bob", useDefault: false }, { id: "password", useDefault: false, usesEncryption: true, encryptedValueSet: true })],
      properties: [{ id: "BASE_URL", value: upstream.origin }],
    });
    assert.equal(p3.status, 200, p3.text);
    assert.equal(fieldOf(p3.json, ids.basic, "preemptive").useDefault, true);
    assert.equal(fieldOf(p3.json, ids.basic, "password").encryptedValueSet, true);
    assert.equal(fieldOf(p3.json, ids.cc, "clientSecret").useDefault, true);
    assert.equal(fieldOf(p3.json, ids.cc, "tokenParams").useDefault, true);
    assert.deepEqual(p3.json.properties.map((p: TJson) => p.id), ["BASE_URL"]);
  });

  test("a secret reference is accepted and shown; a malformed one is a 400 naming the field", async () => {
    const r = await send("PATCH", ext(ids.empty), { connections: [on(ids.cc, { id: "clientSecret", useDefault: false, secretReference: GCP_REF })] });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(fieldOf(r.json, ids.cc, "clientSecret"), { id: "clientSecret", useDefault: false, usesEncryption: true, encryptedValueSet: true, componentOverride: false, secretReference: GCP_REF });
    const bad = await send("PATCH", ext(ids.empty), { connections: [on(ids.cc, { id: "clientSecret", useDefault: false, secretReference: "projects/p/secrets/s" })] });
    assertError(bad, 400, "VALIDATION");
    assert.match(bad.json.error.message, /Invalid secret reference/);
    assert.ok(bad.json.error.details.fields["connections[0].fields[0].secretReference"], bad.text);
    const back = await send("PATCH", ext(ids.empty), { connections: [on(ids.cc, { id: "clientSecret", useDefault: true })] });
    assert.equal(fieldOf(back.json, ids.cc, "clientSecret").useDefault, true);
  });

  test("bad documents: 400 VALIDATION naming the field in details.fields, nothing written", async () => {
    const envId = ids.empty;
    const cases: Array<{ doc: unknown; field: string; message?: RegExp }> = [
      { doc: { connections: [on(ids.basic, { id: "colour", value: "x" })] }, field: "connections[0].fields[0].id", message: /"colour" is not an extensible field/ },
      { doc: { connections: [on(ids.basic, { id: "clientId", value: "x" })] }, field: "connections[0].fields[0].id" },
      { doc: { connections: [on(ids.basic, { id: "preemptive", value: "maybe", useDefault: false })] }, field: "connections[0].fields[0].value", message: /true or false/ },
      { doc: { connections: [on(ids.basic, { id: "username", value: 42 })] }, field: "connections.0.fields.0.value" },
      { doc: { connections: [on(ids.basic, { id: "password", value: C.password, useDefault: false })] }, field: "connections[0].fields[0].usesEncryption" },
      { doc: { connections: [on(ids.cc, { id: "tokenParams", customProperties: { properties: [{ key: "a", value: "1" }, { key: "a", value: "2" }] } })] }, field: "connections[0].fields[0].customProperties.properties[1].key" },
      { doc: { connections: [on(ids.cc, { id: "tokenParams", customProperties: { properties: [{ key: "", value: "1" }] } })] }, field: "connections[0].fields[0].customProperties.properties[0].key" },
      { doc: { connections: [on("no-such-config", { id: "username", value: "x" })] }, field: "connections[0].id" },
      { doc: { properties: [{ id: "lower_case", value: "x" }] }, field: "properties[0].id" },
      { doc: { environmentId: ids.staging }, field: "environmentId" },
      { doc: { connections: [on(ids.basic, { id: "username", value: "ok" }, { id: "preemptive", value: "maybe" })] }, field: "connections[0].fields[1].value" },
    ];
    const before = await db.envOverride.count({ where: { environmentId: envId } });
    for (const c of cases) {
      for (const method of ["PUT", "PATCH"] as const) {
        const r = await send(method, ext(envId), c.doc);
        assertError(r, 400, "VALIDATION");
        assert.ok(Object.hasOwn(r.json.error.details?.fields ?? {}, c.field), `${method} ${JSON.stringify(c.doc)}: ${r.text}`);
        if (c.message) assert.match(r.json.error.message, c.message);
      }
    }
    assert.equal(await db.envOverride.count({ where: { environmentId: envId } }), before);
    assert.equal(fieldOf((await call(ext(envId))).json, ids.basic, "username").useDefault, true, "the good field of a bad document was not written");
  });

  test("unknown keys, at the top and inside, are refused by name", async () => {
    const top = await send("PATCH", ext(ids.empty), { connections: [], colour: "red" });
    assertError(top, 400, "VALIDATION");
    assert.match(top.json.error.message, /colour/);
    const inner = await send("PUT", ext(ids.empty), { connections: [on(ids.basic, { id: "username", value: "x", vaule: "typo" })] });
    assertError(inner, 400, "VALIDATION");
    assert.match(inner.json.error.message, /vaule/);
    assert.ok(inner.json.error.details.fields["connections.0.fields.0"], inner.text);
    const query = await call(`${ext(ids.empty)}?colour=red`);
    assertError(query, 400, "VALIDATION");
    assert.match(query.json.error.message, /colour/);
  });

  test("bodies: not JSON 400, another media type 415", async () => {
    assertError(await send("PATCH", ext(ids.empty), "{not json"), 400, "VALIDATION");
    assertError(await send("PATCH", ext(ids.empty), "connections=[]", { type: "application/x-www-form-urlencoded" }), 415, "UNSUPPORTED_MEDIA_TYPE");
    assertError(await send("PATCH", ext(ids.empty), "[]"), 400, "VALIDATION");
  });

  test("authConfigId filters to one configuration; an unknown one is a 400 naming it", async () => {
    const r = await call(`${ext(ids.staging)}?authConfigId=${ids.cc}`);
    assert.equal(r.status, 200, r.text);
    exact(ZExtensionsDocument, r.json, "filtered GET");
    assert.deepEqual(r.json.connections.map((c: TJson) => c.id), [ids.cc]);
    const bad = await call(`${ext(ids.staging)}?authConfigId=nope`);
    assertError(bad, 400, "VALIDATION");
    assert.ok(bad.json.error.details.fields.authConfigId, bad.text);
    assertError(await call(`${ext(ids.staging)}?authConfigId=${ids.cc}&authConfigId=${ids.basic}`), 400, "VALIDATION");
  });
});

describe("GET /environments", () => {
  test("paged by name with limit and cursor, with counts", async () => {
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: TRes = await call(`/environments?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: memberToken });
      assert.equal(r.status, 200, r.text);
      exact(ZEnvironmentsPage, r.json, "GET /environments");
      assert.ok(r.json.items.length <= 2, r.text);
      names.push(...r.json.items.map((e: TJson) => e.name));
      cursor = r.json.nextCursor;
      pages++;
    } while (cursor);
    assert.deepEqual(names, ["Alpha", "Delta", "Echo", "Empty", "Staging", "Zulu"]);
    assert.equal(pages, 3);
    const all = (await call("/environments?limit=200")).json.items;
    const staging = all.find((e: TJson) => e.name === "Staging");
    const overrides = await db.envOverride.count({ where: { environmentId: ids.staging } });
    const variables = await db.envVariable.count({ where: { environmentId: ids.staging } });
    assert.deepEqual(staging, { id: ids.staging, name: "Staging", description: "pre-production", overrideCount: overrides, variableCount: variables, needsValueCount: 0 });
  });

  test("limit and cursor are checked; unknown parameters refused", async () => {
    for (const q of ["limit=0", "limit=201", "limit=x", "cursor=%%%", "cursor=eyJ2IjoyfQ", "name=Staging", "limit=1&limit=2"]) {
      assertError(await call(`/environments?${q}`), 400, "VALIDATION");
    }
  });
});

describe("the run API in an environment", () => {
  const run = (body: unknown) => send("POST", `/connectors/${ids.connector}/run`, body, { token: memberToken });

  before(async () => {
    // Staging: BASE_URL points at the local upstream; Basic's username and password overridden.
    const r = await send("PATCH", ext(ids.staging), {
      connections: [on(ids.basic, { id: "username", value: "bob", useDefault: false }, { id: "password", value: C.password, usesEncryption: true, useDefault: false })],
      properties: [{ id: "BASE_URL", value: upstream.origin }],
    });
    assert.equal(r.status, 200, r.text);
  });

  test("{{BASE_URL}} resolves from the environment, by name and by id; overridden credentials are used", async () => {
    for (const environment of ["Staging", ids.staging]) {
      const r = await run({ environment });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 200);
      assert.deepEqual(r.json.body, { path: "/x", user: "bob", passwordOk: true });
    }
  });

  test("an unknown environment: 400 VALIDATION naming it; nothing sent", async () => {
    const seen = upstream.seen.length;
    const r = await run({ environment: "Nowhere" });
    assertError(r, 400, "VALIDATION");
    assert.match(r.json.error.message, /Nowhere/);
    assert.ok(r.json.error.details.fields.environment, r.text);
    assert.equal(upstream.seen.length, seen);
  });

  test("a variable the environment lacks: 400 VALIDATION naming the variable and the environment, nothing sent", async () => {
    const seen = upstream.seen.length;
    const r = await run({ environment: "Empty" });
    assertError(r, 400, "VALIDATION");
    assert.match(r.json.error.message, /BASE_URL/);
    assert.match(r.json.error.message, /Empty/);
    const none = await run({});
    assertError(none, 400, "VALIDATION");
    assert.match(none.json.error.message, /BASE_URL/);
    assert.equal(upstream.seen.length, seen, "never sent literally");
  });

  test("the run log records the environment", async () => {
    const { flushRuns } = await import("@/lib/runs/log");
    const since = new Date();
    assert.equal((await run({ environment: "Staging" })).status, 200);
    assertError(await run({ environment: "Empty" }), 400, "VALIDATION");
    await flushRuns();
    const runs = await db.run.findMany({ where: { connectorId: ids.connector, at: { gte: since } }, orderBy: { at: "asc" } });
    assert.equal(runs.length, 2, JSON.stringify(runs));
    const ok = runs.find((r) => r.status === 200);
    assert.equal(ok?.environmentId, ids.staging);
    const refused = runs.find((r) => r.errorCode === "VALIDATION");
    assert.equal(refused?.environmentId, ids.empty);
    assert.ok(runs.every((r) => !JSON.stringify(r).includes("CANARY")), "no secret in the run log");
  });
});

describe("canary", () => {
  test("no answer of this file contained a secret value", async () => {
    // One more pass over everything readable, then all the answers collected above.
    await call("/environments?limit=200");
    for (const id of [ids.staging, ids.empty]) await call(ext(id));
    await call("/auth-configs");
    assert.ok(answers.length > 30, `${answers.length} answers`);
    for (const text of answers) for (const secret of Object.values(C)) assert.ok(!text.includes(secret), `an answer contains ${secret.slice(0, 20)}…: ${text.slice(0, 200)}`);
  });
});
