// Listeners in the store (store.ts, schema.ts, usage.ts) on a temporary database: field errors
// named as the form names them (path clashes naming their owner, also across case and with webhook
// subscriptions; missing or malformed secrets; a callback URL the outbound policy blocks; a mapping
// to a path parameter the connector does not have), secrets sealed and write-only, blank secrets
// kept on edit and dropped with their mode, refused inputs changing nothing, connectors and
// environments in use protected from deletion, audit entries without secret values, and Replay.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ZAuthConfigInput } from "@/lib/auth-configs/schema";
import { ZConnectorInput } from "@/lib/connectors/schema";
import type { TDb } from "@/lib/db";
import { ZSubscriptionInput } from "@/lib/events/schema";
import { generateSigningKey } from "@/lib/events/signing";
import { findJob, findJobs } from "@/lib/jobs/testing/find-jobs";
import { rejectsWith } from "@/lib/testing/assert";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { ZListenerInput, type TListenerFormValues, type TListenerInput } from "./schema";

let temp: TTempDb;
let db: TDb;
let store: typeof import("./store");
let actor: { id: string; email: string };
let serviceId: string;

before(async () => {
  ({ temp, db } = await useTempAppDatabase({
    prefix: "patchbay-listeners-",
    // 127.0.0.1 opened for the tests; 10.0.0.0/8 and the metadata address stay blocked (the defaults).
    env: { PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1", PATCHBAY_URL: "https://patchbay.example.test" },
  }));
  store = await import("./store");
  const user = await db.user.create({ data: { email: "ls@example.test", name: "ls", role: "ADMIN", passwordHash: "scrypt$x", active: true, mustChangePassword: false } });
  actor = { id: user.id, email: user.email };
  const { createAuthConfig } = await import("@/lib/auth-configs/store");
  const authConfigId = (await createAuthConfig(ZAuthConfigInput.parse({ name: "None", protocol: "NONE", subProtocol: "NONE" }), actor)).id;
  serviceId = (await db.service.create({ data: { name: "S", authConfigId } })).id;
});

after(async () => {
  await db?.$disconnect();
  await temp?.cleanup();
});

let n = 0;
function input(extra: Partial<TListenerFormValues> = {}): TListenerInput {
  n++;
  const parsed = ZListenerInput.safeParse({ name: `Listener ${n}`, path: `p${n}/in`, ...extra });
  assert.ok(parsed.success, `the input is valid: ${JSON.stringify(parsed.error?.issues)}`);
  return parsed.data;
}

async function connector(urlTemplate: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { createConnector } = await import("@/lib/connectors/store");
  return (await createConnector(ZConnectorInput.parse({ name: `Connector ${++n}`, serviceId, method: "POST", urlTemplate, ...extra }), actor)).id;
}

const rowOf = (id: string) => db.listener.findUniqueOrThrow({ where: { id }, omit: { authPassword: false, authHeaderValue: false, authSecret: false, signingKey: false } });
const auditOf = (id: string) => db.auditEntry.findMany({ where: { objectType: "Listener", objectId: id }, orderBy: [{ at: "asc" }, { id: "asc" }] });

async function open(id: string, field: "authPassword" | "authHeaderValue" | "authSecret" | "signingKey"): Promise<string | null> {
  const { openSecret } = await import("@/lib/secrets");
  const sealed = (await rowOf(id))[field];
  return sealed === null ? null : openSecret(sealed, store.listenerSlot(id, field));
}

describe("create and read", () => {
  test("a listener is created with its columns; getListener and listListeners show it with its URL; the audit names the mode, not the secret", async () => {
    const values = input({ name: "Orders in", path: "/api/hooks/acme/Orders/", methods: ["POST", "PUT", "POST"], auth: { mode: "BASIC", username: "acme", password: "CANARY-basic-1" }, sizeLimitBytes: 2048, retentionDays: 7 });
    const { id } = await store.createListener(values, actor);
    const d = await store.getListener(id);
    assert.ok(d, "found");
    assert.deepEqual(
      [d.name, d.path, d.url, d.methods, d.target, d.enabled, d.sizeLimitBytes, d.retentionDays, d.auth.mode, d.auth.username, d.auth.hasPassword, d.messages24h, d.lastReceivedAt],
      ["Orders in", "acme/Orders", "https://patchbay.example.test/api/hooks/acme/Orders", ["POST", "PUT"], "STORE", true, 2048, 7, "BASIC", "acme", true, 0, null],
    );
    assert.equal((await rowOf(id)).pathKey, "acme/orders");
    assert.ok((await store.listListeners()).some((l) => l.id === id), "listed");
    const [entry] = await auditOf(id);
    assert.ok(entry, "audited");
    assert.equal(entry.action, "create");
    assert.deepEqual(entry.details, { path: "acme/Orders", target: "STORE", auth: "BASIC" });
  });

  test("a name taken → CONFLICT on the name field", async () => {
    const a = input();
    await store.createListener(a, actor);
    const err = await rejectsWith(store.createListener({ ...input(), name: a.name }, actor), "CONFLICT");
    assert.ok(err.fieldErrors?.name, "the name field");
  });
});

describe("validation", () => {
  test("a path used by another listener → a field error naming it, also in another case (Orders vs orders); nothing stored", async () => {
    const owner = input({ name: "Owner of orders", path: "clash/Orders" });
    await store.createListener(owner, actor);
    for (const path of ["clash/Orders", "clash/orders", "CLASH/ORDERS", "/api/hooks/clash/orders/"]) {
      const bad = input({ path });
      const err = await rejectsWith(store.createListener(bad, actor), "VALIDATION", /Owner of orders/);
      assert.deepEqual(Object.keys(err.fieldErrors ?? {}), ["path"], path);
      assert.match(err.fieldErrors!.path![0]!, /the listener "Owner of orders"/);
      assert.equal(await db.listener.count({ where: { name: bad.name } }), 0, `${path}: nothing stored`);
    }
    // Its own path (in another case) is no clash on edit.
    const own = await db.listener.findFirstOrThrow({ where: { name: owner.name } });
    await store.updateListener(own.id, { ...owner, path: "clash/ORDERS" }, actor);
    assert.equal((await rowOf(own.id)).path, "clash/ORDERS");
  });

  test("a path equal to a webhook subscription's id (whatever its case) → a field error naming the subscription", async () => {
    const { createSubscription } = await import("@/lib/events/store");
    const subId = (await createSubscription(ZSubscriptionInput.parse({ name: "Vendor hook", serviceId, type: "WEBHOOK", callbackUrl: "http://127.0.0.1:9/x" }), actor)).id;
    for (const path of [subId, subId.toUpperCase()]) {
      const err = await rejectsWith(store.createListener(input({ path }), actor), "VALIDATION");
      assert.ok(err.fieldErrors?.path?.some((m) => m.includes(`webhook subscription "Vendor hook"`)), `${path}: ${JSON.stringify(err.fieldErrors)}`);
    }
  });

  test("a missing secret on create, for each mode → its field error", async () => {
    const cases: Array<[TListenerFormValues["auth"], string]> = [
      [{ mode: "BASIC", username: "u" }, "auth.password"],
      [{ mode: "SHARED_SECRET", headerName: "X-Token" }, "auth.headerValue"],
      [{ mode: "HMAC", headerName: "X-Sig" }, "auth.secret"],
      [{ mode: "STANDARD_WEBHOOKS" }, "auth.secret"],
    ];
    for (const [auth, field] of cases) {
      const bad = input({ auth });
      const err = await rejectsWith(store.createListener(bad, actor), "VALIDATION");
      assert.deepEqual(Object.keys(err.fieldErrors ?? {}), [field], auth?.mode);
      assert.equal(await db.listener.count({ where: { name: bad.name } }), 0, `${auth?.mode}: nothing stored`);
    }
  });

  test("a Standard Webhooks secret that is not a whsec_ key → auth.secret, in the schema and on the server", async () => {
    const parsed = ZListenerInput.safeParse({ name: "x", path: "x", auth: { mode: "STANDARD_WEBHOOKS", secret: "plain-secret" } });
    assert.deepEqual(parsed.success ? [] : parsed.error.issues.map((i) => i.path.join(".")), ["auth.secret"]);
    for (const secret of ["plain-secret", "whsec_dG9vc2hvcnQ=", "whsec_" + "A".repeat(5)]) {
      const bad = { ...input(), auth: { ...input().auth, mode: "STANDARD_WEBHOOKS" as const, secret } };
      const err = await rejectsWith(store.createListener(bad, actor), "VALIDATION");
      assert.deepEqual(Object.keys(err.fieldErrors ?? {}), ["auth.secret"], secret);
    }
    const { id } = await store.createListener(input({ auth: { mode: "STANDARD_WEBHOOKS", secret: generateSigningKey() } }), actor);
    assert.equal((await store.getListener(id))!.auth.hasSecret, true);
  });

  test("forward: a callback URL the outbound policy blocks (private, metadata) → callbackUrl; an allowed one (127.0.0.1 in the allowlist) passes; a bad signing key → signingKey", async () => {
    for (const url of ["http://10.0.0.1/x", "http://169.254.169.254/latest/meta-data", "http://[::ffff:10.0.0.1]/x", "http://192.168.1.1/x"]) {
      const err = await rejectsWith(store.createListener(input({ target: "FORWARD", callbackUrl: url }), actor), "VALIDATION");
      assert.deepEqual(Object.keys(err.fieldErrors ?? {}), ["callbackUrl"], url);
      assert.match(err.fieldErrors!.callbackUrl![0]!, /^Blocked by the outbound policy/, url);
    }
    const dns = await rejectsWith(store.createListener(input({ target: "FORWARD", callbackUrl: "http://nonexistent.invalid/x" }), actor), "VALIDATION");
    assert.deepEqual(Object.keys(dns.fieldErrors ?? {}), ["callbackUrl"], "a host that does not resolve");
    let err = await rejectsWith(store.createListener(input({ target: "FORWARD", callbackUrl: "http://127.0.0.1:9/x", signingKey: "whsec_dG9vc2hvcnQ=" }), actor), "VALIDATION");
    assert.deepEqual(Object.keys(err.fieldErrors ?? {}), ["signingKey"]);
    err = await rejectsWith(store.createListener({ ...input({ target: "FORWARD", callbackUrl: "http://127.0.0.1:9/x" }), callbackUrl: "" }, actor), "VALIDATION");
    assert.deepEqual(Object.keys(err.fieldErrors ?? {}), ["callbackUrl"], "a missing callback URL, even past the schema");
    const { id } = await store.createListener(input({ target: "FORWARD", callbackUrl: "http://127.0.0.1:9/x", signingKey: generateSigningKey() }), actor);
    const d = await store.getListener(id);
    assert.deepEqual([d!.target, d!.callbackUrl, d!.hasSigningKey], ["FORWARD", "http://127.0.0.1:9/x", true]);
  });

  test("connector: one with a form body is refused (a message cannot become a form); a header mapped from a credential header is refused (it is stored redacted)", async () => {
    const form = await connector("http://127.0.0.1:9/upload", { bodyType: "FORM", formParams: [{ name: "file", type: "file", description: "" }] });
    let err = await rejectsWith(store.createListener(input({ target: "CONNECTOR", connectorId: form }), actor), "VALIDATION");
    assert.deepEqual(Object.keys(err.fieldErrors ?? {}), ["connectorId"]);
    assert.match(err.fieldErrors!.connectorId![0]!, /form body/);
    const plain = await connector("http://127.0.0.1:9/in");
    const mapping = [
      { from: "header" as const, name: "Authorization", to: "query" as const, param: "auth" },
      { from: "header" as const, name: "x-signature", to: "query" as const, param: "sig" },
      { from: "header" as const, name: "X-Tenant", to: "query" as const, param: "tenant" },
    ];
    err = await rejectsWith(store.createListener(input({ target: "CONNECTOR", connectorId: plain, mapping, auth: { mode: "HMAC", headerName: "X-Signature", secret: "s3cret" } }), actor), "VALIDATION");
    assert.deepEqual(Object.keys(err.fieldErrors ?? {}).sort(), ["mapping.0.name", "mapping.1.name"]);
  });

  test("connector: a mapping to a path parameter the connector's URL does not have → mapping.N.param; a missing connector or environment → their fields", async () => {
    const connectorId = await connector("http://127.0.0.1:9/orders/{orderId}?x={{TENANT}}");
    const mapping = [
      { from: "query" as const, name: "id", to: "path" as const, param: "orderId" },
      { from: "header" as const, name: "X-Tenant", to: "path" as const, param: "TENANT" },
      { from: "header" as const, name: "X-Customer", to: "path" as const, param: "customerId" },
      { from: "query" as const, name: "q", to: "query" as const, param: "anything" },
    ];
    let err = await rejectsWith(store.createListener(input({ target: "CONNECTOR", connectorId, mapping }), actor), "VALIDATION");
    assert.deepEqual(Object.keys(err.fieldErrors ?? {}).sort(), ["mapping.1.param", "mapping.2.param"]);
    assert.match(err.fieldErrors!["mapping.2.param"]![0]!, /has no \{customerId\}: use \{orderId\}/);
    const bare = await connector("http://127.0.0.1:9/orders");
    err = await rejectsWith(store.createListener(input({ target: "CONNECTOR", connectorId: bare, mapping: [mapping[0]!] }), actor), "VALIDATION");
    assert.deepEqual(err.fieldErrors, { "mapping.0.param": ["The connector's URL has no path parameters"] });
    err = await rejectsWith(store.createListener(input({ target: "CONNECTOR", connectorId: "nope", environmentId: "nope" }), actor), "VALIDATION");
    assert.deepEqual(Object.keys(err.fieldErrors ?? {}).sort(), ["connectorId", "environmentId"]);
    const { id } = await store.createListener(input({ target: "CONNECTOR", connectorId, mapping: [mapping[0]!, mapping[3]!] }), actor);
    const d = await store.getListener(id);
    assert.deepEqual([d!.connectorId, d!.mapping], [connectorId, [mapping[0], mapping[3]]]);
    assert.deepEqual((await store.listenerChoices()).connectors.find((c) => c.id === connectorId)?.pathParams, ["orderId"]);
  });

  test("an invalid edit changes nothing: columns, secrets and audit stay as they were", async () => {
    await store.createListener(input({ name: "Taken path owner", path: "half/taken" }), actor);
    const values = input({ auth: { mode: "HMAC", headerName: "X-Sig", secret: "CANARY-hmac-keep" }, target: "FORWARD", callbackUrl: "http://127.0.0.1:9/x", signingKey: generateSigningKey() });
    const { id } = await store.createListener(values, actor);
    const before = await rowOf(id);
    const audits = (await auditOf(id)).length;
    const attempts: TListenerInput[] = [
      { ...values, name: "Renamed", path: "half/TAKEN", auth: { ...values.auth, secret: "new-secret" } },
      { ...values, name: "Renamed", callbackUrl: "http://169.254.169.254/x", auth: { ...values.auth, secret: "new-secret" } },
      { ...values, name: "Renamed", auth: { ...values.auth, mode: "STANDARD_WEBHOOKS", secret: "" } },
      { ...values, name: "Renamed", target: "CONNECTOR", connectorId: "nope" },
    ];
    for (const bad of attempts) await rejectsWith(store.updateListener(id, bad, actor), "VALIDATION");
    assert.deepEqual(await rowOf(id), before, "the record is unchanged");
    assert.equal((await auditOf(id)).length, audits, "nothing audited");
    await rejectsWith(store.updateListener("nope", values, actor), "NOT_FOUND");
  });
});

describe("secrets", () => {
  const SECRETS = { password: "CANARY-pass-1111", headerValue: "CANARY-header-2222", secret: "CANARY-hmac-3333" };

  test("sealed in the database, write-only: getListener and listListeners return has* booleans only", async () => {
    const key = generateSigningKey();
    const ids = [
      (await store.createListener(input({ auth: { mode: "BASIC", username: "u", password: SECRETS.password }, target: "FORWARD", callbackUrl: "http://127.0.0.1:9/x", signingKey: key }), actor)).id,
      (await store.createListener(input({ auth: { mode: "SHARED_SECRET", headerName: "X-Token", headerValue: SECRETS.headerValue } }), actor)).id,
      (await store.createListener(input({ auth: { mode: "HMAC", headerName: "X-Sig", secret: SECRETS.secret } }), actor)).id,
    ];
    const shown = JSON.stringify([await Promise.all(ids.map((id) => store.getListener(id))), await store.listListeners()]);
    for (const s of [...Object.values(SECRETS), key, key.slice(6)]) assert.ok(!shown.includes(s), `no secret in what the store returns: ${s}`);
    const details = await Promise.all(ids.map((id) => store.getListener(id)));
    assert.deepEqual(
      details.map((d) => [d!.auth.hasPassword, d!.auth.hasHeaderValue, d!.auth.hasSecret, d!.hasSigningKey]),
      [
        [true, false, false, true],
        [false, true, false, false],
        [false, false, true, false],
      ],
    );
    const rows = await Promise.all(ids.map(rowOf));
    const raw = JSON.stringify(rows);
    for (const s of [...Object.values(SECRETS), key.slice(6)]) assert.ok(!raw.includes(s), `stored sealed: ${s}`);
    assert.ok(rows[0]!.authPassword && rows[0]!.signingKey && rows[1]!.authHeaderValue && rows[2]!.authSecret, "the columns hold the sealed values");
    assert.equal(await open(ids[0]!, "authPassword"), SECRETS.password);
    assert.equal(await open(ids[0]!, "signingKey"), key);
    assert.equal(await open(ids[1]!, "authHeaderValue"), SECRETS.headerValue);
    assert.equal(await open(ids[2]!, "authSecret"), SECRETS.secret);
    // The default client never reads them.
    const plain = await db.listener.findUniqueOrThrow({ where: { id: ids[0]! } });
    assert.ok(!("authPassword" in plain) && !("signingKey" in plain), "omitted by default");
  });

  test("an edit with blank secrets keeps them (each mode and the signing key); an entered one replaces it", async () => {
    const key = generateSigningKey();
    const cases: Array<[TListenerFormValues["auth"], "authPassword" | "authHeaderValue" | "authSecret", string]> = [
      [{ mode: "BASIC", username: "u", password: SECRETS.password }, "authPassword", SECRETS.password],
      [{ mode: "SHARED_SECRET", headerName: "X-Token", headerValue: SECRETS.headerValue }, "authHeaderValue", SECRETS.headerValue],
      [{ mode: "HMAC", headerName: "X-Sig", secret: SECRETS.secret }, "authSecret", SECRETS.secret],
      [{ mode: "STANDARD_WEBHOOKS", secret: key }, "authSecret", key],
    ];
    for (const [auth, field, value] of cases) {
      const values = input({ auth, target: "FORWARD", callbackUrl: "http://127.0.0.1:9/x", signingKey: key });
      const { id } = await store.createListener(values, actor);
      const blank = { ...values, name: `${values.name} renamed`, auth: { ...values.auth, password: "", headerValue: "", secret: "" }, signingKey: "" };
      await store.updateListener(id, blank, actor);
      assert.equal(await open(id, field), value, `${auth?.mode}: kept`);
      assert.equal(await open(id, "signingKey"), key, `${auth?.mode}: signing key kept`);
      const d = (await store.getListener(id))!;
      assert.equal(d.name, blank.name);
      assert.ok(d.auth.hasPassword || d.auth.hasHeaderValue || d.auth.hasSecret, `${auth?.mode}: still has its secret`);
      const last = (await auditOf(id)).at(-1)!;
      assert.deepEqual(last.details, { fields: ["name"] }, `${auth?.mode}: only the name changed`);
    }
    const values = input({ auth: { mode: "SHARED_SECRET", headerName: "X-Token", headerValue: "first" } });
    const { id } = await store.createListener(values, actor);
    await store.updateListener(id, { ...values, auth: { ...values.auth, headerValue: "second" } }, actor);
    assert.equal(await open(id, "authHeaderValue"), "second");
    assert.deepEqual((await auditOf(id)).at(-1)!.details, { fields: ["authHeaderValue"] });
  });

  test("switching mode drops the old secret: it cannot be kept blank into the new mode, and modes without one clear it", async () => {
    const values = input({ auth: { mode: "HMAC", headerName: "X-Sig", secret: SECRETS.secret }, target: "FORWARD", callbackUrl: "http://127.0.0.1:9/x", signingKey: generateSigningKey() });
    const { id } = await store.createListener(values, actor);
    // HMAC → Standard Webhooks uses the same column, but the HMAC secret does not carry over.
    const err = await rejectsWith(store.updateListener(id, { ...values, auth: { ...values.auth, mode: "STANDARD_WEBHOOKS", secret: "" } }, actor), "VALIDATION");
    assert.deepEqual(Object.keys(err.fieldErrors ?? {}), ["auth.secret"]);
    const key = generateSigningKey();
    await store.updateListener(id, { ...values, auth: { ...values.auth, mode: "STANDARD_WEBHOOKS", secret: key }, signingKey: "" }, actor);
    assert.equal(await open(id, "authSecret"), key);
    await store.updateListener(id, { ...values, auth: { ...values.auth, mode: "BASIC", username: "u", password: SECRETS.password, secret: "" }, signingKey: "" }, actor);
    let row = await rowOf(id);
    assert.equal(row.authSecret, null, "the Standard Webhooks secret is gone");
    assert.equal(await open(id, "authPassword"), SECRETS.password);
    await store.updateListener(id, { ...values, auth: { ...values.auth, mode: "NONE", secret: "" }, target: "STORE", signingKey: "" }, actor);
    row = await rowOf(id);
    assert.deepEqual([row.authPassword, row.authHeaderValue, row.authSecret, row.signingKey, row.authHeaderName, row.authUsername, row.callbackUrl], [null, null, null, null, null, null, null], "nothing left");
    const d = (await store.getListener(id))!;
    assert.deepEqual([d.auth.hasPassword, d.auth.hasHeaderValue, d.auth.hasSecret, d.hasSigningKey], [false, false, false, false]);
    // Back to Basic: the old password does not come back.
    const back = await rejectsWith(store.updateListener(id, { ...values, auth: { ...values.auth, mode: "BASIC", username: "u", password: "", secret: "" }, signingKey: "" }, actor), "VALIDATION");
    assert.deepEqual(Object.keys(back.fieldErrors ?? {}), ["auth.password"]);
  });

  test("audit entries of create, update, enable/disable, delete carry no secret values", async () => {
    const key = generateSigningKey();
    const values = input({ auth: { mode: "BASIC", username: "u", password: SECRETS.password }, target: "FORWARD", callbackUrl: "http://127.0.0.1:9/x", signingKey: key });
    const { id } = await store.createListener(values, actor);
    await store.updateListener(id, { ...values, auth: { ...values.auth, password: "CANARY-pass-rotated" }, signingKey: generateSigningKey() }, actor);
    await store.updateListener(id, { ...values, auth: { mode: "SHARED_SECRET", headerName: "X-T", headerValue: SECRETS.headerValue, username: "", password: "", algorithm: "sha256", encoding: "hex", prefix: "", secret: "" } }, actor);
    await store.setListenerEnabled(id, false, actor);
    await store.setListenerEnabled(id, false, actor);
    await store.setListenerEnabled(id, true, actor);
    await store.deleteListener(id, actor);
    const entries = await auditOf(id);
    assert.deepEqual(entries.map((e) => e.action), ["create", "update", "update", "disable", "enable", "delete"]);
    const text = JSON.stringify(entries);
    for (const s of [SECRETS.password, "CANARY-pass-rotated", SECRETS.headerValue, key, key.slice(6), "CANARY"]) assert.ok(!text.includes(s), `no secret in the audit: ${s}`);
    assert.ok((entries[1]!.details as { fields: string[] }).fields.includes("authPassword"), "the field name of a changed secret is named");
  });
});

describe("enable, delete and what a listener uses", () => {
  test("disable/enable; delete takes the messages along; a second delete is NOT_FOUND", async () => {
    const { id } = await store.createListener(input(), actor);
    await store.setListenerEnabled(id, false, actor);
    assert.equal((await store.getListener(id))!.enabled, false);
    await store.setListenerEnabled(id, true, actor);
    assert.equal((await store.getListener(id))!.enabled, true);
    await db.inboundMessage.create({ data: { listenerId: id, method: "POST", path: "x", headers: "[]", body: Buffer.from("x"), size: 1, status: "stored" } });
    await store.deleteListener(id, actor);
    assert.equal(await db.inboundMessage.count({ where: { listenerId: id } }), 0);
    assert.equal(await store.getListener(id), null);
    await rejectsWith(store.deleteListener(id, actor), "NOT_FOUND");
    await rejectsWith(store.setListenerEnabled(id, true, actor), "NOT_FOUND");
  });

  test("deleting a connector or an environment a listener uses → CONFLICT naming the listener; free again once the listener stops using it", async () => {
    const connectorId = await connector("http://127.0.0.1:9/in");
    const envs = await import("@/lib/environments/store");
    const environmentId = (await envs.createEnvironment({ name: "Listened env", description: "" }, actor)).id;
    const values = input({ name: "Uses both", target: "CONNECTOR", connectorId, environmentId });
    const { id } = await store.createListener(values, actor);
    const { deleteConnector } = await import("@/lib/connectors/store");
    await rejectsWith(deleteConnector(connectorId, actor), "CONFLICT", /is used by 1 listener \("Uses both"\)/);
    await rejectsWith(envs.deleteEnvironment(environmentId, actor), "CONFLICT", /is used by 1 listener \("Uses both"\)/);
    assert.ok(await db.connector.findUnique({ where: { id: connectorId } }), "the connector is still there");
    assert.ok(await db.environment.findUnique({ where: { id: environmentId } }), "the environment is still there");
    await store.updateListener(id, { ...values, target: "STORE" }, actor);
    const row = await rowOf(id);
    assert.deepEqual([row.connectorId, row.environmentId, row.mapping], [null, null, "[]"], "Store only keeps no connector");
    await deleteConnector(connectorId, actor);
    await envs.deleteEnvironment(environmentId, actor);
  });
});

describe("replay", () => {
  const message = (listenerId: string, status: string) => db.inboundMessage.create({ data: { listenerId, method: "POST", path: "x", headers: "[]", body: Buffer.from("{}"), size: 2, status } });

  test("on a Store-only listener → CONFLICT, the message unchanged", async () => {
    const { id } = await store.createListener(input(), actor);
    const m = await message(id, "stored");
    await rejectsWith(store.replayMessage(m.id, actor), "CONFLICT", /only stores its messages/);
    const after = await db.inboundMessage.findUniqueOrThrow({ where: { id: m.id } });
    assert.deepEqual([after.status, after.targetSeq], ["stored", 0]);
    assert.equal((await findJobs(db, { name: "listeners.handoff", data: { messageId: m.id } })).length, 0, "no hand-off job");
    await rejectsWith(store.replayMessage("nope", actor), "NOT_FOUND");
  });

  test("on a forward listener: status pending, targetSeq bumped, a job with the new seq, audited", async () => {
    const { id } = await store.createListener(input({ target: "FORWARD", callbackUrl: "http://127.0.0.1:9/x" }), actor);
    const m = await message(id, "dead");
    await db.inboundMessage.update({ where: { id: m.id }, data: { roundAttempts: 5, attemptCount: 5 } });
    await store.replayMessage(m.id, actor);
    let after = await db.inboundMessage.findUniqueOrThrow({ where: { id: m.id } });
    assert.deepEqual([after.status, after.targetSeq, after.roundAttempts, after.attemptCount], ["pending", 1, 0, 5]);
    assert.ok(after.nextAttemptAt, "due now");
    const job = await findJob(db, { name: "listeners.handoff", singletonKey: `${m.id}:1` });
    assert.ok(job, "the new round's job");
    assert.deepEqual(job.data, { messageId: m.id, seq: 1 });
    await store.replayMessage(m.id, actor);
    after = await db.inboundMessage.findUniqueOrThrow({ where: { id: m.id } });
    assert.equal(after.targetSeq, 2);
    assert.ok(await findJob(db, { name: "listeners.handoff", singletonKey: `${m.id}:2` }), "a job per replay");
    const replays = (await auditOf(id)).filter((e) => e.action === "replay");
    assert.deepEqual(replays.map((e) => e.details), [{ message: m.id }, { message: m.id }]);
  });
});
