// Event subscriptions in the store (store.ts, validate.ts, schema.ts) on a temporary database: field
// errors named as the form names them, name conflicts, secrets never read back, key rotation, the
// service and environment a subscription uses protected from deletion, pause/resume restarting the
// poll chain, edits that drop a removed resource's ledger, and delete taking everything along.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ZAuthConfigInput } from "@/lib/auth-configs/schema";
import type { TDb } from "@/lib/db";
import { findJob, findJobs } from "@/lib/jobs/testing/find-jobs";
import { rejectsWith } from "@/lib/testing/assert";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { ZSubscriptionInput, type TSubscriptionFormValues, type TSubscriptionInput } from "./schema";
import { generateSigningKey, SIGNING_KEY_ROTATION_GRACE_MS } from "./signing";

let temp: TTempDb;
let db: TDb;
let store: typeof import("./store");
let actor: { id: string; email: string };
let serviceId: string;
let authConfigId: string;

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-subs-", env: { PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1", PATCHBAY_URL: "https://patchbay.example.test" } }));
  store = await import("./store");
  const user = await db.user.create({ data: { email: "s@example.test", name: "s", role: "ADMIN", passwordHash: "scrypt$x", active: true, mustChangePassword: false } });
  actor = { id: user.id, email: user.email };
  const { createAuthConfig } = await import("@/lib/auth-configs/store");
  authConfigId = (await createAuthConfig(ZAuthConfigInput.parse({ name: "None", protocol: "NONE", subProtocol: "NONE" }), actor)).id;
  serviceId = (await db.service.create({ data: { name: "S", authConfigId } })).id;
});

after(async () => {
  await db?.$disconnect();
  await temp?.cleanup();
});

let n = 0;
const resource = (name: string, extra: Record<string, string> = {}) => ({ name, url: `http://127.0.0.1:9/${name}`, idField: "id", ...extra });

function input(extra: Partial<TSubscriptionFormValues> = {}): TSubscriptionInput {
  const parsed = ZSubscriptionInput.safeParse({ name: `Sub ${++n}`, serviceId, type: "POLLING", callbackUrl: "http://127.0.0.1:9/cb", refreshMinutes: 5, resources: [resource("orders")], ...extra });
  assert.ok(parsed.success, `the input is valid: ${JSON.stringify(parsed.error?.issues)}`);
  return parsed.data;
}

/** The paths of the schema's issues ("resources.0.name"). */
function schemaErrors(values: Partial<TSubscriptionFormValues>): string[] {
  const parsed = ZSubscriptionInput.safeParse({ name: "x", serviceId, type: "POLLING", callbackUrl: "http://127.0.0.1:9/cb", refreshMinutes: 5, resources: [resource("orders")], ...values });
  return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join("."));
}

const subOf = (id: string) => db.eventSubscription.findUniqueOrThrow({ where: { id } });

