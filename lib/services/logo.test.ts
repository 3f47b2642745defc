import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AppError } from "@/lib/errors";
import { MAX_LOGO_BYTES, parseLogo, sniffImageType } from "./logo";

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
const JPEG = Buffer.from("ffd8ffe000104a464946", "hex");
const WEBP = Buffer.concat([Buffer.from("RIFF"), Buffer.from([0x10, 0, 0, 0]), Buffer.from("WEBPVP8 ")]);

describe("sniffImageType", () => {
  test("recognises PNG, JPEG and WebP from their bytes", () => {
    assert.equal(sniffImageType(PNG), "image/png");
    assert.equal(sniffImageType(JPEG), "image/jpeg");
    assert.equal(sniffImageType(WEBP), "image/webp");
  });
  test("refuses SVG, HTML, GIF, other RIFF files and truncated signatures", () => {
    for (const text of ['<svg xmlns="http://www.w3.org/2000/svg"/>', "<!doctype html><script>alert(1)</script>", "GIF89a....", "RIFF\u0010\u0000\u0000\u0000WAVEfmt "]) {
      assert.equal(sniffImageType(Buffer.from(text)), null, text);
    }
    assert.equal(sniffImageType(PNG.subarray(0, 7)), null);
    assert.equal(sniffImageType(Buffer.alloc(0)), null);
  });
  test("an HTML file named logo.png is still HTML", () => {
    assert.equal(sniffImageType(Buffer.from("<html><body>png</body></html>")), null);
  });
});

describe("parseLogo", () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof AppError);
      assert.deepEqual(Object.keys(e.fieldErrors ?? {}), ["logo"]);
      return e.message;
    }
    assert.fail("expected a validation error");
  };
  test("accepts a PNG and reports its type", () => {
    assert.deepEqual(parseLogo(PNG.toString("base64")), { bytes: PNG, contentType: "image/png" });
  });
  test("refuses what is not an image, is empty, too large, or not base64", () => {
    assert.match(code(() => parseLogo(Buffer.from("<svg/>").toString("base64"))), /PNG, JPEG or WebP/);
    assert.match(code(() => parseLogo("")), /empty/);
    assert.match(code(() => parseLogo(Buffer.concat([PNG, Buffer.alloc(MAX_LOGO_BYTES)]).toString("base64"))), /1 MB/);
    assert.match(code(() => parseLogo("not base64!")), /could not be read/);
  });
  test("exactly 1 MB is accepted", () => {
    const bytes = Buffer.concat([PNG, Buffer.alloc(MAX_LOGO_BYTES - PNG.length)]);
    assert.equal(parseLogo(bytes.toString("base64")).bytes.length, MAX_LOGO_BYTES);
  });
});
