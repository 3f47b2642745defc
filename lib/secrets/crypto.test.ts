import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { AppError } from "@/lib/errors";
import {
  decryptSecret,
  encryptSecret,
  envelopeKeyId,
  keyIdOf,
  makeKey,
  makeKeyRing,
  type TKeyRing,
  type TSecretSlot,
} from "./crypto";

const KEY_A = Buffer.alloc(32, 0xa1);
const KEY_B = Buffer.alloc(32, 0xb2);
const KEY_C = Buffer.alloc(32, 0xc3);
const ringA = makeKeyRing(KEY_A);
const slot: TSecretSlot = { model: "AuthConfig", field: "secrets.apiKey", recordId: "rec_123" };
const PLAINTEXT = "s3cr3t-Ünïcødé-🔑-value";

/** Asserts that fn throws AppError("SECRET_UNREADABLE") whose message does not leak `mustNotContain`. */
function assertUnreadable(fn: () => unknown, mustNotContain: string[] = [], messageIncludes?: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AppError, `expected an AppError, got ${String(e)}`);
    assert.equal(e.code, "SECRET_UNREADABLE");
    for (const s of mustNotContain) {
      if (s) assert.ok(!e.message.includes(s), `error message leaks ${JSON.stringify(s)}: ${e.message}`);
    }
    if (messageIncludes) assert.ok(e.message.includes(messageIncludes), `message lacks ${messageIncludes}: ${e.message}`);
    return true;
  });
}

const arbSlot = fc.record({
  model: fc.string({ minLength: 1 }),
  field: fc.string({ minLength: 1 }),
  recordId: fc.string({ minLength: 1 }),
});
// Any sequence of Unicode code points (no lone surrogates, which UTF-8 cannot represent).
const arbPlaintext = fc.oneof(fc.constant(""), fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }));

describe("encryptSecret / decryptSecret round trip", () => {
  test("any plaintext in any slot decrypts back to itself", () => {
    fc.assert(
      fc.property(arbPlaintext, arbSlot, (plaintext, s) => {
        const stored = encryptSecret(ringA, plaintext, s);
        assert.equal(decryptSecret(ringA, stored, s), plaintext);
      }),
      { numRuns: 300 },
    );
  });

  test("the empty string round-trips", () => {
    const stored = encryptSecret(ringA, "", slot);
    assert.equal(decryptSecret(ringA, stored, slot), "");
  });

  test("two encryptions of the same plaintext differ (random IV)", () => {
    fc.assert(
      fc.property(arbPlaintext, arbSlot, (plaintext, s) => {
        const one = encryptSecret(ringA, plaintext, s);
        const two = encryptSecret(ringA, plaintext, s);
        assert.notEqual(one, two);
        assert.notEqual(one.split(".")[2], two.split(".")[2], "IVs must differ");
      }),
      { numRuns: 100 },
    );
  });

  test("the stored value never contains the plaintext", () => {
    const stored = encryptSecret(ringA, "plain-text-marker", slot);
    assert.ok(!stored.includes("plain-text-marker"));
    assert.ok(!stored.includes(Buffer.from("plain-text-marker").toString("base64url")));
  });

  test("a slot with an empty model, field or record id is refused", () => {
    for (const bad of [
      { ...slot, model: "" },
      { ...slot, field: "" },
      { ...slot, recordId: "" },
    ]) {
      assert.throws(() => encryptSecret(ringA, "x", bad), /model, field and recordId/);
    }
  });
});

describe("stored format", () => {
  test("is pb1.<keyId>.<iv>.<ct>.<tag> with base64url parts, a 12-byte IV and a 16-byte tag", () => {
    const stored = encryptSecret(ringA, PLAINTEXT, slot);
    const parts = stored.split(".");
    assert.equal(parts.length, 5);
    assert.equal(parts[0], "pb1");
    assert.equal(parts[1], ringA.current.id);
    for (const p of parts.slice(2)) assert.match(p, /^[A-Za-z0-9_-]*$/);
    assert.equal(Buffer.from(parts[2], "base64url").length, 12);
    // AES-GCM is a stream mode: ciphertext is exactly as long as the UTF-8 plaintext.
    assert.equal(Buffer.from(parts[3], "base64url").length, Buffer.byteLength(PLAINTEXT, "utf8"));
    assert.equal(Buffer.from(parts[4], "base64url").length, 16);
    assert.equal(envelopeKeyId(stored), ringA.current.id);
  });

  test("key ids are the first 8 hex characters of the key's SHA-256", () => {
    // sha256 of 32 zero bytes is 66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925
    assert.equal(keyIdOf(Buffer.alloc(32)), "66687aad");
    assert.equal(makeKey(KEY_A).id, keyIdOf(KEY_A));
    assert.notEqual(keyIdOf(KEY_A), keyIdOf(KEY_B));
  });

  test("makeKey refuses keys that are not 32 bytes", () => {
    assert.throws(() => makeKey(Buffer.alloc(31)), /32 bytes/);
    assert.throws(() => makeKey(Buffer.alloc(33)), /32 bytes/);
    assert.throws(() => makeKey(Buffer.alloc(0)), /32 bytes/);
  });

  test("envelopeKeyId returns null for values that are not envelopes", () => {
    assert.equal(envelopeKeyId(""), null);
    assert.equal(envelopeKeyId("plain"), null);
    assert.equal(envelopeKeyId("pb1.a.b.c"), null);
    assert.equal(envelopeKeyId("pb2.a.b.c.d"), null);
    assert.equal(envelopeKeyId("pb1.a.b.c.d.e"), null);
    assert.equal(envelopeKeyId("pb1.abcd1234.b.c.d"), "abcd1234");
  });
});

