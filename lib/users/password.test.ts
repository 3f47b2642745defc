import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes, scryptSync } from "node:crypto";
import { dummyPasswordHash, hashPassword, temporaryPassword, verifyPassword } from "./password";

const PASSWORD = "correct horse battery staple ✓";
const ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** A stored hash built by hand with the given parameters, as an older or newer version would write it. */
function manualHash(password: string, N: number, r: number, p: number, keyLen = 32) {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, keyLen, { N, r, p });
  return ["scrypt", N, r, p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

describe("hashPassword / verifyPassword", () => {
  let stored: string;

  before(async () => {
    stored = await hashPassword(PASSWORD);
  });

  test("the stored format is scrypt$32768$8$1$<salt>$<hash> with a 16-byte salt and 32-byte hash", () => {
    assert.ok(stored.startsWith("scrypt$32768$8$1$"), stored);
    const parts = stored.split("$");
    assert.equal(parts.length, 6);
    assert.match(parts[4], /^[A-Za-z0-9_-]+$/);
    assert.match(parts[5], /^[A-Za-z0-9_-]+$/);
    assert.equal(Buffer.from(parts[4], "base64url").length, 16);
    assert.equal(Buffer.from(parts[5], "base64url").length, 32);
    assert.ok(!stored.includes(PASSWORD));
  });

  test("the right password verifies", async () => {
    assert.equal(await verifyPassword(PASSWORD, stored), true);
  });

  test("a wrong password does not verify", async () => {
    assert.equal(await verifyPassword(PASSWORD.slice(0, -1), stored), false);
  });

  test("two hashes of the same password differ (random salt) and both verify", async () => {
    const second = await hashPassword(PASSWORD);
    assert.notEqual(second, stored);
    assert.notEqual(second.split("$")[4], stored.split("$")[4]);
    assert.equal(await verifyPassword(PASSWORD, second), true);
  });

  test("the parameters are read from the stored value (they can be changed later)", async () => {
    const cheap = manualHash("pw", 1024, 4, 1);
    assert.equal(await verifyPassword("pw", cheap), true);
    assert.equal(await verifyPassword("pW", cheap), false);
    // Same salt and hash, but other parameters: no longer matches.
    assert.equal(await verifyPassword("pw", cheap.replace("scrypt$1024$4$1$", "scrypt$2048$4$1$")), false);
    assert.equal(await verifyPassword("pw", cheap.replace("scrypt$1024$4$1$", "scrypt$1024$2$1$")), false);
  });

  test("the empty password can be hashed and verified against itself only", async () => {
    const cheap = manualHash("", 1024, 4, 1);
    assert.equal(await verifyPassword("", cheap), true);
    assert.equal(await verifyPassword(" ", cheap), false);
  });

  test("a tampered salt or hash does not verify", async () => {
    const cheap = manualHash("pw", 1024, 4, 1);
    const parts = cheap.split("$");
    for (const i of [4, 5]) {
      const bytes = Buffer.from(parts[i], "base64url");
      bytes[0] ^= 1;
      const next = [...parts];
      next[i] = bytes.toString("base64url");
      assert.equal(await verifyPassword("pw", next.join("$")), false);
    }
  });

  test("malformed stored strings return false rather than throwing", async () => {
    const cheap = manualHash("pw", 1024, 4, 1);
    const [, N, r, p, salt, hash] = cheap.split("$");
    const malformed = [
      "",
      "pw",
      "scrypt",
      "scrypt$",
      "scrypt$$$$$",
      `bcrypt$${N}$${r}$${p}$${salt}$${hash}`,
      `scrypt$${N}$${r}$${p}$${salt}`,
      `scrypt$${N}$${r}$${p}$${salt}$${hash}$extra`,
      `scrypt$abc$${r}$${p}$${salt}$${hash}`,
      `scrypt$${N}$1.5$${p}$${salt}$${hash}`,
      `scrypt$1e400$${r}$${p}$${salt}$${hash}`,
      `scrypt$${N}$${r}$${p}$${salt}$`,
      `scrypt$${N}$${r}$${p}$${salt}$!!!`,
      `scrypt$${N}$${r}$${p}$${salt}$${hash.slice(0, 4)}`,
    ];
    for (const s of malformed) {
      assert.equal(await verifyPassword("pw", s), false, `accepted ${JSON.stringify(s)}`);
    }
  });

  test(
    "stored strings with impossible or empty scrypt parameters return false",
    async () => {
      const cheap = manualHash("pw", 1024, 4, 1);
      const [, , r, p, salt, hash] = cheap.split("$");
      for (const N of ["1", "3", "-2", String(2 ** 20)]) {
        const s = `scrypt$${N}$${r}$${p}$${salt}$${hash}`;
        assert.equal(await verifyPassword("pw", s).catch((e: Error) => e.message), false, `N=${N}`);
      }
      // "" and 0 would read as 0, which node:crypto replaces by its default (p = 1).
      assert.equal(await verifyPassword("pw", `scrypt$1024$${r}$$${salt}$${hash}`), false, "empty p");
      assert.equal(await verifyPassword("pw", `scrypt$1024$${r}$0$${salt}$${hash}`), false, "p = 0");
    },
  );

  test("the dummy hash is a real scrypt hash, created once", async () => {
    const first = await dummyPasswordHash();
    assert.ok(first.startsWith("scrypt$32768$8$1$"));
    assert.equal(await dummyPasswordHash(), first);
    assert.equal(await verifyPassword("", first), false);
  });
});

describe("temporaryPassword", () => {
  const draws = Array.from({ length: 200 }, () => temporaryPassword());
  const group = `[${ALPHABET}]{4}`;
  const shape = new RegExp(`^${group}-${group}-${group}-${group}$`);

  test("has the form xxxx-xxxx-xxxx-xxxx over the alphabet without look-alikes", () => {
    for (const pw of draws) {
      assert.equal(pw.length, 19);
      assert.match(pw, shape);
      assert.doesNotMatch(pw, /[01ilIoO]/);
    }
  });

  test("is unique over 200 draws", () => {
    assert.equal(new Set(draws).size, draws.length);
  });

  test("uses the whole alphabet", () => {
    // 3200 characters over 55 symbols: each is expected ~58 times; missing one is astronomically unlikely.
    const seen = new Set(draws.join("").replace(/-/g, ""));
    assert.deepEqual([...seen].sort(), [...ALPHABET].sort());
  });

  test("is not biased towards the start of the alphabet (rejection sampling)", () => {
    // 256 % 55 = 36: a plain modulo would make the first 36 symbols 5/4 as likely as the other 19.
    // Over 32,000 symbols the two groups' mean counts are ~582 each; with the bias, ~625 vs ~500.
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      for (const c of temporaryPassword().replace(/-/g, "")) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const mean = (cs: string[]) => cs.reduce((n, c) => n + (counts.get(c) ?? 0), 0) / cs.length;
    const first = mean([...ALPHABET.slice(0, 36)]);
    const rest = mean([...ALPHABET.slice(36)]);
    assert.ok(Math.abs(first - rest) < 60, `mean counts ${first.toFixed(1)} vs ${rest.toFixed(1)}`);
  });
});
