import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { AppError } from "@/lib/errors";
import {
  activeSigningKeys,
  generateSigningKey,
  isValidSigningKey,
  signDelivery,
  SIGNING_KEY_ROTATION_GRACE_MS,
} from "./signing";

// Known answer from the Standard Webhooks reference library's own tests:
// standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts, test "sign function
// works" (the same vector is in the PHP, Rust and other libraries' tests).
const SPEC_KEY = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SPEC_TIMESTAMP = new Date(1614265330 * 1000);
const SPEC_BODY = '{"test": 2432232314}';
const SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

const BODY = JSON.stringify({ id: "evt_1", type: "orders.created", data: { n: 1, s: "é ✓" } });

function verifies(key: string, body: string, headers: Record<string, string>): boolean {
  try {
    new Webhook(key).verify(body, headers);
    return true;
  } catch (e) {
    if (e instanceof WebhookVerificationError) return false;
    throw e;
  }
}

describe("generateSigningKey", () => {
  test("whsec_ + base64 of 32 random bytes, valid, and different each time", () => {
    const keys = new Set(Array.from({ length: 50 }, generateSigningKey));
    assert.equal(keys.size, 50);
    for (const k of keys) {
      assert.match(k, /^whsec_[A-Za-z0-9+/]{43}=$/);
      assert.equal(Buffer.from(k.slice(6), "base64").length, 32);
      assert.ok(isValidSigningKey(k), `generated key refused: ${k}`);
    }
  });
});

describe("isValidSigningKey", () => {
  test("accepts whsec_ keys of 24 to 64 bytes", () => {
    assert.ok(isValidSigningKey(SPEC_KEY), "the spec's 24-byte key");
    assert.ok(isValidSigningKey("whsec_" + Buffer.alloc(64, 7).toString("base64")), "64 bytes");
  });

  test("refuses everything else", () => {
    const bad: unknown[] = [
      undefined,
      null,
      42,
      "",
      "whsec_",
      "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", // no prefix
      "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      "whsec_" + Buffer.alloc(23, 1).toString("base64"), // too short
      "whsec_" + Buffer.alloc(65, 1).toString("base64"), // too long
      "whsec_" + Buffer.alloc(32, 1).toString("base64url"), // base64url alphabet, unpadded
      "whsec_" + Buffer.alloc(32, 1).toString("base64").replace(/=$/, ""), // padding dropped
      "whsec_" + Buffer.alloc(32, 1).toString("base64").replace(/.=$/, "B="), // non-zero padding bits
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La aSw",
      " whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    ];
    for (const k of bad) assert.equal(isValidSigningKey(k), false, JSON.stringify(k));
  });

  test("every key it accepts, the reference library accepts and uses as the same bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 24, maxLength: 64 }), fc.string(), (bytes, body) => {
        const key = "whsec_" + Buffer.from(bytes).toString("base64");
        assert.ok(isValidSigningKey(key), `refused ${key}`);
        const now = new Date();
        const ts = Math.floor(now.getTime() / 1000);
        const expected = createHmac("sha256", bytes).update(`msg_1.${ts}.${body}`).digest("base64");
        assert.equal(signDelivery({ keys: [key], id: "msg_1", timestamp: now, body })["webhook-signature"], `v1,${expected}`);
      }),
      { numRuns: 200 },
    );
  });
});

