// API token format (SPEC §8), after GitHub's: a fixed prefix so secret scanners can recognise a
// leaked token, 32 random bytes in base62, and a CRC32 checksum of them so a typo or a random
// string is refused without a database look-up. Only a SHA-256 of the token is stored. Pure.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { crc32 } from "node:zlib";

export const TOKEN_PREFIX = "pb_";
const BODY_CHARS = 43; // 62^43 > 2^256
const CHECK_CHARS = 6; // 62^6 > 2^32
/** For secret scanners: every Patchbay API token matches this (README, "API tokens"). */
export const TOKEN_REGEX = /\bpb_[0-9A-Za-z]{49}\b/;
const EXACT = /^pb_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/;
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Base62 of a non-negative big integer, left-padded with "0" to `width`. */
export function base62(n: bigint, width: number): string {
  let out = "";
  while (n > 0n) {
    out = ALPHABET[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(width, "0");
}

function checksumOf(body: string): string {
  return base62(BigInt(crc32(body)), CHECK_CHARS);
}

export function generateToken(bytes: Buffer = randomBytes(32)): string {
  if (bytes.length !== 32) throw new Error("an API token takes 32 random bytes");
  const body = base62(BigInt(`0x${bytes.toString("hex")}`), BODY_CHARS);
  return `${TOKEN_PREFIX}${body}${checksumOf(body)}`;
}

/** Shape and checksum right: worth a database look-up. */
export function isWellFormed(token: string): boolean {
  const m = EXACT.exec(token);
  if (!m) return false;
  const expected = Buffer.from(checksumOf(m[1]));
  return timingSafeEqual(expected, Buffer.from(m[2]));
}

/** What is stored and looked up: SHA-256 hex. 256 random bits need no slow hash. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** What lists show to recognise a token: the prefix and the first 8 characters. */
export function displayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 8);
}

export type TTokenStatus = "active" | "expired" | "revoked" | "user deactivated";

export function tokenStatus(t: { revokedAt: Date | null; expiresAt: Date | null; userActive?: boolean }, now: Date): TTokenStatus {
  if (t.revokedAt) return "revoked";
  if (t.userActive === false) return "user deactivated";
  if (t.expiresAt && t.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}
