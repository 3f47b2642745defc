// Stored messages (message.ts): credential headers redacted whatever their case, how each kind of
// body is told apart and previewed, and the cURL example shown next to a listener's URL.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { bodyKind, bodyPreview, curlExample, hexDump, redactHeaders, reindentJson } from "./message";

const bytes = (s: string) => Buffer.from(s);

describe("redactHeaders", () => {
  test("credential headers in any case, and the mode's own header, are redacted; others kept in order", () => {
    const headers: Array<[string, string]> = [
      ["Content-Type", "application/json"],
      ["AUTHORIZATION", "Basic cGFydG5lcjpwdw=="],
      ["Proxy-Authorization", "Basic eDp5"],
      ["Cookie", "session=abc"],
      ["Webhook-Signature", "v1,abc"],
      ["X-API-Key", "k"],
      ["x-token", "t0ken"],
      ["X-Request-Id", "r1"],
    ];
    const out = redactHeaders(headers, { mode: "SHARED_SECRET", headerName: "X-Token" });
    assert.deepEqual(out, [
      ["Content-Type", "application/json"],
      ["AUTHORIZATION", "[redacted]"],
      ["Proxy-Authorization", "[redacted]"],
      ["Cookie", "[redacted]"],
      ["Webhook-Signature", "[redacted]"],
      ["X-API-Key", "[redacted]"],
      ["x-token", "[redacted]"],
      ["X-Request-Id", "r1"],
    ]);
  });

  test("the HMAC header is redacted; a header name left over from another mode is not", () => {
    const headers: Array<[string, string]> = [["x-hub-signature-256", "sha256=ab"]];
    assert.deepEqual(redactHeaders(headers, { mode: "HMAC", headerName: "X-Hub-Signature-256" }), [["x-hub-signature-256", "[redacted]"]]);
    assert.deepEqual(redactHeaders(headers, { mode: "NONE", headerName: "X-Hub-Signature-256" }), headers);
  });
});

describe("bodyKind", () => {
  test("by content type when the bytes are UTF-8", () => {
    const cases: Array<[string | null, string, string]> = [
      ["application/json", '{"a":1}', "json"],
      ["application/json; charset=utf-8", "not json at all", "json"],
      ["application/vnd.api+json", "[]", "json"],
      ["text/xml", "<a/>", "xml"],
      ["application/xml", "<a/>", "xml"],
      ["application/soap+xml; charset=utf-8", "<Envelope/>", "xml"],
      ["text/plain", '{"a":1}', "text"],
      ["text/csv", "a,b\n1,2", "text"],
      ["application/x-www-form-urlencoded", "a=1&b=2", "text"],
      ["TEXT/PLAIN", "hi", "text"],
    ];
    for (const [type, body, want] of cases) assert.equal(bodyKind(type, bytes(body)), want, `${type} ${body}`);
  });

  test("sniffed otherwise: JSON, XML, text, binary", () => {
    const cases: Array<[string | null, Uint8Array, string]> = [
      [null, bytes('{"a": [1, 2]}'), "json"],
      ["application/octet-stream", bytes(" [true] "), "json"],
      [null, bytes('\uFEFF{"bom": true}'), "json"],
      [null, bytes('  <?xml version="1.0"?><a/>'), "xml"],
      [null, bytes("hello\tworld\r\n"), "text"],
      [null, bytes(""), "text"],
      [null, bytes("a\u0000b"), "binary"],
      [null, bytes("bell\u0007"), "binary"],
      [null, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), "binary"],
    ];
    for (const [type, body, want] of cases) assert.equal(bodyKind(type, body), want, `${type} ${Buffer.from(body).toString("hex")}`);
  });

  test("invalid UTF-8 is binary, whatever the declared type", () => {
    const invalid = new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]); // {"<bad 2-byte sequence>"}
    for (const type of [null, "application/json", "text/plain", "application/xml"]) assert.equal(bodyKind(type, invalid), "binary", String(type));
    assert.equal(bodyKind(null, new Uint8Array([0xff, 0xfe, 0x00])), "binary");
  });
});

