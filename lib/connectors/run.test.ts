// runConnector against a real database and a local server: the connector's or the service's
// configuration, the auth header overwritten for one run and masked, form parameters checked,
// every attempt audited.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { ZAuthConfigInput } from "@/lib/auth-configs/schema";
import { headerValues, startServer, type TTestServer } from "@/lib/http/testing/servers";
import { MASK } from "@/lib/http/types";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { ZConnectorInput, ZRunInputs, type TConnectorInput } from "./schema";

const KEY = "CANARY-run-key-4410";

let temp: TTempDb;
let db: TDb;
let srv: TTestServer;
let run: typeof import("./run");
let actor: { id: string; email: string };
let serviceId: string;
let basicId: string;

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-run-", env: { PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1" } }));
  run = await import("./run");
  srv = await startServer();
  srv.route("/echo", (_req, res, body) => res.writeHead(200, { "content-type": "application/octet-stream" }).end(body));
  const user = await db.user.create({ data: { email: "r@example.test", name: "r", role: "ADMIN", passwordHash: "scrypt$x", active: true, mustChangePassword: false } });
  actor = { id: user.id, email: user.email };
  const configs = await import("@/lib/auth-configs/store");
  const key = await configs.createAuthConfig(ZAuthConfigInput.parse({ name: "Key", protocol: "HTTP", subProtocol: "API_KEY", headerName: "X-Key", prefix: "", apiKey: KEY }), actor);
  basicId = (await configs.createAuthConfig(ZAuthConfigInput.parse({ name: "Basic", protocol: "HTTP", subProtocol: "BASIC", username: "u", password: "p" }), actor)).id;
  serviceId = (await db.service.create({ data: { name: "S", authConfigId: key.id } })).id;
});

after(async () => {
  await srv?.close();
  const { closeDispatchers } = await import("@/lib/http/dispatcher");
  await closeDispatchers();
  await db?.$disconnect();
  await temp?.cleanup();
});

const def = (v: Record<string, unknown>): TConnectorInput => ZConnectorInput.parse({ name: "C", serviceId, method: "POST", urlTemplate: `${srv.origin}/echo`, ...v });

describe("runConnector", () => {
  test("the service's configuration by default; an overwritten auth header is sent for this run and masked", async () => {
    const first = await run.runConnector({ def: def({}), connectorId: null, name: "C", inputs: ZRunInputs.parse({}), actor, action: "test" });
    assert.deepEqual(headerValues(srv.seen.at(-1)!.rawHeaders, "x-key"), [KEY]);
    assert.ok(first.sent.headers.some(([n, v]) => n === "X-Key" && v === MASK));

    const res = await run.runConnector({ def: def({}), connectorId: null, name: "C", inputs: ZRunInputs.parse({ authHeader: "one-off" }), actor, action: "test" });
    assert.deepEqual(headerValues(srv.seen.at(-1)!.rawHeaders, "x-key"), ["one-off"]);
    assert.ok(res.sent.headers.some(([n, v]) => n === "X-Key" && v === MASK));
    assert.ok(!res.curl.includes("one-off") && !JSON.stringify(res.sent).includes("one-off"));
  });

  test("the connector's own configuration wins over the service's", async () => {
    await run.runConnector({ def: def({ authConfigId: basicId }), connectorId: null, name: "C", inputs: ZRunInputs.parse({}), actor, action: "test" });
    const seen = srv.seen.at(-1)!.rawHeaders;
    assert.deepEqual(headerValues(seen, "x-key"), []);
    assert.deepEqual(headerValues(seen, "authorization"), [`Basic ${Buffer.from("u:p").toString("base64")}`]);
  });

  test("form fields follow the connector's order; files by parameter; an unknown parameter is refused", async () => {
    const form = def({ bodyType: "FORM", formParams: [{ name: "b", type: "text" }, { name: "f", type: "file" }, { name: "a", type: "text" }] });
    const res = await run.runConnector({
      def: form,
      connectorId: null,
      name: "C",
      inputs: ZRunInputs.parse({ formParams: [["a", "1"], ["b", "2"]] }),
      files: [{ name: "f", filename: "x.bin", contentType: "application/x-thing", bytes: new Uint8Array([0, 1, 2]) }],
      actor,
      action: "test",
    });
    const parsed = await new Response(new Uint8Array(res.body), { headers: { "content-type": res.sent.headers.find(([n]) => n === "Content-Type")![1] } }).formData();
    assert.deepEqual([...parsed.keys()], ["b", "f", "a"]);
    assert.equal((parsed.get("f") as File).type, "application/x-thing");
    await assert.rejects(
      run.runConnector({ def: form, connectorId: null, name: "C", inputs: ZRunInputs.parse({ formParams: [["zzz", "1"]] }), actor, action: "test" }),
      (e) => e instanceof AppError && e.code === "VALIDATION" && /no form parameter "zzz"/.test(e.message),
    );
  });

  test("every sent attempt is audited, failures with their code; validation problems send nothing", async () => {
    await db.auditEntry.deleteMany();
    await assert.rejects(run.runConnector({ def: def({ urlTemplate: "http://10.1.2.3/x" }), connectorId: null, name: "Blocked", inputs: ZRunInputs.parse({}), actor, action: "test" }));
    await assert.rejects(run.runConnector({ def: def({ urlTemplate: `${srv.origin}/echo/{id}` }), connectorId: null, name: "Missing", inputs: ZRunInputs.parse({}), actor, action: "test" }));
    const entries = await db.auditEntry.findMany({ where: { action: "test" } });
    assert.deepEqual(entries.map((e) => [e.objectName, e.details]), [["Blocked", { error: "OUTBOUND_BLOCKED", saved: false }]]);
  });
});

