// The connectors library against a real SQLite database: export holds no secret, import reproduces
// the same connectors (response mapping included) and environments (secret values left out and
// reported as needing a value), conflicts need a decision, and a failed import writes nothing.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Prisma } from "@/generated/prisma/client";
import type { TDb } from "@/lib/db";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { ZAuthConfigInput } from "@/lib/auth-configs/schema";
import { ZConnectorInput } from "@/lib/connectors/schema";
import { ZServiceInput } from "@/lib/services/schema";
import { rejectsWith } from "@/lib/testing/assert";

const API_KEY = "CANARY-library-apikey-71c2";
const PASSWORD = "CANARY-library-password-a9";
const MAPPING = [
  { name: "customerName", path: "$.name" },
  { name: "noteIds", path: "$.notes[?@.pinned].id" },
];
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

let temp: TTempDb;
let db: TDb;
let lib: typeof import("./store");
let actor: { id: string; email: string };

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-library-" }));
  lib = await import("./store");
  const user = await db.user.create({ data: { email: "a@example.test", name: "a", role: "ADMIN", passwordHash: "scrypt$x", active: true, mustChangePassword: false } });
  actor = { id: user.id, email: user.email };
});

after(async () => {
  await db?.$disconnect();
  await temp?.cleanup();
});

async function wipe() {
  await db.environment.deleteMany();
  await db.connector.deleteMany();
  await db.service.deleteMany();
  await db.authConfig.deleteMany();
}

/** Everything that defines the connectors, by name, without ids or dates. */
async function snapshot() {
  const connectors = await db.connector.findMany({ orderBy: { name: "asc" }, include: { service: { include: { authConfig: true } }, authConfig: true } });
  return connectors.map((c) => ({
    name: c.name,
    description: c.description,
    method: c.method,
    urlTemplate: c.urlTemplate,
    headers: c.headers,
    queryParams: c.queryParams,
    bodyType: c.bodyType,
    bodyDescription: c.bodyDescription,
    formParams: c.formParams,
    timeoutMs: c.timeoutMs,
    responseMapping: c.responseMapping,
    authConfig: c.authConfig ? { name: c.authConfig.name, sub: c.authConfig.subProtocol, settings: c.authConfig.settings, testUrl: c.authConfig.testUrl } : null,
    service: {
      name: c.service.name,
      product: [c.service.productName, c.service.productVersion, c.service.apiVersion],
      logo: c.service.logo ? Buffer.from(c.service.logo).toString("base64") : null,
      authConfig: { name: c.service.authConfig.name, settings: c.service.authConfig.settings },
    },
  }));
}

async function seed() {
  const configs = await import("@/lib/auth-configs/store");
  const services = await import("@/lib/services/store");
  const connectors = await import("@/lib/connectors/store");
  const key = await configs.createAuthConfig(
    ZAuthConfigInput.parse({ name: "CRM key", protocol: "HTTP", subProtocol: "API_KEY", headerName: "X-Key", prefix: "", apiKey: API_KEY, testUrl: "https://crm.example/ping" }),
    actor,
  );
  const basic = await configs.createAuthConfig(ZAuthConfigInput.parse({ name: "Admin basic", protocol: "HTTP", subProtocol: "BASIC", username: "ops", password: PASSWORD }), actor);
  const crm = await services.createService(ZServiceInput.parse({ name: "CRM", productName: "Acme CRM", productVersion: "9", apiVersion: "v2", authConfigId: key.id, logo: PNG }), actor);
  const c = (v: Record<string, unknown>) => ZConnectorInput.parse({ serviceId: crm.id, method: "GET", ...v });
  await connectors.createConnector(c({ name: "Get customer", urlTemplate: "https://crm.example/customers/{id}", queryParams: [{ name: "expand", defaultValue: "notes", required: false }], headers: [{ name: "Accept", value: "application/json" }], responseMapping: MAPPING }), actor);
  await connectors.createConnector(c({ name: "Create note", method: "POST", urlTemplate: "{{BASE}}/notes", bodyType: "JSON", bodyDescription: '{"text":"hi"}', authConfigId: basic.id, timeoutMs: 5000 }), actor);
  await connectors.createConnector(c({ name: "Upload", method: "POST", urlTemplate: "https://crm.example/files", bodyType: "FORM", formParams: [{ name: "doc", type: "file" }] }), actor);
}

