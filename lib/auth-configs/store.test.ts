// lib/auth-configs/store.ts against a real SQLite database: secrets sealed per record and field,
// never in a view or an audit entry; blank keeps, clearSecrets removes; usage blocks deletion.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import type { TDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { ZAuthConfigInput, type TAuthConfigInput } from "./schema";
import { formValuesOf, type TAuthConfigView } from "./view";
import { rejectsWith } from "@/lib/testing/assert";

type TStore = typeof import("./store");
type TSecrets = typeof import("@/lib/secrets");

// Canaries: values that must never show up outside a sealed envelope or a resolved input.
const API_KEY = "CANARY-apikey-5f1e0c";
const API_KEY_2 = "CANARY-apikey2-88d2a1";
const PASSWORD = "CANARY-password-3b9e77";
const PASSWORD_2 = "CANARY-password2-41aa0f";
const AWS_SECRET = "CANARY-awssecret-c0ffee";
const AWS_SECRET_2 = "CANARY-awssecret2-beef01";
const AWS_SESSION = "CANARY-awssession-9a9a9a";
const KEY_BODY = "CANARYPRIVATEKEYBODY7d7d7d";
const KEY_PEM = `-----BEGIN PRIVATE KEY-----\n${KEY_BODY}\n-----END PRIVATE KEY-----\n`;
const P12 = "CANARYpkcs12bundle0a0b0c";
const P12_PASS = "CANARY-p12pass-e4e4e4";
const CANARIES = [API_KEY, API_KEY_2, PASSWORD, PASSWORD_2, AWS_SECRET, AWS_SECRET_2, AWS_SESSION, KEY_BODY, P12, P12_PASS];
const CERT_PEM = "-----BEGIN CERTIFICATE-----\nMIIBnotarealcertificate\n-----END CERTIFICATE-----\n";
const CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBnotarealca\n-----END CERTIFICATE-----\n";

let temp: TTempDb;
let db: TDb;
let s: TStore;
let secrets: TSecrets;
let actor: { id: string; email: string };

before(async () => {
  // No configured key: the key ring generates <data dir>/secret.key, inside the temporary directory.
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-auth-configs-" }));
  s = await import("./store");
  secrets = await import("@/lib/secrets");
  // AuditEntry.actorId is a foreign key to User: the actor must exist.
  const user = await db.user.create({
    data: { email: "a@example.test", name: "a", role: "ADMIN", passwordHash: "scrypt$not-used", active: true, mustChangePassword: false },
  });
  actor = { id: user.id, email: "a@example.test" };
});

after(async () => {
  await db?.$disconnect();
  await temp?.cleanup();
});

async function reset() {
  await db.connector.deleteMany();
  await db.service.deleteMany();
  await db.authConfig.deleteMany();
  await db.auditEntry.deleteMany();
}

const input = (values: Record<string, unknown>): TAuthConfigInput => ZAuthConfigInput.parse(values);
const edit = (base: TAuthConfigInput, over: Record<string, unknown>): TAuthConfigInput => ZAuthConfigInput.parse({ ...base, ...over });
const field = (v: TAuthConfigInput, name: string): unknown => (v as unknown as Record<string, unknown>)[name];

const apiKeyInput = (over: Record<string, unknown> = {}) =>
  input({ protocol: "HTTP", subProtocol: "API_KEY", name: "Api", headerName: "X-Api-Key", prefix: "", apiKey: API_KEY, ...over });
const basicInput = (over: Record<string, unknown> = {}) =>
  input({ protocol: "HTTP", subProtocol: "BASIC", name: "Basic", username: "alice", password: PASSWORD, ...over });
const digestInput = (over: Record<string, unknown> = {}) =>
  input({ protocol: "HTTP", subProtocol: "DIGEST", name: "Digest", username: "bob", password: PASSWORD, ...over });
const noneInput = (over: Record<string, unknown> = {}) => input({ protocol: "NONE", subProtocol: "NONE", name: "None", ...over });
const awsInput = (over: Record<string, unknown> = {}) =>
  input({
    protocol: "AWS",
    subProtocol: "AWS_SIGV4",
    name: "Aws",
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: AWS_SECRET,
    sessionToken: AWS_SESSION,
    service: "execute-api",
    region: "eu-west-1",
    ...over,
  });
const pemTls = { clientCertMode: "PEM", clientCertPem: CERT_PEM, clientKeyPem: KEY_PEM, caBundlePem: CA_PEM };
const p12Tls = { clientCertMode: "PKCS12", pkcs12: P12, pkcs12Passphrase: P12_PASS };

const slot = (recordId: string, key: string) => ({ model: "AuthConfig", field: `secrets.${key}`, recordId });

