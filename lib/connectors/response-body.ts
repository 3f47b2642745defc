// How the run API returns an upstream body (SPEC §8): parsed when the upstream says JSON and it
// parses, UTF-8 text when textual, else base64. Pure.

import { jsonDepth, MAX_JSON_DEPTH } from "./json-depth";

export type TBodyEncoding = "json" | "utf8" | "base64";

const TEXTUAL = /^(text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|javascript|ecmascript|x-www-form-urlencoded|yaml|x-yaml|csv|graphql|problem\+json|x-ndjson)\b)/i;
const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json\b/i;
const utf8 = new TextDecoder("utf-8", { fatal: true });

function contentTypeOf(headers: Array<[string, string]>): string {
  for (const [n, v] of headers) if (n.toLowerCase() === "content-type") return v.trim();
  return "";
}

/** The body as the API returns it; `json` is the parsed value when bodyEncoding is "json". */
export function encodeBody(headers: Array<[string, string]>, bytes: Buffer, truncated: boolean): { body: unknown; bodyEncoding: TBodyEncoding } {
  if (bytes.length === 0) return { body: "", bodyEncoding: "utf8" };
  const type = contentTypeOf(headers);
  let text: string | null = null;
  if (TEXTUAL.test(type) || type === "") {
    try {
      text = utf8.decode(bytes);
    } catch {
      text = null; // not UTF-8 (or cut inside a character): base64 below
    }
  }
  // Too deep to serialize again for the API's answer: returned as the text it is.
  if (text !== null && JSON_TYPE.test(type) && !truncated && jsonDepth(text) <= MAX_JSON_DEPTH) {
    try {
      return { body: JSON.parse(text), bodyEncoding: "json" };
    } catch {
      // the upstream said JSON but sent something else: as text
    }
  }
  if (text !== null && (TEXTUAL.test(type) || !/[\u0000-\u0008\u000e-\u001f]/.test(text))) return { body: text, bodyEncoding: "utf8" };
  return { body: bytes.toString("base64"), bodyEncoding: "base64" };
}

/** Headers as one object with lower-case names; repeated ones joined with ", " (RFC 9110 §5.3). */
export function headersObject(headers: Array<[string, string]>): Record<string, string> {
  // No prototype: a header named __proto__ or constructor is a key like any other.
  const out: Record<string, string> = Object.create(null);
  for (const [n, v] of headers) {
    const k = n.toLowerCase();
    out[k] = k in out ? `${out[k]}, ${v}` : v;
  }
  return out;
}
