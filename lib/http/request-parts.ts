// Request validation, credential stripping for cross-origin redirects, and the masked "Request
// sent" record. Pure.
import { AppError } from "@/lib/errors";
import { formatSize } from "./body-kind";
import { MASK, type THeaderList, type TOutgoingRequest, type TSensitive, type TSentRequest } from "./types";

// RFC 7230 §3.2.6 token: header names and methods.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const PREVIEW_BYTES = 2048;

/** Always treated as credentials, whatever the strategy says: connector headers may carry tokens. */
const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "cookie"];

/** Throws INVALID_REQUEST for what must never reach the wire. Values are not echoed (may be secret). */
export function validateRequest(req: TOutgoingRequest, maxRequestBytes: number): void {
  if (!TOKEN.test(req.method)) throw new AppError("INVALID_REQUEST", `"${req.method.slice(0, 20)}" is not a valid HTTP method`);
  for (const [name, value] of req.headers) {
    if (!TOKEN.test(name)) {
      throw new AppError("INVALID_REQUEST", `Header name ${JSON.stringify(name.slice(0, 60))} is not valid: use letters, digits and !#$%&'*+-.^_\`|~`);
    }
    if (/[\r\n\0]/.test(value)) {
      throw new AppError("INVALID_REQUEST", `The value of header ${name} contains a line break or NUL character, which is not allowed`);
    }
    // undici writes header values as latin1: anything beyond would be silently garbled.
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) {
      throw new AppError("INVALID_REQUEST", `The value of header ${name} contains characters that cannot be sent in an HTTP header`);
    }
  }
  const size = req.body?.byteLength ?? 0;
  if (size > maxRequestBytes) {
    throw new AppError("PAYLOAD_TOO_LARGE", `The request body is ${formatSize(size)}; the limit is ${formatSize(maxRequestBytes)}`);
  }
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}

/**
 * Rewrites the query of `url` param by param, keeping the other params byte for byte (re-encoding
 * through URLSearchParams would change what the server receives). `fn` returns the new raw
 * `name=value` text, or null to drop the param. The fragment is dropped: it never goes on the wire.
 */
function mapQuery(url: string, fn: (name: string, raw: string) => string | null): string {
  const u = new URL(url);
  const head = u.href.slice(0, u.href.length - u.search.length - u.hash.length);
  if (!u.search) return head;
  const parts = u.search
    .slice(1)
    .split("&")
    .flatMap((raw) => {
      const out = fn(decodeName(raw.split("=")[0]), raw);
      return out === null ? [] : [out];
    });
  return parts.length ? `${head}?${parts.join("&")}` : head;
}

export function maskQuery(url: string, names: readonly string[]): string {
  if (names.length === 0) {
    // Nothing to mask (the common case, on every response): only drop a fragment. Request URLs
    // reach here already normalized (checkUrl), so without a fragment there is nothing to do.
    if (!url.includes("#")) return url;
    const u = new URL(url);
    u.hash = "";
    return u.href;
  }
  return mapQuery(url, (name, raw) => (names.includes(name) ? `${raw.split("=")[0]}=${MASK}` : raw));
}

export function removeQuery(url: string, names: readonly string[]): string {
  return mapQuery(url, (name, raw) => (names.includes(name) ? null : raw));
}

function sensitiveHeaderNames(sensitive: TSensitive): string[] {
  return [...CREDENTIAL_HEADERS, ...sensitive.headers.map((h) => h.toLowerCase())];
}

/** For a redirect to another origin: no credentials of any kind travel with it. */
export function stripCredentials(req: TOutgoingRequest, sensitive: TSensitive): TOutgoingRequest {
  // Connector headers may carry tokens under any name, so a hop to another origin keeps only
  // headers known to carry none (an allowlist, not a blocklist).
  const drop = sensitiveHeaderNames(sensitive);
  return {
    ...req,
    url: removeQuery(req.url, sensitive.query),
    headers: req.headers.filter(([n]) => CROSS_ORIGIN_SAFE_HEADERS.has(n.toLowerCase()) && !drop.includes(n.toLowerCase())),
  };
}