describe("runConnector in an environment", () => {
  const SECRET = "CANARY-secret-variable-93d1";
  let envId: string;

  before(async () => {
    const envs = await import("@/lib/environments/store");
    envId = (await envs.createEnvironment({ name: "Staging", description: "" }, actor)).id;
    await envs.setVariables(envId, [{ name: "BASE", value: srv.origin, secret: false }, { name: "TOKEN", value: SECRET, secret: true }], actor);
    await envs.updateExtensions(envId, { connections: [{ id: basicId, fields: [{ id: "username", value: "stage-user", useDefault: false }] }] }, "PATCH", actor);
  });

  const envDef = () => def({ authConfigId: basicId, urlTemplate: "{{BASE}}/echo?t={{TOKEN}}", bodyType: "JSON", headers: [{ name: "X-Token", value: "Bearer {{TOKEN}}" }] });

  test("variables and overrides apply; secret variable values are sent but masked in Request sent and cURL; the result and the run log say which environment", async () => {
    const res = await run.runConnector({ def: envDef(), connectorId: null, name: "C", inputs: ZRunInputs.parse({ body: `{"t":"{{TOKEN}}"}` }), actor, action: "test", environment: "Staging" });
    const seen = srv.seen.at(-1)!;
    assert.deepEqual(headerValues(seen.rawHeaders, "x-token"), [`Bearer ${SECRET}`]);
    assert.deepEqual(headerValues(seen.rawHeaders, "authorization"), [`Basic ${Buffer.from("stage-user:p").toString("base64")}`]);
    assert.equal(res.body.toString(), `{"t":"${SECRET}"}`);
    assert.deepEqual(res.environment, { id: envId, name: "Staging" });
    assert.ok(!JSON.stringify(res.sent).includes(SECRET), "Request sent");
    assert.ok(!res.curl.includes(SECRET), "cURL");
    assert.ok(!res.url.includes(SECRET), "final URL");
    const { flushRuns } = await import("@/lib/runs/log");
    await flushRuns();
    const logged = await db.run.findFirstOrThrow({ orderBy: { at: "desc" } });
    assert.equal(logged.environmentId, envId);
  });

  test("by id too; without an environment the variable is a validation error naming it, nothing is sent", async () => {
    await run.runConnector({ def: envDef(), connectorId: null, name: "C", inputs: ZRunInputs.parse({}), actor, action: "run", environment: envId });
    const before = srv.seen.length;
    await assert.rejects(
      run.runConnector({ def: envDef(), connectorId: null, name: "C", inputs: ZRunInputs.parse({}), actor, action: "run" }),
      (e: unknown) => e instanceof AppError && e.code === "VALIDATION" && /\{\{BASE\}\} is an environment variable/.test(e.message),
    );
    await assert.rejects(
      run.runConnector({ def: envDef(), connectorId: null, name: "C", inputs: ZRunInputs.parse({}), actor, action: "run", environment: "Nope" }),
      (e: unknown) => e instanceof AppError && e.code === "VALIDATION" && /Unknown environment "Nope"/.test(e.message),
    );
    assert.equal(srv.seen.length, before);
  });
});