describe("connectors library", () => {
  test("export holds no secret; importing it into an empty database reproduces the same connectors", async () => {
    await wipe();
    await seed();
    const before = await snapshot();
    const file = await lib.exportLibrary(null);
    const text = JSON.stringify(file);
    for (const canary of [API_KEY, PASSWORD]) assert.ok(!text.includes(canary), `export contains ${canary}`);
    assert.ok(!text.includes("pb1."), "export contains an encrypted envelope");
    assert.equal(file.connectors.length, 3);
    assert.equal(file.authConfigs.length, 2);
    assert.deepEqual(file.connectors.find((c) => c.name === "Get customer")?.responseMapping, MAPPING);
    assert.deepEqual(file.connectors.find((c) => c.name === "Upload")?.responseMapping, []);

    await wipe();
    const preview = await lib.previewImport(JSON.parse(text));
    assert.deepEqual(preview.items.filter((i) => i.conflict), []);
    assert.deepEqual(preview.needSecrets.sort(), ["Admin basic", "CRM key"]);
    assert.equal(await db.connector.count(), 0, "preview writes nothing");

    const result = await lib.importLibrary(JSON.parse(text), {}, actor);
    assert.deepEqual(result.created, { authConfigs: 2, services: 1, connectors: 3, environments: 0 });
    assert.deepEqual(await snapshot(), before);
    const { getConnector } = await import("@/lib/connectors/store");
    const imported = await db.connector.findUniqueOrThrow({ where: { name: "Get customer" } });
    assert.deepEqual((await getConnector(imported.id))?.responseMapping, MAPPING);
    const stored = await db.authConfig.findMany({ omit: { secrets: false } });
    assert.ok(stored.every((c) => JSON.stringify(c.secrets) === "{}"), "imported configurations have no secrets");
    assert.equal(await db.auditEntry.count({ where: { action: "import" } }), 6);
  });

  test("selected export: only those connectors, their service and the configurations they use", async () => {
    await wipe();
    await seed();
    const one = await db.connector.findUniqueOrThrow({ where: { name: "Get customer" } });
    const file = await lib.exportLibrary([one.id]);
    assert.deepEqual(file.connectors.map((c) => c.name), ["Get customer"]);
    assert.deepEqual(file.services.map((s) => s.name), ["CRM"]);
    assert.deepEqual(file.authConfigs.map((c) => c.name), ["CRM key"]);
    await rejectsWith(lib.exportLibrary([one.id, "gone"]), "NOT_FOUND");
  });

  test("conflicts need a decision; skip reuses the existing item, rename imports under the new name", async () => {
    await wipe();
    await seed();
    const file = JSON.parse(JSON.stringify(await lib.exportLibrary(null)));
    const preview = await lib.previewImport(file);
    assert.equal(preview.items.filter((i) => i.conflict).length, 6);

    const err = await rejectsWith(lib.importLibrary(file, {}, actor), "CONFLICT");
    assert.match(err.message, /already exists: choose Skip or Rename/);
    assert.equal(await db.connector.count(), 3, "nothing written");

    const decisions: import("./store").TDecisions = {
      "authConfigs:CRM key": { action: "skip" },
      "authConfigs:Admin basic": { action: "skip" },
      "services:CRM": { action: "skip" },
      "connectors:Get customer": { action: "rename", name: "Get customer (2)" },
      "connectors:Create note": { action: "skip" },
      "connectors:Upload": { action: "rename", name: "Create note" }, // taken
    };
    const bad = await rejectsWith(lib.importLibrary(file, decisions, actor), "CONFLICT");
    assert.deepEqual(bad.fieldErrors, { "connectors:Upload": ['"Create note" is taken too'] });
    assert.equal(await db.connector.count(), 3, "a failed import rolls back the renamed connector created before the failure");

    decisions["connectors:Upload"] = { action: "rename", name: "Upload v2" };
    const result = await lib.importLibrary(file, decisions, actor);
    assert.deepEqual(result, { created: { authConfigs: 0, services: 0, connectors: 2, environments: 0 }, skipped: 4, needSecrets: [], needsValue: [] });
    const copy = await db.connector.findUniqueOrThrow({ where: { name: "Get customer (2)" }, include: { service: true } });
    assert.equal(copy.service.name, "CRM");
    assert.equal(await db.service.count(), 1);
  });

  test("renamed configurations and services are what the file's references then point to", async () => {
    await wipe();
    await seed();
    const file = JSON.parse(JSON.stringify(await lib.exportLibrary(null)));
    file.connectors = file.connectors.map((c: { name: string }) => ({ ...c, name: `${c.name} B` }));
    const result = await lib.importLibrary(
      file,
      { "authConfigs:CRM key": { action: "rename", name: "CRM key B" }, "authConfigs:Admin basic": { action: "rename", name: "Admin basic B" }, "services:CRM": { action: "rename", name: "CRM B" } },
      actor,
    );
    assert.deepEqual(result.created, { authConfigs: 2, services: 1, connectors: 3, environments: 0 });
    const note = await db.connector.findUniqueOrThrow({ where: { name: "Create note B" }, include: { service: { include: { authConfig: true } }, authConfig: true } });
    assert.equal(note.service.name, "CRM B");
    assert.equal(note.service.authConfig.name, "CRM key B");
    assert.equal(note.authConfig?.name, "Admin basic B");
  });

  test("a file from before response mapping still imports, its connectors without outputs", async () => {
    await wipe();
    await seed();
    const file = JSON.parse(JSON.stringify(await lib.exportLibrary(null)));
    await wipe();
    for (const c of file.connectors) delete c.responseMapping;
    const result = await lib.importLibrary(file, {}, actor);
    assert.equal(result.created.connectors, 3);
    const { getConnector } = await import("@/lib/connectors/store");
    for (const c of await db.connector.findMany()) assert.deepEqual((await getConnector(c.id))?.responseMapping, [], c.name);
  });

  test("a connector stored before response mapping (null) reads and exports as no outputs", async () => {
    await wipe();
    await seed();
    const one = await db.connector.update({ where: { name: "Get customer" }, data: { responseMapping: Prisma.DbNull } });
    const { getConnector } = await import("@/lib/connectors/store");
    assert.deepEqual((await getConnector(one.id))?.responseMapping, []);
    const file = await lib.exportLibrary([one.id]);
    assert.deepEqual(file.connectors[0].responseMapping, []);
  });

  test("invalid files are refused with where the problem is, and nothing is written", async () => {
    await wipe();
    await rejectsWith(lib.previewImport({ hello: 1 }), "VALIDATION");
    const wrongVersion = await rejectsWith(lib.previewImport({ format: "patchbay-connectors-library", version: 2 }), "VALIDATION");
    assert.match(wrongVersion.message, /version 2; this Patchbay reads version 1/);
    const base = { format: "patchbay-connectors-library", version: 1 };
    const e = await rejectsWith(
      lib.importLibrary(
        {
          ...base,
          authConfigs: [{ name: "K", protocol: "HTTP", subProtocol: "API_KEY", settings: { placement: "QUERY" } }],
          services: [{ name: "S", authConfig: "Missing" , logo: { contentType: "image/svg+xml", base64: Buffer.from("<svg/>").toString("base64") } }],
          connectors: [
            { name: "C", service: "S", method: "TRACE", urlTemplate: "ftp://x" },
            { name: "C", service: "Nope", method: "GET", urlTemplate: "https://x.example" },
            { name: "D", service: "S", method: "GET", urlTemplate: "https://x.example", responseMapping: [{ name: "id", path: "$.id" }, { name: "id", path: "$.items[" }] },
          ],
        },
        {},
        actor,
      ),
      "VALIDATION",
    );
    assert.deepEqual(Object.keys(e.fieldErrors ?? {}).sort(), [
      "authConfigs.0.queryParamName",
      "connectors.0.method",
      "connectors.0.urlTemplate",
      "connectors.1.name",
      "connectors.1.service",
      "connectors.2.responseMapping.1.name",
      "connectors.2.responseMapping.1.path",
      "services.0.authConfig",
      "services.0.logo",
    ]);
    assert.equal(await db.authConfig.count(), 0);
  });
});