/** Headers that follow a redirect to another origin; every other header is dropped there. */
export const CROSS_ORIGIN_SAFE_HEADERS = new Set([
  "accept",
  "accept-language",
  "accept-encoding",
  "cache-control",
  "content-type",
  "if-match",
  "if-none-match",
  "if-modified-since",
  "if-unmodified-since",
  "pragma",
  "user-agent",
]);

function headerValue(headers: THeaderList, name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

/** First 2 KB as text when the body is text (valid UTF-8 without control characters). */
function preview(body: Uint8Array, contentType: string | undefined, sensitive: TSensitive): string | undefined {
  const head = body.subarray(0, PREVIEW_BYTES);
  let text: string;
  try {
    // stream: true tolerates a character cut in half at the 2 KB boundary.
    text = new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
  } catch {
    return undefined;
  }
  if (/[\0-\x08\x0e-\x1f\x7f]/.test(text)) return undefined;
  // Token requests carry client secrets and passwords in form bodies: mask those fields as in the query.
  if (contentType?.toLowerCase().startsWith("application/x-www-form-urlencoded") && sensitive.query.length) {
    text = text
      .split("&")
      .map((p) => (sensitive.query.includes(decodeName(p.split("=")[0])) ? `${p.split("=")[0]}=${MASK}` : p))
      .join("&");
  }
  return text;
}

/** Shorter secret values are not searched for: masking every "a" would hide the request, not a secret. */
const MIN_MASKED_VALUE = 4;

/**
 * `text` with every occurrence of the values (as typed, and percent-encoded as a URL carries them)
 * replaced by MASK; a value cut off at the end of a preview is masked too. Pure.
 */
export function maskValues(text: string, values: readonly string[] | undefined, opts: { truncated?: boolean } = {}): string {
  if (!values?.length) return text;
  const forms = [...new Set(values.filter((v) => v.length >= MIN_MASKED_VALUE).flatMap((v) => [v, encodeURI(v), encodeURIComponent(v)]))].sort((a, b) => b.length - a.length);
  let out = text;
  for (const f of forms) out = out.split(f).join(MASK);
  if (opts.truncated) {
    for (const f of forms) {
      for (let n = Math.min(f.length - 1, out.length); n >= MIN_MASKED_VALUE; n--) {
        if (out.endsWith(f.slice(0, n))) {
          out = out.slice(0, out.length - n) + MASK;
          break;
        }
      }
    }
  }
  return out;
}

/** The request as it went over the wire, with every secret value replaced by MASK. */
export function maskedSent(req: TOutgoingRequest, sensitive: TSensitive): TSentRequest {
  const mask = sensitiveHeaderNames(sensitive);
  const body = req.body ?? null;
  const values = sensitive.values;
  const shown = body && body.byteLength ? preview(body, headerValue(req.headers, "content-type"), sensitive) : undefined;
  return {
    method: req.method,
    url: maskValues(maskQuery(req.url, sensitive.query), values),
    headers: req.headers.map(([n, v]) => [n, mask.includes(n.toLowerCase()) ? MASK : maskValues(v, values)]),
    bodyBytes: body?.byteLength ?? 0,
    bodyPreview: shown === undefined ? undefined : maskValues(shown, values, { truncated: body!.byteLength > PREVIEW_BYTES }),
  };
}

// undici's Client adds these itself (lib/dispatcher/client-h1.js): a Host header, "connection:
// keep-alive", and a Content-Length for a body, or 0 for POST/PUT/PATCH without one.
const EXPECTS_PAYLOAD = new Set(["POST", "PUT", "PATCH", "QUERY"]);

/** The "Request sent" record with the headers undici adds on the wire, so it shows all the server got. */
export function withWireHeaders(sent: TSentRequest, host: string = new URL(sent.url).host): TSentRequest {
  const has = (name: string) => sent.headers.some(([n]) => n.toLowerCase() === name);
  const headers: THeaderList = [];
  if (!has("host")) headers.push(["host", host]);
  if (!has("connection")) headers.push(["connection", "keep-alive"]);
  headers.push(...sent.headers);
  if (!has("content-length") && (sent.bodyBytes > 0 || EXPECTS_PAYLOAD.has(sent.method))) headers.push(["content-length", String(sent.bodyBytes)]);
  return { ...sent, headers };
}
