import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { parseKey, publicUrlOf } from "./env";

// A key whose base64 holds both "+" and "/" (and so "-" and "_" in base64url).
const KEY = Buffer.from("fbff" + "00".repeat(28) + "fbff", "hex");

function assertKey(text: string, expected: Buffer) {
  const k = parseKey(text);
  assert.ok(k, `refused ${JSON.stringify(text)}`);
  assert.equal(k.length, 32);
  assert.ok(k.equals(expected), `wrong bytes for ${JSON.stringify(text)}`);
}

describe("parseKey", () => {
  test("the fixture has base64 and base64url forms that differ (control)", () => {
    assert.match(KEY.toString("base64"), /\+/);
    assert.match(KEY.toString("base64"), /\//);
    assert.match(KEY.toString("base64url"), /-/);
    assert.match(KEY.toString("base64url"), /_/);
  });

  test("accepts 64 hex characters, lower or upper case", () => {
    assertKey(KEY.toString("hex"), KEY);
    assertKey(KEY.toString("hex").toUpperCase(), KEY);
  });

  test("accepts base64 with padding", () => {
    const text = KEY.toString("base64");
    assert.equal(text.length, 44);
    assert.ok(text.endsWith("="));
    assertKey(text, KEY);
  });

  test("accepts base64 without padding", () => {
    assertKey(KEY.toString("base64").replace(/=+$/, ""), KEY);
  });

  test("accepts base64url, with or without padding", () => {
    assertKey(KEY.toString("base64url"), KEY);
    assertKey(KEY.toString("base64url") + "=", KEY);
  });

  test("ignores surrounding whitespace, such as a key file's trailing newline", () => {
    assertKey(`  ${KEY.toString("base64")}\n`, KEY);
    assertKey(`\t${KEY.toString("hex")}\r\n`, KEY);
  });

  test("property: every encoding of any 32 bytes parses back to those bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const key = Buffer.from(bytes);
        for (const text of [
          key.toString("hex"),
          key.toString("hex").toUpperCase(),
          key.toString("base64"),
          key.toString("base64").replace(/=+$/, ""),
          key.toString("base64url"),
        ]) {
          assertKey(text, key);
        }
      }),
      { numRuns: 200 },
    );
  });

  test("refuses wrong lengths", () => {
    const hex = randomBytes(40).toString("hex");
    for (const n of [0, 2, 32, 62, 63, 65, 66, 80]) assert.equal(parseKey(hex.slice(0, n)), null, `hex of ${n} chars`);
    for (const bytes of [16, 24, 31, 33, 48, 64]) {
      const b = randomBytes(bytes);
      assert.equal(parseKey(b.toString("base64")), null, `base64 of ${bytes} bytes`);
      assert.equal(parseKey(b.toString("base64url")), null, `base64url of ${bytes} bytes`);
      assert.equal(parseKey(b.toString("hex")), null, `hex of ${bytes} bytes`);
    }
  });

  test("refuses junk", () => {
    const junk = [
      "",
      "   ",
      "not a key",
      "changeme",
      "g".repeat(64),
      KEY.toString("hex").slice(0, 63) + "z",
      KEY.toString("base64").slice(0, 42) + "!=",
      KEY.toString("base64").replace(/=$/, "=="),
      KEY.toString("base64").slice(0, 20) + " " + KEY.toString("base64").slice(20),
      KEY.toString("hex").slice(0, 32) + " " + KEY.toString("hex").slice(32),
      "=" + KEY.toString("base64").slice(0, 43),
    ];
    for (const text of junk) assert.equal(parseKey(text), null, `accepted ${JSON.stringify(text)}`);
  });
});

describe("publicUrlOf", () => {
  test("unset: the base URL (and so the OAuth2 Redirect URL) follows PORT", () => {
    assert.equal(publicUrlOf(undefined, 3000), "http://localhost:3000");
    assert.equal(publicUrlOf(undefined, 8080), "http://localhost:8080");
  });
  test("set: used as given, without a trailing slash", () => {
    assert.equal(publicUrlOf("https://patchbay.example.com/", 8080), "https://patchbay.example.com");
    assert.equal(publicUrlOf("https://patchbay.example.com", 8080), "https://patchbay.example.com");
  });
});
