// Password hashing with scrypt (node:crypto): memory-hard and slow by design, no native add-on.
// Stored as scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url> so that parameters can be raised later.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );

const PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LEN = 32;
// 128 * N * r bytes are needed; leave head-room above the 32 MiB default.
const MAXMEM = 64 * 1024 * 1024;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LEN, { ...PARAMS, maxmem: MAXMEM });
  return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map((v) => (/^[1-9][0-9]{0,9}$/.test(v) ? Number(v) : NaN));
  // Only parameters this code could have written: N a power of two, r and p at least 1, memory
  // within bounds. Anything else (0 would mean "node's default") never matches.
  if (!(N > 1 && (N & (N - 1)) === 0 && r >= 1 && p >= 1 && 128 * N * r <= MAXMEM)) return false;
  const salt = Buffer.from(parts[4], "base64url");
  const expected = Buffer.from(parts[5], "base64url");
  if (expected.length < 16) return false; // an empty or truncated hash must never match
  const actual = await scrypt(password, salt, expected.length, { N, r, p, maxmem: MAXMEM }).catch(() => null);
  return actual !== null && timingSafeEqual(actual, expected);
}

/** Compared against when the account does not exist, so that timing does not reveal which emails exist. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  return dummyHash;
}

/** A readable temporary password: 4 groups of 4 characters from an alphabet without look-alikes. */
export function temporaryPassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const out: string[] = [];
  // Rejection sampling keeps every character equally likely.
  while (out.length < 16) {
    for (const b of randomBytes(32)) {
      if (b < 256 - (256 % alphabet.length) && out.length < 16) out.push(alphabet[b % alphabet.length]);
    }
  }
  return [0, 4, 8, 12].map((i) => out.slice(i, i + 4).join("")).join("-");
}
