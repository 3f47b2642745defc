// lib/environments/store.ts against a real SQLite database (SPEC §7, seed 001): each rule of the
// extensions document end to end through updateExtensions + getExtensions; one transaction per
// update; secrets sealed per record and field and never in a GET, a list or an audit entry; copy,
// delete; and a property test: any sequence of PATCH/PUT documents followed by GET gives exactly
// the state an independent reference model (below) predicts, invalid documents change nothing.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import type { TDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { rejectsWith } from "@/lib/testing/assert";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { extensibleFields } from "./fields";
import { ZExtensionsUpdate, type TDocField, type TExtensionsDocument } from "./extensions";

type TStore = typeof import("./store");
type TRuntime = typeof import("./runtime");
type TSecrets = typeof import("@/lib/secrets");

const CANARY = "CANARY";
const C = {
  password: "CANARY-env-password-91af",
  clientSecret: "CANARY-env-client-secret-2c7e",
  pair: "CANARY-env-pair-value-5d1b",
  variable: "CANARY-env-variable-7e3a",
  passphrase: "CANARY-env-passphrase-0b9c",
};
const DEFAULT_PASSWORD = "default-password-basic";
const DEFAULT_SECRET = "default-client-secret";
const GCP_REF = "projects/634801617861/secrets/testQA/versions/6";
const FILE_REF = "file:/run/secrets/client-secret";

let temp: TTempDb;
let db: TDb;
let s: TStore;
let rt: TRuntime;
let secrets: TSecrets;
let actor: { id: string; email: string };
const cfg = { basic: "", cc: "" };
let envSeq = 0;

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-environments-" }));
  s = await import("./store");
  rt = await import("./runtime");
  secrets = await import("@/lib/secrets");
  const user = await db.user.create({ data: { email: "admin@env.test", name: "admin", role: "ADMIN", passwordHash: "scrypt$not-used", active: true, mustChangePassword: false } });
  actor = { id: user.id, email: user.email };
  const { ZAuthConfigInput } = await import("@/lib/auth-configs/schema");
  const { createAuthConfig } = await import("@/lib/auth-configs/store");
  cfg.basic = (
    await createAuthConfig(ZAuthConfigInput.parse({ protocol: "HTTP", subProtocol: "BASIC", name: "Basic", username: "alice", password: DEFAULT_PASSWORD, testUrl: "https://default.example.test/" }), actor)
  ).id;
  cfg.cc = (
    await createAuthConfig(
      ZAuthConfigInput.parse({ protocol: "OAUTH2", subProtocol: "OAUTH2_CLIENT_CREDENTIALS", name: "CC", tokenUrl: "https://idp.example.test/token", clientId: "default-client", clientSecret: DEFAULT_SECRET }),
      actor,
    )
  ).id;
});

after(async () => {
  await db?.$disconnect();
  await temp?.cleanup();
});

// ---- helpers

async function newEnv(name = `Env ${++envSeq}`): Promise<string> {
  return (await s.createEnvironment({ name, description: `the ${name} environment` }, actor)).id;
}

const patch = (envId: string, doc: unknown) => s.updateExtensions(envId, ZExtensionsUpdate.parse(doc), "PATCH", actor);
const put = (envId: string, doc: unknown) => s.updateExtensions(envId, ZExtensionsUpdate.parse(doc), "PUT", actor);
const on = (configId: string, ...fields: unknown[]) => ({ id: configId, fields });

function fieldOf(doc: TExtensionsDocument, configId: string, fieldId: string): TDocField {
  const f = doc.connections.find((c) => c.id === configId)?.fields.find((x) => x.id === fieldId);
  assert.ok(f, `${configId} ${fieldId} in the document`);
  return f;
}

const DEFAULT = (id: string, encrypted = false): TDocField => ({ id, useDefault: true, usesEncryption: encrypted, encryptedValueSet: false, componentOverride: false });
const PLAIN = (id: string, value: string | boolean): TDocField => ({ id, value, useDefault: false, usesEncryption: false, encryptedValueSet: false, componentOverride: false });
const SECRET_SET = (id: string, ref?: string): TDocField => ({ id, useDefault: false, usesEncryption: true, encryptedValueSet: true, componentOverride: false, ...(ref ? { secretReference: ref } : {}) });

/** The stored rows of an environment with their secrets opened: what the model predicts. */
async function deepState(envId: string) {
  const overrides = await db.envOverride.findMany({ where: { environmentId: envId } });
  const out: Record<string, unknown> = {};
  for (const o of overrides) {
    const field = extensibleFields(o.authConfigId === cfg.basic ? "BASIC" : "OAUTH2_CLIENT_CREDENTIALS").find((f) => f.id === o.fieldId)!;
    const key = `${o.authConfigId === cfg.basic ? "Basic" : "CC"}:${o.fieldId}`;
    if (field.encrypted) out[key] = { kind: "secret", value: o.value === null ? null : secrets.openSecret(o.value, rt.overrideSlot(o.id)), ref: o.secretReference };
    else if (field.kind === "pairs") {
      const pairs = JSON.parse(o.value!) as Array<{ key: string; value?: string; encrypted: boolean }>;
      out[key] = { kind: "pairs", pairs: pairs.map((p) => (p.encrypted && p.value !== undefined ? { ...p, value: secrets.openSecret(p.value, rt.overrideSlot(o.id, rt.pairField(p.key))) } : p)) };
    } else out[key] = { kind: "plain", value: JSON.parse(o.value!) };
  }
  const vars: Record<string, unknown> = {};
  for (const v of await db.envVariable.findMany({ where: { environmentId: envId } })) {
    vars[v.name] = { secret: v.secret, value: v.value === null ? null : v.secret ? secrets.openSecret(v.value, rt.variableSlot(v.id)) : v.value };
  }
  return { overrides: out, vars };
}

/** Everything stored for an environment, as rows (for "nothing was written"). */
async function rawRows(envId: string) {
  const [overrides, variables, audits] = await Promise.all([
    db.envOverride.findMany({ where: { environmentId: envId }, orderBy: { id: "asc" } }),
    db.envVariable.findMany({ where: { environmentId: envId }, orderBy: { id: "asc" } }),
    db.auditEntry.count(),
  ]);
  return { overrides, variables, audits };
}

function assertNoCanary(what: string, value: unknown) {
  const text = JSON.stringify(value);
  assert.ok(!text.includes(CANARY), `${what} contains a secret: ${text.slice(Math.max(0, text.indexOf(CANARY) - 80), text.indexOf(CANARY) + 60)}`);
}

