import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeTestResult, encodeTestResult, type TTestResultMeta } from "./test-wire";

const meta: TTestResultMeta = {
  ok: true,
  status: 200,
  statusText: "OK",
  headers: [["content-type", "application/json"], ["x-note", "line one\nline two"]],
  bodyBytes: 5,
  truncated: false,
  url: "https://api.example/x",
  redirects: [],
  timings: { firstByteMs: 3, totalMs: 4 },
  sent: { method: "GET", url: "https://api.example/x", headers: [], bodyBytes: 0 },
  curl: "curl 'https://api.example/x'",
  environment: null,
};

test("metadata and body round-trip, newlines in either do not confuse the split", () => {
  const body = new Uint8Array([0x0a, 0x00, 0xff, 0x0a, 0x41]);
  const { meta: m, body: b } = decodeTestResult(encodeTestResult(meta, body));
  assert.deepEqual(m, meta);
  assert.deepEqual([...b], [...body]);
});

test("an empty body stays empty; the body is a view, not a copy", () => {
  const wire = encodeTestResult(meta, new Uint8Array(0));
  const { body } = decodeTestResult(wire);
  assert.equal(body.byteLength, 0);
  const big = encodeTestResult(meta, new Uint8Array(1024).fill(7));
  assert.equal(decodeTestResult(big).body.buffer, big.buffer, "the body shares the received buffer");
});

test("anything else is refused", () => {
  assert.throws(() => decodeTestResult(new TextEncoder().encode('{"ok":true,"status":200}')), /no metadata line/);
  assert.throws(() => decodeTestResult(new TextEncoder().encode('{"ok":false}\nx')), /not a result/);
  assert.throws(() => decodeTestResult(new TextEncoder().encode("<html>\n")), SyntaxError);
});
