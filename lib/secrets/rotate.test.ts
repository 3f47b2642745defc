import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import type { TDb } from "@/lib/db";
import { createTempDatabase } from "@/lib/testing/temp-db";
import { AppError } from "@/lib/errors";
import { decryptSecret, encryptSecret, envelopeKeyId, makeKeyRing, type TKeyRing } from "./crypto";
import { rotateSecrets } from "./rotate";

const KEY_A = Buffer.alloc(32, 0x0a);
const KEY_B = Buffer.alloc(32, 0x0b);
const KEY_C = Buffer.alloc(32, 0x0c);
const ringA = makeKeyRing(KEY_A);
const ringB = makeKeyRing(KEY_B, [KEY_A]);
const onlyB = makeKeyRing(KEY_B);

async function freshDatabase(): Promise<{ dir: string; db: TDb; cleanup: () => Promise<void> }> {
  return createTempDatabase("patchbay-rotate-");
}

const rotate = (db: TDb, ring: TKeyRing) => rotateSecrets(db, ring);

const configSlot = (recordId: string, field: string) => ({ model: "AuthConfig", field: `secrets.${field}`, recordId });
const tokenSlot = (recordId: string, field: "accessToken" | "refreshToken") => ({ model: "OAuthToken", field, recordId });

async function createConfig(db: TDb, name: string, ring: TKeyRing, plain: Record<string, string>) {
  const { id } = await db.authConfig.create({
    data: { name, protocol: "OAUTH2", subProtocol: "CLIENT_CREDENTIALS", settings: {}, secrets: {} },
  });
  const secrets = Object.fromEntries(
    Object.entries(plain).map(([field, value]) => [field, encryptSecret(ring, value, configSlot(id, field))]),
  );
  await db.authConfig.update({ where: { id }, data: { secrets } });
  return id;
}

async function createToken(db: TDb, authConfigId: string, ring: TKeyRing, access: string, refresh: string | null) {
  const { id } = await db.oAuthToken.create({
    data: { authConfigId, ownerKey: "shared", accessToken: "pending", refreshToken: null },
  });
  await db.oAuthToken.update({
    where: { id },
    data: {
      accessToken: encryptSecret(ring, access, tokenSlot(id, "accessToken")),
      refreshToken: refresh === null ? null : encryptSecret(ring, refresh, tokenSlot(id, "refreshToken")),
    },
  });
  return id;
}

async function readSecrets(db: TDb, id: string) {
  const row = await db.authConfig.findUniqueOrThrow({ where: { id }, omit: { secrets: false } });
  return row.secrets as Record<string, string>;
}

async function readTokens(db: TDb, id: string) {
  return db.oAuthToken.findUniqueOrThrow({ where: { id }, omit: { accessToken: false, refreshToken: false } });
}