async function rawRow(id: string) {
  return db.authConfig.findUniqueOrThrow({ where: { id }, omit: { secrets: false } });
}
async function rawSecrets(id: string): Promise<Record<string, string>> {
  return (await rawRow(id)).secrets as Record<string, string>;
}
async function view(id: string): Promise<TAuthConfigView> {
  const v = await s.getAuthConfigView(id);
  assert.ok(v, `no view for ${id}`);
  return v;
}
async function stored(id: string): Promise<TAuthConfigInput> {
  return formValuesOf(await view(id));
}
function assertNoCanary(value: unknown, what: string) {
  const text = JSON.stringify(value);
  for (const c of CANARIES) assert.ok(!text.includes(c), `${what} contains the secret ${c}: ${text}`);
}
async function auditEntries(objectId: string, action?: string) {
  return db.auditEntry.findMany({ where: { objectId, ...(action ? { action } : {}) }, orderBy: [{ at: "asc" }, { id: "asc" }] });
}
async function addService(name: string, authConfigId: string) {
  return db.service.create({ data: { name, authConfigId } });
}
async function addConnector(name: string, serviceId: string, authConfigId: string | null) {
  return db.connector.create({
    data: { name, serviceId, authConfigId, method: "GET", urlTemplate: "https://api.example.test/x", headers: [], queryParams: [], formParams: [] },
  });
}
/** Everything the store could change. */
async function snapshot() {
  return {
    configs: await db.authConfig.findMany({ omit: { secrets: false }, orderBy: { name: "asc" } }),
    audit: await db.auditEntry.findMany({ orderBy: [{ at: "asc" }, { id: "asc" }] }),
  };
}