// ---- Environments (SPEC §7) in the library.

const ENV_PASSWORD = "CANARY-env-password-5d1e";
const ENV_TOKEN = "CANARY-env-variable-0b77";
const ENV_CLIENT_SECRET = "CANARY-env-client-secret-c3";
const ENV_PAIR = "CANARY-env-pair-value-91f0";
const ENV_ORPHAN = "CANARY-orphan-username-44";
const REFERENCE = "file:/run/secrets/crm-staging-key";

/** seed() plus an OAuth2 configuration used by a connector, one no connector uses, and two environments. */
async function seedEnvironments() {
  await seed();
  const configs = await import("@/lib/auth-configs/store");
  const connectors = await import("@/lib/connectors/store");
  const envs = await import("@/lib/environments/store");
  const oauth = await configs.createAuthConfig(
    ZAuthConfigInput.parse({ name: "CRM OAuth", protocol: "OAUTH2", subProtocol: "OAUTH2_CLIENT_CREDENTIALS", tokenUrl: "https://crm.example/token", clientId: "patchbay", clientSecret: "default-secret" }),
    actor,
  );
  const orphan = await configs.createAuthConfig(ZAuthConfigInput.parse({ name: "Orphan", protocol: "HTTP", subProtocol: "BASIC", username: "o", password: "p" }), actor);
  const crm = await db.service.findUniqueOrThrow({ where: { name: "CRM" } });
  await connectors.createConnector(ZConnectorInput.parse({ serviceId: crm.id, name: "Token call", method: "GET", urlTemplate: "{{BASE_URL}}/me", authConfigId: oauth.id }), actor);
  const id = async (name: string) => (await db.authConfig.findUniqueOrThrow({ where: { name } })).id;

  const staging = await envs.createEnvironment({ name: "Staging", description: "Pre-production" }, actor);
  await envs.updateExtensions(
    staging.id,
    {
      connections: [
        {
          id: await id("Admin basic"),
          fields: [
            { id: "username", value: "staging-ops", useDefault: false },
            { id: "password", value: ENV_PASSWORD, usesEncryption: true, useDefault: false },
            { id: "preemptive", value: false, useDefault: false },
          ],
        },
        {
          id: await id("CRM key"),
          fields: [
            { id: "apiKey", secretReference: REFERENCE, usesEncryption: true, useDefault: false },
            { id: "testUrl", value: "https://staging.crm.example/ping", useDefault: false },
            { id: "headerName", value: "X-Staging-Key", useDefault: false },
          ],
        },
        {
          id: oauth.id,
          fields: [
            { id: "clientSecret", value: ENV_CLIENT_SECRET, usesEncryption: true, useDefault: false },
            {
              id: "tokenParams",
              useDefault: false,
              customProperties: { properties: [{ key: "resource", value: "crm", encrypted: false }, { key: "tenant_secret", value: ENV_PAIR, encrypted: true }] },
            },
          ],
        },
        { id: orphan.id, fields: [{ id: "username", value: ENV_ORPHAN, useDefault: false }] },
      ],
      properties: [
        { id: "BASE_URL", value: "https://staging.crm.example" },
        { id: "TOKEN", value: ENV_TOKEN, usesEncryption: true },
      ],
    },
    "PATCH",
    actor,
  );
  const production = await envs.createEnvironment({ name: "Production", description: "" }, actor);
  await envs.setVariables(production.id, [{ name: "BASE_URL", value: "https://crm.example", secret: false }], actor);
}

