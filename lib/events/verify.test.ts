// Sender verification of inbound hooks (verify.ts): HMACs computed independently with node:crypto
// in every accepted form and the near misses; Standard Webhooks signed by the reference library,
// its published known answer (at its own time, with a mocked clock), the ±5 min window, several
// signatures in one header.
import { describe, mock, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { generateSigningKey } from "./signing";
import { hmacMatches, standardWebhookMatches } from "./verify";

const SECRET = "s3cr3t-for-hmac";
const BODY = Buffer.from(JSON.stringify({ action: "opened", number: 7, title: "é ✓" }));
const mac = (algorithm: "sha256" | "sha1", secret = SECRET, body: Uint8Array = BODY) => createHmac(algorithm, secret).update(body).digest();
const sha256 = { algorithm: "sha256" as const, secret: SECRET };

describe("hmacMatches", () => {
  test("hex in either case, with or without the sha256= prefix", () => {
    const hex = mac("sha256").toString("hex");
    for (const signature of [hex, hex.toUpperCase(), `sha256=${hex}`, `SHA256=${hex.toUpperCase()}`, `  ${hex}  `]) {
      assert.equal(hmacMatches(BODY, signature, sha256), true, signature);
    }
  });

  test("base64 and base64url, padded or not", () => {
    const raw = mac("sha256");
    const b64 = raw.toString("base64");
    const b64url = raw.toString("base64url");
    for (const signature of [b64, b64.replace(/=+$/, ""), b64url, `sha256=${b64}`]) {
      assert.equal(hmacMatches(BODY, signature, sha256), true, signature);
    }
  });

  test("wrong secret, other body, truncated or extended, empty or missing → false", () => {
    const hex = mac("sha256").toString("hex");
    const cases: Array<[string, string | undefined]> = [
      ["wrong secret", mac("sha256", "other-secret").toString("hex")],
      ["other body", mac("sha256", SECRET, Buffer.from("{}")).toString("hex")],
      ["one hex digit short", hex.slice(0, -1)],
      ["one byte short", hex.slice(0, -2)],
      ["one byte more", `${hex}00`],
      ["base64 of a prefix", mac("sha256").subarray(0, 31).toString("base64")],
      ["one bit flipped", hex.slice(0, -1) + (hex.at(-1) === "0" ? "1" : "0")],
      ["empty", ""],
      ["missing", undefined],
      ["prefix only", "sha256="],
      ["another algorithm's prefix", `sha1=${hex}`],
      ["not hex nor base64", "zz:zz"],
    ];
    for (const [what, signature] of cases) assert.equal(hmacMatches(BODY, signature, sha256), false, what);
  });

  test("sha1 (X-Hub-Signature style) when asked for; a sha1 MAC does not pass as sha256", () => {
    const sha1 = mac("sha1").toString("hex");
    assert.equal(hmacMatches(BODY, `sha1=${sha1}`, { algorithm: "sha1", secret: SECRET }), true);
    assert.equal(hmacMatches(BODY, sha1, { algorithm: "sha1", secret: SECRET }), true);
    assert.equal(hmacMatches(BODY, sha1, sha256), false);
    assert.equal(hmacMatches(BODY, `sha256=${mac("sha256").toString("hex")}`, { algorithm: "sha1", secret: SECRET }), false);
  });

  test("binary bodies are compared as bytes", () => {
    const body = new Uint8Array([0, 255, 128, 10, 13]);
    assert.equal(hmacMatches(body, mac("sha256", SECRET, body).toString("hex"), sha256), true);
    assert.equal(hmacMatches(new Uint8Array([0, 255, 128, 10]), mac("sha256", SECRET, body).toString("hex"), sha256), false);
  });
});

describe("standardWebhookMatches", () => {
  const secret = generateSigningKey();
  const headersFor = (key: string, id: string, at: Date, body: Uint8Array | string) => ({
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(key).sign(id, at, body),
  });

  test("a message signed by the reference library verifies; the body, id, timestamp or key changed does not", () => {
    const now = new Date();
    const h = headersFor(secret, "msg_1", now, BODY);
    assert.equal(standardWebhookMatches(BODY, h, secret), true);
    assert.equal(standardWebhookMatches(Buffer.from(`${BODY.toString()} `), h, secret), false, "body");
    assert.equal(standardWebhookMatches(BODY, { ...h, "webhook-id": "msg_2" }, secret), false, "id");
    assert.equal(standardWebhookMatches(BODY, { ...h, "webhook-timestamp": String(Number(h["webhook-timestamp"]) + 1) }, secret), false, "timestamp");
    assert.equal(standardWebhookMatches(BODY, h, generateSigningKey()), false, "key");
  });

  test("the spec's known answer, at its own time", () => {
    // Standard Webhooks reference vector (libraries/javascript/src/webhook.test.ts).
    mock.timers.enable({ apis: ["Date"], now: 1614265330 * 1000 });
    try {
      const headers = { "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook-timestamp": "1614265330", "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" };
      assert.equal(standardWebhookMatches(Buffer.from('{"test": 2432232314}'), headers, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), true);
      assert.equal(standardWebhookMatches(Buffer.from('{"test": 2432232315}'), headers, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), false);
    } finally {
      mock.timers.reset();
    }
  });

  test("a timestamp more than 5 minutes old or ahead is refused; within the window accepted", () => {
    const now = Date.now();
    for (const [offsetMs, ok] of [[-10 * 60_000, false], [10 * 60_000, false], [-4 * 60_000, true], [4 * 60_000, true]] as const) {
      const at = new Date(now + offsetMs);
      assert.equal(standardWebhookMatches(BODY, headersFor(secret, "msg_t", at, BODY), secret), ok, `${offsetMs / 60_000} min`);
    }
  });

  test("several signatures in one header (a sender rotating its key): any one matching is enough", () => {
    const at = new Date();
    const mine = headersFor(secret, "msg_r", at, BODY)["webhook-signature"];
    const theirs = headersFor(generateSigningKey(), "msg_r", at, BODY)["webhook-signature"];
    const h = headersFor(secret, "msg_r", at, BODY);
    assert.equal(standardWebhookMatches(BODY, { ...h, "webhook-signature": `${theirs} ${mine}` }, secret), true);
    assert.equal(standardWebhookMatches(BODY, { ...h, "webhook-signature": `${mine} ${theirs}` }, secret), true);
    assert.equal(standardWebhookMatches(BODY, { ...h, "webhook-signature": `${theirs} v1,AAAA` }, secret), false);
    assert.equal(standardWebhookMatches(BODY, { ...h, "webhook-signature": mine.replace("v1,", "v2,") }, secret), false, "only v1 signatures count");
  });

  test("missing headers → false; a repeated header counts by its first value; any content type may be signed", () => {
    const at = new Date();
    const h = headersFor(secret, "msg_h", at, BODY);
    for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"] as const) {
      const rest: Record<string, string> = { ...h };
      delete rest[name];
      assert.equal(standardWebhookMatches(BODY, rest, secret), false, `without ${name}`);
    }
    assert.equal(standardWebhookMatches(BODY, { ...h, "webhook-signature": [h["webhook-signature"], "v1,AAAA"] }, secret), true);
    const xml = Buffer.from("<not-json/>");
    assert.equal(standardWebhookMatches(xml, headersFor(secret, "msg_x", at, xml), secret), true, "a non-JSON body");
    const empty = Buffer.alloc(0);
    assert.equal(standardWebhookMatches(empty, headersFor(secret, "msg_e", at, empty), secret), true, "an empty body");
  });
});
