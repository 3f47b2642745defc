import assert from "node:assert/strict";
import { test } from "node:test";
import { crc32 } from "node:zlib";
import fc from "fast-check";
import { expiryDate } from "./expiry";
import { base62, displayPrefix, generateToken, hashToken, isWellFormed, tokenStatus, TOKEN_REGEX } from "./format";

test("a token is pb_ + 43 base62 characters + a 6-character CRC32 check, matched by the documented regex", () => {
  const t = generateToken();
  assert.match(t, /^pb_[0-9A-Za-z]{49}$/);
  assert.match(`leaked: ${t} in a log`, TOKEN_REGEX);
  assert.ok(isWellFormed(t));
  assert.equal(displayPrefix(t), t.slice(0, 11));
});

test("known answer: all-zero and all-one bytes", () => {
  const zero = generateToken(Buffer.alloc(32));
  assert.equal(zero.slice(0, 46), `pb_${"0".repeat(43)}`);
  // CRC32 of 43 "0" characters, in base62.
  assert.equal(zero.slice(46), base62(BigInt(crc32("0".repeat(43))), 6));
  const ones = generateToken(Buffer.alloc(32, 0xff));
  assert.equal(ones.length, 52);
  assert.equal(base62(2n ** 256n - 1n, 43).length, 43, "2^256-1 fits in 43 base62 characters");
});

test("any changed character fails the checksum or the shape", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 3, max: 51 }), fc.constantFrom(..."0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"), (bytes, i, ch) => {
      const t = generateToken(Buffer.from(bytes));
      fc.pre(t[i] !== ch);
      const bad = t.slice(0, i) + ch + t.slice(i + 1);
      // A CRC32 catches every single-character change.
      return !isWellFormed(bad);
    }),
  );
  assert.equal(isWellFormed("pb_short"), false);
  assert.equal(isWellFormed(`xx_${generateToken().slice(3)}`), false);
  assert.equal(isWellFormed(`${generateToken()}x`), false);
});

test("only a SHA-256 is stored", () => {
  assert.equal(hashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

test("expiry choices and status", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  assert.equal(expiryDate("30d", now)?.toISOString(), "2026-01-31T00:00:00.000Z");
  assert.equal(expiryDate("90d", now)?.toISOString(), "2026-04-01T00:00:00.000Z");
  assert.equal(expiryDate("1y", now)?.toISOString(), "2027-01-01T00:00:00.000Z");
  assert.equal(expiryDate("never", now), null);
  assert.equal(tokenStatus({ revokedAt: null, expiresAt: null }, now), "active");
  assert.equal(tokenStatus({ revokedAt: null, expiresAt: now }, now), "expired");
  assert.equal(tokenStatus({ revokedAt: now, expiresAt: null }, now), "revoked");
});
