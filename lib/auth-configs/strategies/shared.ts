// Small pure helpers shared by the strategies: header-list edits and RFC 3986 encoding.
import { AppError } from "@/lib/errors";
import type { THeaderList, TOutgoingRequest } from "@/lib/http/types";

/** RFC 9110 token: what a header or parameter name may be made of. */
const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isToken(s: string): boolean {
  return TOKEN_RE.test(s);
}

/** Values of every header called `name` (case-insensitive), in order. */
export function headerValues(headers: THeaderList, name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** The request with every header called `name` removed and `name: value` appended last, so the
 * authentication header wins over connector headers and overwrites (SPEC §5.3 step 3). */
export function withHeader(req: TOutgoingRequest, name: string, value: string): TOutgoingRequest {
  const lower = name.toLowerCase();
  const headers: THeaderList = req.headers.filter(([n]) => n.toLowerCase() !== lower);
  headers.push([name, value]);
  return { ...req, headers };
}

/** Percent-encodes everything but RFC 3986 unreserved characters (encodeURIComponent leaves
 * !'()* alone, which servers and signers treat differently). */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Decodes one query-string component like URLSearchParams does ("+" is a space), but keeps the
 * raw text when it holds a malformed escape instead of throwing. */
export function decodeQueryComponent(s: string): string {
  const spaced = s.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Splits a raw query ("?a=1&b" or "a=1&b") into its pieces; empty pieces are dropped. */
export function queryPieces(search: string): string[] {
  const raw = search.startsWith("?") ? search.slice(1) : search;
  return raw.split("&").filter((p) => p !== "");
}

/** Decoded name of one raw query piece ("a%20b=c" → "a b"). */
export function pieceName(piece: string): string {
  const eq = piece.indexOf("=");
  return decodeQueryComponent(eq < 0 ? piece : piece.slice(0, eq));
}

/** Rejects values that would be unsafe in a header (CR, LF, NUL): they would split the request. */
export function assertHeaderValue(field: string, value: string): void {
  if (/[\r\n\0]/.test(value)) {
    throw new AppError("VALIDATION", `${field} cannot contain line breaks.`, {
      [field]: ["Line breaks are not allowed."],
    });
  }
}

/** Parses the request URL; a strategy only ever sees absolute http(s) URLs. */
export function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new AppError("INVALID_REQUEST", "The request URL is not a valid absolute URL.");
  }
}
