// Server side of HTTP Digest (RFC 7616) for the e2e upstream: issues challenges, checks responses.
import { createHash, randomBytes } from "node:crypto";

const h = (alg: string, s: string) => createHash(alg.startsWith("SHA-256") ? "sha256" : "md5").update(s).digest("hex");

export function digestChallenge(realm: string, algorithm: "MD5" | "SHA-256", stale = false) {
  const nonce = randomBytes(16).toString("base64");
  return `Digest realm="${realm}", qop="auth", algorithm=${algorithm}, nonce="${nonce}", opaque="e2e-opaque"${stale ? ", stale=true" : ""}`;
}

function parse(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z0-9_-]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g;
  for (const m of header.replace(/^Digest\s+/i, "").matchAll(re)) out[m[1].toLowerCase()] = m[2] ?? m[3];
  return out;
}

/** True when the Authorization header answers a challenge of this realm for these credentials. */
export function digestValid(opts: { header: string | undefined; method: string; realm: string; username: string; password: string }): boolean {
  if (!opts.header?.startsWith("Digest ")) return false;
  const p = parse(opts.header);
  if (p.username !== opts.username || p.realm !== opts.realm || p.opaque !== "e2e-opaque") return false;
  const alg = p.algorithm ?? "MD5";
  const ha1 = h(alg, `${opts.username}:${opts.realm}:${opts.password}`);
  const ha2 = h(alg, `${opts.method}:${p.uri}`);
  const expected = h(alg, `${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
  return p.response === expected;
}
