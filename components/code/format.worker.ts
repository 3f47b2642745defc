// Formats a JSON body off the main thread: decoding, parsing and indenting 10 MB take several
// hundred milliseconds, which on the page would freeze it (issue 15: ≤ 200 ms blocked). The lines
// go back in chunks, one message each: the page then never copies or splits 15 MB in one task.
import { formatJson, lineChunks, type TFormatChunk } from "./json-text";

type TScope = { onmessage: ((e: MessageEvent<Uint8Array>) => void) | null; postMessage(message: TFormatChunk): void };
const scope = self as unknown as TScope;

scope.onmessage = (e) => {
  const formatted = formatJson(new TextDecoder().decode(e.data));
  if (!formatted.ok) return scope.postMessage({ ok: false });
  const chunks = lineChunks(formatted.text);
  chunks.forEach((lines, i) => scope.postMessage({ ok: true, lines, last: i === chunks.length - 1 }));
};
