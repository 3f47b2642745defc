// JSON text helpers shared by the editor, the viewer and the formatting worker. Pure: no DOM, no
// CodeMirror, so the page's own bundle can use them without loading the editor.

/** null when `text` is empty or valid JSON, else the parser's complaint. */
export function jsonProblem(text: string): string | null {
  if (text.trim() === "") return null;
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    return `Not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
}

export type TFormatted = { ok: true; text: string } | { ok: false };

/** `text` indented by two spaces, or not ok when it is not JSON (a truncated body, say). */
export function formatJson(text: string): TFormatted {
  try {
    return { ok: true, text: JSON.stringify(JSON.parse(text), null, 2) };
  } catch {
    return { ok: false };
  }
}

/**
 * Up to this many bytes a body is formatted on the main thread: JSON.parse + stringify of 256 KB
 * take a few milliseconds, less than starting a worker. Larger ones go to the worker, because 10 MB
 * take several hundred milliseconds — far over the 200 ms the page may be blocked.
 */
export const FORMAT_INLINE_MAX = 256 * 1024;