// ---- one test per rule of seed 001, end to end

describe("seed 001, rule by rule, through the store", () => {
  type TCase = { name: string; steps: Array<["PUT" | "PATCH", () => unknown]>; expect: (doc: TExtensionsDocument, envId: string) => Promise<void> | void };
  const cases: TCase[] = [
    {
      name: "GET: overridden fields have useDefault false and their value, defaults useDefault true and no value, encrypted ones never a value",
      steps: [["PATCH", () => ({ connections: [on(cfg.basic, { id: "username", value: "bob", useDefault: false }, { id: "password", value: C.password, usesEncryption: true, useDefault: false })] })]],
      expect: (doc) => {
        assert.deepEqual(fieldOf(doc, cfg.basic, "username"), PLAIN("username", "bob"));
        assert.deepEqual(fieldOf(doc, cfg.basic, "testUrl"), DEFAULT("testUrl"));
        assert.deepEqual(fieldOf(doc, cfg.basic, "password"), SECRET_SET("password"));
        assert.deepEqual(fieldOf(doc, cfg.basic, "tls.pkcs12Passphrase"), DEFAULT("tls.pkcs12Passphrase", true));
        assert.deepEqual(fieldOf(doc, cfg.cc, "clientSecret"), DEFAULT("clientSecret", true));
        assert.deepEqual(doc.connections.map((c) => c.name), ["Basic", "CC"]);
      },
    },
    {
      name: "PATCH changes only the fields sent",
      steps: [
        ["PATCH", () => ({ connections: [on(cfg.basic, { id: "username", value: "bob", useDefault: false }, { id: "password", value: C.password, usesEncryption: true, useDefault: false }), on(cfg.cc, { id: "clientId", value: "stage" })] })],
        ["PATCH", () => ({ connections: [on(cfg.basic, { id: "preemptive", value: false, useDefault: false })] })],
      ],
      expect: async (doc, envId) => {
        assert.deepEqual(fieldOf(doc, cfg.basic, "username"), PLAIN("username", "bob"));
        assert.deepEqual(fieldOf(doc, cfg.basic, "preemptive"), PLAIN("preemptive", false));
        assert.deepEqual(fieldOf(doc, cfg.cc, "clientId"), PLAIN("clientId", "stage"));
        assert.deepEqual((await deepState(envId)).overrides["Basic:password"], { kind: "secret", value: C.password, ref: null });
      },
    },
    {
      name: "PUT reverts every field not sent (other configurations and variables too)",
      steps: [
        ["PATCH", () => ({ connections: [on(cfg.basic, { id: "username", value: "bob" }, { id: "password", value: C.password, usesEncryption: true }), on(cfg.cc, { id: "clientId", value: "stage" })], properties: [{ id: "BASE_URL", value: "https://x.test" }] })],
        ["PUT", () => ({ connections: [on(cfg.basic, { id: "preemptive", value: "false" })], properties: [] })],
      ],
      expect: async (doc, envId) => {
        assert.deepEqual(fieldOf(doc, cfg.basic, "username"), DEFAULT("username"));
        assert.deepEqual(fieldOf(doc, cfg.basic, "password"), DEFAULT("password", true));
        assert.deepEqual(fieldOf(doc, cfg.cc, "clientId"), DEFAULT("clientId"));
        assert.deepEqual(fieldOf(doc, cfg.basic, "preemptive"), PLAIN("preemptive", false));
        assert.deepEqual(doc.properties, []);
        assert.equal(await db.envOverride.count({ where: { environmentId: envId } }), 1);
      },
    },
    {
      name: "PUT keeps encrypted fields sent with encryptedValueSet: true (as GET gives them, and in the legacy form)",
      steps: [
        ["PATCH", () => ({ connections: [on(cfg.basic, { id: "username", value: "bob" }, { id: "password", value: C.password, usesEncryption: true }), on(cfg.cc, { id: "clientSecret", value: C.clientSecret, usesEncryption: true })] })],
        [
          "PUT",
          () => ({
            connections: [
              on(cfg.basic, { id: "password", useDefault: false, usesEncryption: true, encryptedValueSet: true, componentOverride: false }),
              on(cfg.cc, { id: "clientSecret", usesEncryption: true, encryptedValueSet: true }),
            ],
          }),
        ],
      ],
      expect: async (doc, envId) => {
        assert.deepEqual(fieldOf(doc, cfg.basic, "password"), SECRET_SET("password"));
        assert.deepEqual(fieldOf(doc, cfg.cc, "clientSecret"), SECRET_SET("clientSecret"));
        assert.deepEqual(fieldOf(doc, cfg.basic, "username"), DEFAULT("username"));
        const state = await deepState(envId);
        assert.deepEqual(state.overrides["Basic:password"], { kind: "secret", value: C.password, ref: null });
        assert.deepEqual(state.overrides["CC:clientSecret"], { kind: "secret", value: C.clientSecret, ref: null });
      },
    },
    {
      name: 'useDefault: false with value "" overrides with an empty value',
      steps: [["PATCH", () => ({ connections: [on(cfg.basic, { id: "testUrl", value: "", useDefault: false }), on(cfg.cc, { id: "scope", value: "", useDefault: false })] })]],
      expect: async (doc, envId) => {
        assert.deepEqual(fieldOf(doc, cfg.basic, "testUrl"), PLAIN("testUrl", ""));
        assert.deepEqual(fieldOf(doc, cfg.cc, "scope"), PLAIN("scope", ""));
        // The effective configuration has the empty value, not the default's Test URL.
        const eff = await rt.effectiveConfig({ configId: cfg.basic, environment: await rt.environmentRuntime(envId) });
        assert.equal(eff.config.testUrl, "");
        assert.equal(eff.provenance.testUrl, "override");
      },
    },
    {
      name: "useDefault: true reverts (plain, encrypted, custom properties)",
      steps: [
        ["PATCH", () => ({ connections: [on(cfg.basic, { id: "username", value: "bob" }, { id: "password", value: C.password, usesEncryption: true }), on(cfg.cc, { id: "tokenParams", customProperties: { properties: [{ key: "a", value: "1" }] } })] })],
        ["PATCH", () => ({ connections: [on(cfg.basic, { id: "username", useDefault: true }, { id: "password", useDefault: true, encryptedValueSet: false, usesEncryption: true }), on(cfg.cc, { id: "tokenParams", useDefault: true })] })],
      ],
      expect: async (doc, envId) => {
        assert.deepEqual(fieldOf(doc, cfg.basic, "username"), DEFAULT("username"));
        assert.deepEqual(fieldOf(doc, cfg.basic, "password"), DEFAULT("password", true));
        assert.deepEqual(fieldOf(doc, cfg.cc, "tokenParams"), DEFAULT("tokenParams"));
        assert.equal(await db.envOverride.count({ where: { environmentId: envId } }), 0);
      },
    },
    {
      name: "legacy form without useDefault: a non-empty value overrides, an absent or empty one reverts",
      steps: [
        ["PATCH", () => ({ connections: [on(cfg.basic, { id: "username", value: "dave" }, { id: "testUrl", value: "https://t.test/" }, { id: "preemptive", value: "false" })] })],
        ["PATCH", () => ({ connections: [on(cfg.basic, { id: "testUrl", value: "" }, { id: "preemptive" })] })],
      ],
      expect: (doc) => {
        assert.deepEqual(fieldOf(doc, cfg.basic, "username"), PLAIN("username", "dave"));
        assert.deepEqual(fieldOf(doc, cfg.basic, "testUrl"), DEFAULT("testUrl"));
        assert.deepEqual(fieldOf(doc, cfg.basic, "preemptive"), DEFAULT("preemptive"));
      },
    },
    {
      name: "properties are the environment variables (secret ones write-only)",
      steps: [
        ["PATCH", () => ({ properties: [{ id: "BASE_URL", value: "https://staging.test" }, { id: "TOKEN", value: C.variable, usesEncryption: true }, { id: "GONE", value: "x" }] })],
        ["PATCH", () => ({ properties: [{ id: "GONE", useDefault: true }, { id: "TOKEN", usesEncryption: true, encryptedValueSet: true }] })],
      ],
      expect: async (doc, envId) => {
        assert.deepEqual(doc.properties, [
          { id: "BASE_URL", value: "https://staging.test", usesEncryption: false, encryptedValueSet: false },
          { id: "TOKEN", usesEncryption: true, encryptedValueSet: true },
        ]);
        assert.deepEqual(await s.variablesOf(envId), [
          { name: "BASE_URL", value: "https://staging.test", secret: false, valueSet: true },
          { name: "TOKEN", value: "", secret: true, valueSet: true },
        ]);
        const runtime = await rt.environmentRuntime(envId);
        assert.deepEqual(runtime?.variables, { BASE_URL: "https://staging.test", TOKEN: C.variable });
        assert.deepEqual(runtime?.secretValues, [C.variable]);
      },
    },
    {
      name: "custom properties: replaced as a whole list; encrypted pairs come back without their value and keep it when sent back without one",
      steps: [
        ["PATCH", () => ({ connections: [on(cfg.cc, { id: "tokenParams", useDefault: false, customProperties: { properties: [{ key: "a", value: "1" }, { key: "tenant", value: C.pair, encrypted: true }] } })] })],
        ["PATCH", () => ({ connections: [on(cfg.cc, { id: "tokenParams", useDefault: false, customProperties: { properties: [{ key: "tenant", encrypted: true }, { key: "b", value: "2", encrypted: false }] } })] })],
      ],
      expect: async (doc, envId) => {
        assert.deepEqual(fieldOf(doc, cfg.cc, "tokenParams").customProperties, { properties: [{ key: "tenant", encrypted: true }, { key: "b", value: "2", encrypted: false }] });
        assert.deepEqual((await deepState(envId)).overrides["CC:tokenParams"], { kind: "pairs", pairs: [{ key: "tenant", value: C.pair, encrypted: true }, { key: "b", value: "2", encrypted: false }] });
        const eff = await rt.effectiveConfig({ configId: cfg.cc, environment: await rt.environmentRuntime(envId) });
        assert.deepEqual((eff.config as { tokenParams: unknown }).tokenParams, [{ name: "tenant", value: C.pair }, { name: "b", value: "2" }]);
      },
    },
    {
      name: "secret references: stored and shown (not a secret), replacing a stored value",
      steps: [
        ["PATCH", () => ({ connections: [on(cfg.cc, { id: "clientSecret", value: C.clientSecret, usesEncryption: true })] })],
        ["PATCH", () => ({ connections: [on(cfg.cc, { id: "clientSecret", useDefault: false, secretReference: GCP_REF }), on(cfg.basic, { id: "password", secretReference: FILE_REF })] })],
      ],
      expect: async (doc, envId) => {
        assert.deepEqual(fieldOf(doc, cfg.cc, "clientSecret"), SECRET_SET("clientSecret", GCP_REF));
        assert.deepEqual(fieldOf(doc, cfg.basic, "password"), SECRET_SET("password", FILE_REF));
        assert.deepEqual((await deepState(envId)).overrides["CC:clientSecret"], { kind: "secret", value: null, ref: GCP_REF });
      },
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const envId = await newEnv();
      let last: TExtensionsDocument | undefined;
      for (const [mode, doc] of c.steps) last = await (mode === "PUT" ? put : patch)(envId, doc());
      const doc = await s.getExtensions(envId);
      assert.deepEqual(last, doc, "the update answers with the document GET gives");
      assertNoCanary("GET", doc);
      await c.expect(doc, envId);
    });
  }

  const bad: Array<{ name: string; doc: () => unknown; path: string; message?: RegExp }> = [
    { name: "an unknown field id", doc: () => ({ connections: [on(cfg.basic, { id: "colour", value: "red" })] }), path: "connections[0].fields[0].id" },
    { name: "a field of another sub-protocol", doc: () => ({ connections: [on(cfg.basic, { id: "clientId", value: "x" })] }), path: "connections[0].fields[0].id", message: /not an extensible field of "Basic"/ },
    { name: 'a boolean field with "maybe"', doc: () => ({ connections: [on(cfg.basic, { id: "preemptive", value: "maybe" })] }), path: "connections[0].fields[0].value" },
    { name: "a value on an encrypted field without usesEncryption", doc: () => ({ connections: [on(cfg.basic, { id: "password", value: C.password, useDefault: false })] }), path: "connections[0].fields[0].usesEncryption" },
    { name: "a malformed secret reference", doc: () => ({ connections: [on(cfg.cc, { id: "clientSecret", secretReference: "projects/x/secrets" })] }), path: "connections[0].fields[0].secretReference", message: /Invalid secret reference/ },
    { name: "an empty custom property key", doc: () => ({ connections: [on(cfg.cc, { id: "tokenParams", customProperties: { properties: [{ key: "", value: "1" }] } })] }), path: "connections[0].fields[0].customProperties.properties[0].key" },
    {
      name: "a duplicate custom property key",
      doc: () => ({ connections: [on(cfg.cc, { id: "tokenParams", customProperties: { properties: [{ key: "a", value: "1" }, { key: "a", value: C.pair, encrypted: true }] } })] }),
      path: "connections[0].fields[0].customProperties.properties[1].key",
    },
    { name: "an unknown configuration", doc: () => ({ connections: [on("no-such-config", { id: "username", value: "x" })] }), path: "connections[0].id" },
    { name: "a bad variable name", doc: () => ({ properties: [{ id: "base_url", value: "x" }] }), path: "properties[0].id" },
  ];
  for (const b of bad) {
    test(`refused, nothing written: ${b.name}`, async () => {
      const envId = await newEnv();
      await patch(envId, { connections: [on(cfg.basic, { id: "username", value: "keep-me" })] });
      const before = await rawRows(envId);
      for (const mode of ["PATCH", "PUT"] as const) {
        const e = await rejectsWith(s.updateExtensions(envId, ZExtensionsUpdate.parse(b.doc()), mode, actor), "VALIDATION", b.message);
        assert.ok(Object.keys(e.fieldErrors ?? {}).includes(b.path), `${b.path} in ${JSON.stringify(e.fieldErrors)}`);
        assertNoCanary("the error", { m: e.message, f: e.fieldErrors });
      }
      assert.deepEqual(await rawRows(envId), before);
    });
  }

  test("an unknown environment: NOT_FOUND for GET, PUT and PATCH", async () => {
    await rejectsWith(s.getExtensions("no-such-env"), "NOT_FOUND");
    await rejectsWith(patch("no-such-env", {}), "NOT_FOUND");
    await rejectsWith(put("no-such-env", {}), "NOT_FOUND");
  });

  test("GET filtered to one configuration", async () => {
    const envId = await newEnv();
    await patch(envId, { connections: [on(cfg.cc, { id: "clientId", value: "only" })] });
    const doc = await s.getExtensions(envId, { configIds: [cfg.cc] });
    assert.deepEqual(doc.connections.map((c) => c.id), [cfg.cc]);
    assert.deepEqual(fieldOf(doc, cfg.cc, "clientId"), PLAIN("clientId", "only"));
  });
});

