// Standard Webhooks signing of deliveries (SPEC §9, issue 12 items 2 and 6), with the reference
// library (`standardwebhooks`), so what receivers verify with it is what we sign.
//
// Keys are `whsec_` + base64 of the secret (the spec: "at least 24 bytes (192 bits, 512
// maximum)"); we generate 32 random bytes. During a rotation the old key keeps signing for
// SIGNING_KEY_ROTATION_GRACE_MS: one `v1,<sig>` per key, space-separated in one
// `webhook-signature` header, as the spec allows for zero-downtime rotation. Each attempt is
// signed anew with its own timestamp; `webhook-id` (the event id) stays the same across retries.
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { AppError } from "@/lib/errors";

export const SIGNING_KEY_PREFIX = "whsec_";
export const SIGNING_KEY_BYTES = 32;
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;

/** How long a rotated-out key keeps signing next to the new one. */
export const SIGNING_KEY_ROTATION_GRACE_MS = 24 * 3_600_000;

export type TWebhookHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

/** `whsec_` + base64 of 32 random bytes. */
export function generateSigningKey(): string {
  return SIGNING_KEY_PREFIX + randomBytes(SIGNING_KEY_BYTES).toString("base64");
}

/** `whsec_` + canonical, padded standard base64 of 24 to 64 bytes. */
export function isValidSigningKey(key: unknown): key is string {
  if (typeof key !== "string" || !key.startsWith(SIGNING_KEY_PREFIX)) return false;
  const b64 = key.slice(SIGNING_KEY_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return false;
  const bytes = Buffer.from(b64, "base64");
  if (bytes.toString("base64") !== b64) return false; // non-zero padding bits, stray "="
  return bytes.length >= MIN_KEY_BYTES && bytes.length <= MAX_KEY_BYTES;
}

/** The keys to sign with now: the current one, and the previous one while its grace period lasts. */
export function activeSigningKeys(input: { current: string; previous?: string | null; previousUntil?: Date | null; now: Date }): string[] {
  const { current, previous, previousUntil, now } = input;
  const keys = [current];
  if (previous && previousUntil && now.getTime() < previousUntil.getTime() && previous !== current) keys.push(previous);
  return keys;
}

/**
 * The Standard Webhooks headers for one delivery attempt: `webhook-id` = `id`,
 * `webhook-timestamp` = `timestamp` in whole seconds, `webhook-signature` = one `v1,<base64
 * HMAC-SHA256 of "id.timestamp.body">` per key (current first; duplicates signed once).
 */
export function signDelivery(input: { keys: readonly string[]; id: string; timestamp: Date; body: string | Uint8Array }): TWebhookHeaders {
  const { keys, id, timestamp, body } = input;
  if (keys.length === 0) throw new Error("signDelivery: no signing key");
  // The spec: the id and the timestamp must not contain "." (they are joined with "." to sign).
  if (!/^[\x21-\x2d\x2f-\x7e]+$/.test(id)) {
    throw new Error(`signDelivery: the message id must be printable ASCII without "." or spaces, got ${JSON.stringify(id)}`);
  }
  const ms = timestamp.getTime();
  if (!Number.isFinite(ms) || ms < 0) throw new Error("signDelivery: invalid timestamp");
  const signatures: string[] = [];
  for (const key of new Set(keys)) {
    if (!isValidSigningKey(key)) {
      throw new AppError("CONFIG", "The subscription's signature key is not a valid whsec_ key: generate a new one.");
    }
    signatures.push(new Webhook(key).sign(id, timestamp, body));
  }
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(ms / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}
