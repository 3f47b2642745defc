// The extensions document, pure (SPEC §7, seed 001 "Working with the Environment Extensions
// object"): one table-driven test per rule of issue 11 item 9 — the GET shape (toDocument) and the
// changes an update makes (planUpdate) — and the bad input that must be refused with the field at
// fault named (then nothing is planned). The same rules end to end: store.test.ts, the API tests.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AppError } from "@/lib/errors";
import { extensibleFields } from "./fields";
import { planUpdate, toDocument, ZExtensionsUpdate, type TChange, type TConfigRef, type TDocField, type TStoredOverride, type TStoredVariable } from "./extensions";

const ENV = "env-1";
const BASIC: TConfigRef = { id: "cfg-basic", name: "Basic", subProtocol: "BASIC" };
const CC: TConfigRef = { id: "cfg-cc", name: "CC", subProtocol: "OAUTH2_CLIENT_CREDENTIALS" };
const CONFIGS = [BASIC, CC];
const GCP_REF = "projects/634801617861/secrets/testQA/versions/6";

type TState = { current?: Record<string, TStoredOverride[]>; variables?: TStoredVariable[] };

function plan(mode: "PUT" | "PATCH", doc: unknown, state: TState = {}): TChange[] {
  return planUpdate({
    environmentId: ENV,
    mode,
    doc: ZExtensionsUpdate.parse(doc),
    configs: CONFIGS,
    current: new Map(Object.entries(state.current ?? {})),
    variables: state.variables ?? [],
  }).changes;
}

/** The AppError a plan throws: VALIDATION, with field errors. */
function refused(mode: "PUT" | "PATCH", doc: unknown, state: TState = {}): AppError {
  let caught: unknown;
  assert.throws(
    () => plan(mode, doc, state),
    (e: unknown) => ((caught = e), true),
  );
  assert.ok(caught instanceof AppError, String(caught));
  assert.equal(caught.code, "VALIDATION", caught.message);
  assert.ok(caught.fieldErrors, "field errors");
  return caught;
}

const basic = (...fields: unknown[]) => ({ connections: [{ id: BASIC.id, fields }] });
const cc = (...fields: unknown[]) => ({ connections: [{ id: CC.id, fields }] });
const set = (configId: string, fieldId: string, value: string | boolean): TChange => ({ op: "set", configId, fieldId, value });
const revert = (configId: string, fieldId: string): TChange => ({ op: "revert", configId, fieldId });
const setSecret = (configId: string, fieldId: string, value: string): TChange => ({ op: "set-secret", configId, fieldId, value });

/** Changes that do something: a revert of a field that has no override is a no-op for the store. */
const effective = (changes: TChange[], current: Record<string, TStoredOverride[]>) =>
  changes.filter((c) => c.op !== "revert" || (current[c.configId] ?? []).some((o) => o.fieldId === c.fieldId));
const sortChanges = (changes: TChange[]) => [...changes].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

// Stored state used by several rules: Basic has username, password and preemptive overridden;
// CC its client id, a secret by reference and a custom properties list with an encrypted pair.
const STORED: Record<string, TStoredOverride[]> = {
  [BASIC.id]: [
    { fieldId: "username", kind: "plain", value: "bob" },
    { fieldId: "password", kind: "secret", valueSet: true, secretReference: null },
    { fieldId: "preemptive", kind: "plain", value: false },
  ],
  [CC.id]: [
    { fieldId: "clientId", kind: "plain", value: "staging-client" },
    { fieldId: "clientSecret", kind: "secret", valueSet: false, secretReference: GCP_REF },
    {
      fieldId: "tokenParams",
      kind: "pairs",
      pairs: [
        { key: "resource", value: "api://staging", encrypted: false },
        { key: "tenant_key", encrypted: true },
      ],
    },
  ],
};
const VARS: TStoredVariable[] = [
  { name: "BASE_URL", secret: false, value: "https://staging.example.test" },
  { name: "API_SECRET", secret: true, value: "" },
];