describe("transactions, sealing, audit", () => {
  test("one transaction per update: a document with one good and one bad field writes nothing", async () => {
    const envId = await newEnv();
    await patch(envId, { connections: [on(cfg.basic, { id: "username", value: "before" })], properties: [{ id: "KEEP", value: "1" }] });
    const before = await rawRows(envId);
    const docs = [
      { connections: [on(cfg.basic, { id: "username", value: "after" }, { id: "password", value: C.password, usesEncryption: true }, { id: "preemptive", value: "maybe" })] },
      { connections: [on(cfg.basic, { id: "username", value: "after" })], properties: [{ id: "NEW", value: "x" }, { id: "bad-name", value: "y" }] },
      { connections: [on(cfg.cc, { id: "clientId", value: "after" }), on("no-such-config")] },
    ];
    for (const doc of docs) {
      for (const mode of ["PATCH", "PUT"] as const) await rejectsWith(s.updateExtensions(envId, ZExtensionsUpdate.parse(doc), mode, actor), "VALIDATION");
    }
    assert.deepEqual(await rawRows(envId), before);
    assert.deepEqual(fieldOf(await s.getExtensions(envId), cfg.basic, "username"), PLAIN("username", "before"));
  });

  test("secrets are sealed per record and field: envelopes in the database, never the plaintext; no GET or list output has them", async () => {
    const envId = await newEnv();
    await patch(envId, {
      connections: [
        on(cfg.basic, { id: "password", value: C.password, usesEncryption: true }, { id: "tls.pkcs12Passphrase", value: C.passphrase, usesEncryption: true }),
        on(cfg.cc, { id: "tokenParams", customProperties: { properties: [{ key: "tenant", value: C.pair, encrypted: true }, { key: "plain", value: "visible" }] } }),
      ],
      properties: [{ id: "TOKEN", value: C.variable, usesEncryption: true }],
    });
    const rows = await db.envOverride.findMany({ where: { environmentId: envId } });
    const password = rows.find((r) => r.fieldId === "password")!;
    assert.match(password.value!, /^pb1\./);
    assert.equal(secrets.openSecret(password.value!, rt.overrideSlot(password.id)), C.password);
    // Bound to its record: the same envelope under another record's id does not open.
    const other = rows.find((r) => r.fieldId === "tls.pkcs12Passphrase")!;
    assert.throws(() => secrets.openSecret(password.value!, rt.overrideSlot(other.id)));
    const pairs = JSON.parse(rows.find((r) => r.fieldId === "tokenParams")!.value!) as Array<{ key: string; value: string }>;
    assert.match(pairs[0].value, /^pb1\./);
    assert.equal(pairs[1].value, "visible");
    const variable = await db.envVariable.findFirstOrThrow({ where: { environmentId: envId, name: "TOKEN" } });
    assert.match(variable.value!, /^pb1\./);
    for (const r of rows) assertNoCanary(`EnvOverride ${r.fieldId}`, r);
    assertNoCanary("EnvVariable", variable);
    assertNoCanary("GET", await s.getExtensions(envId));
    assertNoCanary("GET filtered", await s.getExtensions(envId, { configIds: [cfg.cc] }));
    assertNoCanary("listEnvironments", await s.listEnvironments());
    assertNoCanary("variablesOf", await s.variablesOf(envId));
    // …and the request path gets them decrypted.
    const eff = await rt.effectiveConfig({ configId: cfg.basic, environment: await rt.environmentRuntime(envId) });
    assert.equal((eff.config as { password: string }).password, C.password);
    assert.equal(eff.config.tls.pkcs12Passphrase, C.passphrase);
  });

  test("audit entries name the fields and variables changed, never a value", async () => {
    const envId = await newEnv("Audited");
    const since = new Date(Date.now() - 1000);
    await patch(envId, {
      connections: [on(cfg.basic, { id: "password", value: C.password, usesEncryption: true }, { id: "username", value: "audited-user" }), on(cfg.cc, { id: "tokenParams", customProperties: { properties: [{ key: "k", value: C.pair, encrypted: true }] } })],
      properties: [{ id: "TOKEN", value: C.variable, usesEncryption: true }],
    });
    await put(envId, { connections: [on(cfg.cc, { id: "clientSecret", value: C.clientSecret, usesEncryption: true })] });
    const entries = await db.auditEntry.findMany({ where: { objectId: envId, at: { gte: since } }, orderBy: { at: "asc" } });
    assert.deepEqual(entries.map((e) => e.action), ["create", "update-extensions", "replace-extensions"]);
    const update = entries[1].details as { fields: string[]; variables: string[] };
    assert.deepEqual([...update.fields].sort(), ["Basic: password", "Basic: username", "CC: tokenParams"]);
    assert.deepEqual(update.variables, ["TOKEN"]);
    const replace = entries[2].details as { fields: string[]; variables: string[] };
    assert.deepEqual([...replace.fields].sort(), ["Basic: password", "Basic: username", "CC: clientSecret", "CC: tokenParams"]);
    assert.deepEqual(replace.variables, [], "a PUT without properties leaves the variables alone");
    assert.equal(entries[1].objectName, "Audited");
    const all = await db.auditEntry.findMany();
    assertNoCanary("the audit log", all);
    assert.ok(!JSON.stringify(all).includes("audited-user"), "plain values are not audited either");
  });

  test("overriding a field of the connection's identity drops that environment's OAuth2 tokens of that configuration, others stay", async () => {
    const envId = await newEnv();
    const other = await newEnv();
    const token = (environmentId: string | null, connection: string) =>
      db.oAuthToken.create({ data: { authConfigId: cfg.cc, ownerKey: "shared", connection, environmentId, accessToken: "pb1.fake" } });
    await token(envId, envId);
    await token(other, other);
    await token(null, "");
    await patch(envId, { connections: [on(cfg.cc, { id: "headerName", value: "X-Auth" })] });
    assert.equal(await db.oAuthToken.count({ where: { environmentId: envId } }), 1, "Header name is not the identity");
    await patch(envId, { connections: [on(cfg.cc, { id: "clientId", value: "stage-client" })] });
    assert.equal(await db.oAuthToken.count({ where: { environmentId: envId } }), 0);
    assert.equal(await db.oAuthToken.count({ where: { authConfigId: cfg.cc } }), 2, "the defaults' and the other environment's tokens stay");
    await db.oAuthToken.deleteMany({ where: { authConfigId: cfg.cc } });
  });
});

