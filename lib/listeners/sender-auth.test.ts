// Sender authentication (sender-auth.ts): every mode against what a real sender sends — HMACs
// computed independently with node:crypto (GitHub's X-Hub-Signature-256), Basic headers built by
// hand, Standard Webhooks signed by the reference library — and the near misses of each.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { generateSigningKey } from "@/lib/events/signing";
import { checkSender, curlAuthArgs, type TSenderAuth } from "./sender-auth";

const BODY = Buffer.from(JSON.stringify({ action: "opened", number: 7, title: "é ✓" }));
const SECRET = "It's a Secret to Everybody";
const mac = (algorithm: "sha256" | "sha1", body: Uint8Array = BODY, secret = SECRET) => createHmac(algorithm, secret).update(body).digest();
const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString("base64")}`;

describe("HMAC", () => {
  const github: TSenderAuth = { mode: "HMAC", headerName: "X-Hub-Signature-256", algorithm: "sha256", encoding: "hex", prefix: "sha256=", secret: SECRET };

  test("GitHub's X-Hub-Signature-256: sha256=<hex>, in either case of hex", () => {
    const hex = mac("sha256").toString("hex");
    assert.equal(checkSender(github, { headers: { "x-hub-signature-256": `sha256=${hex}` }, body: BODY }), true);
    assert.equal(checkSender(github, { headers: { "x-hub-signature-256": `sha256=${hex.toUpperCase()}` }, body: BODY }), true, "upper-case hex");
  });

  test("GitHub's documented example (secret, payload and signature from its docs)", () => {
    const auth = { ...github, secret: "It's a Secret to Everybody" };
    const headers = { "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17" };
    assert.equal(checkSender(auth, { headers, body: Buffer.from("Hello, World!") }), true);
  });

  test("wrong signature, wrong or missing prefix, tampered body, wrong secret, missing header → false", () => {
    const hex = mac("sha256").toString("hex");
    const cases: Array<[string, Record<string, string | undefined>, Uint8Array]> = [
      ["wrong signature", { "x-hub-signature-256": `sha256=${hex.replace(/^./, (c) => (c === "0" ? "1" : "0"))}` }, BODY],
      ["wrong prefix", { "x-hub-signature-256": `sha1=${hex}` }, BODY],
      ["prefix in another case", { "x-hub-signature-256": `SHA256=${hex}` }, BODY],
      ["no prefix", { "x-hub-signature-256": hex }, BODY],
      ["tampered body", { "x-hub-signature-256": `sha256=${hex}` }, Buffer.from(`${BODY.toString()} `)],
      ["wrong secret", { "x-hub-signature-256": `sha256=${mac("sha256", BODY, "other").toString("hex")}` }, BODY],
      ["truncated", { "x-hub-signature-256": `sha256=${hex.slice(0, -2)}` }, BODY],
      ["odd length", { "x-hub-signature-256": `sha256=${hex.slice(0, -1)}` }, BODY],
      ["base64 where hex is configured", { "x-hub-signature-256": `sha256=${mac("sha256").toString("base64")}` }, BODY],
      ["prefix only", { "x-hub-signature-256": "sha256=" }, BODY],
      ["missing header", {}, BODY],
      ["another header", { "x-hub-signature": `sha256=${hex}` }, BODY],
    ];
    for (const [what, headers, body] of cases) assert.equal(checkSender(github, { headers, body }), false, what);
  });

  test("SHA-1 in base64 without a prefix, standard or URL-safe alphabet", () => {
    const auth: TSenderAuth = { mode: "HMAC", headerName: "X-Signature", algorithm: "sha1", encoding: "base64", prefix: "", secret: SECRET };
    const raw = mac("sha1");
    for (const signature of [raw.toString("base64"), raw.toString("base64url"), raw.toString("base64").replace(/=+$/, "")]) {
      assert.equal(checkSender(auth, { headers: { "x-signature": signature }, body: BODY }), true, signature);
    }
    assert.equal(checkSender(auth, { headers: { "x-signature": mac("sha256").toString("base64") }, body: BODY }), false, "a SHA-256 MAC");
    assert.equal(checkSender(auth, { headers: { "x-signature": raw.toString("hex") }, body: BODY }), false, "hex where base64 is configured");
    assert.equal(checkSender(auth, { headers: { "x-signature": `${raw.toString("base64")}!` }, body: BODY }), false, "not base64");
  });

  test("binary bodies, repeated headers (first counts), and an empty secret never passes", () => {
    const body = new Uint8Array([0, 255, 128, 10, 13]);
    const good = `sha256=${mac("sha256", body).toString("hex")}`;
    assert.equal(checkSender(github, { headers: { "x-hub-signature-256": good }, body }), true, "binary body");
    assert.equal(checkSender(github, { headers: { "x-hub-signature-256": [good, "sha256=00"] }, body }), true, "first of two");
    assert.equal(checkSender(github, { headers: { "x-hub-signature-256": ["sha256=00", good] }, body }), false, "only the first counts");
    const blank = { ...github, secret: "" };
    const blankMac = `sha256=${createHmac("sha256", "").update(body).digest("hex")}`;
    assert.equal(checkSender(blank, { headers: { "x-hub-signature-256": blankMac }, body }), false, "empty secret");
  });
});

describe("Basic", () => {
  const auth: TSenderAuth = { mode: "BASIC", username: "partner", password: "pa:ss wörd" };
  const check = (authorization: string | undefined) => checkSender(auth, { headers: { authorization }, body: BODY });

  test("right user and password; a ':' in the password; the scheme in any case", () => {
    assert.equal(check(basic("partner:pa:ss wörd")), true);
    assert.equal(check(basic("partner:pa:ss wörd").replace("Basic", "BASIC")), true, "upper-case scheme");
    assert.equal(check(basic("partner:pa:ss wörd").replace("Basic", "basic")), true, "lower-case scheme");
  });

  test("wrong user, wrong password, malformed or missing → false", () => {
    const cases: Array<[string, string | undefined]> = [
      ["wrong user", basic("partnerx:pa:ss wörd")],
      ["wrong password", basic("partner:pa:ss word")],
      ["both wrong", basic("x:y")],
      ["password prefix", basic("partner:pa")],
      ["no colon", basic("partner")],
      ["not base64", "Basic not*base64"],
      ["another scheme", `Bearer ${Buffer.from("partner:pa:ss wörd").toString("base64")}`],
      ["scheme only", "Basic"],
      ["empty", ""],
      ["missing", undefined],
      ["not UTF-8", `Basic ${Buffer.from([0x70, 0x3a, 0xff, 0xfe]).toString("base64")}`],
    ];
    for (const [what, header] of cases) assert.equal(check(header), false, what);
  });

  test("an empty stored password never passes", () => {
    assert.equal(checkSender({ mode: "BASIC", username: "u", password: "" }, { headers: { authorization: basic("u:") }, body: BODY }), false);
  });
});

describe("Shared secret header", () => {
  const auth: TSenderAuth = { mode: "SHARED_SECRET", headerName: "X-Token", headerValue: "t0ken-value" };
  const check = (headers: Record<string, string | string[] | undefined>) => checkSender(auth, { headers, body: BODY });

  test("right value in the named header (name case-insensitive) passes; wrong, longer, shorter, missing do not", () => {
    assert.equal(check({ "x-token": "t0ken-value" }), true);
    assert.equal(check({ "x-token": "t0ken-valuE" }), false, "wrong");
    assert.equal(check({ "x-token": "t0ken-value-and-more" }), false, "longer");
    assert.equal(check({ "x-token": "t0ken" }), false, "shorter");
    assert.equal(check({ "x-token": "" }), false, "empty");
    assert.equal(check({}), false, "missing");
    assert.equal(check({ authorization: "t0ken-value" }), false, "other header");
    assert.equal(check({ "x-token": ["t0ken-value", "x"] }), true, "first of two");
  });

  test("an empty stored value never passes, not even against an empty header", () => {
    assert.equal(checkSender({ ...auth, headerValue: "" }, { headers: { "x-token": "" }, body: BODY }), false);
  });
});

describe("Standard Webhooks", () => {
  const secret = generateSigningKey();
  const signed = (key: string, at: Date, body: Uint8Array = BODY, id = "msg_1") => ({
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(key).sign(id, at, body),
  });
  const auth: TSenderAuth = { mode: "STANDARD_WEBHOOKS", secret };

  test("a message signed by the reference library passes", () => {
    assert.equal(checkSender(auth, { headers: signed(secret, new Date()), body: BODY }), true);
    const xml = Buffer.from("<order id='1'/>");
    assert.equal(checkSender(auth, { headers: signed(secret, new Date(), xml), body: xml }), true, "a non-JSON body");
  });

  test("expired timestamp, wrong secret, tampered body → false", () => {
    assert.equal(checkSender(auth, { headers: signed(secret, new Date(Date.now() - 10 * 60_000)), body: BODY }), false, "expired");
    assert.equal(checkSender(auth, { headers: signed(generateSigningKey(), new Date()), body: BODY }), false, "wrong secret");
    assert.equal(checkSender(auth, { headers: signed(secret, new Date()), body: Buffer.from("{}") }), false, "tampered body");
    assert.equal(checkSender(auth, { headers: {}, body: BODY }), false, "no headers");
  });
});

test("NONE lets everything through", () => {
  assert.equal(checkSender({ mode: "NONE" }, { headers: {}, body: new Uint8Array() }), true);
});

describe("curlAuthArgs", () => {
  test("each mode, secrets as placeholders", () => {
    assert.deepEqual(curlAuthArgs({ mode: "NONE" }), []);
    assert.deepEqual(curlAuthArgs({ mode: "BASIC", username: "partner" }), ["-u 'partner:<password>'"]);
    assert.deepEqual(curlAuthArgs({ mode: "BASIC", username: "o'brien" }), [`-u 'o'\\''brien:<password>'`], "shell-quoted");
    assert.deepEqual(curlAuthArgs({ mode: "SHARED_SECRET", headerName: "X-Token" }), ["-H 'X-Token: <secret>'"]);
    assert.deepEqual(curlAuthArgs({ mode: "HMAC", headerName: "X-Hub-Signature-256", algorithm: "sha256", encoding: "hex", prefix: "sha256=" }), [
      "-H 'X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body with your secret>'",
    ]);
    assert.deepEqual(curlAuthArgs({ mode: "HMAC", headerName: "X-Signature", algorithm: "sha1", encoding: "base64", prefix: "" }), [
      "-H 'X-Signature: <base64 HMAC-SHA1 of the body with your secret>'",
    ]);
    const sw = curlAuthArgs({ mode: "STANDARD_WEBHOOKS" });
    assert.equal(sw.length, 3);
    assert.match(sw.join("\n"), /webhook-id: <.*webhook-timestamp: <.*webhook-signature: v1,<base64 HMAC-SHA256/s);
  });
});