describe("tampering", () => {
  const stored = encryptSecret(ringA, PLAINTEXT, slot);
  const parts = stored.split(".");

  function flipEveryByte(partIndex: number) {
    const bytes = Buffer.from(parts[partIndex], "base64url");
    assert.ok(bytes.length > 0);
    for (let i = 0; i < bytes.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const tampered = Buffer.from(bytes);
        tampered[i] ^= bit;
        const next = [...parts];
        next[partIndex] = tampered.toString("base64url");
        const value = next.join(".");
        assert.notEqual(value, stored);
        assertUnreadable(() => decryptSecret(ringA, value, slot), [PLAINTEXT, value, stored]);
      }
    }
    return bytes.length;
  }

  test("the untampered value decrypts (control)", () => {
    assert.equal(decryptSecret(ringA, stored, slot), PLAINTEXT);
  });

  test("flipping any bit position of any IV byte is detected", () => {
    assert.equal(flipEveryByte(2), 12);
  });

  test("flipping any byte of the ciphertext is detected", () => {
    assert.equal(flipEveryByte(3), Buffer.byteLength(PLAINTEXT));
  });

  test("flipping any byte of the tag is detected", () => {
    assert.equal(flipEveryByte(4), 16);
  });

  test("truncated or extended IV, ciphertext or tag is detected", () => {
    for (const i of [2, 3, 4]) {
      const bytes = Buffer.from(parts[i], "base64url");
      for (const changed of [bytes.subarray(0, bytes.length - 1), Buffer.concat([bytes, Buffer.from([0])])]) {
        const next = [...parts];
        next[i] = changed.toString("base64url");
        assertUnreadable(() => decryptSecret(ringA, next.join("."), slot), [PLAINTEXT]);
      }
    }
  });

  test("random ciphertext edits never decrypt and never leak the plaintext", () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (pos, mask) => {
        const ct = Buffer.from(parts[3], "base64url");
        ct[pos % ct.length] ^= mask;
        const value = [parts[0], parts[1], parts[2], ct.toString("base64url"), parts[4]].join(".");
        assertUnreadable(() => decryptSecret(ringA, value, slot), [PLAINTEXT]);
      }),
      { numRuns: 200 },
    );
  });
});

describe("binding to model, field and record", () => {
  const stored = encryptSecret(ringA, PLAINTEXT, slot);

  test("a value moved to another record id does not decrypt", () => {
    assertUnreadable(() => decryptSecret(ringA, stored, { ...slot, recordId: "rec_124" }), [PLAINTEXT]);
  });

  test("a value moved to another field does not decrypt", () => {
    assertUnreadable(() => decryptSecret(ringA, stored, { ...slot, field: "secrets.password" }), [PLAINTEXT]);
  });

  test("a value moved to another model does not decrypt", () => {
    assertUnreadable(() => decryptSecret(ringA, stored, { ...slot, model: "OAuthToken" }), [PLAINTEXT]);
  });

  test("the error names the slot but not the value", () => {
    assertUnreadable(
      () => decryptSecret(ringA, stored, { ...slot, recordId: "other" }),
      [PLAINTEXT, stored],
      "AuthConfig.secrets.apiKey",
    );
  });

  test("any slot with a different binding refuses the value", () => {
    fc.assert(
      fc.property(arbSlot, arbSlot, (s1, s2) => {
        fc.pre(`${s1.model}.${s1.field}:${s1.recordId}` !== `${s2.model}.${s2.field}:${s2.recordId}`);
        const value = encryptSecret(ringA, "pw", s1);
        assertUnreadable(() => decryptSecret(ringA, value, s2));
      }),
      { numRuns: 100 },
    );
  });
});

