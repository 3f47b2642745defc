import assert from "node:assert/strict";
import { test } from "node:test";
import { composite, contrastRatio, parseColor, relativeLuminance } from "./contrast";

const near = (actual: number, expected: number, digits = 2) =>
  assert.ok(Math.abs(actual - expected) < 10 ** -digits, `expected ≈ ${expected}, got ${actual}`);

test("parses the colour forms a stylesheet uses", () => {
  assert.deepEqual(parseColor("#abc"), { r: 170, g: 187, b: 204, a: 1 });
  assert.deepEqual(parseColor("#2456D6"), { r: 36, g: 86, b: 214, a: 1 });
  assert.deepEqual(parseColor("#00000080"), { r: 0, g: 0, b: 0, a: 128 / 255 });
  assert.deepEqual(parseColor("rgba(36, 86, 214, 0.25)"), { r: 36, g: 86, b: 214, a: 0.25 });
  assert.deepEqual(parseColor("rgb(10 20 30 / 50%)"), { r: 10, g: 20, b: 30, a: 0.5 });
  assert.equal(parseColor("var(--text)"), null);
  assert.equal(parseColor("#12"), null);
  assert.equal(parseColor("red"), null);
});

test("relative luminance: the WCAG end points and a mid grey", () => {
  assert.equal(relativeLuminance("#ffffff"), 1);
  assert.equal(relativeLuminance("#000"), 0);
  near(relativeLuminance("#777777"), 0.1845, 3);
});

test("contrast ratios match known answers", () => {
  assert.equal(contrastRatio("#000", "#fff"), 21);
  assert.equal(contrastRatio("#fff", "#fff"), 1);
  near(contrastRatio("#777", "#fff"), 4.48);
  near(contrastRatio("#767676", "#ffffff"), 4.54); // the lightest grey that passes AA on white
  near(contrastRatio("#2456d6", "#ffffff"), 6.22);
  assert.equal(contrastRatio("#fff", "#000"), contrastRatio("#000", "#fff"), "the ratio does not depend on the order");
});

test("a translucent foreground is painted over the background first", () => {
  assert.deepEqual(composite("rgba(0, 0, 0, 0.5)", "#ffffff"), { r: 127.5, g: 127.5, b: 127.5, a: 1 });
  near(contrastRatio("rgba(0, 0, 0, 0.5)", "#fff"), contrastRatio("rgb(127.5, 127.5, 127.5)", "#fff"), 6);
  assert.equal(contrastRatio("rgba(0, 0, 0, 0)", "#fff"), 1);
  assert.throws(() => contrastRatio("var(--x)", "#fff"), /Not a colour/);
});
