// The Service Account assertion (RFC 7523) checked without jose: the signature with node:crypto's
// RSA-SHA256 verify over the JWS signing input, the claims decoded by hand.
import { createPublicKey, generateKeyPairSync, verify } from "node:crypto";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "@/lib/errors";
import { ASSERTION_LIFETIME_S, serviceAccountAssertion } from "./assertion";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();

function decode(jwt: string) {
  const [h, p, s] = jwt.split(".");
  const ok = verify("RSA-SHA256", Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, "base64url"));
  return { ok, header: JSON.parse(Buffer.from(h, "base64url").toString()), claims: JSON.parse(Buffer.from(p, "base64url").toString()) };
}

describe("serviceAccountAssertion", () => {
  const now = new Date(Date.UTC(2026, 10, 22, 12, 0, 0));
  const base = { clientEmail: "robot@project.iam.example.com", privateKeyPem: pem, privateKeyId: "kid-123", subject: "", audience: "https://oauth2.example.com/token", scope: "read write", now };

  test("RS256 signature verifies with the public key; header kid = private_key_id; RFC 7523 claims", async () => {
    const { ok, header, claims } = decode(await serviceAccountAssertion(base));
    assert.equal(ok, true);
    assert.deepEqual(header, { alg: "RS256", typ: "JWT", kid: "kid-123" });
    const iat = now.getTime() / 1000;
    assert.equal(claims.iss, "robot@project.iam.example.com");
    assert.equal(claims.sub, "robot@project.iam.example.com");
    assert.equal(claims.aud, "https://oauth2.example.com/token");
    assert.equal(claims.iat, iat);
    assert.equal(claims.exp, iat + ASSERTION_LIFETIME_S);
    assert.ok(claims.exp - claims.iat <= 3600);
    assert.equal(claims.scope, "read write");
    assert.match(claims.jti, /^[0-9a-f-]{36}$/);
  });

  test("subject for delegation; jti unique per assertion; a tampered payload does not verify", async () => {
    const a = await serviceAccountAssertion({ ...base, subject: "user@example.com" });
    const b = await serviceAccountAssertion({ ...base, subject: "user@example.com" });
    assert.equal(decode(a).claims.sub, "user@example.com");
    assert.notEqual(decode(a).claims.jti, decode(b).claims.jti);
    const [h, , s] = a.split(".");
    const forged = Buffer.from(JSON.stringify({ ...decode(a).claims, sub: "admin@example.com" })).toString("base64url");
    assert.equal(decode(`${h}.${forged}.${s}`).ok, false);
    assert.ok(createPublicKey(pem));
  });

  test("only RSA private keys are accepted, with a message naming the key file", async () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    await assert.rejects(serviceAccountAssertion({ ...base, privateKeyPem: ec }), (e: unknown) => e instanceof AppError && /RSA key/.test(e.message));
    await assert.rejects(serviceAccountAssertion({ ...base, privateKeyPem: "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----" }), (e: unknown) => e instanceof AppError && /key file/.test(e.message));
  });
});
