// HTTP Digest authentication, RFC 7616 (and the RFC 2069 form when the server offers no qop).
// Credentials are only computed from a server challenge: the first request goes out bare, the 401
// brings the nonce. Once a challenge is known for an origin, later requests reuse its nonce with
// an incremented nonce count (saves a round trip); the server answers stale=true when it wants a
// fresh nonce, and that is retried without failing.
// Not supported: userhash (the username is always sent in clear; RFC 7616 makes userhash optional
// and a server that asks for it still receives a valid response with userhash absent = false),
// SHA-512-256, and the `domain` parameter (the protection space is approximated by the origin).
import { createHash, randomBytes } from "node:crypto";
import type { TAuthStrategy, TOutgoingRequest } from "@/lib/http/types";
import { parseUrl, rfc3986, withHeader } from "./shared";
import { challengesFromHeaders, type TChallenge } from "./www-authenticate";

export type TDigestSettings = {
  username: string;
  password: string;
  /** Client nonce generator; tests inject a fixed one. Default: 128 random bits as hex. */
  cnonce?: () => string;
};

type THash = "md5" | "sha256";
type TQop = "auth" | "auth-int";

/** A usable challenge: everything needed to compute responses for its nonce. */
type TDigestChallenge = {
  realm: string;
  nonce: string;
  opaque?: string;
  /** The algorithm token exactly as the server sent it (echoed back), absent when it sent none. */
  algorithm?: string;
  hash: THash;
  sess: boolean;
  /** Undefined: the server offered no qop, so the RFC 2069 response (no nc/cnonce) is used. */
  qop?: TQop;
  stale: boolean;
};

const ALGORITHMS: Record<string, { hash: THash; sess: boolean }> = {
  md5: { hash: "md5", sess: false },
  "md5-sess": { hash: "md5", sess: true },
  "sha-256": { hash: "sha256", sess: false },
  "sha-256-sess": { hash: "sha256", sess: true },
};

/** A 401 answered with credentials may come back once more with stale=true (new nonce); beyond
 * this many 401s for one request the server is looping and the 401 goes to the caller. */
const MAX_ATTEMPTS = 3;
/** Bounds of the per-instance state, so a long-lived strategy cannot grow without limit. */
const MAX_ORIGINS = 64;
const MAX_NONCES = 256;

function usable(c: TChallenge): TDigestChallenge | null {
  if (c.scheme !== "digest") return null;
  const { realm = "", nonce, opaque, algorithm, qop: qopParam, stale } = c.params;
  if (!nonce) return null;
  const alg = ALGORITHMS[(algorithm ?? "MD5").toLowerCase()];
  if (!alg) return null;
  let qop: TQop | undefined;
  if (qopParam !== undefined) {
    const offered = qopParam.split(",").map((q) => q.trim().toLowerCase());
    // auth when offered; auth-int (body hashed) only when it is the sole option.
    if (offered.includes("auth")) qop = "auth";
    else if (offered.includes("auth-int")) qop = "auth-int";
    else return null;
  }
  // -sess folds the cnonce into A1, and the RFC 2069 form sends no cnonce: not computable.
  if (alg.sess && !qop) return null;
  return {
    realm,
    nonce,
    opaque,
    algorithm,
    ...alg,
    qop,
    stale: stale?.toLowerCase() === "true",
  };
}

/** The challenge to answer: SHA-256 before MD5, otherwise in the server's order. */
export function pickDigestChallenge(challenges: TChallenge[]): TDigestChallenge | null {
  const ok = challenges.map(usable).filter((c): c is TDigestChallenge => c !== null);
  return ok.find((c) => c.hash === "sha256") ?? ok[0] ?? null;
}

function h(hash: THash, data: string | Uint8Array): string {
  return createHash(hash).update(data).digest("hex");
}

