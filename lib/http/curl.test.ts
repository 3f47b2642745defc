import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { shellQuote, toCurl } from "./curl";
import { MASK, type TSentRequest } from "./types";

const sent = (over: Partial<TSentRequest> = {}): TSentRequest => ({
  method: "POST",
  url: "https://api.example/items?q=a%20b&key=" + MASK,
  headers: [["host", "api.example"], ["connection", "keep-alive"], ["Authorization", MASK], ["content-type", "application/json"], ["content-length", "9"]],
  bodyBytes: 9,
  ...over,
});

describe("toCurl", () => {
  test("quotes survive a real shell unchanged", () => {
    for (const s of ["plain", "it's", "'", "$(rm -rf /) `x` \\ \"q\"", "line\nbreak", ""]) {
      assert.equal(execFileSync("sh", ["-c", `printf %s ${shellQuote(s)}`]).toString(), s);
    }
  });

  test("method, URL, headers without the ones curl writes itself, JSON body as typed", () => {
    const cmd = toCurl(sent(), { kind: "text", text: `{"a":"it's"}` });
    assert.equal(
      cmd,
      [
        `curl -X POST 'https://api.example/items?q=a%20b&key=${MASK}'`,
        `-H 'Authorization: ${MASK}'`,
        `-H 'content-type: application/json'`,
        `--data-raw '{"a":"it'\\''s"}'`,
      ].join(" \\\n  "),
    );
  });

  test("form bodies become -F parts, files by name and type; the multipart Content-Type is curl's own", () => {
    const cmd = toCurl(sent({ headers: [["content-type", "multipart/form-data; boundary=x"]] }), {
      kind: "form",
      fields: [{ name: "title", value: "@not-a-file;x" }, { name: "doc", filename: "report.pdf", contentType: "application/pdf" }],
    });
    assert.equal(cmd, [`curl -X POST 'https://api.example/items?q=a%20b&key=${MASK}'`, `-F 'title="@not-a-file;x"'`, `-F 'doc=@report.pdf;type=application/pdf'`].join(" \\\n  "));
  });

  test("no body, and a binary body named but not inlined", () => {
    assert.equal(toCurl(sent({ method: "GET", headers: [] }), { kind: "none" }), `curl -X GET 'https://api.example/items?q=a%20b&key=${MASK}'`);
    assert.match(toCurl(sent({ headers: [] }), { kind: "binary", bytes: 12 }), /--data-binary @body\.bin {2}# 12 bytes, not shown$/);
  });
});
