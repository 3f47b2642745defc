// Turns a connector definition plus the inputs of one test/run into the request to send, before
// auth (SPEC §5.3 steps 1–4). Pure: the Test dialog and the REST run API share it, so both put
// the same bytes on the wire. Validation problems come back as one VALIDATION error whose
// fieldErrors name every field at fault, so the dialog can mark them all at once.
import { AppError, firstProblem } from "@/lib/errors";
import type { THeaderList, TOutgoingRequest } from "./types";

export type TConnectorDef = {
  method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  /** May contain {pathParam} segments and {{VAR}} environment variables. */
  urlTemplate: string;
  headers: { name: string; value: string }[];
  queryParams: { name: string; defaultValue: string; required: boolean }[];
  bodyType: "NONE" | "JSON" | "FORM";
  formParams: { name: string; type: "text" | "file" }[];
};

export type TFormField =
  | { name: string; value: string }
  | { name: string; file: { filename: string; contentType: string; bytes: Uint8Array } };

export type TBuildInputs = {
  pathParams?: Record<string, string>;
  /** Repeated names allowed; a defined param that is absent gets its default. */
  queryParams?: Array<[string, string]>;
  /** Overwrites of header values, by name (case-insensitive). */
  headers?: Record<string, string>;
  /** JSON text, for bodyType JSON. */
  body?: string;
  /**
   * The body is data from outside (a listener's message), not text an admin or API caller wrote:
   * sent as it is, {{VAR}} left alone — else a sender could have a secret variable sent upstream.
   */
  bodyVerbatim?: boolean;
  formFields?: TFormField[];
  /** {{VAR}} values of the active environment; null: the variable exists but has no value yet. */
  variables?: Record<string, string | null>;
  /** The active environment's name, for the message about a missing variable; null: none. */
  environmentName?: string | null;
};

type TVars = { values: Record<string, string | null>; environment: string | null };

// One pass over the template for both kinds of placeholder, so a variable's value can never be
// re-read as a path parameter and a path value never as a variable. `{{...}}` is tried first.
const PLACEHOLDER = /\{\{([^{}]*)\}\}|\{([^{}]+)\}/g;
// RFC 7230 §3.2.6 token, as in request-parts.ts validateRequest (which reports INVALID_REQUEST
// without field names; here the user can still fix the input, so VALIDATION with a field key).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// WHATWG URL resolves "." and ".." segments, also spelled with %2e, so a path value that forms
// such a segment would move the request to another path (encodeURIComponent keeps dots).
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;
// Headers that a connector or a run may not set: Host would send the configuration's credentials to
// a virtual host of the caller's choosing on the same address; the others frame the message or the
// connection, which the client (undici) owns — a wrong Content-Length would cut or hang the body.
const RESERVED_HEADERS = new Set(["host", "content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade", "expect", "proxy-connection", "proxy-authorization", "proxy-authenticate"]);
/** Why a header name may not be set on a connector or a run, or null. Pure (the wizard uses it too). */
export function reservedHeaderProblem(name: string): string | null {
  return RESERVED_HEADERS.has(name.toLowerCase()) ? `${name} is set by Patchbay itself and cannot be given` : null;
}
// RFC 2046 bchars without space, so the boundary never needs quoting in Content-Type.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=?]{1,70}$/;

/** The {name} segments of a URL template, in order of first appearance; {{VAR}} is not one. */
export function pathParamNames(urlTemplate: string): string[] {
  const names: string[] = [];
  for (const m of urlTemplate.matchAll(PLACEHOLDER)) {
    if (m[2] !== undefined && !names.includes(m[2])) names.push(m[2]);
  }
  return names;
}

class Problems {
  readonly fields: Record<string, string[]> = {};
  add(field: string, message: string): void {
    (this.fields[field] ??= []).push(message);
  }
  throwIfAny(): void {
    const messages = Object.values(this.fields).flat();
    if (messages.length === 0) return;
    throw new AppError("VALIDATION", firstProblem(messages), this.fields);
  }
}

/**
 * Replaces {{VAR}} in connector text. A variable the environment lacks, or has without a value, is
 * reported against `field`, naming the variable and the environment — never sent literally or empty.
 */
function expand(text: string, vars: TVars, field: string, p: Problems): string {
  return text.replace(/\{\{([^{}]*)\}\}/g, (whole, raw: string) => {
    const name = raw.trim();
    const value = Object.hasOwn(vars.values, name) ? vars.values[name] : undefined;
    if (typeof value === "string") return value;
    const shown = name.slice(0, 100);
    if (vars.environment === null) p.add(field, `{{${shown}}} is an environment variable: choose an environment that defines ${shown}`);
    else if (value === null) p.add(field, `The variable ${shown} has no value in the environment "${vars.environment}": enter it under Environments`);
    else p.add(field, `The environment "${vars.environment}" has no variable ${shown}: define it under Environments`);
    return whole;
  });
}