describe("copy and delete", () => {
  test('copy: "Copy of X", variables and plain overrides copied, secret overrides need a value, references kept', async () => {
    const envId = await newEnv("Staging");
    await patch(envId, {
      connections: [
        on(cfg.basic, { id: "username", value: "stage-user" }, { id: "password", value: C.password, usesEncryption: true }),
        on(cfg.cc, { id: "clientSecret", secretReference: GCP_REF }, { id: "tokenParams", customProperties: { properties: [{ key: "plain", value: "p" }, { key: "tenant", value: C.pair, encrypted: true }] } }),
      ],
      properties: [{ id: "BASE_URL", value: "https://staging.test" }, { id: "TOKEN", value: C.variable, usesEncryption: true }],
    });
    const copy = await s.copyEnvironment(envId, actor);
    assert.equal(copy.name, "Copy of Staging");
    assert.equal((await s.copyEnvironment(envId, actor)).name, "Copy of Staging (2)");

    const doc = await s.getExtensions(copy.id);
    assertNoCanary("the copy's GET", doc);
    assert.deepEqual(fieldOf(doc, cfg.basic, "username"), PLAIN("username", "stage-user"));
    assert.deepEqual(fieldOf(doc, cfg.basic, "password"), { id: "password", useDefault: false, usesEncryption: true, encryptedValueSet: false, componentOverride: false }, "needs a value");
    assert.deepEqual(fieldOf(doc, cfg.cc, "clientSecret"), SECRET_SET("clientSecret", GCP_REF));
    assert.deepEqual(fieldOf(doc, cfg.cc, "tokenParams").customProperties, { properties: [{ key: "plain", value: "p", encrypted: false }, { key: "tenant", encrypted: true }] });
    assert.deepEqual(doc.properties, [
      { id: "BASE_URL", value: "https://staging.test", usesEncryption: false, encryptedValueSet: false },
      { id: "TOKEN", usesEncryption: true, encryptedValueSet: false },
    ]);
    const rows = await db.envOverride.findMany({ where: { environmentId: copy.id } });
    for (const r of rows) assertNoCanary("the copy's rows", r);
    assert.equal(rows.find((r) => r.fieldId === "password")!.value, null);
    assert.equal((await db.envVariable.findFirstOrThrow({ where: { environmentId: copy.id, name: "TOKEN" } })).value, null);

    const listed = (await s.listEnvironments()).find((e) => e.id === copy.id)!;
    assert.equal(listed.description, "the Staging environment");
    assert.equal(listed.overrideCount, 4);
    assert.equal(listed.variableCount, 2);
    assert.ok(listed.needsValueCount >= 2, "the password and the secret variable need a value");

    // A request in the copy is refused, not sent with the default password.
    await rejectsWith(rt.effectiveConfig({ configId: cfg.basic, environment: await rt.environmentRuntime(copy.id) }), "VALIDATION", /Password/);
    // The original is untouched.
    assert.deepEqual((await deepState(envId)).overrides["Basic:password"], { kind: "secret", value: C.password, ref: null });

    const audit = await db.auditEntry.findFirstOrThrow({ where: { objectId: copy.id, action: "copy" } });
    assertNoCanary("the copy's audit entry", audit);
  });

  test(
    "copy: an encrypted custom property that lost its value counts as needing a value in the list",
    async () => {
      const envId = await newEnv();
      await patch(envId, { connections: [on(cfg.cc, { id: "tokenParams", customProperties: { properties: [{ key: "tenant", value: C.pair, encrypted: true }] } })] });
      const copy = await s.copyEnvironment(envId, actor);
      assert.equal((await s.listEnvironments()).find((e) => e.id === copy.id)!.needsValueCount, 1);
    },
  );

  test("delete removes the environment with its overrides, variables and OAuth2 tokens; audited", async () => {
    const envId = await newEnv("Doomed");
    await patch(envId, { connections: [on(cfg.basic, { id: "password", value: C.password, usesEncryption: true }), on(cfg.cc, { id: "scope", value: "s" })], properties: [{ id: "A", value: "1" }] });
    await db.oAuthToken.create({ data: { authConfigId: cfg.cc, ownerKey: "shared", connection: envId, environmentId: envId, accessToken: "pb1.fake" } });
    await s.deleteEnvironment(envId, actor);
    assert.equal(await db.environment.count({ where: { id: envId } }), 0);
    assert.equal(await db.envOverride.count({ where: { environmentId: envId } }), 0);
    assert.equal(await db.envVariable.count({ where: { environmentId: envId } }), 0);
    assert.equal(await db.oAuthToken.count({ where: { environmentId: envId } }), 0);
    const entry = await db.auditEntry.findFirstOrThrow({ where: { objectId: envId, action: "delete" } });
    assert.deepEqual(entry.details, { overrides: 2, variables: 1, tokenSets: 1 });
    await rejectsWith(s.deleteEnvironment(envId, actor), "NOT_FOUND");
    await rejectsWith(s.getExtensions(envId), "NOT_FOUND");
    await rejectsWith(rt.environmentRuntime(envId), "VALIDATION", /Unknown environment/);
  });
});