describe("createAuthConfig", () => {
  beforeEach(reset);

  test("seals each secret as a pb1 envelope bound to this record and field; no plaintext in the row", async () => {
    const values = awsInput({ tls: pemTls, testUrl: "https://api.example.test/ping" });
    const { id } = await s.createAuthConfig(values, actor);
    const row = await rawRow(id);
    assert.equal(row.name, "Aws");
    assert.equal(row.protocol, "AWS");
    assert.equal(row.subProtocol, "AWS_SIGV4");
    assert.equal(row.testUrl, "https://api.example.test/ping");
    assertNoCanary(row, "the stored row");

    const sealed = row.secrets as Record<string, string>;
    assert.deepEqual(Object.keys(sealed).sort(), ["secretAccessKey", "sessionToken", "tls.clientKeyPem"]);
    const plain: Record<string, string> = { secretAccessKey: AWS_SECRET, sessionToken: AWS_SESSION, "tls.clientKeyPem": KEY_PEM };
    for (const [key, envelope] of Object.entries(sealed)) {
      assert.match(envelope, /^pb1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/, key);
      assert.equal(secrets.openSecret(envelope, slot(id, key)), plain[key], key);
    }
    // Bound to the slot: the same envelope does not open as another field or for another record.
    assert.throws(() => secrets.openSecret(sealed.secretAccessKey, slot(id, "sessionToken")), (e) => e instanceof AppError && e.code === "SECRET_UNREADABLE");
    assert.throws(() => secrets.openSecret(sealed.secretAccessKey, slot("another-record", "secretAccessKey")), (e) => e instanceof AppError && e.code === "SECRET_UNREADABLE");
    // The key was generated into the temporary data directory, not anywhere else.
    assert.ok(existsSync(path.join(temp.dir, "secret.key")));
  });

  test("settings hold the non-secret values only", async () => {
    const { id } = await s.createAuthConfig(awsInput({ tls: pemTls }), actor);
    const { settings } = await rawRow(id);
    assert.deepEqual(settings, {
      accessKeyId: "AKIDEXAMPLE",
      service: "execute-api",
      region: "eu-west-1",
      tls: { clientCertMode: "PEM", clientCertPem: CERT_PEM, caBundlePem: CA_PEM },
    });
  });

  const cases: [string, () => TAuthConfigInput, Record<string, string>][] = [
    ["API key", () => apiKeyInput(), { apiKey: API_KEY }],
    ["Basic", () => basicInput(), { password: PASSWORD }],
    ["Digest", () => digestInput(), { password: PASSWORD }],
    ["No authentication", () => noneInput(), {}],
    ["API key with PKCS#12", () => apiKeyInput({ tls: p12Tls }), { apiKey: API_KEY, "tls.pkcs12": P12, "tls.pkcs12Passphrase": P12_PASS }],
  ];
  for (const [label, make, expected] of cases) {
    test(`${label}: exactly the used secrets are sealed, settings and view carry none`, async () => {
      const { id } = await s.createAuthConfig(make(), actor);
      const sealed = await rawSecrets(id);
      assert.deepEqual(Object.keys(sealed).sort(), Object.keys(expected).sort());
      for (const [key, value] of Object.entries(expected)) assert.equal(secrets.openSecret(sealed[key], slot(id, key)), value, key);
      const row = await rawRow(id);
      assertNoCanary(row, "the stored row");
      assertNoCanary(await view(id), "the view");
    });
  }

  test("TLS secrets typed for a client-certificate mode not in use are not stored", async () => {
    const { id } = await s.createAuthConfig(basicInput({ tls: { clientCertMode: "NONE", clientKeyPem: KEY_PEM, pkcs12: P12, pkcs12Passphrase: P12_PASS } }), actor);
    assert.deepEqual(Object.keys(await rawSecrets(id)), ["password"]);
    assertNoCanary((await rawRow(id)).settings, "settings");
  });

  test("a PKCS#12 bundle without a passphrase is accepted (the passphrase may be empty)", async () => {
    const { id } = await s.createAuthConfig(noneInput({ tls: { clientCertMode: "PKCS12", pkcs12: P12 } }), actor);
    assert.deepEqual(Object.keys(await rawSecrets(id)), ["tls.pkcs12"]);
  });

  const missing: [string, () => TAuthConfigInput, string[]][] = [
    ["API key without the key", () => apiKeyInput({ apiKey: "" }), ["apiKey"]],
    ["Basic without the password", () => basicInput({ password: "" }), ["password"]],
    ["Digest without the password", () => digestInput({ password: undefined }), ["password"]],
    ["AWS without the secret access key (session token optional)", () => awsInput({ secretAccessKey: "", sessionToken: "" }), ["secretAccessKey"]],
    ["PEM mode without the private key", () => noneInput({ tls: { ...pemTls, clientKeyPem: "" } }), ["tls.clientKeyPem"]],
    ["PKCS#12 mode without the bundle", () => noneInput({ tls: { ...p12Tls, pkcs12: "" } }), ["tls.pkcs12"]],
    ["API key and PEM key both missing", () => apiKeyInput({ apiKey: "", tls: { ...pemTls, clientKeyPem: "" } }), ["apiKey", "tls.clientKeyPem"]],
  ];
  for (const [label, make, paths] of missing) {
    test(`${label}: VALIDATION on ${paths.join(", ")}, nothing written`, async () => {
      const e = await rejectsWith(s.createAuthConfig(make(), actor), "VALIDATION");
      assert.deepEqual(Object.keys(e.fieldErrors ?? {}).sort(), [...paths].sort());
      for (const p of paths) assert.ok(e.fieldErrors?.[p]?.[0]?.startsWith("Enter the "), JSON.stringify(e.fieldErrors));
      assert.equal(await db.authConfig.count(), 0);
      assert.equal(await db.auditEntry.count(), 0);
    });
  }

  test("a taken name (after trimming) is CONFLICT with fieldErrors.name, and writes nothing", async () => {
    await s.createAuthConfig(apiKeyInput(), actor);
    const before = await snapshot();
    const e = await rejectsWith(s.createAuthConfig(basicInput({ name: "  Api  ", password: PASSWORD_2 }), actor), "CONFLICT");
    assert.ok(e.fieldErrors?.name?.length, JSON.stringify(e.fieldErrors));
    assert.deepEqual(await snapshot(), before);
  });

  test("two creates racing for one name: exactly one wins, the other is CONFLICT", async () => {
    const results = await Promise.allSettled([
      s.createAuthConfig(apiKeyInput({ name: "Race" }), actor),
      s.createAuthConfig(basicInput({ name: "Race" }), actor),
    ]);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1, JSON.stringify(results));
    const lost = results.find((r) => r.status === "rejected");
    assert.ok(lost && lost.reason instanceof AppError && lost.reason.code === "CONFLICT", String(lost?.status === "rejected" && lost.reason));
    assert.equal(await db.authConfig.count(), 1);
    assert.equal(await db.auditEntry.count(), 1);
  });

  test("audits 'create' with the sub-protocol and secret names, never a value", async () => {
    const { id } = await s.createAuthConfig(awsInput({ tls: p12Tls }), actor);
    const entries = await auditEntries(id);
    assert.equal(entries.length, 1);
    const [entry] = entries;
    assert.equal(entry.action, "create");
    assert.equal(entry.objectType, "AuthConfig");
    assert.equal(entry.objectName, "Aws");
    assert.equal(entry.actorId, actor.id);
    assert.equal(entry.actorEmail, actor.email);
    const details = entry.details as { subProtocol: string; secretsSet: string[] };
    assert.equal(details.subProtocol, "AWS_SIGV4");
    assert.deepEqual([...details.secretsSet].sort(), ["secretAccessKey", "sessionToken", "tls.pkcs12", "tls.pkcs12Passphrase"]);
    assertNoCanary(await db.auditEntry.findMany(), "the audit trail");
    // Nor the ciphertext.
    const text = JSON.stringify(await db.auditEntry.findMany());
    for (const envelope of Object.values(await rawSecrets(id))) assert.ok(!text.includes(envelope));
  });
});