/** The `response` value of RFC 7616 §3.4.1 (with qop) or RFC 2069 (without). */
export function digestResponse(p: {
  challenge: TDigestChallenge;
  username: string;
  password: string;
  method: string;
  uri: string;
  nc: string;
  cnonce: string;
  body?: Uint8Array | null;
}): string {
  const { challenge: c } = p;
  let ha1 = h(c.hash, `${p.username}:${c.realm}:${p.password}`);
  if (c.sess) ha1 = h(c.hash, `${ha1}:${c.nonce}:${p.cnonce}`);
  const a2 =
    c.qop === "auth-int"
      ? `${p.method}:${p.uri}:${h(c.hash, p.body ?? new Uint8Array())}`
      : `${p.method}:${p.uri}`;
  const ha2 = h(c.hash, a2);
  if (!c.qop) return h(c.hash, `${ha1}:${c.nonce}:${ha2}`);
  return h(c.hash, `${ha1}:${c.nonce}:${p.nc}:${p.cnonce}:${c.qop}:${ha2}`);
}

const quote = (s: string) => `"${s.replace(/["\\]/g, "\\$&")}"`;

/** username="..." when it fits a quoted-string, else RFC 7616 §3.4.4 username*=UTF-8''... */
function usernameParam(username: string): string {
  return /^[\x20-\x7e]*$/.test(username)
    ? `username=${quote(username)}`
    : `username*=UTF-8''${rfc3986(username)}`;
}

/** Map with insertion-order eviction: the oldest entry goes when the bound is reached. */
function boundedSet<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as string);
}

export function digestStrategy(settings: TDigestSettings): TAuthStrategy {
  const { username, password } = settings;
  const newCnonce = settings.cnonce ?? (() => randomBytes(16).toString("hex"));
  /** Last challenge answered per origin, reused by authorize(). */
  const byOrigin = new Map<string, TDigestChallenge>();
  /** Nonce count per (origin, nonce): the server rejects a repeated count as a replay. */
  const counts = new Map<string, number>();

  function sign(req: TOutgoingRequest, origin: string, c: TDigestChallenge): TOutgoingRequest {
    const url = parseUrl(req.url);
    const uri = url.pathname + url.search;
    const key = `${origin} ${c.nonce}`;
    const count = (counts.get(key) ?? 0) + 1;
    boundedSet(counts, key, count, MAX_NONCES);
    const nc = count.toString(16).padStart(8, "0");
    const cnonce = c.qop ? newCnonce() : "";
    const response = digestResponse({
      challenge: c,
      username,
      password,
      method: req.method,
      uri,
      nc,
      cnonce,
      body: req.body,
    });
    const parts = [usernameParam(username), `realm=${quote(c.realm)}`, `uri=${quote(uri)}`];
    if (c.algorithm !== undefined) parts.push(`algorithm=${c.algorithm}`);
    parts.push(`nonce=${quote(c.nonce)}`);
    if (c.qop) parts.push(`nc=${nc}`, `cnonce=${quote(cnonce)}`, `qop=${c.qop}`);
    parts.push(`response=${quote(response)}`);
    if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
    return withHeader(req, "Authorization", `Digest ${parts.join(", ")}`);
  }

  return {
    sensitive: { headers: ["authorization"], query: [] },

    async authorize(req) {
      const origin = parseUrl(req.url).origin;
      const known = byOrigin.get(origin);
      return known ? sign(req, origin, known) : req;
    },

    // attempt counts the 401s of one request from 1. The first 401 is answered (the request went
    // out bare, or with a reused nonce the server may have dropped); a later one only when it says
    // stale=true, anything else means the credentials are wrong.
    async onUnauthorized(req, res, attempt) {
      if (res.status !== 401 || attempt > MAX_ATTEMPTS) return null;
      const origin = parseUrl(req.url).origin;
      const challenge = pickDigestChallenge(challengesFromHeaders(res.headers));
      if (!challenge || (attempt > 1 && !challenge.stale)) {
        byOrigin.delete(origin);
        return null;
      }
      boundedSet(byOrigin, origin, challenge, MAX_ORIGINS);
      return sign(req, origin, challenge);
    },
  };
}
