// The connectors library against a real SQLite database: export holds no secret, import reproduces
// the same connectors (response mapping included), conflicts need a decision, and a failed import
// writes nothing.
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
    assert.deepEqual(result.created, { authConfigs: 2, services: 1, connectors: 3 });
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
    assert.deepEqual(result, { created: { authConfigs: 0, services: 0, connectors: 2 }, skipped: 4, needSecrets: [] });
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
    assert.deepEqual(result.created, { authConfigs: 2, services: 1, connectors: 3 });
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