// ---- the property test and its reference model

type MPair = { key: string; value?: string; encrypted: boolean };
type MOverride = { kind: "plain"; value: string | boolean } | { kind: "secret"; value: string | null; ref: string | null } | { kind: "pairs"; pairs: MPair[] };
type MState = { overrides: Map<string, Map<string, MOverride>>; vars: Map<string, { secret: boolean; value: string | null }> };
type TKind = "text" | "bool" | "enum" | "secret" | "pairs";
/** `values` mostly give valid updates, `bad` invalid ones; the model decides with `valid` alone. */
type TSpec = { kind: TKind; values: Array<string | boolean>; bad: Array<string | boolean>; valid?: (v: string) => boolean };

const HTTP_URL = /^https?:\/\/\S+$/i;
// The fields the generator uses, with the configuration form's rules for their values.
const SPECS = (): Record<string, Record<string, TSpec>> => ({
  [cfg.basic]: {
    username: { kind: "text", values: ["bob", " carol "], bad: ["", "a:b", true], valid: (v) => v.trim() !== "" && !v.includes(":") },
    password: { kind: "secret", values: ["CANARY-p1", "CANARY-p2"], bad: [] },
    preemptive: { kind: "bool", values: [true, false, "true", "false"], bad: ["maybe", ""] },
    testUrl: { kind: "text", values: ["", "https://t.example/x"], bad: ["not a url"], valid: (v) => v.trim() === "" || HTTP_URL.test(v.trim()) },
    "tls.pkcs12Passphrase": { kind: "secret", values: ["CANARY-pp1", ""], bad: [] },
  },
  [cfg.cc]: {
    clientId: { kind: "text", values: ["c1", "c2"], bad: [""], valid: (v) => v.trim() !== "" },
    clientSecret: { kind: "secret", values: ["CANARY-cs1", "CANARY-cs2"], bad: [] },
    scope: { kind: "text", values: ["", "read", "read write"], bad: [false], valid: () => true },
    clientAuth: { kind: "enum", values: ["BASIC", "BODY"], bad: ["HEADER"], valid: (v) => v === "BASIC" || v === "BODY" },
    tokenParams: { kind: "pairs", values: [], bad: [] },
  },
});
const REFS: Record<string, boolean> = { [GCP_REF]: true, [FILE_REF]: true, "projects/p/secrets/s": false, "file:relative/x": false };
const RESERVED_TOKEN_PARAMS = ["grant_type", "code", "redirect_uri", "code_verifier", "client_id", "client_secret", "refresh_token", "assertion", "username", "password"];