describe("getAuthConfigView and listAuthConfigs", () => {
  beforeEach(reset);

  test("a view carries no secret value, and secretsSet lists exactly the stored keys", async () => {
    const { id } = await s.createAuthConfig(awsInput({ tls: pemTls, testUrl: "https://api.example.test/" }), actor);
    const v = await view(id);
    assertNoCanary(v, "the view");
    const text = JSON.stringify(v);
    for (const envelope of Object.values(await rawSecrets(id))) assert.ok(!text.includes(envelope), "the view contains ciphertext");
    // The whole view, so that nothing else (a secret, its ciphertext, an extra field) rides along.
    assert.deepEqual(v, {
      id,
      name: "Aws",
      protocol: "AWS",
      subProtocol: "AWS_SIGV4",
      testUrl: "https://api.example.test/",
      settings: { accessKeyId: "AKIDEXAMPLE", service: "execute-api", region: "eu-west-1", tls: { clientCertMode: "PEM", clientCertPem: CERT_PEM, caBundlePem: CA_PEM } },
      secretsSet: { secretAccessKey: true, sessionToken: true, "tls.clientKeyPem": true },
      needsReconnect: false,
      needsReconnectReason: null,
      lastTest: null,
      usage: { services: [], connectors: [] },
      updatedAt: v.updatedAt,
    });
    assert.match(v.updatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, "the last change is an ISO time");
  });

  test("secretsSet is empty for a configuration without secrets; an unknown id has no view", async () => {
    const { id } = await s.createAuthConfig(noneInput(), actor);
    assert.deepEqual((await view(id)).secretsSet, {});
    assert.equal((await view(id)).testUrl, "");
    assert.equal(await s.getAuthConfigView("no-such-id"), null);
  });

  test("usage names the services and connectors that use the configuration, sorted", async () => {
    const { id } = await s.createAuthConfig(apiKeyInput(), actor);
    const { id: other } = await s.createAuthConfig(noneInput(), actor);
    await addService("Zeta API", id);
    const alpha = await addService("Alpha API", id);
    const elsewhere = await addService("Elsewhere", other);
    await addConnector("Get things", elsewhere.id, id);
    await addConnector("Inherits", alpha.id, null); // uses the service's configuration, not a direct user
    const v = await view(id);
    assert.deepEqual(v.usage, { services: ["Alpha API", "Zeta API"], connectors: ["Get things"] });
    assert.deepEqual((await view(other)).usage, { services: ["Elsewhere"], connectors: [] });
  });

  test("listAuthConfigs: every configuration by name, with secretsSet and usage, no secret value", async () => {
    const aws = await s.createAuthConfig(awsInput({ name: "c-aws", sessionToken: "" }), actor);
    const api = await s.createAuthConfig(apiKeyInput({ name: "a-api", tls: p12Tls }), actor);
    const basic = await s.createAuthConfig(basicInput({ name: "b-basic" }), actor);
    await addService("Svc", basic.id);
    const list = await s.listAuthConfigs();
    assertNoCanary(list, "the list");
    assert.deepEqual(list.map((v) => v.name), ["a-api", "b-basic", "c-aws"]);
    assert.deepEqual(list.map((v) => v.id), [api.id, basic.id, aws.id]);
    assert.deepEqual(list[0].secretsSet, { apiKey: true, "tls.pkcs12": true, "tls.pkcs12Passphrase": true });
    assert.deepEqual(list[1].secretsSet, { password: true });
    assert.deepEqual(list[2].secretsSet, { secretAccessKey: true });
    assert.deepEqual(list[1].usage, { services: ["Svc"], connectors: [] });
    assert.deepEqual(list[0].usage, { services: [], connectors: [] });
    // A list entry is the same as the single view.
    for (const v of list) assert.deepEqual(v, await view(v.id));
  });

  test("lastTest reflects recordTestResult, message cut to 500 characters", async () => {
    const { id } = await s.createAuthConfig(apiKeyInput(), actor);
    await s.recordTestResult(id, { ok: false, message: "x".repeat(600) });
    const v = await view(id);
    assert.ok(v.lastTest);
    assert.equal(v.lastTest.ok, false);
    assert.equal(v.lastTest.message, "x".repeat(500));
    assert.ok(Math.abs(Date.parse(v.lastTest.at) - Date.now()) < 60_000);
    await s.recordTestResult(id, { ok: true, message: "HTTP 200" });
    assert.deepEqual({ ...(await view(id)).lastTest, at: "" }, { at: "", ok: true, message: "HTTP 200" });
  });
});

