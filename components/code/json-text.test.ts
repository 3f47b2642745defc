import assert from "node:assert/strict";
import { test } from "node:test";
import { formatJson, jsonProblem, lineChunks, textHead } from "./json-text";

test("jsonProblem: empty and valid JSON are fine, anything else says why", () => {
  assert.equal(jsonProblem(""), null);
  assert.equal(jsonProblem("  \n"), null);
  assert.equal(jsonProblem('{"a": [1, 2.5, null, true]}'), null);
  const problem = jsonProblem('{"hello": "wörld", ');
  assert.ok(problem?.startsWith("Not valid JSON: "), `expected the parser's complaint, got ${problem}`);
  assert.ok(jsonProblem("{ not json"), "an unquoted key is not JSON");
});

test("formatJson indents by two spaces and refuses what is not JSON", () => {
  assert.deepEqual(formatJson('{"a":[1,{"b":null}],"c":"x"}'), { ok: true, text: '{\n  "a": [\n    1,\n    {\n      "b": null\n    }\n  ],\n  "c": "x"\n}' });
  assert.deepEqual(formatJson("[]"), { ok: true, text: "[]" });
  assert.deepEqual(formatJson('{"cut": "at 10 M'), { ok: false });
  assert.deepEqual(formatJson(""), { ok: false });
});

test("lineChunks splits at line breaks into bounded chunks that join back to the text", () => {
  const text = JSON.stringify({ a: [1, 2, 3], b: "x\ny", c: { d: null } }, null, 2);
  const chunks = lineChunks(text, 3, 1000);
  assert.ok(chunks.every((c) => c.length >= 1 && c.length <= 3), `chunks of 1..3 lines: ${JSON.stringify(chunks)}`);
  assert.equal(chunks.flat().join("\n"), text);
  assert.deepEqual(lineChunks("{}"), [["{}"]]);
  // A line longer than maxChars is a chunk of its own, never split.
  assert.deepEqual(lineChunks("ab\ncdefgh\nij", 100, 4), [["ab"], ["cdefgh"], ["ij"]]);
});

test("textHead gives the beginning of a string or of line chunks", () => {
  assert.equal(textHead("abcdef", 10), "abcdef");
  assert.equal(textHead("abcdef", 3), "abc\n…");
  assert.equal(textHead({ chunks: [["ab", "cd"], ["ef"]] }, 100), "ab\ncd\nef");
  assert.equal(textHead({ chunks: [["ab", "cd"], ["ef"]] }, 4), "ab\ncd\n…");
});