describe("validation", () => {
  test("the shared schema names the field: refresh 0, bad JSONPath, duplicate resource names, a date field without its format, a bad URL", () => {
    assert.deepEqual(schemaErrors({ refreshMinutes: 0 }), ["refreshMinutes"]);
    assert.deepEqual(schemaErrors({ refreshMinutes: undefined }), ["refreshMinutes"]);
    assert.deepEqual(schemaErrors({ resources: [resource("orders", { itemsPath: "$[" })] }), ["resources.0.itemsPath"]);
    assert.deepEqual(schemaErrors({ resources: [resource("orders"), resource("orders")] }), ["resources.1.name"]);
    assert.deepEqual(schemaErrors({ resources: [resource("orders", { updatedDateField: "modified" })] }), ["resources.0.updatedDateFormat"]);
    assert.deepEqual(schemaErrors({ resources: [resource("orders", { createdDateFormat: "epoch" })] }), ["resources.0.createdDateField"]);
    assert.deepEqual(schemaErrors({ resources: [resource("orders", { url: "ftp://x/y" })] }), ["resources.0.url"]);
    assert.deepEqual(schemaErrors({ resources: [resource("a b")] }), ["resources.0.name"]);
    assert.deepEqual(schemaErrors({ resources: [] }), ["resources"]);
    assert.deepEqual(schemaErrors({ callbackUrl: "not a url" }), ["callbackUrl"]);
    assert.deepEqual(schemaErrors({ type: "WEBHOOK", resources: [], verifyMode: "HMAC_SHA256", verifyHeader: "" }), ["verifyHeader"]);
  });

  test("the server names what needs the date library: a bad date pattern, a bad time zone, a bad ${gmtDate} placeholder — all at once", async () => {
    const bad = input({
      resources: [
        resource("orders", { updatedDateField: "modified", updatedDateFormat: "yyyy-MM-dd'T", updatedDateTimeZone: "Mars/Olympus_Mons" }),
        resource("items", { url: "http://127.0.0.1:9/items?since=${gmtDate:qqqqq-bbb}", createdDateField: "c", createdDateFormat: "dd/MM/yyyy", createdDateTimeZone: "SYSTEM" }),
      ],
    });
    const err = await rejectsWith(store.createSubscription(bad, actor), "VALIDATION");
    assert.deepEqual(Object.keys(err.fieldErrors ?? {}).sort(), ["resources.0.updatedDateFormat", "resources.0.updatedDateTimeZone", "resources.1.createdDateTimeZone", "resources.1.url"]);
    assert.equal(await db.eventSubscription.count({ where: { name: bad.name } }), 0, "nothing stored");
  });

  test("a valid Java pattern, a zone and a placeholder pass", async () => {
    const ok = input({ resources: [resource("orders", { url: "http://127.0.0.1:9/o?since=${gmtDate:yyyy-MM-dd'T'HH:mm:ss'Z'}", updatedDateField: "m", updatedDateFormat: "EEE, dd MMM yyyy HH:mm:ss zzz", updatedDateTimeZone: "Europe/Berlin" })] });
    const { id } = await store.createSubscription(ok, actor);
    assert.ok(await store.getSubscription(id), "created");
  });

  test("unknown service or environment, an invalid signature key, a webhook check without its secret: field errors", async () => {
    let err = await rejectsWith(store.createSubscription(input({ serviceId: "nope", environmentId: "nope" }), actor), "VALIDATION");
    assert.deepEqual(Object.keys(err.fieldErrors ?? {}).sort(), ["environmentId", "serviceId"]);
    err = await rejectsWith(store.createSubscription(input({ signingKey: "whsec_tooshort" }), actor), "VALIDATION");
    assert.ok(err.fieldErrors?.signingKey, "signingKey");
    err = await rejectsWith(store.createSubscription(input({ type: "WEBHOOK", resources: [], verifyMode: "HMAC_SHA256", verifyHeader: "X-Sig" }), actor), "VALIDATION");
    assert.ok(err.fieldErrors?.verifySecret, "verifySecret required");
    err = await rejectsWith(store.createSubscription(input({ type: "WEBHOOK", resources: [], verifyMode: "STANDARD_WEBHOOKS", verifySecret: "plain" }), actor), "VALIDATION");
    assert.ok(err.fieldErrors?.verifySecret, "a Standard Webhooks secret is a whsec_ key");
  });

  test("a name taken → CONFLICT on create and on update", async () => {
    const a = input();
    await store.createSubscription(a, actor);
    const err = await rejectsWith(store.createSubscription({ ...input(), name: a.name }, actor), "CONFLICT");
    assert.ok(err.fieldErrors?.name, "the name field");
    const { id } = await store.createSubscription(input(), actor);
    await rejectsWith(store.updateSubscription(id, { ...input(), name: a.name }, actor), "CONFLICT");
  });
});

