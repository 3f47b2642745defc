import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TOutgoingRequest } from "@/lib/http/types";
import { isAppError } from "@/lib/errors";
import { apiKeyStrategy } from "./api-key";

const req = (url = "https://api.example.com/v1/items", headers: TOutgoingRequest["headers"] = []): TOutgoingRequest => ({
  method: "GET",
  url,
  headers,
});
const isValidation = (e: unknown) => isAppError(e) && e.code === "VALIDATION";

describe("apiKeyStrategy: header placement", () => {
  test("defaults: Authorization: Bearer <key>", async () => {
    const out = await apiKeyStrategy({ apiKey: "k-123", placement: "header" }).authorize(req());
    assert.deepEqual(out.headers, [["Authorization", "Bearer k-123"]]);
  });

  test("custom header and prefix", async () => {
    const s = apiKeyStrategy({ apiKey: "abc", placement: "header", headerName: "X-API-Key", prefix: "Token" });
    assert.deepEqual((await s.authorize(req())).headers, [["X-API-Key", "Token abc"]]);
  });

  test("empty prefix: just the key; blanks are trimmed", async () => {
    const s = apiKeyStrategy({ apiKey: "  abc \n", placement: "header", headerName: " X-API-Key ", prefix: "  " });
    assert.deepEqual((await s.authorize(req())).headers, [["X-API-Key", "abc"]]);
  });

  test("a prefix with trailing space gets exactly one space", async () => {
    const s = apiKeyStrategy({ apiKey: "abc", placement: "header", prefix: "Bearer " });
    assert.deepEqual((await s.authorize(req())).headers, [["Authorization", "Bearer abc"]]);
  });

  test("a blank header name falls back to Authorization", async () => {
    const s = apiKeyStrategy({ apiKey: "abc", placement: "header", headerName: "" });
    assert.deepEqual((await s.authorize(req())).headers, [["Authorization", "Bearer abc"]]);
  });

  test("the key header replaces same-name headers (any case) and keeps the others in order", async () => {
    const s = apiKeyStrategy({ apiKey: "abc", placement: "header", headerName: "X-Api-Key", prefix: "" });
    const out = await s.authorize(
      req(undefined, [
        ["Accept", "*/*"],
        ["x-api-key", "from-connector"],
        ["X-Trace", "1"],
      ]),
    );
    assert.deepEqual(out.headers, [
      ["Accept", "*/*"],
      ["X-Trace", "1"],
      ["X-Api-Key", "abc"],
    ]);
  });

  test("invalid header names and line breaks are rejected", () => {
    assert.throws(() => apiKeyStrategy({ apiKey: "a", placement: "header", headerName: "X Key" }), isValidation);
    assert.throws(() => apiKeyStrategy({ apiKey: "a", placement: "header", headerName: "X:Key" }), isValidation);
    assert.throws(() => apiKeyStrategy({ apiKey: "a\r\nX-Evil: 1", placement: "header" }), isValidation);
    assert.throws(() => apiKeyStrategy({ apiKey: "a", placement: "header", prefix: "Be\narer" }), isValidation);
    assert.throws(() => apiKeyStrategy({ apiKey: "   ", placement: "header" }), isValidation);
  });

  test("sensitive names the header (lower-cased)", () => {
    const s = apiKeyStrategy({ apiKey: "a", placement: "header", headerName: "X-API-Key" });
    assert.deepEqual(s.sensitive, { headers: ["x-api-key"], query: [] });
  });
});

describe("apiKeyStrategy: query placement", () => {
  const q = (apiKey: string, queryParamName = "api_key") => apiKeyStrategy({ apiKey, placement: "query", queryParamName });

  test("appended to a URL without a query, no header added", async () => {
    const out = await q("abc").authorize(req());
    assert.equal(out.url, "https://api.example.com/v1/items?api_key=abc");
    assert.deepEqual(out.headers, []);
  });

  test("appended after existing parameters, which keep their exact encoding and order", async () => {
    const out = await q("abc").authorize(req("https://api.example.com/s?q=a+b&r=%7E%20x&flag&r=2#top"));
    assert.equal(out.url, "https://api.example.com/s?q=a+b&r=%7E%20x&flag&r=2&api_key=abc#top");
  });

  test("reserved and unicode characters in the key and the name are percent-encoded", async () => {
    const out = await q("a+b/c=d&e f?ü€'!", "key name").authorize(req());
    const url = new URL(out.url);
    assert.equal(url.search, "?key%20name=a%2Bb%2Fc%3Dd%26e%20f%3F%C3%BC%E2%82%AC%27%21");
    assert.equal(url.searchParams.get("key name"), "a+b/c=d&e f?ü€'!");
  });

  test("replaces every existing occurrence of the parameter, however it was encoded", async () => {
    const out = await q("new", "api key").authorize(req("https://h.example/p?api+key=old1&x=1&api%20key=old2&api_keys=z"));
    assert.equal(out.url, "https://h.example/p?x=1&api_keys=z&api%20key=new");
  });

  test("parameter names are case-sensitive", async () => {
    const out = await q("new", "key").authorize(req("https://h.example/p?KEY=other"));
    assert.equal(out.url, "https://h.example/p?KEY=other&key=new");
  });

  test("a missing parameter name is rejected", () => {
    assert.throws(() => apiKeyStrategy({ apiKey: "a", placement: "query" }), isValidation);
    assert.throws(() => apiKeyStrategy({ apiKey: "a", placement: "query", queryParamName: " " }), isValidation);
  });

  test("sensitive names the query parameter as given", () => {
    assert.deepEqual(q("a", "apiKey").sensitive, { headers: [], query: ["apiKey"] });
  });
});