/** An environment as stored, by name: variables and overrides with configuration names, no ids. */
async function envSnapshot(name: string) {
  const env = await db.environment.findUniqueOrThrow({ where: { name }, include: { variables: { orderBy: { name: "asc" } }, overrides: { include: { authConfig: true } } } });
  return {
    description: env.description,
    variables: env.variables.map((v) => ({ name: v.name, secret: v.secret, value: v.value })),
    overrides: env.overrides
      .map((o) => ({ at: `${o.authConfig.name}: ${o.fieldId}`, value: o.value, secretReference: o.secretReference }))
      .sort((a, b) => a.at.localeCompare(b.at)),
  };
}

const STAGING_NEEDS_VALUE = ["variable TOKEN", "Admin basic: Password", "CRM OAuth: Client secret", "CRM OAuth: Extra token parameters"];

describe("environments in the library", () => {
  test("a full export carries environments: variables and non-secret overrides, never a secret value (canary)", async () => {
    await wipe();
    await seedEnvironments();
    const file = await lib.exportLibrary(null);
    const text = JSON.stringify(file);
    for (const canary of [API_KEY, PASSWORD, ENV_PASSWORD, ENV_TOKEN, ENV_CLIENT_SECRET, ENV_PAIR]) assert.ok(!text.includes(canary), `export contains ${canary}`);
    assert.ok(!text.includes("pb1."), "export contains an encrypted envelope");
    assert.ok(!text.includes(ENV_ORPHAN), "overrides of a configuration outside the file are not exported");
    assert.equal(file.version, 1);
    assert.deepEqual(file.environments, [
      { name: "Production", description: "", variables: [{ name: "BASE_URL", secret: false, value: "https://crm.example" }], overrides: [] },
      {
        name: "Staging",
        description: "Pre-production",
        variables: [
          { name: "BASE_URL", secret: false, value: "https://staging.crm.example" },
          { name: "TOKEN", secret: true, needsValue: true },
        ],
        overrides: [
          { authConfig: "Admin basic", field: "password", needsValue: true },
          { authConfig: "Admin basic", field: "preemptive", value: false },
          { authConfig: "Admin basic", field: "username", value: "staging-ops" },
          // By configuration name as the database sorts (code points: "CRM OAuth" before "CRM key").
          { authConfig: "CRM OAuth", field: "clientSecret", needsValue: true },
          {
            authConfig: "CRM OAuth",
            field: "tokenParams",
            customProperties: [
              { key: "resource", value: "crm", encrypted: false },
              { key: "tenant_secret", encrypted: true },
            ],
            needsValue: true,
          },
          { authConfig: "CRM key", field: "apiKey", secretReference: REFERENCE },
          { authConfig: "CRM key", field: "headerName", value: "X-Staging-Key" },
          { authConfig: "CRM key", field: "testUrl", value: "https://staging.crm.example/ping" },
        ],
      },
    ]);
    const { ZLibraryFile } = await import("./schema");
    assert.deepEqual(ZLibraryFile.parse(JSON.parse(text)), JSON.parse(text), "the file is exactly what its schema describes");

    const selected = await lib.exportLibrary([(await db.connector.findUniqueOrThrow({ where: { name: "Token call" } })).id]);
    assert.deepEqual(selected.environments, [], "a selected export carries no environments");
  });

  test("round trip: importing the export into an empty database reproduces variables and non-secret overrides; secret ones need a value", async () => {
    await wipe();
    await seedEnvironments();
    const original = await envSnapshot("Staging");
    const text = JSON.stringify(await lib.exportLibrary(null));
    await wipe();

    const preview = await lib.previewImport(JSON.parse(text));
    assert.deepEqual(
      preview.items.filter((i) => i.kind === "environments"),
      [
        { kind: "environments", name: "Production", conflict: false, detail: "1 variable · 0 overrides" },
        { kind: "environments", name: "Staging", conflict: false, detail: "2 variables · 8 overrides" },
      ],
    );
    assert.equal(await db.environment.count(), 0, "preview writes nothing");

    const result = await lib.importLibrary(JSON.parse(text), {}, actor);
    assert.deepEqual(result.created, { authConfigs: 3, services: 1, connectors: 4, environments: 2 });
    assert.deepEqual(result.needsValue, [{ environment: "Staging", items: STAGING_NEEDS_VALUE }]);

    const imported = await envSnapshot("Staging");
    assert.equal(imported.description, "Pre-production");
    assert.deepEqual(imported.variables, [
      { name: "BASE_URL", secret: false, value: "https://staging.crm.example" },
      { name: "TOKEN", secret: true, value: null },
    ]);
    // Non-secret overrides are stored exactly as the environment store writes them; secret ones
    // hold no value (needs a value), a reference is kept, encrypted pairs lose only their value.
    const byAt = (s: typeof original) => new Map(s.overrides.map((o) => [o.at, o]));
    const before = byAt(original);
    const after = byAt(imported);
    assert.deepEqual([...after.keys()], [...before.keys()].filter((k) => !k.startsWith("Orphan")));
    for (const at of ["Admin basic: username", "Admin basic: preemptive", "CRM key: headerName", "CRM key: testUrl", "CRM key: apiKey"]) assert.deepEqual(after.get(at), before.get(at), at);
    for (const at of ["Admin basic: password", "CRM OAuth: clientSecret"]) assert.deepEqual(after.get(at), { at, value: null, secretReference: null }, at);
    assert.deepEqual(JSON.parse(after.get("CRM OAuth: tokenParams")!.value!), [
      { key: "resource", value: "crm", encrypted: false },
      { key: "tenant_secret", encrypted: true },
    ]);
    assert.deepEqual(await envSnapshot("Production"), { description: "", variables: [{ name: "BASE_URL", secret: false, value: "https://crm.example" }], overrides: [] });

    // The environment store sees the missing values, and a second export is the same file.
    const { listEnvironments } = await import("@/lib/environments/store");
    assert.deepEqual((await listEnvironments()).map((e) => [e.name, e.overrideCount, e.variableCount, e.needsValueCount]), [["Production", 0, 1, 0], ["Staging", 8, 2, 4]]); // TOKEN, password, clientSecret, and the encrypted tokenParams pair
    assert.deepEqual((await lib.exportLibrary(null)).environments, JSON.parse(text).environments);

    const audits = await db.auditEntry.findMany({ where: { action: "import", objectType: "Environment" }, orderBy: { objectName: "asc" } });
    assert.deepEqual(audits.map((a) => a.objectName), ["Production", "Staging"]);
    const details = JSON.stringify(audits.map((a) => a.details));
    assert.match(details, /Admin basic: password/);
    for (const value of ["staging-ops", "https://staging.crm.example", REFERENCE]) assert.ok(!details.includes(value), "audited with field names, never values");
  });

  test("a file from before environments (no environments key) still imports", async () => {
    await wipe();
    await seedEnvironments();
    const file = JSON.parse(JSON.stringify(await lib.exportLibrary(null)));
    delete file.environments;
    await wipe();
    const result = await lib.importLibrary(file, {}, actor);
    assert.equal(result.created.connectors, 4);
    assert.equal(result.created.environments, 0);
    assert.deepEqual(result.needsValue, []);
  });

  test("environment names taken need a decision: skip keeps the existing one, rename imports a copy", async () => {
    await wipe();
    await seedEnvironments();
    const file = JSON.parse(JSON.stringify(await lib.exportLibrary(null)));
    const preview = await lib.previewImport(file);
    assert.deepEqual(preview.items.filter((i) => i.kind === "environments" && i.conflict).map((i) => i.name), ["Production", "Staging"]);

    const skipRest: import("./store").TDecisions = Object.fromEntries(preview.items.filter((i) => i.kind !== "environments").map((i) => [`${i.kind}:${i.name}`, { action: "skip" }]));
    const missing = await rejectsWith(lib.importLibrary(file, skipRest, actor), "CONFLICT");
    assert.match(missing.message, /An environment named "Production" already exists: choose Skip or Rename/);
    assert.deepEqual(Object.keys(missing.fieldErrors ?? {}).sort(), ["environments:Production", "environments:Staging"]);

    const taken = await rejectsWith(
      lib.importLibrary(file, { ...skipRest, "environments:Production": { action: "skip" }, "environments:Staging": { action: "rename", name: "Production" } }, actor),
      "CONFLICT",
    );
    assert.deepEqual(taken.fieldErrors, { "environments:Staging": ['"Production" is taken too'] });
    assert.equal(await db.environment.count(), 2, "nothing written");

    const result = await lib.importLibrary(file, { ...skipRest, "environments:Production": { action: "skip" }, "environments:Staging": { action: "rename", name: "Staging 2" } }, actor);
    assert.deepEqual(result.created, { authConfigs: 0, services: 0, connectors: 0, environments: 1 });
    assert.equal(result.skipped, 9); // 3 configurations, 1 service, 4 connectors, Production
    assert.deepEqual(result.needsValue, [{ environment: "Staging 2", items: STAGING_NEEDS_VALUE }]);
    // The copy's overrides apply to the existing (skipped) configurations.
    const copy = await envSnapshot("Staging 2");
    const original = await envSnapshot("Staging");
    assert.deepEqual(copy.overrides.map((o) => o.at), original.overrides.map((o) => o.at).filter((at) => !at.startsWith("Orphan")));
    const audit = await db.auditEntry.findFirstOrThrow({ where: { action: "import", objectType: "Environment", objectName: "Staging 2" } });
    assert.equal((audit.details as { renamedFrom?: string }).renamedFrom, "Staging");
  });

  test("skipping a configuration whose existing namesake has another sub-protocol: its overrides are refused, nothing written", async () => {
    await wipe();
    await seedEnvironments();
    const file = JSON.parse(JSON.stringify(await lib.exportLibrary(null)));
    await wipe();
    const configs = await import("@/lib/auth-configs/store");
    await configs.createAuthConfig(ZAuthConfigInput.parse({ name: "Admin basic", protocol: "HTTP", subProtocol: "API_KEY", headerName: "X-Key", apiKey: "k" }), actor);
    const e = await rejectsWith(lib.importLibrary(file, { "authConfigs:Admin basic": { action: "skip" } }, actor), "VALIDATION");
    assert.match(e.message, /"password" is not an extensible field of "Admin basic" \(its sub-protocol API_KEY has no such field\)/);
    assert.deepEqual(Object.keys(e.fieldErrors ?? {}).length, 3, "password, preemptive and username of Admin basic");
    assert.match(e.message, /Rename it instead of Skip/);
    assert.equal(await db.environment.count(), 0);
    assert.equal(await db.connector.count(), 0);
    assert.equal(await db.authConfig.count(), 1);
  });

  test("bad environments are refused with where the problem is, and nothing is written", async () => {
    await wipe();
    await seed();
    const base = JSON.parse(JSON.stringify(await lib.exportLibrary(null)));
    await wipe();
    const file = {
      ...base,
      environments: [
        {
          name: "Staging",
          variables: [
            { name: "base_url", value: "x" },
            { name: "TOKEN", secret: true, value: "a secret in the file" },
            { name: "OK", value: "1" },
            { name: "OK", value: "2" },
          ],
          overrides: [
            { authConfig: "Nowhere", field: "username", value: "x" },
            { authConfig: "Admin basic", field: "clientId", value: "x" },
            { authConfig: "Admin basic", field: "password", value: "a secret in the file" },
            { authConfig: "Admin basic", field: "preemptive", value: "yes" },
            { authConfig: "CRM key", field: "apiKey", secretReference: "projects/x/secrets/y" },
            { authConfig: "CRM key", field: "headerName", secretReference: "file:/x" },
            { authConfig: "CRM key", field: "testUrl", value: "ftp://nope" },
            { authConfig: "CRM key", field: "testUrl", value: "https://twice.example" },
          ],
        },
        { name: "Staging", variables: [], overrides: [] },
        { name: "   ", variables: [], overrides: [] },
      ],
    };
    const e = await rejectsWith(lib.importLibrary(file, {}, actor), "VALIDATION");
    assert.deepEqual(Object.keys(e.fieldErrors ?? {}).sort(), [
      "environments.0.overrides.0.authConfig",
      "environments.0.overrides.1.field",
      "environments.0.overrides.2.value",
      "environments.0.overrides.3.value",
      "environments.0.overrides.4.secretReference",
      "environments.0.overrides.5.secretReference",
      "environments.0.overrides.6.value",
      "environments.0.overrides.7.field",
      "environments.0.variables.0.name",
      "environments.0.variables.1.value",
      "environments.0.variables.3.name",
      "environments.1.name",
      "environments.2.name",
    ]);
    const fe = e.fieldErrors!;
    assert.match(fe["environments.0.overrides.0.authConfig"][0], /No authentication configuration "Nowhere" in the file or in Patchbay/);
    assert.match(fe["environments.0.overrides.1.field"][0], /"clientId" is not an extensible field of "Admin basic"/);
    assert.match(fe["environments.0.variables.0.name"][0], /may use only A-Z, 0-9 and _/);
    assert.match(fe["environments.0.overrides.4.secretReference"][0], /Invalid secret reference/);
    assert.ok(!JSON.stringify(e).includes("a secret in the file"), "errors never repeat a value");
    await rejectsWith(lib.previewImport(file), "VALIDATION");
    assert.equal(await db.environment.count(), 0);
    assert.equal(await db.authConfig.count(), 0, "nothing written");

    const pairs = {
      ...base,
      environments: [{ name: "P", overrides: [{ authConfig: "CRM key", field: "headerName", customProperties: [] }] }],
    };
    const p = await rejectsWith(lib.importLibrary(pairs, {}, actor), "VALIDATION");
    assert.deepEqual(Object.keys(p.fieldErrors ?? {}), ["environments.0.overrides.0.customProperties"]);
  });

  test("the file's variable-name rule is the environments' own", async () => {
    const { LIB_VARIABLE_NAME } = await import("./schema");
    const { VARIABLE_NAME } = await import("@/lib/environments/extensions");
    assert.equal(LIB_VARIABLE_NAME.source, VARIABLE_NAME.source);
  });
});

