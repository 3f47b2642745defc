import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { challengesFromHeaders, parseWwwAuthenticate, type TChallenge } from "./www-authenticate";

/** Plain-object view (params have a null prototype) for deepEqual. */
function plain(cs: TChallenge[]) {
  return cs.map((c) => ({ ...c, params: { ...c.params } }));
}

describe("parseWwwAuthenticate", () => {
  test("several challenges in one header, commas and = inside quoted strings", () => {
    const got = parseWwwAuthenticate(
      'Digest realm="a, b", nonce="x=y,z", qop="auth,auth-int", Basic realm="y"',
    );
    assert.deepEqual(plain(got), [
      { scheme: "digest", params: { realm: "a, b", nonce: "x=y,z", qop: "auth,auth-int" } },
      { scheme: "basic", params: { realm: "y" } },
    ]);
  });

  test("escaped quotes and backslashes inside quoted strings", () => {
    const [c] = parseWwwAuthenticate('Basic realm="say \\"hi\\", ok", other="back\\\\slash"');
    assert.equal(c.params.realm, 'say "hi", ok');
    assert.equal(c.params.other, "back\\slash");
  });

  test("unquoted token values", () => {
    const [c] = parseWwwAuthenticate("Digest realm=api, nonce=abc123, algorithm=SHA-256, stale=TRUE");
    assert.deepEqual({ ...c.params }, { realm: "api", nonce: "abc123", algorithm: "SHA-256", stale: "TRUE" });
  });

  test("scheme and parameter names are case-insensitive, values keep their case", () => {
    const [c] = parseWwwAuthenticate('DIGEST REALM="Mixed", Nonce="N"');
    assert.equal(c.scheme, "digest");
    assert.deepEqual({ ...c.params }, { realm: "Mixed", nonce: "N" });
  });

  test("bad whitespace around = and between elements", () => {
    const [c] = parseWwwAuthenticate('Digest   realm = "r" ,nonce=  "n"  ,,  opaque="o"');
    assert.deepEqual({ ...c.params }, { realm: "r", nonce: "n", opaque: "o" });
  });

  test("token68 challenges next to parameter challenges", () => {
    const got = parseWwwAuthenticate('Negotiate YIIBhg+/ab==, Bearer, Basic realm="x"');
    assert.deepEqual(plain(got), [
      { scheme: "negotiate", params: {}, token68: "YIIBhg+/ab==" },
      { scheme: "bearer", params: {} },
      { scheme: "basic", params: { realm: "x" } },
    ]);
  });

  test("a scheme with no parameters followed by another challenge", () => {
    const got = parseWwwAuthenticate('Basic, Digest realm="r", nonce="n"');
    assert.deepEqual(
      got.map((c) => c.scheme),
      ["basic", "digest"],
    );
    assert.equal(got[1].params.nonce, "n");
  });

  test("several header values are concatenated in order", () => {
    const got = challengesFromHeaders([
      ["Content-Type", "text/plain"],
      ["WWW-Authenticate", 'Digest realm="d", nonce="1"'],
      ["www-authenticate", 'Basic realm="b"'],
    ]);
    assert.deepEqual(
      got.map((c) => [c.scheme, c.params.realm]),
      [
        ["digest", "d"],
        ["basic", "b"],
      ],
    );
  });

  test("the first of a repeated parameter wins", () => {
    const [c] = parseWwwAuthenticate('Digest nonce="first", nonce="second"');
    assert.equal(c.params.nonce, "first");
  });

  test("a parameter called __proto__ is a plain parameter", () => {
    const [c] = parseWwwAuthenticate('Basic __proto__="x", realm="r"');
    assert.equal(c.params.__proto__, "x");
    assert.equal(c.params.realm, "r");
  });

  describe("malformed input: no throw, what is parseable is returned", () => {
    const cases: Array<[string, string, unknown]> = [
      ["empty", "", []],
      ["only commas and spaces", " , ,, ", []],
      ["unterminated quoted string", 'Basic realm="never closed', [{ scheme: "basic", params: { realm: "never closed" } }]],
      [
        "junk between parameters",
        'Digest realm="r", @@@, nonce="n"',
        [{ scheme: "digest", params: { realm: "r", nonce: "n" } }],
      ],
      ["junk instead of a scheme", '"quoted", Basic realm="b"', [{ scheme: "basic", params: { realm: "b" } }]],
      [
        "missing comma between parameters",
        'Digest realm="r" nonce="n"',
        [{ scheme: "digest", params: { realm: "r", nonce: "n" } }],
      ],
      ["parameter without value", "Digest realm=, nonce=n", [{ scheme: "digest", params: { realm: "", nonce: "n" } }]],
      ["lone backslash at the end", 'Basic realm="a\\', [{ scheme: "basic", params: { realm: "a\\" } }]],
    ];
    for (const [name, input, expected] of cases) {
      test(name, () => {
        assert.deepEqual(plain(parseWwwAuthenticate(input)), expected);
      });
    }
  });
});
