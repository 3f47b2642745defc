import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { THeaderList, TOutgoingRequest } from "@/lib/http/types";
import { digestStrategy } from "./digest";
import { parseWwwAuthenticate } from "./www-authenticate";

// RFC 7616 §3.9.1 example.
const REALM = "http-auth@example.org";
const NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
const OPAQUE = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
const CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
const rfcChallenge = (algorithm: string) =>
  `Digest realm="${REALM}", qop="auth, auth-int", algorithm=${algorithm}, nonce="${NONCE}", opaque="${OPAQUE}"`;

const get = (url = "https://example.org/dir/index.html"): TOutgoingRequest => ({
  method: "GET",
  url,
  headers: [["Accept", "*/*"]],
});
const unauthorized = (...challenges: string[]) => ({
  status: 401,
  headers: challenges.map((c): [string, string] => ["WWW-Authenticate", c]),
});
const mufasa = (cnonces: string[] = [CNONCE]) => {
  let i = 0;
  return digestStrategy({ username: "Mufasa", password: "Circle of Life", cnonce: () => cnonces[i++ % cnonces.length] });
};

function authorization(headers: THeaderList): string {
  const values = headers.filter(([n]) => n.toLowerCase() === "authorization").map(([, v]) => v);
  assert.equal(values.length, 1, "exactly one Authorization header");
  return values[0];
}
/** The Authorization header read back with the challenge parser (same auth-param syntax). */
function params(headers: THeaderList): Record<string, string> {
  const [c] = parseWwwAuthenticate(authorization(headers));
  assert.equal(c.scheme, "digest");
  return { ...c.params };
}

// Independent computation of RFC 7616 §3.4.1, straight from the formulas.
const H = (alg: "md5" | "sha256", s: string | Buffer) => createHash(alg).update(s).digest("hex");
function expected(o: {
  alg: "md5" | "sha256";
  sess?: boolean;
  qop?: "auth" | "auth-int";
  nonce: string;
  nc?: string;
  cnonce?: string;
  method?: string;
  uri: string;
  body?: string;
  user?: string;
  pass?: string;
  realm?: string;
}): string {
  const { alg, nonce, uri } = o;
  let ha1 = H(alg, `${o.user ?? "Mufasa"}:${o.realm ?? REALM}:${o.pass ?? "Circle of Life"}`);
  if (o.sess) ha1 = H(alg, `${ha1}:${nonce}:${o.cnonce}`);
  const a2 = o.qop === "auth-int" ? `${o.method ?? "GET"}:${uri}:${H(alg, o.body ?? "")}` : `${o.method ?? "GET"}:${uri}`;
  const ha2 = H(alg, a2);
  return o.qop ? H(alg, `${ha1}:${nonce}:${o.nc}:${o.cnonce}:${o.qop}:${ha2}`) : H(alg, `${ha1}:${nonce}:${ha2}`);
}

describe("digestStrategy: RFC 7616 §3.9.1 known answers", () => {
  test("SHA-256 (preferred over MD5 when both are offered): the whole header", async () => {
    const s = mufasa();
    const res = unauthorized(rfcChallenge("SHA-256"), rfcChallenge("MD5"));
    const retry = await s.onUnauthorized!(get(), res, 1);
    assert.ok(retry);
    assert.equal(
      authorization(retry.headers),
      `Digest username="Mufasa", realm="${REALM}", uri="/dir/index.html", algorithm=SHA-256, ` +
        `nonce="${NONCE}", nc=00000001, cnonce="${CNONCE}", qop=auth, ` +
        `response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="${OPAQUE}"`,
    );
  });

  test("SHA-256 is chosen even when the MD5 challenge comes first", async () => {
    const retry = await mufasa().onUnauthorized!(get(), unauthorized(rfcChallenge("MD5"), rfcChallenge("SHA-256")), 1);
    assert.equal(params(retry!.headers).algorithm, "SHA-256");
  });

  test("MD5", async () => {
    const retry = await mufasa().onUnauthorized!(get(), unauthorized(rfcChallenge("MD5")), 1);
    const p = params(retry!.headers);
    assert.equal(p.response, "8ca523f5e9506fed4657c9700eebdbec");
    assert.equal(p.algorithm, "MD5");
    assert.equal(p.qop, "auth");
  });
});

