// How deeply a JSON text nests, without parsing it: the API refuses (request) or returns as text
// (upstream answer) JSON too deep to serialize again. Pure.

/** Deeper JSON is refused or kept as text: serializing it again would overflow the stack. */
export const MAX_JSON_DEPTH = 256;

/** How deeply `text` nests arrays and objects, counted without parsing (strings skipped). Pure. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) max = Math.max(max, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return max;
}