describe("updateAuthConfig", () => {
  beforeEach(reset);

  test("a blank secret keeps the stored value (the envelope is left as it was)", async () => {
    const { id } = await s.createAuthConfig(apiKeyInput({ tls: pemTls }), actor);
    const before = await rawSecrets(id);
    const values = edit(await stored(id), { headerName: "X-Other", prefix: "Token" });
    assert.equal(field(values, "apiKey"), "");
    await s.updateAuthConfig(id, values, actor);
    assert.deepEqual(await rawSecrets(id), before);
    const resolved = await s.resolveAuthConfig(id);
    assert.equal(field(resolved, "apiKey"), API_KEY);
    assert.equal(resolved.tls.clientKeyPem, KEY_PEM);
    assert.equal(field(resolved, "headerName"), "X-Other");
    assert.equal(field(resolved, "prefix"), "Token");
  });

  test("a new value replaces the stored one, sealed", async () => {
    const { id } = await s.createAuthConfig(apiKeyInput(), actor);
    await s.updateAuthConfig(id, edit(await stored(id), { apiKey: API_KEY_2 }), actor);
    const sealed = await rawSecrets(id);
    assert.deepEqual(Object.keys(sealed), ["apiKey"]);
    assert.equal(secrets.openSecret(sealed.apiKey, slot(id, "apiKey")), API_KEY_2);
    assertNoCanary(await rawRow(id), "the stored row");
    assert.equal(field(await s.resolveAuthConfig(id), "apiKey"), API_KEY_2);
  });

  test("API key → Basic: the password is required; nothing changes without it", async () => {
    const { id } = await s.createAuthConfig(apiKeyInput(), actor);
    const before = await snapshot();
    const base = await stored(id);
    const e = await rejectsWith(s.updateAuthConfig(id, edit(base, { protocol: "HTTP", subProtocol: "BASIC", username: "carol" }), actor), "VALIDATION");
    assert.deepEqual(Object.keys(e.fieldErrors ?? {}), ["password"]);
    assert.deepEqual(await snapshot(), before);
  });

  test("API key → Basic with a password: the API key is dropped, the audit names it", async () => {
    const { id } = await s.createAuthConfig(apiKeyInput(), actor);
    await s.updateAuthConfig(id, edit(await stored(id), { protocol: "HTTP", subProtocol: "BASIC", username: "carol", password: PASSWORD_2 }), actor);
    const row = await rawRow(id);
    assert.equal(row.protocol, "HTTP");
    assert.equal(row.subProtocol, "BASIC");
    assert.deepEqual(row.settings, { username: "carol", preemptive: true, tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } });
    assert.deepEqual(Object.keys(row.secrets as object), ["password"]);
    assert.deepEqual((await view(id)).secretsSet, { password: true });
    const resolved = await s.resolveAuthConfig(id);
    assert.equal(field(resolved, "password"), PASSWORD_2);
    assert.ok(!("apiKey" in resolved));
    const [entry] = await auditEntries(id, "update");
    assert.equal(entry.actorId, actor.id);
    assert.equal(entry.objectName, "Api");
    assert.deepEqual(entry.details, { subProtocol: "BASIC", secretsReplaced: ["password"], secretsDropped: ["apiKey"] });
  });

  test("TLS PEM → NONE drops tls.clientKeyPem; NONE → PEM requires it again", async () => {
    const { id } = await s.createAuthConfig(basicInput({ tls: pemTls }), actor);
    const base = await stored(id);
    await s.updateAuthConfig(id, edit(base, { tls: { ...base.tls, clientCertMode: "NONE" } }), actor);
    assert.deepEqual(Object.keys(await rawSecrets(id)), ["password"]);
    assert.equal(((await rawRow(id)).settings as { tls: { clientCertMode: string } }).tls.clientCertMode, "NONE");
    const [entry] = await auditEntries(id, "update");
    assert.deepEqual(entry.details, { subProtocol: "BASIC", secretsReplaced: [], secretsDropped: ["tls.clientKeyPem"] });

    const back = await stored(id);
    const e = await rejectsWith(s.updateAuthConfig(id, edit(back, { tls: { ...back.tls, clientCertMode: "PEM", clientCertPem: CERT_PEM } }), actor), "VALIDATION");
    assert.deepEqual(Object.keys(e.fieldErrors ?? {}), ["tls.clientKeyPem"]);
  });

  test("TLS PEM → PKCS#12 drops the PEM key and requires the bundle", async () => {
    const { id } = await s.createAuthConfig(noneInput({ tls: pemTls }), actor);
    const base = await stored(id);
    const e = await rejectsWith(s.updateAuthConfig(id, edit(base, { tls: { ...base.tls, clientCertMode: "PKCS12" } }), actor), "VALIDATION");
    assert.deepEqual(Object.keys(e.fieldErrors ?? {}), ["tls.pkcs12"]);
    await s.updateAuthConfig(id, edit(base, { tls: { ...base.tls, clientCertMode: "PKCS12", pkcs12: P12 } }), actor);
    assert.deepEqual(Object.keys(await rawSecrets(id)), ["tls.pkcs12"]);
    const [entry] = await auditEntries(id, "update");
    assert.deepEqual(entry.details, { subProtocol: "NONE", secretsReplaced: ["tls.pkcs12"], secretsDropped: ["tls.clientKeyPem"] });
  });

  test("clearSecrets removes an optional stored secret (AWS session token)", async () => {
    const { id } = await s.createAuthConfig(awsInput(), actor);
    await s.updateAuthConfig(id, edit(await stored(id), { clearSecrets: ["sessionToken"] }), actor);
    assert.deepEqual(Object.keys(await rawSecrets(id)), ["secretAccessKey"]);
    assert.deepEqual((await view(id)).secretsSet, { secretAccessKey: true });
    const resolved = await s.resolveAuthConfig(id);
    assert.equal(field(resolved, "sessionToken"), "");
    assert.equal(field(resolved, "secretAccessKey"), AWS_SECRET);
    const [entry] = await auditEntries(id, "update");
    assert.deepEqual(entry.details, { subProtocol: "AWS_SIGV4", secretsReplaced: [], secretsDropped: ["sessionToken"] });
  });

  test("clearSecrets removes the optional PKCS#12 passphrase and keeps the bundle", async () => {
    const { id } = await s.createAuthConfig(noneInput({ tls: p12Tls }), actor);
    await s.updateAuthConfig(id, edit(await stored(id), { clearSecrets: ["tls.pkcs12Passphrase"] }), actor);
    assert.deepEqual(Object.keys(await rawSecrets(id)), ["tls.pkcs12"]);
    const resolved = await s.resolveAuthConfig(id);
    assert.equal(resolved.tls.pkcs12, P12);
    assert.equal(resolved.tls.pkcs12Passphrase, "");
  });

  test("clearing a required secret is VALIDATION on its field and changes nothing", async () => {
    const { id } = await s.createAuthConfig(awsInput({ tls: p12Tls }), actor);
    const before = await snapshot();
    const base = await stored(id);
    const e = await rejectsWith(s.updateAuthConfig(id, edit(base, { clearSecrets: ["secretAccessKey"] }), actor), "VALIDATION");
    assert.deepEqual(Object.keys(e.fieldErrors ?? {}), ["secretAccessKey"]);
    const e2 = await rejectsWith(s.updateAuthConfig(id, edit(base, { clearSecrets: ["tls.pkcs12"] }), actor), "VALIDATION");
    assert.deepEqual(Object.keys(e2.fieldErrors ?? {}), ["tls.pkcs12"]);
    assert.deepEqual(await snapshot(), before);
  });

  test("clearing a required secret while typing a new one replaces it", async () => {
    const { id } = await s.createAuthConfig(awsInput(), actor);
    await s.updateAuthConfig(id, edit(await stored(id), { clearSecrets: ["secretAccessKey"], secretAccessKey: AWS_SECRET_2 }), actor);
    assert.equal(field(await s.resolveAuthConfig(id), "secretAccessKey"), AWS_SECRET_2);
    const [entry] = await auditEntries(id, "update");
    assert.deepEqual(entry.details, { subProtocol: "AWS_SIGV4", secretsReplaced: ["secretAccessKey"], secretsDropped: [] });
  });

  test("the 'update' audit entries name secrets, never their old or new values", async () => {
    const { id } = await s.createAuthConfig(awsInput({ tls: pemTls }), actor);
    const base = await stored(id);
    await s.updateAuthConfig(id, edit(base, { secretAccessKey: AWS_SECRET_2, clearSecrets: ["sessionToken"] }), actor);
    await s.updateAuthConfig(id, edit(await stored(id), { protocol: "HTTP", subProtocol: "DIGEST", username: "dave", password: PASSWORD_2 }), actor);
    const entries = await auditEntries(id, "update");
    assert.equal(entries.length, 2);
    assert.deepEqual(entries[0].details, { subProtocol: "AWS_SIGV4", secretsReplaced: ["secretAccessKey"], secretsDropped: ["sessionToken"] });
    // The TLS mode stays PEM, so the private key is kept; only the AWS secret goes.
    assert.deepEqual(entries[1].details, { subProtocol: "DIGEST", secretsReplaced: ["password"], secretsDropped: ["secretAccessKey"] });
    assert.deepEqual(Object.keys(await rawSecrets(id)).sort(), ["password", "tls.clientKeyPem"]);
    assert.equal((await s.resolveAuthConfig(id)).tls.clientKeyPem, KEY_PEM);
    assertNoCanary(await db.auditEntry.findMany(), "the audit trail");
  });

  test("renaming to a taken name is CONFLICT with fieldErrors.name; an unknown id is NOT_FOUND", async () => {
    await s.createAuthConfig(basicInput(), actor);
    const { id } = await s.createAuthConfig(apiKeyInput(), actor);
    const before = await snapshot();
    const e = await rejectsWith(s.updateAuthConfig(id, edit(await stored(id), { name: "Basic" }), actor), "CONFLICT");
    assert.ok(e.fieldErrors?.name?.length, JSON.stringify(e.fieldErrors));
    await rejectsWith(s.updateAuthConfig("no-such-id", apiKeyInput(), actor), "NOT_FOUND");
    assert.deepEqual(await snapshot(), before);
  });
});