describe("digestStrategy", () => {
  test("nothing is added before a challenge; other headers are kept", async () => {
    const req = get();
    assert.deepEqual(await mufasa().authorize(req), req);
  });

  test("nonce count increments per use of a nonce and restarts at 1 for a new nonce", async () => {
    const s = mufasa(["c1", "c2", "c3"]);
    const first = await s.onUnauthorized!(get(), unauthorized(rfcChallenge("MD5")), 1);
    assert.equal(params(first!.headers).nc, "00000001");

    // Later requests reuse the nonce (no round trip) with the next count, each correctly signed.
    const second = params((await s.authorize(get("https://example.org/other?x=1"))).headers);
    assert.equal(second.nc, "00000002");
    assert.equal(second.cnonce, "c2");
    const want = expected({ alg: "md5", qop: "auth", nonce: NONCE, nc: "00000002", cnonce: "c2", uri: "/other?x=1" });
    assert.equal(second.response, want);

    const fresh = await s.onUnauthorized!(get(), unauthorized(rfcChallenge("MD5").replace(NONCE, "newnonce")), 1);
    assert.equal(params(fresh!.headers).nc, "00000001");
    assert.equal(params(fresh!.headers).nonce, "newnonce");
    assert.equal(params((await s.authorize(get())).headers).nc, "00000002");
  });

  test("nonce state is per origin", async () => {
    const s = mufasa();
    await s.onUnauthorized!(get(), unauthorized(rfcChallenge("MD5")), 1);
    const other = get("https://other.example.org/dir/index.html");
    assert.deepEqual(await s.authorize(other), other);
  });

  for (const [token, alg] of [
    ["MD5-sess", "md5"],
    ["SHA-256-sess", "sha256"],
  ] as const) {
    test(`${token}: A1 folds in the nonce and cnonce`, async () => {
      const retry = await mufasa().onUnauthorized!(get(), unauthorized(rfcChallenge(token)), 1);
      const p = params(retry!.headers);
      assert.equal(p.algorithm, token);
      const want = expected({ alg, sess: true, qop: "auth", nonce: NONCE, nc: "00000001", cnonce: CNONCE, uri: "/dir/index.html" });
      assert.equal(p.response, want);
      // Control: the non-sess computation gives a different answer.
      assert.notEqual(p.response, expected({ alg, qop: "auth", nonce: NONCE, nc: "00000001", cnonce: CNONCE, uri: "/dir/index.html" }));
    });
  }

  test("no qop offered: RFC 2069 response without nc, cnonce or qop", async () => {
    const retry = await mufasa().onUnauthorized!(get(), unauthorized(`Digest realm="${REALM}", nonce="${NONCE}"`), 1);
    const p = params(retry!.headers);
    assert.deepEqual(Object.keys(p).sort(), ["nonce", "realm", "response", "uri", "username"]);
    assert.equal(p.response, expected({ alg: "md5", nonce: NONCE, uri: "/dir/index.html" }));
  });

  test("-sess without qop cannot be computed: the 401 is returned", async () => {
    const res = unauthorized(`Digest realm="r", nonce="n", algorithm=MD5-sess`);
    assert.equal(await mufasa().onUnauthorized!(get(), res, 1), null);
  });

  test("qop auth-int only: the body hash is part of A2", async () => {
    const req: TOutgoingRequest = { ...get(), method: "POST", body: new TextEncoder().encode('{"a":1}') };
    const retry = await mufasa().onUnauthorized!(req, unauthorized(`Digest realm="${REALM}", nonce="n1", qop="auth-int"`), 1);
    const p = params(retry!.headers);
    assert.equal(p.qop, "auth-int");
    const want = expected({ alg: "md5", qop: "auth-int", nonce: "n1", nc: "00000001", cnonce: CNONCE, method: "POST", uri: "/dir/index.html", body: '{"a":1}' });
    assert.equal(p.response, want);
  });

  test("stale=true on a second 401: retried with the new nonce", async () => {
    const s = mufasa();
    const first = await s.onUnauthorized!(get(), unauthorized(rfcChallenge("MD5")), 1);
    const stale = unauthorized(`Digest realm="${REALM}", nonce="fresh", qop="auth", opaque="${OPAQUE}", stale=TRUE`);
    const again = await s.onUnauthorized!(first!, stale, 2);
    assert.ok(again, "a stale nonce is not a failure");
    const p = params(again.headers);
    assert.equal(p.nonce, "fresh");
    assert.equal(p.nc, "00000001");
    assert.equal(p.response, expected({ alg: "md5", qop: "auth", nonce: "fresh", nc: "00000001", cnonce: CNONCE, uri: "/dir/index.html" }));
  });

  test("a second 401 without stale means wrong credentials: null, and the nonce is forgotten", async () => {
    const s = mufasa();
    const first = await s.onUnauthorized!(get(), unauthorized(rfcChallenge("MD5")), 1);
    assert.equal(await s.onUnauthorized!(first!, unauthorized(rfcChallenge("MD5")), 2), null);
    const req = get();
    assert.deepEqual(await s.authorize(req), req);
  });

  test("a server answering stale=true forever is given up after 3 attempts", async () => {
    const s = mufasa();
    const stale = unauthorized(`Digest realm="r", nonce="n", qop="auth", stale=true`);
    assert.ok(await s.onUnauthorized!(get(), stale, 3));
    assert.equal(await s.onUnauthorized!(get(), stale, 4), null);
  });

  test("opaque and algorithm are echoed exactly; omitted when the server sent none", async () => {
    const withBoth = await mufasa().onUnauthorized!(get(), unauthorized(`Digest realm="r", nonce="n", qop=auth, algorithm=sha-256, opaque="o\\"q"`), 1);
    const p = params(withBoth!.headers);
    assert.equal(p.algorithm, "sha-256");
    assert.equal(p.opaque, 'o"q');
    const neither = await mufasa().onUnauthorized!(get(), unauthorized(`Digest realm="r", nonce="n", qop=auth`), 1);
    const q = params(neither!.headers);
    assert.equal("algorithm" in q || "opaque" in q, false);
    assert.equal(q.response, expected({ alg: "md5", qop: "auth", realm: "r", nonce: "n", nc: "00000001", cnonce: CNONCE, uri: "/dir/index.html" }));
  });

  test("uri is the request-target: path and query as sent", async () => {
    const req = get("https://example.org/a%20b/c?q=x%2By&r=1#frag");
    const p = params((await mufasa().onUnauthorized!(req, unauthorized(rfcChallenge("MD5")), 1))!.headers);
    assert.equal(p.uri, "/a%20b/c?q=x%2By&r=1");
    assert.equal(p.response, expected({ alg: "md5", qop: "auth", nonce: NONCE, nc: "00000001", cnonce: CNONCE, uri: "/a%20b/c?q=x%2By&r=1" }));
  });

  test("no usable Digest challenge: null", async () => {
    const s = mufasa();
    assert.equal(await s.onUnauthorized!(get(), unauthorized('Basic realm="x"'), 1), null);
    assert.equal(await s.onUnauthorized!(get(), unauthorized('Digest realm="x", nonce="n", algorithm=SHA-512-256'), 1), null);
    assert.equal(await s.onUnauthorized!(get(), unauthorized('Digest realm="x", nonce="n", qop="auth-conf"'), 1), null);
    assert.equal(await s.onUnauthorized!(get(), unauthorized('Digest realm="x"'), 1), null);
    assert.equal(await s.onUnauthorized!(get(), { status: 401, headers: [] }, 1), null);
  });

  test("usernames: quotes escaped, non-ASCII sent as username* (RFC 7616 §3.4.4), hashed as UTF-8", async () => {
    const quoted = digestStrategy({ username: 'say "hi"', password: "p", cnonce: () => "c" });
    const q = await quoted.onUnauthorized!(get(), unauthorized(`Digest realm="r", nonce="n", qop=auth`), 1);
    assert.match(authorization(q!.headers), /^Digest username="say \\"hi\\"", /);

    const s = digestStrategy({ username: "Jäsøn Doe", password: "Secret, or not?", cnonce: () => "c" });
    const r = await s.onUnauthorized!(get(), unauthorized(`Digest realm="r", nonce="n", qop=auth`), 1);
    const p = params(r!.headers);
    assert.equal(p["username*"], "UTF-8''J%C3%A4s%C3%B8n%20Doe");
    assert.equal(p.username, undefined);
    const want = expected({ alg: "md5", qop: "auth", user: "Jäsøn Doe", pass: "Secret, or not?", realm: "r", nonce: "n", nc: "00000001", cnonce: "c", uri: "/dir/index.html" });
    assert.equal(p.response, want);
  });

  test("the default cnonce is random", async () => {
    const s = digestStrategy({ username: "u", password: "p" });
    const a = params((await s.onUnauthorized!(get(), unauthorized(`Digest realm="r", nonce="n", qop=auth`), 1))!.headers);
    const b = params((await s.authorize(get())).headers);
    assert.match(a.cnonce, /^[0-9a-f]{32}$/);
    assert.notEqual(a.cnonce, b.cnonce);
  });

  test("an existing Authorization header is replaced, not duplicated", async () => {
    const req: TOutgoingRequest = { ...get(), headers: [["authorization", "Bearer old"]] };
    const retry = await mufasa().onUnauthorized!(req, unauthorized(rfcChallenge("MD5")), 1);
    assert.match(authorization(retry!.headers), /^Digest /);
  });

  test("sensitive: the Authorization header", () => {
    assert.deepEqual(mufasa().sensitive, { headers: ["authorization"], query: [] });
  });
});