describe("signDelivery", () => {
  test("reproduces the Standard Webhooks known-answer vector", () => {
    const h = signDelivery({ keys: [SPEC_KEY], id: SPEC_ID, timestamp: SPEC_TIMESTAMP, body: SPEC_BODY });
    assert.deepEqual(h, { "webhook-id": SPEC_ID, "webhook-timestamp": "1614265330", "webhook-signature": SPEC_SIGNATURE });
  });

  test("the vector verifies with the library at its own time", (t) => {
    t.mock.timers.enable({ apis: ["Date"], now: SPEC_TIMESTAMP.getTime() + 10_000 });
    const h = signDelivery({ keys: [SPEC_KEY], id: SPEC_ID, timestamp: SPEC_TIMESTAMP, body: SPEC_BODY });
    assert.deepEqual(new Webhook(SPEC_KEY).verify(SPEC_BODY, h), { test: 2432232314 });
  });

  test("one key: the library's own verify accepts the headers", () => {
    const key = generateSigningKey();
    const h = signDelivery({ keys: [key], id: "evt_01HZX", timestamp: new Date(), body: BODY });
    assert.equal(h["webhook-id"], "evt_01HZX");
    assert.match(h["webhook-timestamp"], /^\d{10}$/);
    assert.match(h["webhook-signature"], /^v1,[A-Za-z0-9+/]{43}=$/);
    assert.ok(verifies(key, BODY, h), "the library refused our signature");
    assert.ok(!verifies(generateSigningKey(), BODY, h), "another key verified it");
  });

  test("rotation: one v1 signature per key, space-separated, each key verifies on its own", () => {
    const current = generateSigningKey();
    const previous = generateSigningKey();
    const h = signDelivery({ keys: [current, previous], id: "evt_2", timestamp: new Date(), body: BODY });
    const sigs = h["webhook-signature"].split(" ");
    assert.equal(sigs.length, 2);
    assert.equal(sigs[0], signDelivery({ keys: [current], id: "evt_2", timestamp: new Date(Number(h["webhook-timestamp"]) * 1000), body: BODY })["webhook-signature"], "current key first");
    for (const key of [current, previous]) assert.ok(verifies(key, BODY, h), "a key's receiver refused the rotated header set");
    assert.ok(!verifies(generateSigningKey(), BODY, h), "an unrelated key verified it");
  });

  test("the same key twice is signed once", () => {
    const key = generateSigningKey();
    const h = signDelivery({ keys: [key, key], id: "evt_3", timestamp: new Date(), body: BODY });
    assert.equal(h["webhook-signature"].split(" ").length, 1);
  });

  test("a tampered body, timestamp or id fails verification", () => {
    const key = generateSigningKey();
    const h = signDelivery({ keys: [key, generateSigningKey()], id: "evt_4", timestamp: new Date(), body: BODY });
    assert.ok(verifies(key, BODY, h), "control: the untampered message verifies");
    assert.ok(!verifies(key, BODY.replace('"n":1', '"n":2'), h), "tampered body verified");
    assert.ok(!verifies(key, BODY + " ", h), "body with a trailing space verified");
    assert.ok(!verifies(key, BODY, { ...h, "webhook-timestamp": String(Number(h["webhook-timestamp"]) - 1) }), "tampered timestamp verified");
    assert.ok(!verifies(key, BODY, { ...h, "webhook-id": "evt_5" }), "tampered id verified");
  });

  test("the timestamp is whole seconds, and a stable id gives a fresh signature per attempt", () => {
    const key = generateSigningKey();
    const a = signDelivery({ keys: [key], id: "evt_6", timestamp: new Date(1_700_000_000_999), body: BODY });
    const b = signDelivery({ keys: [key], id: "evt_6", timestamp: new Date(1_700_000_060_000), body: BODY });
    assert.equal(a["webhook-timestamp"], "1700000000");
    assert.equal(a["webhook-id"], b["webhook-id"]);
    assert.notEqual(a["webhook-signature"], b["webhook-signature"]);
  });

  test("refuses no keys, an invalid key (CONFIG), an id with a dot or space, an invalid timestamp", () => {
    const ok = { keys: [generateSigningKey()], id: "evt_7", timestamp: new Date(), body: BODY };
    assert.throws(() => signDelivery({ ...ok, keys: [] }), /no signing key/);
    assert.throws(
      () => signDelivery({ ...ok, keys: [ok.keys[0]!, "whsec_short"] }),
      (e: unknown) => e instanceof AppError && e.code === "CONFIG",
    );
    for (const id of ["", "evt.7", "evt 7", "evt\n7", "évt"]) assert.throws(() => signDelivery({ ...ok, id }), /message id/, JSON.stringify(id));
    assert.throws(() => signDelivery({ ...ok, timestamp: new Date(Number.NaN) }), /invalid timestamp/);
  });
});

describe("activeSigningKeys", () => {
  const now = new Date("2024-06-01T12:00:00Z");
  test("the previous key signs too until its grace period ends", () => {
    const until = new Date(now.getTime() + SIGNING_KEY_ROTATION_GRACE_MS);
    assert.deepEqual(activeSigningKeys({ current: "c", previous: "p", previousUntil: until, now }), ["c", "p"]);
    assert.deepEqual(activeSigningKeys({ current: "c", previous: "p", previousUntil: now, now }), ["c"]);
    assert.deepEqual(activeSigningKeys({ current: "c", previous: null, previousUntil: until, now }), ["c"]);
    assert.deepEqual(activeSigningKeys({ current: "c", previous: "p", now }), ["c"]);
    assert.equal(SIGNING_KEY_ROTATION_GRACE_MS, 24 * 3_600_000);
  });
});
