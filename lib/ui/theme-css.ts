// Reads the theme's custom properties out of a stylesheet, pure: the contrast test checks the real
// CSS files rather than a copy of their colours that could drift.
//   :root { … }                                                      light (and every theme's base)
//   :root[data-theme="dark"] { … }                                   dark, chosen in the account menu
//   @media (prefers-color-scheme: dark) { :root:not([data-theme="light"]) { … } }   dark, by the system

export type TVars = Record<string, string>;
export type TThemeBlocks = { light: TVars; dark: TVars; systemDark: TVars };

type TRule = { selector: string; body: string };

/** Top-level rules of a block of CSS (at-rules included, their body unparsed). */
function rules(css: string): TRule[] {
  const out: TRule[] = [];
  let i = 0;
  while (i < css.length) {
    const open = css.indexOf("{", i);
    if (open < 0) break;
    let depth = 1;
    let j = open + 1;
    for (; j < css.length && depth > 0; j++) {
      if (css[j] === "{") depth++;
      else if (css[j] === "}") depth--;
    }
    // A selector follows the last "}" or ";" (a top-level @import or @charset ends with ";").
    const head = css.slice(i, open);
    const selector = head.slice(head.lastIndexOf(";") + 1).trim();
    out.push({ selector, body: css.slice(open + 1, j - 1) });
    i = j;
  }
  return out;
}

/** The custom properties declared directly in a rule's body. */
export function declarations(body: string): TVars {
  const vars: TVars = {};
  // Only declarations outside nested blocks: strip those first.
  const flat = body.replace(/\{[^{}]*\}/g, "");
  for (const m of flat.matchAll(/(--[\w-]+)\s*:\s*([^;]+?)\s*(?:;|$)/g)) vars[m[1]] = m[2];
  return vars;
}

const normal = (selector: string) => selector.replace(/\s+/g, "").replace(/'/g, '"').replace(/\[data-theme=(\w+)\]/g, '[data-theme="$1"]');
const hasSelector = (selector: string, wanted: string) => selector.split(",").some((s) => normal(s) === wanted);

export function readThemeBlocks(cssText: string): TThemeBlocks {
  const css = cssText.replace(/\/\*[\s\S]*?\*\//g, "");
  const blocks: TThemeBlocks = { light: {}, dark: {}, systemDark: {} };
  for (const rule of rules(css)) {
    if (hasSelector(rule.selector, ":root")) Object.assign(blocks.light, declarations(rule.body));
    else if (hasSelector(rule.selector, ':root[data-theme="dark"]')) Object.assign(blocks.dark, declarations(rule.body));
    else if (/^@media\b/.test(rule.selector) && /prefers-color-scheme\s*:\s*dark/.test(rule.selector)) {
      for (const inner of rules(rule.body)) {
        if (hasSelector(inner.selector, ':root:not([data-theme="light"])')) Object.assign(blocks.systemDark, declarations(inner.body));
      }
    }
  }
  return blocks;
}

/** Merges the blocks of several stylesheets (later files win, as in the cascade). */
export function mergeThemeBlocks(all: TThemeBlocks[]): TThemeBlocks {
  return all.reduce<TThemeBlocks>(
    (acc, b) => ({ light: { ...acc.light, ...b.light }, dark: { ...acc.dark, ...b.dark }, systemDark: { ...acc.systemDark, ...b.systemDark } }),
    { light: {}, dark: {}, systemDark: {} },
  );
}

/** A value with its var(--x[, fallback]) references replaced, from `vars`. */
export function resolveValue(value: string, vars: TVars, seen: ReadonlySet<string> = new Set()): string {
  return value.replace(/var\(\s*(--[\w-]+)\s*(?:,\s*([^)]*))?\)/g, (_all, name: string, fallback?: string) => {
    if (seen.has(name)) throw new Error(`Circular custom property ${name}`);
    const found = vars[name] ?? fallback;
    if (found === undefined) throw new Error(`Undefined custom property ${name}`);
    return resolveValue(found, vars, new Set([...seen, name]));
  });
}

/** Every variable's resolved value in each theme (dark = the light base with the dark block over it). */
export function themeValues(blocks: TThemeBlocks): { light: TVars; dark: TVars } {
  const resolveAll = (vars: TVars) => Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, resolveValue(v, vars)]));
  return { light: resolveAll(blocks.light), dark: resolveAll({ ...blocks.light, ...blocks.dark }) };
}

/** Lines (1-based) outside the theme blocks that write a colour literally instead of through a variable. */
export function literalColours(cssText: string): Array<{ line: number; text: string }> {
  // Comments blanked, lines kept: the numbers stay those of the file.
  const lines = cssText.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " ")).split("\n");
  const found: Array<{ line: number; text: string }> = [];
  let depth = 0;
  let themeDepth = 0; // inside a theme block (where the literal values belong) while depth >= this
  lines.forEach((text, i) => {
    if (!themeDepth && /^\s*(:root(\[data-theme=["']?dark["']?\])?|:root:not\(\[data-theme=["']?light["']?\]\))\s*\{/.test(text)) themeDepth = depth + 1;
    if (!themeDepth && /#[0-9a-f]{3,8}\b|\b(rgba?|hsla?|hwb|lab|lch|oklab|oklch)\(/i.test(text)) found.push({ line: i + 1, text: text.trim() });
    depth += (text.match(/\{/g) ?? []).length - (text.match(/\}/g) ?? []).length;
    if (themeDepth && depth < themeDepth) themeDepth = 0;
  });
  return found;
}
