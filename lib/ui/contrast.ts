// WCAG 2.x colour contrast (relative luminance and contrast ratio), pure: the theme's unit test
// checks the light and dark palettes with it, so a colour change that breaks AA fails before e2e.

export type TRgba = { r: number; g: number; b: number; a: number };

/** WCAG AA minimums: body text, large text (≥ 24 px or bold ≥ 18.66 px), and UI components. */
export const AA_TEXT = 4.5;
export const AA_LARGE_TEXT = 3;
export const AA_NON_TEXT = 3;

const clampByte = (n: number) => Math.min(255, Math.max(0, n));

/** #rgb, #rgba, #rrggbb, #rrggbbaa, rgb()/rgba() (comma or space separated); null for anything else. */
export function parseColor(text: string): TRgba | null {
  const s = text.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(s);
  if (hex) {
    let h = hex[1];
    if (h.length <= 4) h = [...h].map((c) => c + c).join("");
    const byte = (i: number) => parseInt(h.slice(i, i + 2), 16);
    return { r: byte(0), g: byte(2), b: byte(4), a: h.length === 8 ? byte(6) / 255 : 1 };
  }
  const fn = /^rgba?\(\s*([^)]*)\)$/.exec(s);
  if (!fn) return null;
  const parts = fn[1].split(/[\s,/]+/).filter(Boolean);
  if (parts.length !== 3 && parts.length !== 4) return null;
  const channel = (p: string) => (p.endsWith("%") ? (parseFloat(p) / 100) * 255 : parseFloat(p));
  const [r, g, b] = parts.slice(0, 3).map(channel);
  const a = parts[3] === undefined ? 1 : parts[3].endsWith("%") ? parseFloat(parts[3]) / 100 : parseFloat(parts[3]);
  if ([r, g, b, a].some((n) => Number.isNaN(n))) return null;
  return { r: clampByte(r), g: clampByte(g), b: clampByte(b), a: Math.min(1, Math.max(0, a)) };
}

function toColor(c: string | TRgba): TRgba {
  if (typeof c !== "string") return c;
  const parsed = parseColor(c);
  if (!parsed) throw new Error(`Not a colour: ${c}`);
  return parsed;
}

/** `top` painted over an opaque `bottom` (a translucent colour's visible result). */
export function composite(top: string | TRgba, bottom: string | TRgba): TRgba {
  const t = toColor(top);
  const b = toColor(bottom);
  const mix = (x: number, y: number) => x * t.a + y * (1 - t.a);
  return { r: mix(t.r, b.r), g: mix(t.g, b.g), b: mix(t.b, b.b), a: 1 };
}

/** Relative luminance (WCAG 2.x definition, sRGB; 0 = black, 1 = white). Alpha is ignored. */
export function relativeLuminance(colour: string | TRgba): number {
  const c = toColor(colour);
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

/**
 * Contrast ratio of a foreground on a background, 1..21. A translucent foreground is painted over
 * the background first; the background is taken as opaque.
 */
export function contrastRatio(foreground: string | TRgba, background: string | TRgba): number {
  const bg = { ...toColor(background), a: 1 };
  const fg = composite(foreground, bg);
  const [hi, lo] = [relativeLuminance(fg), relativeLuminance(bg)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