describe("resolveAuthConfig", () => {
  beforeEach(reset);

  test("by id: the stored configuration with every secret decrypted", async () => {
    const values = awsInput({ tls: pemTls, testUrl: "https://api.example.test/" });
    const { id } = await s.createAuthConfig(values, actor);
    assert.deepEqual(await s.resolveAuthConfig(id), values);
  });

  test("with input: typed secrets win, blank ones fall back to stored, cleared ones are ignored", async () => {
    const { id } = await s.createAuthConfig(awsInput({ tls: p12Tls }), actor);
    const base = await stored(id);
    const resolved = await s.resolveAuthConfig(id, edit(base, { region: "us-east-1", secretAccessKey: AWS_SECRET_2, clearSecrets: ["sessionToken"] }));
    assert.equal(field(resolved, "region"), "us-east-1");
    assert.equal(field(resolved, "secretAccessKey"), AWS_SECRET_2);
    assert.equal(field(resolved, "sessionToken"), "");
    assert.equal(resolved.tls.pkcs12, P12);
    assert.equal(resolved.tls.pkcs12Passphrase, P12_PASS);
    // Resolving never writes.
    assert.equal(field(await s.resolveAuthConfig(id), "secretAccessKey"), AWS_SECRET);
    assert.equal(field(await s.resolveAuthConfig(id), "sessionToken"), AWS_SESSION);
  });

  test("with input of another sub-protocol: stored secrets it does not use are not merged in", async () => {
    const { id } = await s.createAuthConfig(awsInput({ tls: pemTls }), actor);
    const resolved = await s.resolveAuthConfig(id, apiKeyInput({ apiKey: "" }));
    assert.equal(field(resolved, "apiKey"), "");
    assert.ok(!("secretAccessKey" in resolved) && !("sessionToken" in resolved));
    assert.equal(resolved.tls.clientKeyPem, "");
    assertNoCanary(resolved, "the resolved input");
  });

  test("resolveAuthConfig(null, input) uses the input alone, without a database row", async () => {
    const values = basicInput({ tls: pemTls });
    assert.deepEqual(await s.resolveAuthConfig(null, values), values);
    assert.equal(await db.authConfig.count(), 0);
    const blank = await s.resolveAuthConfig(null, basicInput({ password: "" }));
    assert.equal(field(blank, "password"), "");
    await rejectsWith(s.resolveAuthConfig(null), "VALIDATION");
  });

  test("an unknown id is NOT_FOUND, with or without input", async () => {
    await rejectsWith(s.resolveAuthConfig("no-such-id"), "NOT_FOUND");
    await rejectsWith(s.resolveAuthConfig("no-such-id", apiKeyInput()), "NOT_FOUND");
  });

  test("an envelope copied from another record does not open: SECRET_UNREADABLE without the value", async () => {
    const a = await s.createAuthConfig(apiKeyInput({ name: "A" }), actor);
    const b = await s.createAuthConfig(apiKeyInput({ name: "B", apiKey: API_KEY_2 }), actor);
    await db.authConfig.update({ where: { id: b.id }, data: { secrets: await rawSecrets(a.id) } });
    const e = await rejectsWith(s.resolveAuthConfig(b.id), "SECRET_UNREADABLE");
    assertNoCanary(e.message, "the error message");
  });
});