describe("GET: the document's shape", () => {
  const doc = toDocument(ENV, CONFIGS, new Map(Object.entries(STORED)), VARS);
  const field = (configId: string, id: string): TDocField => doc.connections.find((c) => c.id === configId)!.fields.find((f) => f.id === id)!;

  test("every extensible field of every configuration, in order, with the configuration's id and name", () => {
    assert.equal(doc.environmentId, ENV);
    assert.deepEqual(
      doc.connections.map((c) => [c.id, c.name, c.fields.map((f) => f.id)]),
      CONFIGS.map((c) => [c.id, c.name, extensibleFields(c.subProtocol).map((f) => f.id)]),
    );
    for (const c of doc.connections) for (const f of c.fields) assert.equal(f.componentOverride, false);
  });

  const cases: Array<{ name: string; configId: string; id: string; expect: TDocField }> = [
    {
      name: "an overridden field: useDefault false with its value",
      configId: BASIC.id,
      id: "username",
      expect: { id: "username", value: "bob", useDefault: false, usesEncryption: false, encryptedValueSet: false, componentOverride: false },
    },
    {
      name: "an overridden boolean keeps its type",
      configId: BASIC.id,
      id: "preemptive",
      expect: { id: "preemptive", value: false, useDefault: false, usesEncryption: false, encryptedValueSet: false, componentOverride: false },
    },
    {
      name: "a default field: useDefault true and no value",
      configId: BASIC.id,
      id: "testUrl",
      expect: { id: "testUrl", useDefault: true, usesEncryption: false, encryptedValueSet: false, componentOverride: false },
    },
    {
      name: "an overridden encrypted field: useDefault false, encryptedValueSet true, never a value",
      configId: BASIC.id,
      id: "password",
      expect: { id: "password", useDefault: false, usesEncryption: true, encryptedValueSet: true, componentOverride: false },
    },
    {
      name: "a default encrypted field: useDefault true, encryptedValueSet false",
      configId: BASIC.id,
      id: "tls.clientKeyPem",
      expect: { id: "tls.clientKeyPem", useDefault: true, usesEncryption: true, encryptedValueSet: false, componentOverride: false },
    },
    {
      name: "an encrypted field given by reference: the reference is shown (it is not a secret), encryptedValueSet true",
      configId: CC.id,
      id: "clientSecret",
      expect: { id: "clientSecret", useDefault: false, usesEncryption: true, encryptedValueSet: true, componentOverride: false, secretReference: GCP_REF },
    },
    {
      name: "custom properties: the list, encrypted pairs without their value",
      configId: CC.id,
      id: "tokenParams",
      expect: {
        id: "tokenParams",
        useDefault: false,
        usesEncryption: false,
        encryptedValueSet: false,
        componentOverride: false,
        customProperties: { properties: [{ key: "resource", value: "api://staging", encrypted: false }, { key: "tenant_key", encrypted: true }] },
      },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const f = field(c.configId, c.id);
      assert.deepEqual(f, c.expect);
      if (c.expect.value === undefined) assert.ok(!("value" in f), "no value key at all");
    });
  }

  test("a secret override still needing a value (copied): useDefault false, encryptedValueSet false", () => {
    const d = toDocument(ENV, [BASIC], new Map([[BASIC.id, [{ fieldId: "password", kind: "secret", valueSet: false, secretReference: null } as TStoredOverride]]]), []);
    assert.deepEqual(d.connections[0].fields.find((f) => f.id === "password"), { id: "password", useDefault: false, usesEncryption: true, encryptedValueSet: false, componentOverride: false });
  });

  test("an encrypted pair never carries its value, even when the stored state has one", () => {
    const d = toDocument(ENV, [CC], new Map([[CC.id, [{ fieldId: "tokenParams", kind: "pairs", pairs: [{ key: "k", value: "CANARY-pair", encrypted: true }] } as TStoredOverride]]]), []);
    assert.ok(!JSON.stringify(d).includes("CANARY-pair"), "the encrypted pair's value is not in the document");
    assert.deepEqual(d.connections[0].fields.find((f) => f.id === "tokenParams")?.customProperties, { properties: [{ key: "k", encrypted: true }] });
  });

  test("properties are the variables: plain with their value, secret ones without", () => {
    assert.deepEqual(doc.properties, [
      { id: "BASE_URL", value: "https://staging.example.test", usesEncryption: false, encryptedValueSet: false },
      { id: "API_SECRET", usesEncryption: true, encryptedValueSet: true },
    ]);
    const copied = toDocument(ENV, [], new Map(), [{ name: "TOKEN", secret: true, value: null }]);
    assert.deepEqual(copied.properties, [{ id: "TOKEN", usesEncryption: true, encryptedValueSet: false }]);
  });
});