type TF = Record<string, unknown> & { id: string };
const INVALID = Symbol("invalid");
const KEEP = Symbol("keep");
const REVERT = Symbol("revert");
type TOutcome = typeof INVALID | typeof KEEP | typeof REVERT | MOverride;

/** The seed's rules, written again independently of lib/environments/extensions.ts. */
function fieldOutcome(spec: TSpec, f: TF, stored: MOverride | undefined): TOutcome {
  const value = f.value as string | boolean | undefined;
  if (spec.kind === "pairs") {
    const props = (f.customProperties as { properties: MPair[] } | undefined)?.properties;
    const override = f.useDefault === false || (f.useDefault === undefined && props !== undefined && props.length > 0);
    if (!override) return REVERT;
    if (!props) return INVALID;
    const storedEncrypted = new Map(stored?.kind === "pairs" ? stored.pairs.filter((p) => p.encrypted).map((p) => [p.key, p]) : []);
    const keys = new Set<string>();
    for (const p of props) {
      if (p.key.trim() === "" || keys.has(p.key) || RESERVED_TOKEN_PARAMS.includes(p.key.toLowerCase())) return INVALID;
      keys.add(p.key);
      if (p.value === undefined && !(p.encrypted && storedEncrypted.has(p.key))) return INVALID;
    }
    return {
      kind: "pairs",
      pairs: props.map((p): MPair => {
        if (!p.encrypted) return { key: p.key, value: p.value!, encrypted: false };
        if (p.value !== undefined) return { key: p.key, value: p.value, encrypted: true };
        const kept = storedEncrypted.get(p.key)!;
        return kept.value === undefined ? { key: p.key, encrypted: true } : { key: p.key, value: kept.value, encrypted: true };
      }),
    };
  }
  if (spec.kind === "secret") {
    if (value !== undefined && value !== "" && f.usesEncryption !== true) return INVALID;
    if (f.useDefault === true) return REVERT;
    if (f.secretReference !== undefined) return REFS[f.secretReference as string] ? { kind: "secret", value: null, ref: f.secretReference as string } : INVALID;
    if (f.useDefault === undefined && (value === undefined || value === "")) return f.encryptedValueSet === true && stored ? KEEP : REVERT;
    if (value === undefined) return stored ? KEEP : INVALID;
    return { kind: "secret", value: value as string, ref: null };
  }
  if (f.usesEncryption === true) return INVALID;
  if (f.useDefault === true) return REVERT;
  if (value === undefined) return f.useDefault === false ? INVALID : REVERT;
  if (f.useDefault === undefined && value === "") return REVERT;
  if (spec.kind === "bool") {
    const b = value === true || value === "true" ? true : value === false || value === "false" ? false : null;
    return b === null ? INVALID : { kind: "plain", value: b };
  }
  if (typeof value !== "string" || !spec.valid!(value)) return INVALID;
  // Stored as the configuration form stores it: trimmed.
  return { kind: "plain", value: value.trim() };
}

type TDoc = { environmentId?: string; connections?: Array<{ id: string; fields?: TF[] }>; properties?: Array<Record<string, unknown> & { id: string }> };