/** encodeURIComponent, reporting instead of throwing on lone surrogates (not encodable as UTF-8). */
function encode(value: string, field: string, p: Problems): string {
  try {
    return encodeURIComponent(value);
  } catch {
    p.add(field, "Contains a character that cannot be sent (an unpaired surrogate)");
    return "";
  }
}

function buildUrl(def: TConnectorDef, inputs: TBuildInputs, vars: TVars, p: Problems): string {
  const given = inputs.pathParams ?? {};
  const ranges: Array<{ name: string; start: number; end: number }> = [];
  let out = "";
  let last = 0;
  for (const m of def.urlTemplate.matchAll(PLACEHOLDER)) {
    out += def.urlTemplate.slice(last, m.index ?? 0);
    last = (m.index ?? 0) + m[0].length;
    if (m[2] === undefined) {
      out += expand(m[0], vars, "url", p);
      continue;
    }
    const name = m[2];
    const value = Object.hasOwn(given, name) ? given[name] : "";
    // An empty value would leave "//" or a dangling segment: treated like a missing one.
    if (value === "") p.add(`pathParams.${name}`, `Enter ${name}`);
    const encoded = encode(value, `pathParams.${name}`, p);
    ranges.push({ name, start: out.length, end: out.length + encoded.length });
    out += encoded;
  }
  out += def.urlTemplate.slice(last);

  // The fragment never goes on the wire, and the query must be inserted before it.
  const hash = out.indexOf("#");
  if (hash >= 0) out = out.slice(0, hash);
  const queryAt = out.indexOf("?");
  let offset = 0;
  for (const seg of (queryAt >= 0 ? out.slice(0, queryAt) : out).split("/")) {
    const hit = ranges.find((r) => r.start < offset + seg.length && r.end > offset);
    if (hit && DOT_SEGMENT.test(seg)) p.add(`pathParams.${hit.name}`, `${hit.name} cannot be "." or ".."`);
    offset += seg.length + 1;
  }

  const query = buildQuery(def, inputs, vars, p);
  if (query) out += (queryAt < 0 ? "?" : /[?&]$/.test(out) ? "" : "&") + query;
  return out;
}

/** Parsed only once everything else is fine: a missing value explains itself better than "invalid URL". */
function checkUrl(raw: string): string {
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    // reported below
  }
  if (url?.protocol !== "http:" && url?.protocol !== "https:") {
    throw new AppError("VALIDATION", "The URL must be an absolute http:// or https:// URL", { url: ["Enter an absolute http:// or https:// URL"] });
  }
  return url.href;
}

/** Defined params first in their order (given values, else the default), then undefined extras. */
function buildQuery(def: TConnectorDef, inputs: TBuildInputs, vars: TVars, p: Problems): string {
  const given = inputs.queryParams ?? [];
  const defined = new Set(def.queryParams.map((q) => q.name));
  const pairs: Array<[string, string]> = [];
  for (const q of def.queryParams) {
    const values = given.filter(([n]) => n === q.name).map(([, v]) => v);
    if (values.length > 0) {
      pairs.push(...values.map((v): [string, string] => [q.name, v]));
      if (q.required && values.every((v) => v === "")) p.add(`queryParams.${q.name}`, `Enter ${q.name}`);
      continue;
    }
    const fallback = expand(q.defaultValue, vars, `queryParams.${q.name}`, p);
    if (fallback !== "") pairs.push([q.name, fallback]);
    else if (q.required) p.add(`queryParams.${q.name}`, `Enter ${q.name}`);
  }
  pairs.push(...given.filter(([n]) => !defined.has(n)));
  const field = (n: string) => `queryParams.${n}`;
  return pairs.map(([n, v]) => `${encode(n, field(n), p)}=${encode(v, field(n), p)}`).join("&");
}

