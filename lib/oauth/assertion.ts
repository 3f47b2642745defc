// Service Account: the RS256 JWT assertion of RFC 7523 §2.1 / §3, signed with the key file's
// private key (jose), sent with grant_type urn:ietf:params:oauth:grant-type:jwt-bearer.
import { randomUUID, createPrivateKey } from "node:crypto";
import { SignJWT } from "jose";
import { AppError } from "@/lib/errors";

export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** RFC 7523 §3 allows the issuer to limit the lifetime; 1 hour is what providers accept at most. */
export const ASSERTION_LIFETIME_S = 3600;

export type TAssertionInput = {
  clientEmail: string;
  privateKeyPem: string;
  privateKeyId: string;
  /** Subject for delegation; defaults to clientEmail. */
  subject: string;
  /** The audience: the Audience setting, else the token URL. */
  audience: string;
  scope: string;
  now?: Date;
};

/** Parses a PEM private key and checks that it can sign RS256 (an RSA key). */
export function rsaPrivateKey(pem: string) {
  let key;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw new AppError("VALIDATION", "The key file's private_key cannot be read as a PEM private key.", { privateKey: ["The key file's private_key is not a readable private key"] });
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new AppError("VALIDATION", "The key file's private_key must be an RSA key (RS256).", { privateKey: ["The private key must be an RSA key"] });
  }
  return key;
}

export async function serviceAccountAssertion(a: TAssertionInput): Promise<string> {
  const iat = Math.floor((a.now ?? new Date()).getTime() / 1000);
  const claims: Record<string, unknown> = {};
  if (a.scope) claims.scope = a.scope;
  const header: { alg: "RS256"; typ: "JWT"; kid?: string } = { alg: "RS256", typ: "JWT" };
  if (a.privateKeyId) header.kid = a.privateKeyId;
  return new SignJWT(claims)
    .setProtectedHeader(header)
    .setIssuer(a.clientEmail)
    .setSubject(a.subject || a.clientEmail)
    .setAudience(a.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ASSERTION_LIFETIME_S)
    .setJti(randomUUID())
    .sign(rsaPrivateKey(a.privateKeyPem));
}
