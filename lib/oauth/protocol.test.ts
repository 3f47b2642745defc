// OAuth 2.0 wire format: the authorization URL, PKCE (RFC 7636 appendix B), token requests with
// both client authentications (RFC 6749 §2.3.1) and token responses.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { authorizationUrl, codeChallengeS256, newCodeVerifier, newState, OAuthGrantError, parseTokenResponse, stateHash, tokenHeaderValue, tokenRequest } from "./protocol";

const json = (status: number, body: unknown, type = "application/json") => ({ status, headers: [["Content-Type", type]] as Array<[string, string]>, body: Buffer.from(typeof body === "string" ? body : JSON.stringify(body)) });

describe("PKCE", () => {
  test("RFC 7636 appendix B: the example's 32 octets, their verifier and its S256 challenge", () => {
    const octets = [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121];
    const verifier = Buffer.from(octets).toString("base64url");
    assert.equal(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    assert.equal(codeChallengeS256(verifier), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });

  test("verifiers are 43 unreserved characters and differ each time; so do states", () => {
    const a = newCodeVerifier();
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, newCodeVerifier());
    assert.notEqual(newState(), newState());
    assert.match(stateHash("x"), /^[0-9a-f]{64}$/);
  });
});

describe("authorizationUrl", () => {
  test("response_type, client, redirect, scope, audience, state, S256 challenge, then extra parameters; the URL's own query kept", () => {
    const url = new URL(
      authorizationUrl({
        authorizationUrl: "https://auth.example.com/authorize?tenant=a%20b",
        clientId: "client 1",
        redirectUri: "https://patchbay.example.com/api/oauth/callback",
        scope: "read write",
        audience: "https://api.example.com",
        state: "st&ate",
        codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        extra: [{ name: "prompt", value: "consent" }, { name: "access_type", value: "offline" }],
      }),
    );
    assert.equal(url.origin + url.pathname, "https://auth.example.com/authorize");
    assert.deepEqual([...url.searchParams], [
      ["tenant", "a b"],
      ["response_type", "code"],
      ["client_id", "client 1"],
      ["redirect_uri", "https://patchbay.example.com/api/oauth/callback"],
      ["scope", "read write"],
      ["audience", "https://api.example.com"],
      ["state", "st&ate"],
      ["code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"],
      ["code_challenge_method", "S256"],
      ["prompt", "consent"],
      ["access_type", "offline"],
    ]);
  });

  test("without PKCE, scope and audience those parameters are absent", () => {
    const url = new URL(authorizationUrl({ authorizationUrl: "https://a.example/auth", clientId: "c", redirectUri: "https://p.example/cb", scope: "", audience: "", state: "s", codeChallenge: null, extra: [] }));
    assert.deepEqual([...url.searchParams.keys()], ["response_type", "client_id", "redirect_uri", "state"]);
  });
});

describe("tokenRequest", () => {
  const body = (r: ReturnType<typeof tokenRequest>) => [...new URLSearchParams(new TextDecoder().decode(r.body!))];

  test("HTTP Basic: id and secret form-encoded before base64 (RFC 6749 §2.3.1), not in the body", () => {
    const r = tokenRequest("https://a.example/token", [["grant_type", "client_credentials"]], { clientId: "my client", clientSecret: "s:e+c/r%t", method: "BASIC" }, [{ name: "resource", value: "x" }]);
    assert.equal(r.method, "POST");
    const auth = r.headers.find(([n]) => n === "authorization")![1];
    assert.equal(Buffer.from(auth.replace(/^Basic /, ""), "base64").toString(), "my+client:s%3Ae%2Bc%2Fr%25t");
    assert.deepEqual(body(r), [["grant_type", "client_credentials"], ["resource", "x"]]);
    assert.deepEqual(r.headers.find(([n]) => n === "content-type"), ["content-type", "application/x-www-form-urlencoded"]);
  });

  test("in the body: client_id and client_secret as parameters; a public client sends only its id", () => {
    const post = tokenRequest("https://a.example/token", [["grant_type", "refresh_token"], ["refresh_token", "r t"]], { clientId: "c", clientSecret: "s", method: "BODY" }, []);
    assert.equal(post.headers.some(([n]) => n === "authorization"), false);
    assert.deepEqual(body(post), [["grant_type", "refresh_token"], ["refresh_token", "r t"], ["client_id", "c"], ["client_secret", "s"]]);
    const pub = tokenRequest("https://a.example/token", [["grant_type", "authorization_code"]], { clientId: "c", clientSecret: "", method: "BASIC" }, []);
    assert.deepEqual(body(pub), [["grant_type", "authorization_code"], ["client_id", "c"]]);
  });
});

describe("parseTokenResponse", () => {
  const now = Date.UTC(2026, 10, 22, 12, 0, 0);

  test("a JSON token set with its expiry made absolute", () => {
    const t = parseTokenResponse(json(200, { access_token: "at", token_type: "bearer", expires_in: 3600, refresh_token: "rt", scope: "read" }), now);
    assert.deepEqual(t, { accessToken: "at", refreshToken: "rt", expiresAt: new Date(now + 3600_000), scope: "read", tokenType: "bearer" });
  });

  test("form-encoded answers (some providers) and numeric strings; no expires_in means unknown expiry", () => {
    const t = parseTokenResponse(json(200, "access_token=at&expires_in=60&token_type=bearer", "application/x-www-form-urlencoded"), now);
    assert.equal(t.expiresAt?.getTime(), now + 60_000);
    assert.equal(parseTokenResponse(json(200, { access_token: "at" }), now).expiresAt, null);
  });

  test("an OAuth error (even with status 200) becomes an OAuthGrantError with code and description, one line", () => {
    assert.throws(
      () => parseTokenResponse(json(400, { error: "invalid_grant", error_description: "refresh token\nrevoked" })),
      (e: unknown) => e instanceof OAuthGrantError && e.oauth?.error === "invalid_grant" && e.message === "The token endpoint refused the request (invalid_grant: refresh token revoked).",
    );
    assert.throws(() => parseTokenResponse(json(200, { error: "slow_down" })), (e: unknown) => e instanceof OAuthGrantError && e.oauth?.error === "slow_down");
  });

  test("HTML or a success without access_token are refused without echoing the body", () => {
    assert.throws(() => parseTokenResponse(json(502, "<html>bad gateway</html>", "text/html")), /refused the request \(HTTP 502\)\.$/);
    assert.throws(() => parseTokenResponse(json(200, { token: "x" })), /without an access_token/);
  });
});

test("tokenHeaderValue: prefix and token, or the token alone", () => {
  assert.equal(tokenHeaderValue("Bearer", "t"), "Bearer t");
  assert.equal(tokenHeaderValue("", "t"), "t");
});