describe("secrets", () => {
  test("signature key and webhook secret are sealed, never returned by getSubscription or listSubscriptions", async () => {
    const key = generateSigningKey();
    const verifySecret = "CANARY-verify-secret-4242";
    const { id } = await store.createSubscription(input({ type: "WEBHOOK", resources: [], signingKey: key, verifyMode: "HMAC_SHA256", verifyHeader: "X-Sig", verifySecret }), actor);
    const detail = await store.getSubscription(id);
    assert.ok(detail, "found");
    assert.equal(detail.hasSigningKey, true);
    assert.equal(detail.hasVerifySecret, true);
    assert.equal(detail.hookUrl, `https://patchbay.example.test/api/hooks/${id}`);
    const shown = JSON.stringify([detail, await store.listSubscriptions()]);
    for (const secret of [key, key.slice(6), verifySecret]) assert.ok(!shown.includes(secret), "no secret in what the store returns");
    const row = await db.eventSubscription.findUniqueOrThrow({ where: { id }, omit: { signingKey: false, verifySecret: false } });
    assert.ok(row.signingKey && !row.signingKey.includes(key.slice(6)), "the key is stored sealed");
    assert.ok(row.verifySecret && !row.verifySecret.includes(verifySecret), "the secret is stored sealed");
  });

  test("an edit with blank secrets keeps them; removeSigningKey removes the key", async () => {
    const key = generateSigningKey();
    const values = { type: "WEBHOOK" as const, resources: [], signingKey: key, verifyMode: "HMAC_SHA256" as const, verifyHeader: "X-Sig", verifySecret: "s" };
    const created = input(values);
    const { id } = await store.createSubscription(created, actor);
    await store.updateSubscription(id, { ...created, signingKey: "", verifySecret: "" }, actor);
    let d = (await store.getSubscription(id))!;
    assert.deepEqual([d.hasSigningKey, d.hasVerifySecret], [true, true]);
    await store.updateSubscription(id, { ...created, signingKey: "", verifySecret: "", removeSigningKey: true }, actor);
    d = (await store.getSubscription(id))!;
    assert.deepEqual([d.hasSigningKey, d.hasVerifySecret], [false, true]);
  });

  test("rotateSigningKey: a new key shown once, the previous one kept signing for 24 h", async () => {
    const key = generateSigningKey();
    const { id } = await store.createSubscription(input({ signingKey: key }), actor);
    const t0 = Date.now();
    const rotated = await store.rotateSigningKey(id, actor);
    assert.notEqual(rotated.key, key);
    assert.match(rotated.key, /^whsec_/);
    assert.ok(rotated.previousKeyUntil, "a grace period");
    const until = rotated.previousKeyUntil.getTime();
    assert.ok(until >= t0 + SIGNING_KEY_ROTATION_GRACE_MS && until <= Date.now() + SIGNING_KEY_ROTATION_GRACE_MS, "24 h from the rotation");
    assert.equal((await store.getSubscription(id))!.previousKeyUntil?.getTime(), until);
    const { openSecret } = await import("@/lib/secrets");
    const row = await db.eventSubscription.findUniqueOrThrow({ where: { id }, omit: { signingKey: false, previousSigningKey: false } });
    assert.equal(openSecret(row.signingKey!, store.subscriptionSlot(id, "signingKey")), rotated.key);
    assert.equal(openSecret(row.previousSigningKey!, store.subscriptionSlot(id, "previousSigningKey")), key);

    // Without a key, Rotate generates the first one (nothing to keep).
    const { id: bare } = await store.createSubscription(input(), actor);
    const first = await store.rotateSigningKey(bare, actor);
    assert.equal(first.previousKeyUntil, null);
    assert.equal((await store.getSubscription(bare))!.hasSigningKey, true);
  });
});

describe("what a subscription uses", () => {
  test("deleting a service or an environment a subscription uses → CONFLICT naming the subscription", async () => {
    const service = await db.service.create({ data: { name: "Used service", authConfigId } });
    const envs = await import("@/lib/environments/store");
    const envId = (await envs.createEnvironment({ name: "Used env", description: "" }, actor)).id;
    const sub = input({ serviceId: service.id, environmentId: envId });
    const { id } = await store.createSubscription(sub, actor);
    const { deleteService } = await import("@/lib/services/store");
    await rejectsWith(deleteService(service.id, actor), "CONFLICT", new RegExp(`"Used service" is used by 1 event subscription \\("${sub.name}"\\)`));
    await rejectsWith(envs.deleteEnvironment(envId, actor), "CONFLICT", new RegExp(`"${sub.name}"`));
    await store.deleteSubscription(id, actor);
    await deleteService(service.id, actor);
    await envs.deleteEnvironment(envId, actor);
  });
});