describe("custom properties in the library", () => {
  test("duplicate or empty keys and encrypted values in the file are refused", async () => {
    await wipe();
    await seedEnvironments();
    const file = JSON.parse(JSON.stringify(await lib.exportLibrary(null)));
    await wipe();
    const staging = file.environments.find((e: { name: string }) => e.name === "Staging");
    const tp = staging.overrides.find((o: { field: string }) => o.field === "tokenParams");
    tp.customProperties = [
      { key: "a", value: "1", encrypted: false },
      { key: "a", value: "2", encrypted: false },
      { key: " ", value: "3", encrypted: false },
      { key: "s", value: "a secret in the file", encrypted: true },
      { key: "grant_type", value: "x", encrypted: false },
    ];
    const e = await rejectsWith(lib.importLibrary(file, {}, actor), "VALIDATION");
    const i = staging.overrides.indexOf(tp);
    assert.deepEqual(Object.keys(e.fieldErrors ?? {}).sort(), [1, 2, 3].map((n) => `environments.1.overrides.${i}.customProperties.${n}.${n === 3 ? "value" : "key"}`));
    tp.customProperties = [{ key: "grant_type", value: "x", encrypted: false }];
    const reserved = await rejectsWith(lib.importLibrary(file, {}, actor), "VALIDATION");
    assert.match(reserved.message, /Patchbay sets this parameter itself/);
    assert.equal(await db.environment.count(), 0);
  });
});