describe("key ring", () => {
  test("a value written with an unknown key fails and points to PATCHBAY_SECRET_KEYS_OLD", () => {
    const stored = encryptSecret(ringA, PLAINTEXT, slot);
    const ringB = makeKeyRing(KEY_B);
    assertUnreadable(() => decryptSecret(ringB, stored, slot), [PLAINTEXT], "PATCHBAY_SECRET_KEYS_OLD");
    assertUnreadable(() => decryptSecret(ringB, stored, slot), [], ringA.current.id);
  });

  test("a value written with an old key decrypts when that key is in `old`", () => {
    const stored = encryptSecret(ringA, PLAINTEXT, slot);
    const ringBA = makeKeyRing(KEY_B, [KEY_C, KEY_A]);
    assert.equal(decryptSecret(ringBA, stored, slot), PLAINTEXT);
  });

  test("new writes use the current key, not an old one", () => {
    const ringBA = makeKeyRing(KEY_B, [KEY_A]);
    const stored = encryptSecret(ringBA, PLAINTEXT, slot);
    assert.equal(envelopeKeyId(stored), keyIdOf(KEY_B));
    assert.equal(decryptSecret(makeKeyRing(KEY_B), stored, slot), PLAINTEXT);
    assertUnreadable(() => decryptSecret(ringA, stored, slot), [PLAINTEXT]);
  });

  test("a key id naming a key in the ring is not enough: the key itself must match", () => {
    // Envelope claiming key A's id but sealed with key C.
    const sealedWithC = encryptSecret(makeKeyRing(KEY_C), PLAINTEXT, slot).split(".");
    sealedWithC[1] = ringA.current.id;
    assertUnreadable(() => decryptSecret(ringA, sealedWithC.join("."), slot), [PLAINTEXT]);
  });

  test("malformed values fail closed", () => {
    const good = encryptSecret(ringA, PLAINTEXT, slot).split(".");
    const malformed = [
      "",
      "pb1",
      "pb1.x",
      "pb2....",
      "pb1....",
      "pb1.....",
      "not an envelope at all",
      PLAINTEXT,
      ["pb2", ...good.slice(1)].join("."),
      [...good, "extra"].join("."),
      [good[0], good[1], "", good[3], good[4]].join("."),
      [good[0], good[1], good[2], good[3], ""].join("."),
    ];
    for (const value of malformed) assertUnreadable(() => decryptSecret(ringA, value, slot), [PLAINTEXT]);
  });

  test("random text always fails with SECRET_UNREADABLE", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        assertUnreadable(() => decryptSecret(ringA, text, slot));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 3, maxLength: 3 }), (rest) => {
        assertUnreadable(() => decryptSecret(ringA, ["pb1", ringA.current.id, ...rest].join("."), slot));
      }),
      { numRuns: 300 },
    );
  });
});

describe("makeKeyRing", () => {
  test("keeps the current key and the old keys in order", () => {
    const ring = makeKeyRing(KEY_A, [KEY_B, KEY_C]);
    assert.equal(ring.current.id, keyIdOf(KEY_A));
    assert.ok(ring.current.key.equals(KEY_A));
    assert.deepEqual(
      ring.old.map((k) => k.id),
      [keyIdOf(KEY_B), keyIdOf(KEY_C)],
    );
  });

  test("de-duplicates old keys and drops the current key from them", () => {
    const ring = makeKeyRing(KEY_A, [KEY_B, KEY_A, Buffer.from(KEY_B), KEY_C, KEY_C, Buffer.from(KEY_A)]);
    assert.deepEqual(
      ring.old.map((k) => k.id),
      [keyIdOf(KEY_B), keyIdOf(KEY_C)],
    );
  });

  test("defaults to no old keys", () => {
    assert.deepEqual(makeKeyRing(KEY_A).old, []);
  });

  test("property: old never holds the current key nor duplicates", () => {
    const arbKey = fc.constantFrom(KEY_A, KEY_B, KEY_C, Buffer.alloc(32, 7));
    fc.assert(
      fc.property(arbKey, fc.array(arbKey, { maxLength: 10 }), (cur, old) => {
        const ring: TKeyRing = makeKeyRing(cur, old);
        const ids = ring.old.map((k) => k.id);
        assert.ok(!ids.includes(ring.current.id));
        assert.equal(new Set(ids).size, ids.length);
        const expected = [...new Set(old.map(keyIdOf))].filter((id) => id !== keyIdOf(cur));
        assert.deepEqual(ids, expected);
      }),
    );
  });

  test("refuses a current or old key of the wrong size", () => {
    assert.throws(() => makeKeyRing(randomBytes(16)), /32 bytes/);
    assert.throws(() => makeKeyRing(KEY_A, [randomBytes(24)]), /32 bytes/);
  });
});
