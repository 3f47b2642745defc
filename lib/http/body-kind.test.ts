import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { bodyKind, formatSize } from "./body-kind";

const b = (s: string) => new TextEncoder().encode(s);

describe("bodyKind", () => {
  test("images by their magic bytes, whatever the Content-Type says", () => {
    assert.deepEqual(bodyKind(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), "text/html"), { kind: "image", mime: "image/png" });
    assert.deepEqual(bodyKind(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), undefined), { kind: "image", mime: "image/jpeg" });
    assert.deepEqual(bodyKind(b("GIF89a...."), undefined), { kind: "image", mime: "image/gif" });
    assert.deepEqual(bodyKind(b("RIFF\0\0\0\0WEBPVP8 "), undefined), { kind: "image", mime: "image/webp" });
  });

  test("SVG and HTML are text, never images or documents", () => {
    assert.equal(bodyKind(b('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), "image/svg+xml").kind, "text");
    assert.equal(bodyKind(b("<html><script>alert(1)</script>"), "text/html").kind, "text");
  });

  test("JSON by type or by its first character; truncated JSON is still offered as JSON (the view falls back to text)", () => {
    assert.equal(bodyKind(b('  {"a":1}'), "text/plain").kind, "json");
    assert.equal(bodyKind(b("[1,2"), undefined).kind, "json");
    assert.equal(bodyKind(b('"x"'), "application/problem+json").kind, "json");
    assert.equal(bodyKind(b("hello"), "application/json; charset=utf-8").kind, "json");
    assert.equal(bodyKind(b("hello"), "text/plain").kind, "text");
  });

  test("binary when not UTF-8 or full of control characters; a character cut at the cap is fine", () => {
    assert.equal(bodyKind(new Uint8Array([0xc3, 0x28, 0x41]), undefined).kind, "binary");
    assert.equal(bodyKind(new Uint8Array([0x41, 0x00, 0x42]), undefined).kind, "binary");
    assert.equal(bodyKind(b("é").subarray(0, 1), undefined).kind, "text");
    assert.equal(bodyKind(new Uint8Array(), "application/json").kind, "empty");
  });

  test("formatSize", () => {
    assert.equal(formatSize(512), "512 B");
    assert.equal(formatSize(1536), "1.5 KB");
    assert.equal(formatSize(10 * 1024 * 1024), "10.0 MB");
  });
});
