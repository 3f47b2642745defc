// "Copy as cURL" for the Test dialog: the masked "Request sent" record as one shell command.
// Pure; runs on the server so the browser never sees anything the record does not already show.
import type { TSentRequest } from "./types";

export type TCurlBody =
  | { kind: "none" }
  | { kind: "text"; text: string }
  | { kind: "form"; fields: Array<{ name: string; value: string } | { name: string; filename: string; contentType: string }> }
  | { kind: "binary"; bytes: number };

/** POSIX shell single quotes: nothing inside is interpreted; a quote is closed, escaped, reopened. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

// curl computes these itself; passing them would be wrong (Content-Length) or duplicate (Host).
const CURL_OWN = new Set(["host", "content-length", "connection"]);

/** -F values: curl reads `@` and `<` as file references and `;` as a parameter separator. */
function formValue(value: string): string {
  return /^[@<]|[;"]/.test(value) ? `"${value.replace(/["\\]/g, "\\$&")}"` : value;
}

export function toCurl(sent: TSentRequest, body: TCurlBody): string {
  const lines = [`curl -X ${sent.method} ${shellQuote(sent.url)}`];
  for (const [name, value] of sent.headers) {
    const lower = name.toLowerCase();
    if (CURL_OWN.has(lower)) continue;
    // -F writes its own multipart Content-Type with its own boundary.
    if (body.kind === "form" && lower === "content-type") continue;
    lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  if (body.kind === "text") lines.push(`--data-raw ${shellQuote(body.text)}`);
  else if (body.kind === "binary") lines.push(`--data-binary @body.bin  # ${body.bytes} bytes, not shown`);
  else if (body.kind === "form") {
    for (const f of body.fields) {
      const part = "filename" in f ? `${f.name}=@${formValue(f.filename)};type=${f.contentType}` : `${f.name}=${formValue(f.value)}`;
      lines.push(`-F ${shellQuote(part)}`);
    }
  }
  return lines.join(" \\\n  ");
}
