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
 * A document for the viewer: one string, or its lines in chunks (a large body, split in the worker:
 * splitting 15 MB of indented JSON into lines on the page would block it for a few hundred ms, and
 * each chunk arrives in a message of its own, so no single task copies all of them).
 */
export type TJsonText = string | { chunks: string[][] };

/** One message of the formatting worker: a chunk of lines (the last one says so), or not JSON. */
export type TFormatChunk = { ok: true; lines: string[]; last: boolean } | { ok: false };

/** `text`'s lines in chunks of at most `maxLines` lines and about `maxChars` characters (a longer line is a chunk of its own). */
export function lineChunks(text: string, maxLines = 16_384, maxChars = 512 * 1024): string[][] {
  // "\n" only: JSON.stringify writes no other line break (those inside strings are escaped).
  const lines = text.split("\n");
  const chunks: string[][] = [];
  let chunk: string[] = [];
  let chars = 0;
  for (const line of lines) {
    if (chunk.length > 0 && (chunk.length >= maxLines || chars + line.length > maxChars)) {
      chunks.push(chunk);
      chunk = [];
      chars = 0;
    }
    chunk.push(line);
    chars += line.length + 1;
  }
  chunks.push(chunk);
  return chunks;
}

/** The beginning of a document, about `max` characters, "…" on a line of its own when there is more. */
export function textHead(text: TJsonText, max: number): string {
  if (typeof text === "string") return text.length > max ? `${text.slice(0, max)}\n…` : text;
  const out: string[] = [];
  let chars = 0;
  for (const chunk of text.chunks) {
    for (const line of chunk) {
      if (chars >= max) return `${out.join("\n")}\n…`;
      out.push(line);
      chars += line.length + 1;
    }
  }
  return out.join("\n");
}

/**
 * Up to this many bytes a body is formatted on the main thread: JSON.parse + stringify of 256 KB
 * take a few milliseconds, less than starting a worker. Larger ones go to the worker, because 10 MB
 * take several hundred milliseconds — far over the 200 ms the page may be blocked.
 */
export const FORMAT_INLINE_MAX = 256 * 1024;
