// The real stylesheets, both themes: every text colour pair meets WCAG AA, focus rings and control
// borders meet 3:1, the two copies of the dark palette agree, and rules use only the variables.
//
// Conventions other stylesheets (app/styles/*.css) get checked by, without listing their pairs here:
//   --<name>-text (or -fg) is text on --<name>-bg, else on --<name>, else on --panel: 4.5:1;
//   --code-* / --cm-* / --syntax-* colours are text on --panel and --panel-alt: 4.5:1.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { AA_NON_TEXT, AA_TEXT, contrastRatio, parseColor } from "./contrast";
import { literalColours, mergeThemeBlocks, readThemeBlocks, themeValues, type TVars } from "./theme-css";

const appDir = new URL("../../app/", import.meta.url);
const stylesDir = new URL("styles/", appDir);
const extraFiles = readdirSync(stylesDir).filter((f) => f.endsWith(".css")).sort();
const sources = [
  { name: "app/globals.css", css: readFileSync(new URL("globals.css", appDir), "utf8") },
  ...extraFiles.map((f) => ({ name: `app/styles/${f}`, css: readFileSync(new URL(f, stylesDir), "utf8") })),
];
const blocks = sources.map((s) => ({ ...s, blocks: readThemeBlocks(s.css) }));
const themes = themeValues(mergeThemeBlocks(blocks.map((b) => b.blocks)));
const THEMES = [
  ["light", themes.light],
  ["dark", themes.dark],
] as const;

/** [foreground, background]: text the app shows on that background. */
const TEXT_PAIRS: Array<[string, string]> = [
  ["--text", "--bg"], ["--text", "--panel"], ["--text", "--panel-alt"], ["--text", "--hover"],
  ["--muted", "--panel"], ["--muted", "--bg"], ["--muted", "--panel-alt"], ["--muted", "--hover"],
  ["--accent", "--panel"], ["--accent", "--bg"], ["--accent", "--panel-alt"], ["--accent", "--hover"],
  ["--accent", "--error-bg"], ["--accent", "--success-bg"], // links inside messages
  ["--accent-text", "--accent"], ["--accent-text", "--accent-hover"],
  ["--danger", "--panel"], ["--danger", "--bg"], ["--danger", "--hover"], ["--danger-text", "--danger"],
  ["--success-text", "--success-bg"], ["--success-text", "--panel"], ["--error-text", "--error-bg"],
  ["--warn-text", "--warn-bg"], ["--info-text", "--info-bg"], ["--badge-text", "--badge-bg"],
  ["--toast-text", "--toast-bg"],
  ["--sidebar-text", "--sidebar-bg"], ["--sidebar-link", "--sidebar-bg"], ["--sidebar-muted", "--sidebar-bg"],
  ["--sidebar-strong", "--sidebar-hover"], ["--sidebar-strong", "--sidebar-current"], ["--sidebar-strong", "--sidebar-control-bg"],
  ["--sidebar-error", "--sidebar-bg"],
];

/** [foreground, background]: focus rings and control borders (WCAG 1.4.11, 3:1). */
const NON_TEXT_PAIRS: Array<[string, string]> = [
  ["--focus", "--panel"], ["--focus", "--bg"], ["--focus", "--sidebar-bg"],
  ["--control-border", "--panel"], ["--sidebar-control-border", "--sidebar-bg"],
];

/** Pairs found by naming convention, across every stylesheet. */
function conventionPairs(vars: TVars): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const name of Object.keys(vars)) {
    const m = /^(--.+)-(text|fg)$/.exec(name);
    if (m && parseColor(vars[name])) pairs.push([name, [`${m[1]}-bg`, m[1]].find((bg) => vars[bg] !== undefined) ?? "--panel"]);
    if (/^--(code|cm|syntax)-/.test(name) && !/(bg|background|border|gutter|selection|cursor|line-?highlight)/.test(name) && parseColor(vars[name])) {
      pairs.push([name, "--panel"], [name, "--panel-alt"]);
    }
  }
  return pairs;
}

function check(pairs: Array<[string, string]>, minimum: number, vars: TVars, theme: string): string[] {
  const failures: string[] = [];
  for (const [fg, bg] of pairs) {
    assert.ok(vars[fg] !== undefined && vars[bg] !== undefined, `${theme}: ${fg} or ${bg} is not defined`);
    const ratio = contrastRatio(vars[fg], vars[bg]);
    if (ratio < minimum) failures.push(`${theme}: ${fg} (${vars[fg]}) on ${bg} (${vars[bg]}) is ${ratio.toFixed(2)}:1, needs ${minimum}:1`);
  }
  return failures;
}

test("text colours meet WCAG AA (4.5:1) in both themes", () => {
  const failures = THEMES.flatMap(([name, vars]) => check([...TEXT_PAIRS, ...conventionPairs(vars)], AA_TEXT, vars, name));
  assert.deepEqual(failures, [], `contrast below AA:\n${failures.join("\n")}`);
});

test("focus rings and control borders meet 3:1 in both themes", () => {
  const failures = THEMES.flatMap(([name, vars]) => check(NON_TEXT_PAIRS, AA_NON_TEXT, vars, name));
  assert.deepEqual(failures, [], `non-text contrast below 3:1:\n${failures.join("\n")}`);
});

test("every stylesheet gives System-dark the same palette as Dark", () => {
  for (const { name, blocks: b } of blocks) {
    assert.deepEqual(b.systemDark, b.dark, `${name}: the @media (prefers-color-scheme: dark) { :root:not([data-theme="light"]) } block must repeat :root[data-theme="dark"] exactly`);
  }
});

test("every colour a stylesheet's light theme sets has a dark value (in that file or globals.css)", () => {
  const darkNames = new Set(Object.keys(mergeThemeBlocks(blocks.map((b) => b.blocks)).dark));
  const globalsOnlyLight = new Set(["--sidebar-text", "--sidebar-link", "--sidebar-muted", "--sidebar-strong", "--sidebar-hover", "--sidebar-current", "--sidebar-control-bg", "--sidebar-control-border", "--sidebar-error"]);
  const missing = blocks.flatMap(({ name, blocks: b }) =>
    Object.entries(b.light)
      .filter(([k, v]) => parseColor(v) && !darkNames.has(k) && !globalsOnlyLight.has(k))
      .map(([k]) => `${name}: ${k}`),
  );
  assert.deepEqual(missing, [], `light colours without a dark value:\n${missing.join("\n")}`);
});

test("rules use colours only through the theme variables", () => {
  const offenders = sources.flatMap(({ name, css }) => literalColours(css).map((l) => `${name}:${l.line}: ${l.text}`));
  assert.deepEqual(offenders, [], `literal colours outside the theme blocks:\n${offenders.join("\n")}`);
});