describe("PATCH changes only the fields sent", () => {
  const cases: Array<{ name: string; doc: unknown; expect: TChange[] }> = [
    { name: "one plain field", doc: basic({ id: "preemptive", value: true, useDefault: false }), expect: [set(BASIC.id, "preemptive", true)] },
    { name: "one secret", doc: basic({ id: "password", value: "new-pass", usesEncryption: true, useDefault: false }), expect: [setSecret(BASIC.id, "password", "new-pass")] },
    { name: "a field of another configuration", doc: cc({ id: "scope", value: "read", useDefault: false }), expect: [set(CC.id, "scope", "read")] },
    { name: "one revert", doc: basic({ id: "username", useDefault: true }), expect: [revert(BASIC.id, "username")] },
    { name: "nothing sent", doc: {}, expect: [] },
    { name: "a configuration with no fields", doc: basic(), expect: [] },
    { name: "one variable", doc: { properties: [{ id: "NEW_VAR", value: "x" }] }, expect: [{ op: "var-set", name: "NEW_VAR", value: "x", secret: false }] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(plan("PATCH", c.doc, { current: STORED, variables: VARS }), c.expect));
});

describe("PUT reverts every field not sent", () => {
  test("the other overrides of the same and of other configurations revert; variables not sent are deleted", () => {
    const changes = plan("PUT", { ...basic({ id: "username", value: "carol", useDefault: false }), properties: [] }, { current: STORED, variables: VARS });
    assert.deepEqual(
      sortChanges(changes),
      sortChanges([
        set(BASIC.id, "username", "carol"),
        revert(BASIC.id, "password"),
        revert(BASIC.id, "preemptive"),
        revert(CC.id, "clientId"),
        revert(CC.id, "clientSecret"),
        revert(CC.id, "tokenParams"),
        { op: "var-delete", name: "BASE_URL" },
        { op: "var-delete", name: "API_SECRET" },
      ]),
    );
  });

  test("an empty PUT reverts every field; variables change only when properties are sent", () => {
    const changes = plan("PUT", {}, { current: STORED, variables: VARS });
    assert.equal(changes.filter((c) => c.op === "revert").length, 6);
    assert.equal(changes.filter((c) => c.op === "var-delete").length, 0);
    const withEmptyList = plan("PUT", { properties: [] }, { current: STORED, variables: VARS });
    assert.equal(withEmptyList.filter((c) => c.op === "var-delete").length, 2);
  });

  test("a field sent as default (useDefault true) reverts once, not twice", () => {
    const changes = plan("PUT", basic({ id: "username", useDefault: true }), { current: { [BASIC.id]: [STORED[BASIC.id][0]] } });
    assert.deepEqual(changes, [revert(BASIC.id, "username")]);
  });
});

describe("PUT keeps encrypted fields sent with encryptedValueSet: true", () => {
  const keepForms: Array<{ name: string; field: Record<string, unknown> }> = [
    { name: "as GET shows it (useDefault false, no value)", field: { id: "password", useDefault: false, usesEncryption: true, encryptedValueSet: true, componentOverride: false } },
    { name: "legacy form (no useDefault, no value)", field: { id: "password", usesEncryption: true, encryptedValueSet: true } },
    { name: "legacy form with an empty value", field: { id: "password", value: "", usesEncryption: true, encryptedValueSet: true } },
  ];
  for (const k of keepForms) {
    test(k.name, () => {
      const changes = plan("PUT", basic(k.field), { current: STORED });
      assert.ok(!changes.some((c) => "configId" in c && c.configId === BASIC.id && c.fieldId === "password"), JSON.stringify(changes));
      assert.ok(changes.some((c) => c.op === "revert" && c.fieldId === "username"), "the others still revert");
    });
  }

  test("without encryptedValueSet (legacy, no value) the encrypted field reverts", () => {
    assert.deepEqual(plan("PUT", basic({ id: "password", usesEncryption: true }), { current: { [BASIC.id]: [STORED[BASIC.id][1]] } }), [revert(BASIC.id, "password")]);
  });

  test("GET sent back unchanged with PUT changes nothing: no revert, no secret rewritten, plain values set to themselves", () => {
    const doc = toDocument(ENV, CONFIGS, new Map(Object.entries(STORED)), VARS);
    const changes = effective(plan("PUT", doc, { current: STORED, variables: VARS }), STORED);
    assert.ok(!changes.some((c) => c.op === "revert" || c.op === "set-secret" || c.op === "var-delete"), JSON.stringify(changes));
    assert.deepEqual(
      sortChanges(changes),
      sortChanges([
        set(BASIC.id, "username", "bob"),
        set(BASIC.id, "preemptive", false),
        set(CC.id, "clientId", "staging-client"),
        { op: "set-reference", configId: CC.id, fieldId: "clientSecret", reference: GCP_REF },
        { op: "set-pairs", configId: CC.id, fieldId: "tokenParams", pairs: [{ key: "resource", value: "api://staging", encrypted: false }, { key: "tenant_key", value: undefined, encrypted: true }] },
        { op: "var-set", name: "BASE_URL", value: "https://staging.example.test", secret: false },
      ]),
    );
  });
});

describe('useDefault: false with value "" overrides with an empty value', () => {
  const cases: Array<{ name: string; doc: unknown; expect: TChange[] }> = [
    { name: "an optional text field (Scope)", doc: cc({ id: "scope", value: "", useDefault: false }), expect: [set(CC.id, "scope", "")] },
    { name: "the Test URL", doc: basic({ id: "testUrl", value: "", useDefault: false }), expect: [set(BASIC.id, "testUrl", "")] },
    { name: "an encrypted field (with or without usesEncryption)", doc: basic({ id: "password", value: "", useDefault: false }), expect: [setSecret(BASIC.id, "password", "")] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(plan("PATCH", c.doc), c.expect));

  test("…but not where the configuration itself requires a value (Basic's username): refused, named", () => {
    const e = refused("PATCH", basic({ id: "username", value: "", useDefault: false }));
    assert.deepEqual(Object.keys(e.fieldErrors!), ["connections[0].fields[0].value"]);
    assert.match(e.message, /"username" of "Basic": Enter the username/);
  });
});

describe("useDefault: true reverts", () => {
  const cases: Array<{ name: string; field: Record<string, unknown>; configId?: string }> = [
    { name: "a plain field", field: { id: "username", useDefault: true } },
    { name: "a plain field, its value ignored", field: { id: "username", value: "ignored", useDefault: true } },
    { name: "an encrypted field", field: { id: "password", useDefault: true } },
    { name: "an encrypted field with usesEncryption and encryptedValueSet false (seed's example)", field: { id: "password", useDefault: true, encryptedValueSet: false, usesEncryption: true } },
    { name: "an encrypted field with usesEncryption and a value", field: { id: "password", useDefault: true, usesEncryption: true, value: "x" } },
    { name: "a custom properties field, its list ignored", field: { id: "tokenParams", useDefault: true, customProperties: { properties: [{ key: "a", value: "1" }] } }, configId: CC.id },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const configId = c.configId ?? BASIC.id;
      assert.deepEqual(plan("PATCH", { connections: [{ id: configId, fields: [c.field] }] }, { current: STORED }), [revert(configId, c.field.id as string)]);
    });
  }
});

