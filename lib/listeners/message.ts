// Stored inbound messages (SPEC §10, issue 13 items 2, 4 and 5): which headers are credentials,
// how a body is shown, and the cURL example a partner can copy. Pure. A listener is a mailbox, not
// a validator: nothing here refuses a body, it only decides how to show it.
import { shellQuote } from "@/lib/http/curl";
import type { TSenderAuthMode } from "./schema";
import { curlAuthArgs } from "./sender-auth";

export const REDACTED = "[redacted]";

// Credentials whatever the listener's mode: a sender may send them even when nothing checks them.
const ALWAYS_REDACTED = ["authorization", "proxy-authorization", "cookie", "webhook-signature", "x-api-key"];

/** Whether the header's value is stored as "[redacted]" for a listener with this sender authentication. */
export function isRedactedHeader(name: string, auth: { mode: TSenderAuthMode; headerName?: string }): boolean {
  const lower = name.toLowerCase();
  return ALWAYS_REDACTED.includes(lower) || ((auth.mode === "SHARED_SECRET" || auth.mode === "HMAC") && !!auth.headerName && auth.headerName.toLowerCase() === lower);
}

/** The headers to store: values of credential headers (names case-insensitive) replaced by "[redacted]". */
export function redactHeaders(headers: Array<[string, string]>, auth: { mode: TSenderAuthMode; headerName?: string }): Array<[string, string]> {
  const secret = new Set(ALWAYS_REDACTED);
  if ((auth.mode === "SHARED_SECRET" || auth.mode === "HMAC") && auth.headerName) secret.add(auth.headerName.toLowerCase());
  return headers.map(([name, value]) => [name, secret.has(name.toLowerCase()) ? REDACTED : value]);
}

export type TMessageBodyKind = "json" | "xml" | "text" | "binary";

const utf8Strict = new TextDecoder("utf-8", { fatal: true });
// Control characters other than \t \n \r: a body holding them is not meant to be read as text.
const CONTROL = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f]/;

function declaredKind(contentType: string | null): Exclude<TMessageBodyKind, "binary"> | null {
  const mime = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (mime === "application/json" || mime.endsWith("+json")) return "json";
  if (mime === "text/xml" || mime === "application/xml" || mime.endsWith("+xml")) return "xml";
  if (mime.startsWith("text/") || mime === "application/x-www-form-urlencoded") return "text";
  return null;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function classify(contentType: string | null, body: Uint8Array): { kind: TMessageBodyKind; text: string | null } {
  let text: string;
  try {
    text = utf8Strict.decode(body);
  } catch {
    // Bytes that are not UTF-8 are shown as bytes, whatever the sender declared.
    return { kind: "binary", text: null };
  }
  const declared = declaredKind(contentType);
  if (declared) return { kind: declared, text };
  if (CONTROL.test(text)) return { kind: "binary", text: null };
  if (isJson(text)) return { kind: "json", text };
  return { kind: text.trimStart().startsWith("<") ? "xml" : "text", text };
}

/**
 * How a body is shown (and, through the API, whether it is sent as text or base64): by its
 * declared content type when the bytes are UTF-8, otherwise by sniffing. Never "json" for bytes
 * that are not UTF-8.
 */
export function bodyKind(contentType: string | null, body: Uint8Array): TMessageBodyKind {
  return classify(contentType, body).kind;
}

/**
 * JSON re-indented by two spaces without being re-serialised: numbers (1e400,
 * 12345678901234567890), escapes and repeated keys stay exactly as the sender wrote them.
 * `json` must already be valid JSON.
 */
export function reindentJson(json: string): string {
  let out = "";
  let depth = 0;
  const newline = () => `\n${"  ".repeat(depth)}`;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < json.length && json[j] !== '"') j += json[j] === "\\" ? 2 : 1;
      out += json.slice(i, j + 1);
      i = j;
    } else if (c === "{" || c === "[") {
      let j = i + 1;
      while (/[ \t\r\n]/.test(json[j] ?? "")) j++;
      if (json[j] === "}" || json[j] === "]") {
        out += c + json[j];
        i = j;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === "}" || c === "]") {
      depth--;
      out += newline() + c;
    } else if (c === ",") out += `,${newline()}`;
    else if (c === ":") out += ": ";
    else if (!/[ \t\r\n]/.test(c)) out += c;
  }
  return out;
}

const HEX_PREVIEW_BYTES = 512;

/** `hexdump -C` layout: offset, 16 bytes in two groups of 8, the printable ASCII between bars. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.subarray(offset, offset + 16);
    let hex = "";
    let ascii = "";
    for (let k = 0; k < 16; k++) {
      const b = row[k];
      hex += b === undefined ? "   " : `${b.toString(16).padStart(2, "0")} `;
      if (k === 7) hex += " ";
      if (b !== undefined) ascii += b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : ".";
    }
    lines.push(`${offset.toString(16).padStart(8, "0")}  ${hex} |${ascii}|`);
  }
  return lines.join("\n");
}

export type TBodyPreview = { kind: TMessageBodyKind; text?: string; hex?: string; size: number; truncated: boolean };

/**
 * What the message view shows: JSON (under a JSON content type, or sniffed) re-indented when it
 * parses and fits in `maxBytes`; other text as sent, cut at `maxBytes` on a character boundary;
 * binary as a hex dump of the first 512 bytes. `truncated` says the preview is not the whole body.
 */
export function bodyPreview(contentType: string | null, body: Uint8Array, maxBytes = 65536): TBodyPreview {
  const size = body.byteLength;
  const { kind, text } = classify(contentType, body);
  if (kind === "binary" || text === null) {
    return { kind: "binary", hex: hexDump(body.subarray(0, HEX_PREVIEW_BYTES)), size, truncated: size > HEX_PREVIEW_BYTES };
  }
  if (size > maxBytes) {
    // stream: a character cut at the end is held back rather than shown as U+FFFD.
    return { kind, text: new TextDecoder("utf-8").decode(body.subarray(0, maxBytes), { stream: true }), size, truncated: true };
  }
  return { kind, text: kind === "json" && isJson(text) ? reindentJson(text) : text, size, truncated: false };
}

/** A file extension for a body by its declared content type: json, xml, txt or bin. */
export function bodyExtension(contentType: string | null): string {
  const kind = declaredKind(contentType);
  return kind === "json" ? "json" : kind === "xml" ? "xml" : kind === "text" ? "txt" : "bin";
}

/**
 * A ready cURL command for the listener's URL with its sender authentication, secrets as
 * placeholders. GET and DELETE are shown without a body.
 */
export function curlExample(input: {
  url: string;
  method: string;
  auth: Parameters<typeof curlAuthArgs>[0];
  contentType?: string;
}): string {
  const { url, method, auth, contentType = "application/json" } = input;
  const withBody = method !== "GET" && method !== "DELETE";
  const lines = [`curl -X ${/^[A-Z]+$/.test(method) ? method : shellQuote(method)} ${shellQuote(url)}`];
  if (withBody) lines.push(`-H ${shellQuote(`Content-Type: ${contentType}`)}`);
  lines.push(...curlAuthArgs(auth));
  if (withBody) lines.push(`--data-binary @message.${bodyExtension(contentType)}`);
  return lines.join(" \\\n  ");
}
