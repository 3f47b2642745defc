import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "@/lib/errors";
import { maskedSent, maskQuery, maskValues, removeQuery, stripCredentials, validateRequest } from "./request-parts";
import { MASK, type TOutgoingRequest } from "./types";

const sensitive = { headers: ["X-Api-Key"], query: ["api_key", "sig"] };

describe("query rewriting keeps the other params byte for byte", () => {
  const url = "https://h.example/p?a=%2Fx+y&api_key=k1&b=%E2%9C%93&sig=s&api_key=k2#frag";

  test("maskQuery masks every occurrence of the sensitive names", () => {
    assert.equal(maskQuery(url, ["api_key", "sig"]), `https://h.example/p?a=%2Fx+y&api_key=${MASK}&b=%E2%9C%93&sig=${MASK}&api_key=${MASK}`);
  });
  test("names are compared decoded (api%5Fkey is api_key)", () => {
    assert.equal(maskQuery("https://h.example/?api%5Fkey=k", ["api_key"]), `https://h.example/?api%5Fkey=${MASK}`);
  });
  test("removeQuery drops them and keeps the rest", () => {
    assert.equal(removeQuery(url, ["api_key", "sig"]), "https://h.example/p?a=%2Fx+y&b=%E2%9C%93");
    assert.equal(removeQuery("https://h.example/p?api_key=1", ["api_key"]), "https://h.example/p");
  });
});

describe("stripCredentials", () => {
  test("removes Authorization, Cookie, Proxy-Authorization and the strategy's headers and params", () => {
    const req: TOutgoingRequest = {
      method: "GET",
      url: "https://h.example/?api_key=1&keep=2",
      headers: [["Authorization", "a"], ["COOKIE", "c"], ["Proxy-Authorization", "p"], ["x-api-key", "k"], ["Accept", "*/*"]],
    };
    const out = stripCredentials(req, sensitive);
    assert.equal(out.url, "https://h.example/?keep=2");
    assert.deepEqual(out.headers, [["Accept", "*/*"]]);
  });
  test("drops custom headers the strategy does not know about (a connector's own token header)", () => {
    const req: TOutgoingRequest = {
      method: "GET",
      url: "https://h.example/",
      headers: [["X-Vendor-Token", "t"], ["User-Agent", "ua"], ["Content-Type", "application/json"], ["X-Trace", "1"]],
    };
    assert.deepEqual(stripCredentials(req, { headers: [], query: [] }).headers, [["User-Agent", "ua"], ["Content-Type", "application/json"]]);
  });
});

describe("maskedSent", () => {
  test("masks sensitive headers (any case) and params; keeps the rest", () => {
    const sent = maskedSent(
      { method: "GET", url: "https://h.example/?api_key=k&q=1", headers: [["x-api-key", "k"], ["authorization", "Bearer t"], ["accept", "a"]] },
      sensitive,
    );
    assert.deepEqual(sent.headers, [["x-api-key", MASK], ["authorization", MASK], ["accept", "a"]]);
    assert.equal(sent.url, `https://h.example/?api_key=${MASK}&q=1`);
    assert.equal(sent.bodyBytes, 0);
    assert.equal(sent.bodyPreview, undefined);
  });

  test("previews the first 2 KB of a text body", () => {
    const body = Buffer.from(`{"a":"${"é".repeat(3000)}"}`);
    const sent = maskedSent({ method: "POST", url: "https://h.example/", headers: [["content-type", "application/json"]], body }, sensitive);
    assert.equal(sent.bodyBytes, body.length);
    assert.ok(sent.bodyPreview!.startsWith('{"a":"éé'));
    assert.ok(Buffer.byteLength(sent.bodyPreview!) <= 2048);
  });

  test("no preview for binary; form fields named sensitive are masked", () => {
    const bin = maskedSent({ method: "POST", url: "https://h.example/", headers: [], body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1]) }, sensitive);
    assert.equal(bin.bodyPreview, undefined);
    const form = maskedSent(
      { method: "POST", url: "https://h.example/", headers: [["Content-Type", "application/x-www-form-urlencoded"]], body: Buffer.from("grant=x&sig=secret&b=2") },
      sensitive,
    );
    assert.equal(form.bodyPreview, `grant=x&sig=${MASK}&b=2`);
  });
});

describe("validateRequest", () => {
  const ok: TOutgoingRequest = { method: "GET", url: "https://h.example/", headers: [["x-ok", "tab\tand latin1 é"]] };
  const invalid = (r: Partial<TOutgoingRequest>, max = 100) => () => validateRequest({ ...ok, ...r }, max);
  const isInvalid = (e: unknown) => e instanceof AppError && e.code === "INVALID_REQUEST";

  test("accepts a valid request (control)", () => validateRequest(ok, 100));
  test("refuses a bad method", () => assert.throws(invalid({ method: "GE T" }), isInvalid));
  test("refuses characters beyond latin1 in a value, without echoing the value", () => {
    assert.throws(invalid({ headers: [["x-emoji", "secret 🙂"]] }), (e) => isInvalid(e) && !(e as Error).message.includes("secret"));
  });
  test("refuses other control characters", () => assert.throws(invalid({ headers: [["x", "a\x7fb"]] }), isInvalid));
  test("refuses a body over the cap and accepts one at the cap", () => {
    assert.throws(invalid({ body: new Uint8Array(101) }), (e) => e instanceof AppError && e.code === "PAYLOAD_TOO_LARGE");
    validateRequest({ ...ok, body: new Uint8Array(100) }, 100);
  });
});

describe("maskValues", () => {
  test("masks every occurrence, raw and percent-encoded, longest first; short values are left alone", () => {
    const values = ["s3cr3t value", "abc"];
    assert.equal(maskValues("https://h/x?k=s3cr3t%20value&b=s3cr3t value", values), `https://h/x?k=${MASK}&b=${MASK}`);
    assert.equal(maskValues("abc abc", values), "abc abc");
    assert.equal(maskValues("nothing", undefined), "nothing");
  });
  test("a value cut off at the end of a truncated preview is masked too", () => {
    assert.equal(maskValues('{"k":"s3cr3', ["s3cr3t value"], { truncated: true }), `{"k":"${MASK}`);
    assert.equal(maskValues('{"k":"s3cr3', ["s3cr3t value"]), '{"k":"s3cr3');
  });
  test("maskedSent masks secret values in the URL, header values and body preview", () => {
    const sent = maskedSent(
      { method: "POST", url: "https://h.example/p/TOPSECRET?q=TOPSECRET", headers: [["X-A", "Bearer TOPSECRET"], ["Content-Type", "application/json"]], body: new TextEncoder().encode('{"a":"TOPSECRET"}') },
      { headers: [], query: [], values: ["TOPSECRET"] },
    );
    assert.equal(sent.url, `https://h.example/p/${MASK}?q=${MASK}`);
    assert.deepEqual(sent.headers[0], ["X-A", `Bearer ${MASK}`]);
    assert.equal(sent.bodyPreview, `{"a":"${MASK}"}`);
    assert.ok(!JSON.stringify(sent).includes("TOPSECRET"));
  });
});