describe("isStoredAsIs", () => {
  let id: string;
  beforeEach(async () => {
    await reset();
    ({ id } = await s.createAuthConfig(apiKeyInput({ tls: pemTls, testUrl: "https://api.example.test/" }), actor));
  });

  test("true for the stored configuration's form values", async () => {
    assert.equal(await s.isStoredAsIs(id, await stored(id)), true);
  });

  test("true again after an update, for the new values", async () => {
    const changed = edit(await stored(id), { headerName: "X-New" });
    await s.updateAuthConfig(id, changed, actor);
    assert.equal(await s.isStoredAsIs(id, changed), true);
    assert.equal(await s.isStoredAsIs(id, await stored(id)), true);
  });

  const settingChanges: [string, (v: TAuthConfigInput) => Record<string, unknown>][] = [
    ["name", () => ({ name: "Api 2" })],
    ["testUrl", () => ({ testUrl: "https://api.example.test/other" })],
    ["headerName", () => ({ headerName: "Authorization" })],
    ["prefix", () => ({ prefix: "Bearer" })],
    ["placement", () => ({ placement: "QUERY", queryParamName: "key" })],
    ["tls.caBundlePem", (v) => ({ tls: { ...v.tls, caBundlePem: "" } })],
    ["tls.clientCertPem", (v) => ({ tls: { ...v.tls, clientCertPem: CA_PEM } })],
    ["tls.clientCertMode", (v) => ({ tls: { ...v.tls, clientCertMode: "NONE" } })],
    ["subProtocol", () => ({ protocol: "NONE", subProtocol: "NONE" })],
  ];
  for (const [label, change] of settingChanges) {
    test(`false after changing ${label}`, async () => {
      const base = await stored(id);
      assert.equal(await s.isStoredAsIs(id, edit(base, change(base))), false);
    });
  }

  test("false after typing any secret, even the stored value itself", async () => {
    const base = await stored(id);
    assert.equal(await s.isStoredAsIs(id, edit(base, { apiKey: API_KEY_2 })), false);
    assert.equal(await s.isStoredAsIs(id, edit(base, { apiKey: API_KEY })), false);
    assert.equal(await s.isStoredAsIs(id, edit(base, { tls: { ...base.tls, clientKeyPem: KEY_PEM } })), false);
  });

  test("false when clearSecrets lists anything", async () => {
    const base = await stored(id);
    assert.equal(await s.isStoredAsIs(id, edit(base, { clearSecrets: ["tls.clientKeyPem"] })), false);
    assert.equal(await s.isStoredAsIs(id, edit(base, { clearSecrets: ["sessionToken"] })), false);
  });

  test("false for an unknown or deleted id", async () => {
    const base = await stored(id);
    assert.equal(await s.isStoredAsIs("no-such-id", base), false);
    await s.deleteAuthConfig(id, actor);
    assert.equal(await s.isStoredAsIs(id, base), false);
  });
});