describe("bodyPreview", () => {
  test("JSON is re-indented; under text/plain it is shown as sent", () => {
    const body = bytes('{"id":1,"items":[{"sku":"A"},{}],"empty":[]}');
    assert.deepEqual(bodyPreview("application/json", body), {
      kind: "json",
      text: '{\n  "id": 1,\n  "items": [\n    {\n      "sku": "A"\n    },\n    {}\n  ],\n  "empty": []\n}',
      size: body.byteLength,
      truncated: false,
    });
    assert.deepEqual(bodyPreview("text/plain", body), { kind: "text", text: body.toString(), size: body.byteLength, truncated: false });
  });

  test("numbers, escapes and repeated keys stay as the sender wrote them", () => {
    const body = bytes('{"n":12345678901234567890,"e":1E400,"s":"a\\"b\\u00e9 ,:{}[]","k":1,"k":2}');
    assert.equal(bodyPreview(null, body).text, '{\n  "n": 12345678901234567890,\n  "e": 1E400,\n  "s": "a\\"b\\u00e9 ,:{}[]",\n  "k": 1,\n  "k": 2\n}');
  });

  test("property: re-indenting gives what JSON.stringify(…, null, 2) gives", () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => reindentJson(JSON.stringify(v)) === JSON.stringify(v, null, 2)));
  });

  test("JSON declared but malformed is shown as sent", () => {
    const body = bytes('{"a": 1,}');
    assert.deepEqual(bodyPreview("application/json", body), { kind: "json", text: '{"a": 1,}', size: 9, truncated: false });
  });

  test("XML and text as sent; cut at maxBytes on a character boundary", () => {
    const xml = bytes('<?xml version="1.0"?>\n<order id="1"><item>é</item></order>');
    assert.deepEqual(bodyPreview("application/xml", xml), { kind: "xml", text: xml.toString(), size: xml.byteLength, truncated: false });
    const text = bytes("ab€cd"); // € is 3 bytes: a cut at 4 bytes falls inside it
    assert.deepEqual(bodyPreview("text/plain", text, 4), { kind: "text", text: "ab", size: 7, truncated: true });
    assert.deepEqual(bodyPreview("text/plain", text, 5), { kind: "text", text: "ab€", size: 7, truncated: true });
    const bigJson = bytes(JSON.stringify({ a: "x".repeat(100) }));
    assert.deepEqual(bodyPreview("application/json", bigJson, 10), { kind: "json", text: '{"a":"xxxx', size: bigJson.byteLength, truncated: true });
  });

  test("binary as a hexdump -C of the first 512 bytes with the size", () => {
    const body = Buffer.concat([bytes("0123456789abcdefXYZ"), Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00])]);
    const p = bodyPreview("application/octet-stream", body);
    assert.equal(p.kind, "binary");
    assert.equal(p.text, undefined);
    assert.equal(p.size, 24);
    assert.equal(p.truncated, false);
    assert.equal(
      p.hex,
      [
        "00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|",
        "00000010  58 59 5a de ad be ef 00                           |XYZ.....|",
      ].join("\n"),
    );
    const big = new Uint8Array(2000).fill(0xff);
    const bp = bodyPreview(null, big);
    assert.equal(bp.hex!.split("\n").length, 32, "512 bytes, 16 a line");
    assert.equal(bp.truncated, true);
    assert.equal(bp.size, 2000);
  });

  test("hexDump of nothing is empty", () => {
    assert.equal(hexDump(new Uint8Array()), "");
  });
});

describe("curlExample", () => {
  test("POST JSON with HMAC: one argument a line, shell-quoted, secret as a placeholder", () => {
    const cmd = curlExample({
      url: "https://patchbay.example.com/api/hooks/acme/orders",
      method: "POST",
      auth: { mode: "HMAC", headerName: "X-Hub-Signature-256", algorithm: "sha256", encoding: "hex", prefix: "sha256=" },
    });
    assert.equal(
      cmd,
      [
        "curl -X POST 'https://patchbay.example.com/api/hooks/acme/orders' \\",
        "  -H 'Content-Type: application/json' \\",
        "  -H 'X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body with your secret>' \\",
        "  --data-binary @message.json",
      ].join("\n"),
    );
  });

  test("XML with Basic; GET without a body; quotes in the URL cannot break out", () => {
    const xml = curlExample({ url: "http://localhost:3000/api/hooks/x", method: "PUT", auth: { mode: "BASIC", username: "partner" }, contentType: "application/xml" });
    assert.match(xml, /-H 'Content-Type: application\/xml' \\\n {2}-u 'partner:<password>' \\\n {2}--data-binary @message\.xml$/);
    const get = curlExample({ url: "http://h/api/hooks/x?a='b'", method: "GET", auth: { mode: "NONE" } });
    assert.equal(get, `curl -X GET 'http://h/api/hooks/x?a='\\''b'\\'''`);
    const sw = curlExample({ url: "http://h/api/hooks/x", method: "POST", auth: { mode: "STANDARD_WEBHOOKS" }, contentType: "application/octet-stream" });
    assert.equal(sw.split("\n").length, 6, "curl, content type, three webhook headers, body");
    assert.ok(sw.endsWith("--data-binary @message.bin"), "binary bodies come from a .bin file");
  });
});