describe("the poll chain and the ledger", () => {
  test("create starts the chain; pause stops it (pollSeq moves, no next poll); resume starts a new one with its job", async () => {
    const { id } = await store.createSubscription(input(), actor);
    const created = await subOf(id);
    assert.ok(created.nextPollAt, "the first poll is scheduled");
    assert.ok(await findJob(db, { name: "events.poll", singletonKey: `${id}:${created.pollSeq}` }), "its job");

    await store.setPaused(id, true, actor);
    const paused = await subOf(id);
    assert.equal(paused.paused, true);
    assert.equal(paused.pollSeq, created.pollSeq + 1);
    assert.equal(paused.nextPollAt, null);
    assert.equal((await store.getSubscription(id))!.status, "Paused");
    assert.equal((await findJobs(db, { name: "events.poll", singletonKey: `${id}:${paused.pollSeq}` })).length, 0, "no next poll while paused");
    await store.setPaused(id, true, actor);
    assert.equal((await subOf(id)).pollSeq, paused.pollSeq, "pausing twice changes nothing");

    await store.setPaused(id, false, actor);
    const resumed = await subOf(id);
    assert.equal(resumed.paused, false);
    assert.equal(resumed.pollSeq, paused.pollSeq + 1);
    assert.ok(resumed.nextPollAt, "scheduled again");
    assert.ok(resumed.enabledAt.getTime() >= created.enabledAt.getTime(), "enabledAt moves on resume");
    const job = await findJob(db, { name: "events.poll", singletonKey: `${id}:${resumed.pollSeq}` });
    assert.ok(job, "the new chain's job");
    assert.deepEqual(job.data, { subscriptionId: id, seq: resumed.pollSeq });
    assert.equal((await store.getSubscription(id))!.status, "Active");
  });

  test("an edit that removes a resource deletes its ledger and poll state; the kept resource's stay; the poll version moves", async () => {
    const created = input({ resources: [resource("orders"), resource("items")] });
    const { id } = await store.createSubscription(created, actor);
    await db.seenItem.createMany({
      data: [
        { subscriptionId: id, resource: "orders", itemId: "1", hash: "h" },
        { subscriptionId: id, resource: "orders", itemId: "2", hash: "h" },
        { subscriptionId: id, resource: "items", itemId: "1", hash: "h" },
      ],
    });
    const state = { orders: { cursor: null, lastSuccessAt: new Date().toISOString() }, items: { cursor: null, lastSuccessAt: new Date().toISOString() } };
    await db.eventSubscription.update({ where: { id }, data: { pollState: JSON.stringify(state) } });
    const before = await subOf(id);
    await store.updateSubscription(id, { ...created, resources: [created.resources[0]!] }, actor);
    const rows = await db.seenItem.findMany({ where: { subscriptionId: id }, orderBy: [{ resource: "asc" }, { itemId: "asc" }] });
    assert.deepEqual(rows.map((r) => `${r.resource}/${r.itemId}`), ["orders/1", "orders/2"]);
    const after = await subOf(id);
    assert.deepEqual(Object.keys(JSON.parse(after.pollState) as object), ["orders"]);
    assert.ok(after.pollVersion > before.pollVersion, "a poll in flight cannot commit the old resources");
    assert.deepEqual((await store.getSubscription(id))!.resources.map((r) => r.name), ["orders"]);
  });

  test("an edit of the interval restarts the chain; an edit to Webhook stops it and clears the ledger", async () => {
    const created = input();
    const { id } = await store.createSubscription(created, actor);
    await db.seenItem.create({ data: { subscriptionId: id, resource: "orders", itemId: "1", hash: "h" } });
    const before = await subOf(id);
    await store.updateSubscription(id, { ...created, refreshMinutes: 60 }, actor);
    const mid = await subOf(id);
    assert.equal(mid.pollSeq, before.pollSeq + 1);
    assert.equal(mid.refreshMinutes, 60);
    assert.ok(await findJob(db, { name: "events.poll", singletonKey: `${id}:${mid.pollSeq}` }), "the new chain's job");
    assert.equal(await db.seenItem.count({ where: { subscriptionId: id } }), 1, "the kept resource keeps its ledger");

    await store.updateSubscription(id, input({ name: created.name, type: "WEBHOOK", resources: [] }), actor);
    const after = await subOf(id);
    assert.equal(after.pollSeq, mid.pollSeq + 1);
    assert.equal(after.nextPollAt, null);
    assert.equal(await db.seenItem.count({ where: { subscriptionId: id } }), 0);
  });

  test("delete takes the events, attempts and ledger along; a second delete is NOT_FOUND", async () => {
    const { id } = await store.createSubscription(input(), actor);
    await db.seenItem.create({ data: { subscriptionId: id, resource: "orders", itemId: "1", hash: "h" } });
    const e = await db.event.create({ data: { subscriptionId: id, resource: "orders", type: "CREATED", payload: "{}", occurredAt: new Date() } });
    await db.deliveryAttempt.create({ data: { eventId: e.id, number: 1, at: new Date(), durationMs: 1 } });
    await store.deleteSubscription(id, actor);
    assert.deepEqual(
      [await db.event.count({ where: { subscriptionId: id } }), await db.deliveryAttempt.count({ where: { eventId: e.id } }), await db.seenItem.count({ where: { subscriptionId: id } })],
      [0, 0, 0],
    );
    await rejectsWith(store.deleteSubscription(id, actor), "NOT_FOUND");
    assert.equal(await store.getSubscription(id), null);
  });
});