describe("legacy form without useDefault", () => {
  const cases: Array<{ name: string; doc: unknown; expect: TChange[] }> = [
    { name: "a non-empty value overrides", doc: basic({ id: "username", value: "dave" }), expect: [set(BASIC.id, "username", "dave")] },
    { name: "an absent value reverts", doc: basic({ id: "username" }), expect: [revert(BASIC.id, "username")] },
    { name: "an empty value reverts", doc: basic({ id: "username", value: "" }), expect: [revert(BASIC.id, "username")] },
    { name: 'a boolean as text ("false", as Boomi\'s XML sends it) overrides', doc: basic({ id: "preemptive", value: "false" }), expect: [set(BASIC.id, "preemptive", false)] },
    { name: "an encrypted non-empty value (usesEncryption true) overrides", doc: basic({ id: "password", value: "p", usesEncryption: true }), expect: [setSecret(BASIC.id, "password", "p")] },
    { name: "an encrypted field without a value reverts", doc: basic({ id: "password", usesEncryption: true }), expect: [revert(BASIC.id, "password")] },
    { name: "an encrypted field with an empty value reverts", doc: basic({ id: "password", value: "", usesEncryption: true }), expect: [revert(BASIC.id, "password")] },
    {
      name: "custom properties: a non-empty list overrides",
      doc: cc({ id: "tokenParams", customProperties: { properties: [{ key: "a", value: "1" }] } }),
      expect: [{ op: "set-pairs", configId: CC.id, fieldId: "tokenParams", pairs: [{ key: "a", value: "1", encrypted: false }] }],
    },
    { name: "custom properties: an empty list reverts", doc: cc({ id: "tokenParams", customProperties: { properties: [] } }), expect: [revert(CC.id, "tokenParams")] },
    { name: "custom properties: no list reverts", doc: cc({ id: "tokenParams" }), expect: [revert(CC.id, "tokenParams")] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(plan("PATCH", c.doc, { current: STORED }), c.expect));
});

describe("properties are the environment variables", () => {
  const cases: Array<{ name: string; mode?: "PUT" | "PATCH"; doc: unknown; expect: TChange[] }> = [
    { name: "a new variable", doc: { properties: [{ id: "REGION", value: "eu" }] }, expect: [{ op: "var-set", name: "REGION", value: "eu", secret: false }] },
    { name: "a new secret variable", doc: { properties: [{ id: "TOKEN", value: "t", usesEncryption: true }] }, expect: [{ op: "var-set", name: "TOKEN", value: "t", secret: true }] },
    { name: "an existing secret stays secret when its value changes", doc: { properties: [{ id: "API_SECRET", value: "n" }] }, expect: [{ op: "var-set", name: "API_SECRET", value: "n", secret: true }] },
    { name: "a secret sent back as GET shows it keeps its value", doc: { properties: [{ id: "API_SECRET", usesEncryption: true, encryptedValueSet: true }] }, expect: [] },
    { name: "an empty value is a value (a property is overridden by providing one)", doc: { properties: [{ id: "BASE_URL", value: "" }] }, expect: [{ op: "var-set", name: "BASE_URL", value: "", secret: false }] },
    { name: "useDefault true deletes it", doc: { properties: [{ id: "BASE_URL", useDefault: true }] }, expect: [{ op: "var-delete", name: "BASE_URL" }] },
    { name: "no value (legacy) deletes it", doc: { properties: [{ id: "BASE_URL" }] }, expect: [{ op: "var-delete", name: "BASE_URL" }] },
    { name: "PATCH leaves the others", doc: { properties: [] }, expect: [] },
    {
      name: "PUT deletes the ones not sent",
      mode: "PUT",
      doc: { properties: [{ id: "BASE_URL", value: "https://x.test" }] },
      expect: [
        { op: "var-set", name: "BASE_URL", value: "https://x.test", secret: false },
        { op: "var-delete", name: "API_SECRET" },
      ],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(plan(c.mode ?? "PATCH", c.doc, { variables: VARS }), c.expect));

  const bad: Array<{ name: string; doc: unknown; path: string }> = [
    { name: "a name outside A-Z, 0-9, _", doc: { properties: [{ id: "base-url", value: "x" }] }, path: "properties[0].id" },
    { name: "a name given twice", doc: { properties: [{ id: "A", value: "1" }, { id: "A", value: "2" }] }, path: "properties[1].id" },
    { name: "useDefault false without a value", doc: { properties: [{ id: "NEW", useDefault: false }] }, path: "properties[0].value" },
  ];
  for (const b of bad) test(`refused: ${b.name}`, () => assert.deepEqual(Object.keys(refused("PATCH", b.doc, { variables: VARS }).fieldErrors!), [b.path]));
});

describe("custom properties fields", () => {
  const tp = (properties: unknown[], extra: Record<string, unknown> = {}) => cc({ id: "tokenParams", useDefault: false, customProperties: { properties }, ...extra });
  const current = { [CC.id]: STORED[CC.id] };

  test("replaced as a whole list: the plan carries exactly the pairs sent", () => {
    assert.deepEqual(plan("PATCH", tp([{ key: "audience_x", value: "1", encrypted: false }, { key: "new_secret", value: "s", encrypted: true }]), { current }), [
      { op: "set-pairs", configId: CC.id, fieldId: "tokenParams", pairs: [{ key: "audience_x", value: "1", encrypted: false }, { key: "new_secret", value: "s", encrypted: true }] },
    ]);
  });

  test("an empty list with useDefault false overrides with no parameters", () => {
    assert.deepEqual(plan("PATCH", tp([]), { current }), [{ op: "set-pairs", configId: CC.id, fieldId: "tokenParams", pairs: [] }]);
  });

  test("an encrypted pair sent back without its value keeps the stored one (value undefined in the plan)", () => {
    assert.deepEqual(plan("PATCH", tp([{ key: "tenant_key", encrypted: true }]), { current }), [
      { op: "set-pairs", configId: CC.id, fieldId: "tokenParams", pairs: [{ key: "tenant_key", value: undefined, encrypted: true }] },
    ]);
  });

  const bad: Array<{ name: string; doc: unknown; path: string; message: RegExp }> = [
    { name: "an empty key", doc: tp([{ key: "a", value: "1" }, { key: "", value: "2" }]), path: "connections[0].fields[0].customProperties.properties[1].key", message: /empty key/ },
    { name: "a blank key", doc: tp([{ key: "  ", value: "2" }]), path: "connections[0].fields[0].customProperties.properties[0].key", message: /empty key/ },
    { name: "a duplicate key", doc: tp([{ key: "a", value: "1" }, { key: "a", value: "2" }]), path: "connections[0].fields[0].customProperties.properties[1].key", message: /"a" is given twice/ },
    { name: "a plain pair without a value", doc: tp([{ key: "a" }]), path: "connections[0].fields[0].customProperties.properties[0].value", message: /needs a value/ },
    { name: "an encrypted pair without a value and none stored", doc: tp([{ key: "resource", encrypted: true }]), path: "connections[0].fields[0].customProperties.properties[0].value", message: /needs a value/ },
    { name: "a name Patchbay sets itself (grant_type)", doc: tp([{ key: "grant_type", value: "x" }]), path: "connections[0].fields[0].customProperties", message: /sets this parameter itself/ },
    { name: "a value instead of the list", doc: cc({ id: "tokenParams", value: "a=1", useDefault: false }), path: "connections[0].fields[0].value", message: /custom properties field/ },
    { name: "useDefault false without the list", doc: cc({ id: "tokenParams", useDefault: false }), path: "connections[0].fields[0].customProperties", message: /the whole list/ },
    { name: "a list on a field that is not custom properties", doc: basic({ id: "username", useDefault: false, customProperties: { properties: [] } }), path: "connections[0].fields[0].customProperties", message: /not customProperties/ },
  ];
  for (const b of bad) {
    test(`refused: ${b.name}`, () => {
      const e = refused("PATCH", b.doc, { current });
      assert.deepEqual(Object.keys(e.fieldErrors!), [b.path]);
      assert.match(e.message, b.message);
    });
  }
});

describe("secret references", () => {
  test("a well-formed reference on an encrypted field is planned as a reference", () => {
    for (const ref of [GCP_REF, "projects/my-project/secrets/db_pass/versions/latest", "file:/run/secrets/api-key"]) {
      assert.deepEqual(plan("PATCH", basic({ id: "password", useDefault: false, secretReference: ref })), [{ op: "set-reference", configId: BASIC.id, fieldId: "password", reference: ref }]);
    }
  });
});

describe("bad input: VALIDATION naming the field, nothing planned", () => {
  const cases: Array<{ name: string; doc: unknown; path: string; message?: RegExp }> = [
    { name: "an unknown field id", doc: basic({ id: "colour", value: "red" }), path: "connections[0].fields[0].id", message: /"colour" is not an extensible field of "Basic"/ },
    { name: "a field of another sub-protocol (clientId on Basic)", doc: basic({ id: "clientId", value: "x", useDefault: false }), path: "connections[0].fields[0].id", message: /"clientId" is not an extensible field/ },
    { name: "Name is not extensible", doc: basic({ id: "name", value: "x" }), path: "connections[0].fields[0].id" },
    { name: "Sub-protocol is not extensible", doc: basic({ id: "subProtocol", value: "DIGEST" }), path: "connections[0].fields[0].id" },
    { name: "a boolean field with \"maybe\"", doc: basic({ id: "preemptive", value: "maybe", useDefault: false }), path: "connections[0].fields[0].value", message: /"preemptive" of "Basic": takes true or false/ },
    { name: "a boolean on a text field", doc: basic({ id: "username", value: true, useDefault: false }), path: "connections[0].fields[0].value", message: /takes a string/ },
    { name: "a boolean on an encrypted field", doc: basic({ id: "password", value: true, usesEncryption: true, useDefault: false }), path: "connections[0].fields[0].value", message: /takes a string/ },
    { name: "an enum field with an unknown option", doc: cc({ id: "clientAuth", value: "HEADER", useDefault: false }), path: "connections[0].fields[0].value" },
    { name: "a URL field with something that is not a URL", doc: cc({ id: "tokenUrl", value: "ftp://x", useDefault: false }), path: "connections[0].fields[0].value", message: /"tokenUrl" of "CC"/ },
    { name: "a PEM field with something that is not PEM", doc: basic({ id: "tls.caBundlePem", value: "not pem", useDefault: false }), path: "connections[0].fields[0].value" },
    { name: "a value on an encrypted field without usesEncryption", doc: basic({ id: "password", value: "p", useDefault: false }), path: "connections[0].fields[0].usesEncryption", message: /usesEncryption: true/ },
    { name: "a value on an encrypted field with usesEncryption false", doc: basic({ id: "password", value: "p", usesEncryption: false }), path: "connections[0].fields[0].usesEncryption" },
    { name: "usesEncryption true on a plain field", doc: basic({ id: "username", value: "u", usesEncryption: true }), path: "connections[0].fields[0].usesEncryption" },
    { name: "a malformed GCP secretReference", doc: basic({ id: "password", useDefault: false, secretReference: "projects/p/secrets/s" }), path: "connections[0].fields[0].secretReference", message: /Invalid secret reference/ },
    { name: "a relative file: reference", doc: basic({ id: "password", useDefault: false, secretReference: "file:run/secrets/x" }), path: "connections[0].fields[0].secretReference", message: /Invalid secret reference/ },
    { name: "an empty secretReference", doc: basic({ id: "password", useDefault: false, secretReference: "" }), path: "connections[0].fields[0].secretReference", message: /Invalid secret reference/ },
    { name: "a secretReference on a plain field", doc: basic({ id: "username", secretReference: GCP_REF }), path: "connections[0].fields[0].secretReference" },
    { name: "a value and a secretReference", doc: basic({ id: "password", useDefault: false, usesEncryption: true, value: "p", secretReference: GCP_REF }), path: "connections[0].fields[0].secretReference" },
    { name: "useDefault false without a value (plain)", doc: basic({ id: "username", useDefault: false }), path: "connections[0].fields[0].value" },
    { name: "useDefault false without a value or stored override (encrypted)", doc: basic({ id: "password", useDefault: false, usesEncryption: true }), path: "connections[0].fields[0].value" },
    { name: "an unknown configuration id", doc: { connections: [{ id: "cfg-nope", fields: [] }] }, path: "connections[0].id", message: /cfg-nope/ },
    { name: "a configuration listed twice", doc: { connections: [{ id: BASIC.id }, { id: BASIC.id }] }, path: "connections[1].id" },
    { name: "a field listed twice", doc: basic({ id: "username", value: "a" }, { id: "username", value: "b" }), path: "connections[0].fields[1].id" },
    { name: "another environment's id", doc: { environmentId: "env-2" }, path: "environmentId" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const e = refused("PATCH", c.doc);
      assert.deepEqual(Object.keys(e.fieldErrors!), [c.path]);
      if (c.message) assert.match(e.message, c.message);
    });
  }

  test("wrong JSON types and unknown keys fail the document's schema, with the path", () => {
    const paths = (doc: unknown) => {
      const r = ZExtensionsUpdate.safeParse(doc);
      assert.ok(!r.success, JSON.stringify(doc));
      return r.error.issues.map((i) => i.path.join("."));
    };
    assert.deepEqual(paths(basic({ id: "username", value: 42 })), ["connections.0.fields.0.value"]);
    assert.deepEqual(paths(basic({ id: "username", value: null })), ["connections.0.fields.0.value"]);
    assert.deepEqual(paths(basic({ id: "username", useDefault: "false" })), ["connections.0.fields.0.useDefault"]);
    assert.deepEqual(paths({ connections: [], extra: 1 }), [""]);
    assert.match(ZExtensionsUpdate.safeParse({ connections: [], extra: 1 }).error!.issues[0].message, /extra/);
    assert.deepEqual(paths(basic({ id: "username", value: "a", colour: "red" })), ["connections.0.fields.0"]);
    assert.deepEqual(paths({ properties: [{ id: "A", value: 1 }] }), ["properties.0.value"]);
    assert.deepEqual(paths(cc({ id: "tokenParams", customProperties: { properties: [{ key: "a", value: "1", encrypted: "yes" }] } })), ["connections.0.fields.0.customProperties.properties.0.encrypted"]);
  });

  test("one bad field among good ones: the whole update is refused, every fault named", () => {
    const e = refused(
      "PUT",
      {
        connections: [
          { id: BASIC.id, fields: [{ id: "username", value: "ok", useDefault: false }, { id: "preemptive", value: "maybe" }] },
          { id: CC.id, fields: [{ id: "nope", value: "x" }] },
        ],
        properties: [{ id: "GOOD", value: "1" }, { id: "bad name", value: "2" }],
      },
      { current: STORED, variables: VARS },
    );
    assert.deepEqual(Object.keys(e.fieldErrors!).sort(), ["connections[0].fields[1].value", "connections[1].fields[0].id", "properties[1].id"]);
    assert.match(e.message, /\(and 2 more problems\)$/);
  });

  test("no error message repeats a secret value sent", () => {
    const e = refused("PATCH", basic({ id: "password", value: "CANARY-sent-secret", useDefault: false }));
    assert.ok(!JSON.stringify({ m: e.message, f: e.fieldErrors }).includes("CANARY-sent-secret"), e.message);
    const r = refused("PATCH", basic({ id: "password", useDefault: false, secretReference: "CANARY-pasted-secret" }));
    assert.ok(!JSON.stringify({ m: r.message, f: r.fieldErrors }).includes("CANARY-pasted-secret"), r.message);
  });
});
