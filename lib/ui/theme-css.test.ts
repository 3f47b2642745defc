import assert from "node:assert/strict";
import { test } from "node:test";
import { literalColours, mergeThemeBlocks, readThemeBlocks, resolveValue, themeValues } from "./theme-css";

const CSS = `
/* a comment with :root { --ignored: red; } */
:root { color-scheme: light; --bg: #fff; --text: #111; --ring: var(--text); }
.x { --not-theme: #000; color: var(--text); }
:root[data-theme='dark'] { --bg: #000; --text: #eee; }
@media (max-width: 760px) { :root { --bg: #f00; } }
@media (prefers-color-scheme: dark) {
  :root:not([data-theme="light"]) { --bg: #000; --text: #eee; }
}`;

test("reads the light, dark and system-dark blocks and nothing else", () => {
  const blocks = readThemeBlocks(CSS);
  assert.deepEqual(blocks.light, { "--bg": "#fff", "--text": "#111", "--ring": "var(--text)" });
  assert.deepEqual(blocks.dark, { "--bg": "#000", "--text": "#eee" });
  assert.deepEqual(blocks.systemDark, { "--bg": "#000", "--text": "#eee" });
});

test("resolves var() references per theme, dark over the light base", () => {
  const values = themeValues(readThemeBlocks(CSS));
  assert.equal(values.light["--ring"], "#111");
  assert.equal(values.dark["--ring"], "#eee");
  assert.equal(resolveValue("var(--missing, #123)", {}), "#123");
  assert.throws(() => resolveValue("var(--missing)", {}), /Undefined custom property --missing/);
  assert.throws(() => resolveValue("var(--a)", { "--a": "var(--b)", "--b": "var(--a)" }), /Circular/);
});

test("later stylesheets add to and override earlier ones", () => {
  const merged = mergeThemeBlocks([readThemeBlocks(CSS), readThemeBlocks(":root { --chart: #00f; } :root[data-theme=dark] { --chart: #9cf; }")]);
  assert.equal(merged.light["--chart"], "#00f");
  assert.equal(merged.dark["--chart"], "#9cf");
  assert.equal(merged.light["--bg"], "#fff");
});

test("finds colours written outside the theme blocks, by line", () => {
  const css = [
    ":root {", // 1
    "  --bg: #fff;", // 2
    "}", // 3
    ".a { color: var(--text); } /* #abc in a comment */", // 4
    ".b { color: #123456; }", // 5
    "@media (prefers-color-scheme: dark) {", // 6
    '  :root:not([data-theme="light"]) { --bg: #000; }', // 7
    "  .c { background: rgba(0, 0, 0, 0.5); }", // 8
    "}", // 9
    ":root[data-theme=dark] {", // 10
    "  --bg: #000;", // 11
    "}", // 12
    ".d { border-color: oklch(0.5 0.1 200); }", // 13
  ].join("\n");
  assert.deepEqual(literalColours(css).map((l) => l.line), [5, 8, 13]);
});