function buildHeaders(def: TConnectorDef, inputs: TBuildInputs, vars: TVars, p: Problems): THeaderList {
  const headers: THeaderList = def.headers.map((h) => [h.name, h.value]);
  for (const [name, value] of Object.entries(inputs.headers ?? {})) {
    const lower = name.toLowerCase();
    const at = headers.findIndex(([n]) => n.toLowerCase() === lower);
    if (at < 0) {
      headers.push([name, value]);
      continue;
    }
    // The connector's spelling of the name is kept; later repeats would contradict the overwrite.
    headers[at] = [headers[at][0], value];
    for (let i = headers.length - 1; i > at; i--) if (headers[i][0].toLowerCase() === lower) headers.splice(i, 1);
  }
  return headers.map(([name, raw]) => {
    const field = `headers.${name}`;
    const shown = JSON.stringify(name.slice(0, 60)); // escapes CR/LF in a bad name; values are never shown
    if (!TOKEN.test(name)) p.add(field, `Header name ${shown} is not valid: use letters, digits and !#$%&'*+-.^_\`|~`);
    else if (reservedHeaderProblem(name)) p.add(field, reservedHeaderProblem(name)!);
    const value = expand(raw, vars, field, p);
    if (/[\r\n\0]/.test(value)) p.add(field, `The value of header ${shown} contains a line break or NUL character`);
    // undici writes header values as latin1: anything beyond would be silently garbled.
    else if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) p.add(field, `The value of header ${shown} contains characters that cannot be sent in a header`);
    return [name, value];
  });
}

/** WHATWG multipart/form-data escaping for names and filenames (what browsers and undici send). */
function escapeQuoted(s: string): string {
  return s.replace(/\n/g, "%0A").replace(/\r/g, "%0D").replace(/"/g, "%22");
}

// No Buffer here: the wizard imports this module in the browser (pathParamNames).
function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function randomBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "----PatchbayFormBoundary" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function buildMultipart(fields: TFormField[], vars: TVars, p: Problems, given?: string): { body: Uint8Array; boundary: string } {
  const utf8 = new TextEncoder();
  const parts = fields.map((f) => {
    const field = `formFields.${f.name}`;
    let head = `Content-Disposition: form-data; name="${escapeQuoted(f.name)}"`;
    if ("value" in f) return { head: head + "\r\n", data: utf8.encode(expand(f.value, vars, field, p)) };
    // The part's Content-Type is a header inside the body: a line break there would forge headers.
    const type = f.file.contentType || "application/octet-stream";
    if (/[^\t\x20-\x7e]/.test(type)) p.add(field, `The content type of file ${JSON.stringify(f.file.filename)} is not valid`);
    head += `; filename="${escapeQuoted(f.file.filename)}"\r\nContent-Type: ${type}\r\n`;
    return { head, data: f.file.bytes };
  });
  if (given !== undefined && !BOUNDARY.test(given)) throw new Error(`Invalid multipart boundary ${JSON.stringify(given)}`);
  let boundary = given ?? randomBoundary();
  // A boundary that occurs inside a part would end it early; with 128 random bits this only
  // happens for a chosen boundary, but checking is cheap.
  while (parts.some((part) => contains(part.data, utf8.encode(`--${boundary}`)))) {
    if (given !== undefined) throw new Error("The multipart boundary occurs in a part's content");
    boundary = randomBoundary();
  }
  const chunks: Uint8Array[] = [];
  for (const part of parts) chunks.push(utf8.encode(`--${boundary}\r\n${part.head}\r\n`), part.data, utf8.encode("\r\n"));
  chunks.push(utf8.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  chunks.reduce((at, c) => (body.set(c, at), at + c.byteLength), 0);
  return { body, boundary };
}

export function buildRequest(def: TConnectorDef, inputs: TBuildInputs, opts: { boundary?: string } = {}): TOutgoingRequest {
  const vars: TVars = { values: inputs.variables ?? {}, environment: inputs.environmentName ?? null };
  const p = new Problems();
  const rawUrl = buildUrl(def, inputs, vars, p);
  const headers = buildHeaders(def, inputs, vars, p);
  const hasContentType = headers.some(([n]) => n.toLowerCase() === "content-type");
  let body: Uint8Array | null = null;

  // An empty JSON editor means "no body" rather than a parse error the user did not ask for.
  if (def.bodyType === "JSON" && inputs.body !== undefined && inputs.body.trim() !== "") {
    const text = inputs.bodyVerbatim ? inputs.body : expand(inputs.body, vars, "body", p);
    try {
      JSON.parse(text);
      // Sent as typed (after variables): re-serializing would change numbers, order and spacing.
      body = new TextEncoder().encode(text);
      if (!hasContentType) headers.push(["Content-Type", "application/json"]);
    } catch (e) {
      p.add("body", `The request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else if (def.bodyType === "FORM") {
    p.throwIfAny(); // before building a possibly large body
    const form = buildMultipart(inputs.formFields ?? [], vars, p, opts.boundary);
    body = form.body;
    // The boundary must be the one in the body, so this replaces any Content-Type set by hand.
    const kept = headers.filter(([n]) => n.toLowerCase() !== "content-type");
    headers.splice(0, headers.length, ...kept, ["Content-Type", `multipart/form-data; boundary=${form.boundary}`]);
  }
  p.throwIfAny();
  return { method: def.method, url: checkUrl(rawUrl), headers, body };
}
