import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeBody, headersObject } from "./response-body";

const ct = (v: string): Array<[string, string]> => [["Content-Type", v]];

test("JSON that parses is returned parsed", () => {
  assert.deepEqual(encodeBody(ct("application/json; charset=utf-8"), Buffer.from('{"a":[1,2]}'), false), { body: { a: [1, 2] }, bodyEncoding: "json" });
  assert.deepEqual(encodeBody(ct("application/problem+json"), Buffer.from('{"title":"x"}'), false), { body: { title: "x" }, bodyEncoding: "json" });
});

test("JSON that does not parse, or was cut at the cap, is text", () => {
  assert.deepEqual(encodeBody(ct("application/json"), Buffer.from("{oops"), false), { body: "{oops", bodyEncoding: "utf8" });
  assert.deepEqual(encodeBody(ct("application/json"), Buffer.from('{"a":1}'), true), { body: '{"a":1}', bodyEncoding: "utf8" });
});

test("textual types are UTF-8 text; invalid UTF-8 falls back to base64", () => {
  assert.deepEqual(encodeBody(ct("text/plain"), Buffer.from("héllo"), false), { body: "héllo", bodyEncoding: "utf8" });
  assert.deepEqual(encodeBody(ct("application/xml"), Buffer.from("<a/>"), false), { body: "<a/>", bodyEncoding: "utf8" });
  const bad = Buffer.from([0x68, 0xff, 0xfe]);
  assert.deepEqual(encodeBody(ct("text/plain"), bad, false), { body: bad.toString("base64"), bodyEncoding: "base64" });
});

test("binary types are base64; no type: text only when it reads as text", () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
  assert.deepEqual(encodeBody(ct("image/png"), png, false), { body: png.toString("base64"), bodyEncoding: "base64" });
  assert.deepEqual(encodeBody(ct("application/octet-stream"), Buffer.from("abc"), false), { body: "YWJj", bodyEncoding: "base64" });
  assert.deepEqual(encodeBody([], Buffer.from("plain words"), false), { body: "plain words", bodyEncoding: "utf8" });
  assert.deepEqual(encodeBody([], Buffer.from([1, 2, 3]), false), { body: "AQID", bodyEncoding: "base64" });
  assert.deepEqual(encodeBody(ct("application/json"), Buffer.alloc(0), false), { body: "", bodyEncoding: "utf8" });
});

test("headers: lower-case names, repeated ones joined", () => {
  assert.deepEqual({ ...headersObject([["X-A", "1"], ["x-a", "2"], ["Content-Type", "text/plain"]]) }, { "x-a": "1, 2", "content-type": "text/plain" });
  const odd = headersObject([["__proto__", "a"], ["Constructor", "b"], ["constructor", "c"]]);
  assert.equal(JSON.stringify(odd), '{"__proto__":"a","constructor":"b, c"}');
});