describe("rotateSecrets against a real SQLite database", () => {
  let dir: string;
  let db: TDb;
  const ids = { cfg1: "", cfg2: "", cfg3: "", tok1: "", tok2: "" };
  const plain = {
    cfg1: { clientId: "client-Ωmega", clientSecret: "shh-🤫-secret" },
    cfg2: { password: "already-under-B" },
    tok1: { access: "access-token-1", refresh: "refresh-token-1" },
    tok2: { access: "access-token-2" },
  };
  let before2: Record<string, string>;

  before(async () => {
    ({ dir, db } = await freshDatabase());
    ids.cfg1 = await createConfig(db, "cfg1", ringA, plain.cfg1);
    // Already under the new key: examined but not rotated, and left untouched.
    ids.cfg2 = await createConfig(db, "cfg2", onlyB, plain.cfg2);
    // No secrets at all.
    ids.cfg3 = await createConfig(db, "cfg3", ringA, {});
    ids.tok1 = await createToken(db, ids.cfg1, ringA, plain.tok1.access, plain.tok1.refresh);
    ids.tok2 = await createToken(db, ids.cfg2, ringA, plain.tok2.access, null);
    before2 = await readSecrets(db, ids.cfg2);
  });

  after(async () => {
    await db?.$disconnect();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("the fixture starts under key A (control)", async () => {
    const s1 = await readSecrets(db, ids.cfg1);
    assert.equal(envelopeKeyId(s1.clientId), ringA.current.id);
    assert.equal(envelopeKeyId((await readTokens(db, ids.tok1)).accessToken), ringA.current.id);
  });

  test("the first run rotates every value not yet under the current key", async () => {
    const report = await rotate(db, ringB);
    // cfg1: 2 values, cfg2: 1 (already B), cfg3: 0, tok1: access + refresh, tok2: access only.
    assert.deepEqual(report, { examined: 6, rotated: 5 });
  });

  test("every stored envelope now carries key B's id", async () => {
    for (const id of [ids.cfg1, ids.cfg2, ids.cfg3]) {
      for (const v of Object.values(await readSecrets(db, id))) assert.equal(envelopeKeyId(v), onlyB.current.id);
    }
    for (const id of [ids.tok1, ids.tok2]) {
      const t = await readTokens(db, id);
      assert.equal(envelopeKeyId(t.accessToken), onlyB.current.id);
      if (t.refreshToken !== null) assert.equal(envelopeKeyId(t.refreshToken), onlyB.current.id);
    }
  });

  test("every value decrypts with a ring holding only key B, to its original plaintext", async () => {
    const s1 = await readSecrets(db, ids.cfg1);
    assert.deepEqual(Object.keys(s1).sort(), ["clientId", "clientSecret"]);
    for (const [field, value] of Object.entries(plain.cfg1)) {
      assert.equal(decryptSecret(onlyB, s1[field], configSlot(ids.cfg1, field)), value);
    }
    const s2 = await readSecrets(db, ids.cfg2);
    assert.equal(decryptSecret(onlyB, s2.password, configSlot(ids.cfg2, "password")), plain.cfg2.password);
    assert.deepEqual(await readSecrets(db, ids.cfg3), {});

    const t1 = await readTokens(db, ids.tok1);
    assert.equal(decryptSecret(onlyB, t1.accessToken, tokenSlot(ids.tok1, "accessToken")), plain.tok1.access);
    assert.ok(t1.refreshToken);
    assert.equal(decryptSecret(onlyB, t1.refreshToken, tokenSlot(ids.tok1, "refreshToken")), plain.tok1.refresh);

    const t2 = await readTokens(db, ids.tok2);
    assert.equal(decryptSecret(onlyB, t2.accessToken, tokenSlot(ids.tok2, "accessToken")), plain.tok2.access);
    assert.equal(t2.refreshToken, null);
  });

  test("values already under the current key are left byte for byte", async () => {
    assert.deepEqual(await readSecrets(db, ids.cfg2), before2);
  });

  test("rotated values no longer decrypt with key A alone", async () => {
    const s1 = await readSecrets(db, ids.cfg1);
    assert.throws(() => decryptSecret(ringA, s1.clientSecret, configSlot(ids.cfg1, "clientSecret")), AppError);
  });

  test("a second run rotates nothing and changes nothing", async () => {
    const snapshot = {
      s1: await readSecrets(db, ids.cfg1),
      t1: await readTokens(db, ids.tok1),
    };
    const report = await rotate(db, ringB);
    assert.deepEqual(report, { examined: 6, rotated: 0 });
    assert.deepEqual(await readSecrets(db, ids.cfg1), snapshot.s1);
    const t1 = await readTokens(db, ids.tok1);
    assert.equal(t1.accessToken, snapshot.t1.accessToken);
    assert.equal(t1.refreshToken, snapshot.t1.refreshToken);
  });
});

describe("rotateSecrets with a value under a key missing from the ring", () => {
  let dir: string;
  let db: TDb;
  let cfgId: string;
  let tokId: string;

  before(async () => {
    ({ dir, db } = await freshDatabase());
    cfgId = await createConfig(db, "mixed", ringA, { ok: "fine" });
    const unknown = await createConfig(db, "lost", makeKeyRing(KEY_C), { apiKey: "under-C" });
    tokId = await createToken(db, unknown, makeKeyRing(KEY_C), "token-under-C", null);
  });

  after(async () => {
    await db?.$disconnect();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("rejects with SECRET_UNREADABLE naming PATCHBAY_SECRET_KEYS_OLD", async () => {
    await assert.rejects(rotate(db, ringB), (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.code, "SECRET_UNREADABLE");
      assert.match(e.message, /PATCHBAY_SECRET_KEYS_OLD/);
      assert.ok(!e.message.includes("under-C"));
      return true;
    });
  });

  test("nothing is guessed: the unreadable values are left as they were", async () => {
    const t = await readTokens(db, tokId);
    assert.equal(envelopeKeyId(t.accessToken), makeKeyRing(KEY_C).current.id);
  });

  test("a re-run with the missing key added to the ring completes", async () => {
    const report = await rotate(db, makeKeyRing(KEY_B, [KEY_A, KEY_C]));
    assert.equal(report.examined, 3);
    const s = await readSecrets(db, cfgId);
    assert.equal(decryptSecret(onlyB, s.ok, configSlot(cfgId, "ok")), "fine");
    const t = await readTokens(db, tokId);
    assert.equal(decryptSecret(onlyB, t.accessToken, tokenSlot(tokId, "accessToken")), "token-under-C");
  });
});

describe("rotateSecrets covers environments: secret variables, secret overrides, encrypted custom-property pairs", () => {
  let dir: string;
  let db: TDb;
  let cleanup: () => Promise<void>;

  before(async () => {
    ({ dir, db, cleanup } = await freshDatabase());
  });
  after(async () => {
    await db?.$disconnect();
    await cleanup?.();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("every envelope is re-sealed under the current key, plain values untouched", async () => {
    const configId = await createConfig(db, "env-cfg", ringA, {});
    const env = await db.environment.create({ data: { name: "Staging" } });
    const secretVar = await db.envVariable.create({ data: { environmentId: env.id, name: "TOKEN", secret: true, value: "pending" } });
    await db.envVariable.update({ where: { id: secretVar.id }, data: { value: encryptSecret(ringA, "var-secret", { model: "EnvVariable", field: "value", recordId: secretVar.id }) } });
    await db.envVariable.create({ data: { environmentId: env.id, name: "PLAIN", value: "plain-value" } });
    const secretOverride = await db.envOverride.create({ data: { environmentId: env.id, authConfigId: configId, fieldId: "clientSecret", value: "pending" } });
    await db.envOverride.update({ where: { id: secretOverride.id }, data: { value: encryptSecret(ringA, "override-secret", { model: "EnvOverride", field: "value", recordId: secretOverride.id }) } });
    const pairs = await db.envOverride.create({ data: { environmentId: env.id, authConfigId: configId, fieldId: "tokenParams", value: "[]" } });
    const sealedPair = encryptSecret(ringA, "pair-secret", { model: "EnvOverride", field: "value.k", recordId: pairs.id });
    await db.envOverride.update({ where: { id: pairs.id }, data: { value: JSON.stringify([{ key: "k", value: sealedPair, encrypted: true }, { key: "p", value: "plain", encrypted: false }]) } });
    await db.envOverride.create({ data: { environmentId: env.id, authConfigId: configId, fieldId: "clientId", value: JSON.stringify("pb1-looking-but-plain") } });

    const report = await rotate(db, ringB);
    assert.equal(report.rotated, 3);
    const v = await db.envVariable.findUniqueOrThrow({ where: { id: secretVar.id } });
    assert.equal(decryptSecret(onlyB, v.value!, { model: "EnvVariable", field: "value", recordId: v.id }), "var-secret");
    const o = await db.envOverride.findUniqueOrThrow({ where: { id: secretOverride.id } });
    assert.equal(decryptSecret(onlyB, o.value!, { model: "EnvOverride", field: "value", recordId: o.id }), "override-secret");
    const p = JSON.parse((await db.envOverride.findUniqueOrThrow({ where: { id: pairs.id } })).value!) as Array<{ key: string; value: string }>;
    assert.equal(decryptSecret(onlyB, p[0].value, { model: "EnvOverride", field: "value.k", recordId: pairs.id }), "pair-secret");
    assert.equal(p[1].value, "plain");
    assert.equal((await db.envVariable.findFirstOrThrow({ where: { name: "PLAIN" } })).value, "plain-value");
    assert.equal((await rotate(db, ringB)).rotated, 0, "a second run has nothing left to do");
  });
});