function modelApply(state: MState, mode: "PUT" | "PATCH", doc: TDoc, envId: string): MState | null {
  const specs = SPECS();
  const next: MState = { overrides: new Map([...state.overrides].map(([k, v]) => [k, new Map(v)])), vars: new Map(state.vars) };
  if (doc.environmentId !== undefined && doc.environmentId !== envId) return null;
  const sent = new Map<string, Set<string>>();
  for (const c of doc.connections ?? []) {
    const configSpecs = specs[c.id];
    if (!configSpecs || sent.has(c.id)) return null;
    const fields = new Set<string>();
    sent.set(c.id, fields);
    const stored = state.overrides.get(c.id) ?? new Map<string, MOverride>();
    const out = next.overrides.get(c.id) ?? new Map<string, MOverride>();
    next.overrides.set(c.id, out);
    for (const f of c.fields ?? []) {
      const spec = configSpecs[f.id];
      if (!spec || fields.has(f.id)) return null;
      fields.add(f.id);
      const o = fieldOutcome(spec, f, stored.get(f.id));
      if (o === INVALID) return null;
      if (o === REVERT) out.delete(f.id);
      else if (o !== KEEP) out.set(f.id, o);
    }
  }
  if (mode === "PUT") {
    for (const [configId, overrides] of state.overrides) for (const fieldId of overrides.keys()) if (!sent.get(configId)?.has(fieldId)) next.overrides.get(configId)?.delete(fieldId);
  }
  const sentVars = new Set<string>();
  for (const p of doc.properties ?? []) {
    if (!/^[A-Z0-9_]+$/.test(p.id) || sentVars.has(p.id)) return null;
    sentVars.add(p.id);
    const stored = state.vars.get(p.id);
    const secret = (p.usesEncryption as boolean | undefined) ?? stored?.secret ?? false;
    if (p.useDefault === true) next.vars.delete(p.id);
    else if (p.value === undefined) {
      if (stored?.secret && (p.encryptedValueSet === true || p.usesEncryption === true)) continue;
      if (p.useDefault === false) return null;
      next.vars.delete(p.id);
    } else next.vars.set(p.id, { secret, value: p.value as string });
  }
  if (mode === "PUT" && doc.properties !== undefined) for (const name of state.vars.keys()) if (!sentVars.has(name)) next.vars.delete(name);
  return next;
}

/** What GET must answer for the model's state. */
function modelDocument(state: MState, envId: string): TExtensionsDocument {
  const configs = [
    { id: cfg.basic, name: "Basic", sub: "BASIC" as const },
    { id: cfg.cc, name: "CC", sub: "OAUTH2_CLIENT_CREDENTIALS" as const },
  ];
  return {
    environmentId: envId,
    connections: configs.map((c) => ({
      id: c.id,
      name: c.name,
      fields: extensibleFields(c.sub).map((f): TDocField => {
        const o = state.overrides.get(c.id)?.get(f.id);
        const base = { id: f.id, usesEncryption: f.encrypted, componentOverride: false as const };
        if (!o) return { ...base, useDefault: true, encryptedValueSet: false };
        if (o.kind === "plain") return { ...base, useDefault: false, encryptedValueSet: false, value: o.value };
        if (o.kind === "secret") return { ...base, useDefault: false, encryptedValueSet: o.value !== null || o.ref !== null, ...(o.ref !== null ? { secretReference: o.ref } : {}) };
        return { ...base, useDefault: false, encryptedValueSet: false, customProperties: { properties: o.pairs.map((p) => (p.encrypted ? { key: p.key, encrypted: true } : { key: p.key, value: p.value!, encrypted: false })) } };
      }),
    })),
    properties: [...state.vars]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([id, v]) => (v.secret ? { id, usesEncryption: true, encryptedValueSet: v.value !== null } : { id, value: v.value ?? "", usesEncryption: false, encryptedValueSet: false })),
  };
}

/** The model's state in deepState()'s shape (secrets in clear), to compare with the sealed rows. */
function modelDeep(state: MState) {
  const overrides: Record<string, unknown> = {};
  for (const [configId, fields] of state.overrides) {
    for (const [fieldId, o] of fields) overrides[`${configId === cfg.basic ? "Basic" : "CC"}:${fieldId}`] = o.kind === "secret" ? { kind: "secret", value: o.value, ref: o.ref } : o;
  }
  return { overrides, vars: Object.fromEntries(state.vars) };
}

// ---- generators: mostly the seed's forms, some invalid ones

function fieldArb(id: string, spec: TSpec): fc.Arbitrary<TF> {
  const weighted = (valid: Array<fc.Arbitrary<TF>>, invalid: Array<fc.Arbitrary<TF>>) =>
    fc.oneof(...valid.map((arbitrary) => ({ arbitrary, weight: 12 })), ...invalid.map((arbitrary) => ({ arbitrary, weight: 1 })));
  const c = <T extends TF>(v: T) => fc.constant(v);
  if (spec.kind === "secret") {
    const v = fc.constantFrom(...(spec.values as string[]));
    return weighted(
      [
        v.map((value) => ({ id, useDefault: false, usesEncryption: true, value })),
        v.map((value) => ({ id, usesEncryption: true, value })),
        c({ id, useDefault: false, usesEncryption: true, encryptedValueSet: true }),
        c({ id, usesEncryption: true, encryptedValueSet: true }),
        c({ id, usesEncryption: true, encryptedValueSet: false }),
        c({ id, useDefault: true }),
        fc.constantFrom(GCP_REF, FILE_REF).map((secretReference) => ({ id, useDefault: false, secretReference })),
      ],
      [v.filter((x) => x !== "").map((value) => ({ id, useDefault: false, value })), fc.constantFrom("projects/p/secrets/s", "file:relative/x").map((secretReference) => ({ id, useDefault: false, secretReference }))],
    );
  }
  if (spec.kind === "pairs") {
    // Distinct keys; plain pairs with a value; encrypted pairs with a canary value or (sent back) none.
    const pair = fc.record({ key: fc.constantFrom("a", "b"), form: fc.constantFrom("plain", "secret", "secret-back") }).map(({ key, form }) =>
      form === "plain" ? { key, value: `v-${key}`, encrypted: false } : form === "secret" ? { key, value: `CANARY-${key}`, encrypted: true } : { key, encrypted: true },
    );
    const list = fc.uniqueArray(pair, { maxLength: 2, selector: (p) => p.key });
    const nonEmpty = fc.uniqueArray(pair, { minLength: 1, maxLength: 2, selector: (p) => p.key });
    const badList = fc.constantFrom(
      [{ key: "grant_type", value: "x", encrypted: false }],
      [{ key: " ", value: "x", encrypted: false }],
      [{ key: "a", value: "1", encrypted: false }, { key: "a", value: "2", encrypted: false }],
      [{ key: "b", encrypted: false }],
    );
    return weighted(
      [
        list.map((properties) => ({ id, useDefault: false, customProperties: { properties } })),
        nonEmpty.map((properties) => ({ id, useDefault: false, customProperties: { properties } })),
        nonEmpty.map((properties) => ({ id, useDefault: false, customProperties: { properties } })),
        list.map((properties) => ({ id, customProperties: { properties } })),
        c({ id, useDefault: true }),
        c({ id }),
      ],
      [c({ id, useDefault: false }), badList.map((properties) => ({ id, useDefault: false, customProperties: { properties } }))],
    );
  }
  const v = fc.constantFrom(...spec.values);
  const bad = fc.constantFrom(...spec.bad);
  return weighted(
    [v.map((value) => ({ id, useDefault: false, value })), v.map((value) => ({ id, value })), c({ id, useDefault: true }), v.map((value) => ({ id, useDefault: true, value })), c({ id })],
    [bad.map((value) => ({ id, useDefault: false, value })), c({ id, useDefault: false }), v.map((value) => ({ id, value, usesEncryption: true }))],
  );
}

