// Sender verification of inbound hooks (issue 12 item 4; listeners reuse it): an HMAC of the body
// in a named header, or Standard Webhooks (the reference library verifies). Constant-time compares;
// a failure never says which part was wrong. Pure.
import { createHmac, timingSafeEqual } from "node:crypto";
import { Webhook } from "standardwebhooks";

export type THmacCheck = { algorithm: "sha256" | "sha1"; secret: string; header: string };

/**
 * Whether `signature` (the header's value) is the HMAC of `body` with `secret`: hex (any case) or
 * base64, with or without an "sha256=" / "sha1=" prefix (GitHub's X-Hub-Signature-256 style).
 */
export function hmacMatches(body: Uint8Array, signature: string | undefined, check: Omit<THmacCheck, "header">): boolean {
  if (!signature) return false;
  const mac = createHmac(check.algorithm, check.secret).update(body).digest();
  const value = signature.trim().replace(new RegExp(`^${check.algorithm}=`, "i"), "");
  const candidates: Buffer[] = [];
  if (/^[0-9a-f]+$/i.test(value) && value.length === mac.length * 2) candidates.push(Buffer.from(value, "hex"));
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) candidates.push(Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
  let ok = false;
  // Every candidate is compared (no early exit): the time does not tell which form was close.
  for (const c of candidates) if (c.length === mac.length && timingSafeEqual(c, mac)) ok = true;
  return ok;
}

/** Standard Webhooks: webhook-id, webhook-timestamp (±5 min) and webhook-signature over the body. */
export function standardWebhookMatches(body: Uint8Array, headers: Record<string, string | string[] | undefined>, secret: string): boolean {
  const one = (n: string) => {
    const v = headers[n];
    return Array.isArray(v) ? v[0] : v;
  };
  const id = one("webhook-id");
  const timestamp = one("webhook-timestamp");
  const signature = one("webhook-signature");
  if (!id || !timestamp || !signature) return false;
  try {
    // jsonParse off: any content type may be signed, not only JSON.
    new Webhook(secret).verify(body, { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature }, { jsonParse: false });
    return true;
  } catch {
    return false;
  }
}