describe("deleteAuthConfig", () => {
  beforeEach(reset);

  test("refused with CONFLICT naming the service while one uses it; the row stays", async () => {
    const { id } = await s.createAuthConfig(apiKeyInput(), actor);
    await addService("Billing API", id);
    const before = await snapshot();
    await rejectsWith(s.deleteAuthConfig(id, actor), "CONFLICT", /service "Billing API"/);
    assert.deepEqual(await snapshot(), before);
    assert.equal(await db.authConfig.count({ where: { id } }), 1);
  });

  test("refused with CONFLICT naming the connector that uses it directly", async () => {
    const { id } = await s.createAuthConfig(apiKeyInput(), actor);
    const { id: other } = await s.createAuthConfig(noneInput(), actor);
    const svc = await addService("Other API", other);
    await addConnector("Fetch invoices", svc.id, id);
    await rejectsWith(s.deleteAuthConfig(id, actor), "CONFLICT", /connector "Fetch invoices"/);
    assert.equal(await db.authConfig.count({ where: { id } }), 1);
  });

  test("with many users, the message names five and counts the rest", async () => {
    const { id } = await s.createAuthConfig(apiKeyInput(), actor);
    for (let i = 1; i <= 7; i++) await addService(`svc ${i}`, id);
    const e = await rejectsWith(s.deleteAuthConfig(id, actor), "CONFLICT", /and 2 more/);
    assert.equal((e.message.match(/service "/g) ?? []).length, 5);
  });

  test("works once unused, and audits 'delete'", async () => {
    const { id } = await s.createAuthConfig(apiKeyInput(), actor);
    const svc = await addService("Billing API", id);
    await rejectsWith(s.deleteAuthConfig(id, actor), "CONFLICT");
    await db.service.delete({ where: { id: svc.id } });
    await s.deleteAuthConfig(id, actor);
    assert.equal(await db.authConfig.count({ where: { id } }), 0);
    assert.equal(await s.getAuthConfigView(id), null);
    const entries = await auditEntries(id, "delete");
    assert.equal(entries.length, 1);
    assert.equal(entries[0].objectType, "AuthConfig");
    assert.equal(entries[0].objectName, "Api");
    assert.equal(entries[0].actorId, actor.id);
    assert.equal(entries[0].actorEmail, actor.email);
    assertNoCanary(entries, "the delete entry");
  });

  test("an unknown id is NOT_FOUND and nothing is audited", async () => {
    await rejectsWith(s.deleteAuthConfig("no-such-id", actor), "NOT_FOUND");
    assert.equal(await db.auditEntry.count(), 0);
  });
});

describe("recordTestResult", () => {
  beforeEach(reset);

  test("on a deleted configuration does not throw and creates nothing", async () => {
    const { id } = await s.createAuthConfig(apiKeyInput(), actor);
    await s.deleteAuthConfig(id, actor);
    await s.recordTestResult(id, { ok: true, message: "HTTP 200" });
    await s.recordTestResult("never-existed", { ok: false, message: "nope" });
    assert.equal(await db.authConfig.count(), 0);
  });

  test("only touches the given configuration", async () => {
    const a = await s.createAuthConfig(apiKeyInput({ name: "A" }), actor);
    const b = await s.createAuthConfig(apiKeyInput({ name: "B" }), actor);
    await s.recordTestResult(a.id, { ok: true, message: "HTTP 200" });
    assert.equal((await view(a.id)).lastTest?.ok, true);
    assert.equal((await view(b.id)).lastTest, null);
  });
});