function docArb(envId: string): fc.Arbitrary<TDoc> {
  const specs = SPECS();
  const connection = (configId: string, extraIds: string[]) => {
    // Custom properties more often: their rules need a stored list to act on.
    const fieldArbs = Object.entries(specs[configId]).map(([id, spec]) => ({ arbitrary: fieldArb(id, spec), weight: spec.kind === "pairs" ? 30 : 10 }));
    const bogus = extraIds.map((id) => ({ arbitrary: fc.constant({ id, value: "x" } as TF), weight: 1 }));
    return fc.record({ id: fc.constant(configId), fields: fc.oneof(
        { arbitrary: fc.uniqueArray(fc.oneof(...fieldArbs, ...bogus), { minLength: 1, maxLength: 5, selector: (f) => f.id }), weight: 15 },
        // Sometimes a field twice: refused.
        { arbitrary: fc.array(fc.oneof(...fieldArbs), { minLength: 2, maxLength: 3 }), weight: 1 },
      ) });
  };
  const configs = fc.oneof(
    { arbitrary: connection(cfg.basic, ["clientId", "nope"]), weight: 10 },
    { arbitrary: connection(cfg.cc, ["username"]), weight: 10 },
    { arbitrary: fc.constant({ id: "no-such-config", fields: [] as TF[] }), weight: 1 },
  );
  const variable = fc.constantFrom("A", "B", "C").chain((id) =>
    fc.oneof(
      { arbitrary: fc.constantFrom("x", "").map((value) => ({ id, value })), weight: 3 },
      { arbitrary: fc.constant({ id, value: "CANARY-var", usesEncryption: true }), weight: 3 },
      { arbitrary: fc.constant({ id, value: "plain", usesEncryption: false }), weight: 2 },
      { arbitrary: fc.constant({ id, usesEncryption: true, encryptedValueSet: true }), weight: 2 },
      { arbitrary: fc.constant({ id, useDefault: true }), weight: 2 },
      { arbitrary: fc.constant({ id }), weight: 1 },
      { arbitrary: fc.constantFrom({ id, useDefault: false }, { id: "bad-name", value: "x" }), weight: 1 },
      { arbitrary: fc.constant({ id: "A_1", value: "x" }), weight: 1 },
    ),
  );
  return fc
    .record(
      {
        environmentId: fc.oneof({ arbitrary: fc.constant(envId), weight: 15 }, { arbitrary: fc.constant("another-env"), weight: 1 }),
        connections: fc.oneof(
          { arbitrary: fc.uniqueArray(configs, { minLength: 1, maxLength: 2, selector: (c) => c.id }), weight: 15 },
          // Sometimes a configuration twice: refused.
          { arbitrary: fc.array(configs, { maxLength: 2 }), weight: 1 },
        ),
        properties: fc.oneof({ arbitrary: fc.uniqueArray(variable, { maxLength: 3, selector: (v) => v.id }), weight: 15 }, { arbitrary: fc.array(variable, { minLength: 2, maxLength: 3 }), weight: 1 }),
      },
      { requiredKeys: ["connections"] },
    )
    .map((d) => d as TDoc);
}

describe("property: any sequence of PATCH/PUT documents, then GET, matches the reference model", () => {
  test("60 runs of up to 10 updates each", async () => {
    const envId = await newEnv("Property");
    const commands = fc.array(fc.record({ mode: fc.constantFrom<"PUT" | "PATCH">("PATCH", "PATCH", "PATCH", "PUT"), doc: docArb(envId) }), { minLength: 1, maxLength: 10 });
    let valid = 0;
    let invalid = 0;
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        await db.envOverride.deleteMany({ where: { environmentId: envId } });
        await db.envVariable.deleteMany({ where: { environmentId: envId } });
        let model: MState = { overrides: new Map(), vars: new Map() };
        for (const { mode, doc } of cmds) {
          const expected = modelApply(model, mode, doc, envId);
          const parsed = ZExtensionsUpdate.parse(doc);
          if (expected === null) {
            invalid++;
            const before = await rawRows(envId);
            await assert.rejects(s.updateExtensions(envId, parsed, mode, actor), (e: unknown) => e instanceof AppError && e.code === "VALIDATION");
            const after = await rawRows(envId);
            assert.deepEqual(after, before, "an invalid document writes nothing");
          } else {
            valid++;
            const answered = await s.updateExtensions(envId, parsed, mode, actor);
            model = expected;
            assert.deepEqual(answered, modelDocument(model, envId), `${mode} ${JSON.stringify(doc)}`);
          }
          const got = await s.getExtensions(envId);
          assert.deepEqual(got, modelDocument(model, envId));
          assertNoCanary("GET", got);
          assertNoCanary("listEnvironments", await s.listEnvironments());
          assert.deepEqual(await deepState(envId), modelDeep(model), "the stored (decrypted) state");
        }
      }),
      { numRuns: 60 },
    );
    // The generator must exercise both outcomes.
    assert.ok(valid > 30, `valid updates: ${valid}`);
    assert.ok(invalid > 10, `invalid updates: ${invalid}`);
  });
});
