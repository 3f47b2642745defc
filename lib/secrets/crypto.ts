// AES-256-GCM envelopes for secrets at rest. Pure: no I/O; the key ring is passed in.
//
// Stored format (version 1):  pb1.<keyId>.<iv>.<ciphertext>.<tag>   (base64url parts)
// Associated data binds each value to JSON ["<model>", "<field>", "<recordId>"], so a value copied
// to another record or field fails to decrypt instead of silently revealing itself there.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { AppError } from "@/lib/errors";

export type TKey = { id: string; key: Buffer };
export type TKeyRing = { current: TKey; old: TKey[] };
/** Where a secret lives. model and field are names like "AuthConfig" and "secrets.apiKey". */
export type TSecretSlot = { model: string; field: string; recordId: string };

const VERSION = "pb1";
const IV_BYTES = 12;

/** A key's id: the first 8 hex characters of its SHA-256, stable and safe to store. */
export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

export function makeKey(key: Buffer): TKey {
  if (key.length !== 32) throw new Error("secret keys must be 32 bytes");
  return { id: keyIdOf(key), key };
}

export function makeKeyRing(current: Buffer, old: Buffer[] = []): TKeyRing {
  const cur = makeKey(current);
  const olds = old.map(makeKey).filter((k, i, all) => k.id !== cur.id && all.findIndex((o) => o.id === k.id) === i);
  return { current: cur, old: olds };
}

function aad(slot: TSecretSlot): Buffer {
  if (!slot.model || !slot.field || !slot.recordId) throw new Error("secret slot needs model, field and recordId");
  return Buffer.from(JSON.stringify([slot.model, slot.field, slot.recordId]), "utf8");
}

export function encryptSecret(ring: TKeyRing, plaintext: string, slot: TSecretSlot): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", ring.current.key, iv);
  cipher.setAAD(aad(slot));
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, ring.current.id, iv.toString("base64url"), ct.toString("base64url"), tag.toString("base64url")].join(".");
}

/** The key id a stored value was written with, or null if the value is not an envelope. */
export function envelopeKeyId(stored: string): string | null {
  const parts = stored.split(".");
  return parts.length === 5 && parts[0] === VERSION ? parts[1] : null;
}

/**
 * Decrypts a stored envelope. Fails closed: any malformed, tampered, moved or unknown-key value
 * throws an AppError("SECRET_UNREADABLE") whose message never contains the value.
 */
export function decryptSecret(ring: TKeyRing, stored: string, slot: TSecretSlot): string {
  const fail = (why: string) =>
    new AppError("SECRET_UNREADABLE", `The stored secret ${slot.model}.${slot.field} cannot be decrypted: ${why}`);
  const parts = stored.split(".");
  if (parts.length !== 5 || parts[0] !== VERSION) throw fail("unknown format");
  const [, keyId, ivText, ctText, tagText] = parts;
  const key = [ring.current, ...ring.old].find((k) => k.id === keyId);
  if (!key) throw fail(`key ${keyId} is not in the key ring (set it in PATCHBAY_SECRET_KEYS_OLD)`);
  const iv = Buffer.from(ivText, "base64url");
  const tag = Buffer.from(tagText, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== 16) throw fail("damaged value");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.key, iv, { authTagLength: 16 });
    decipher.setAAD(aad(slot));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(ctText, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw fail("authentication failed (tampered, or stored for another record or field)");
  }
}
