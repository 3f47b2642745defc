import assert from "node:assert/strict";
import { test } from "node:test";
import { formatJson, jsonProblem } from "./json-text";

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
