// How the Test dialog shows a response body. Pure; decided from the bytes first (a server's
// Content-Type is a hint), so nothing is ever rendered as HTML or SVG (SPEC §11).

import { sniffRasterType, type TRasterType } from "@/lib/image-type";

export type TBodyKind = { kind: "empty" } | { kind: "image"; mime: TRasterType } | { kind: "json" } | { kind: "text" } | { kind: "binary" };

/** Text when the first 64 KB decode as UTF-8 (a character cut at the end allowed) without control characters. */
function looksLikeText(b: Uint8Array): boolean {
  try {
    const head = new TextDecoder("utf-8", { fatal: true }).decode(b.subarray(0, 65536), { stream: true });
    return !/[\0-\x08\x0e-\x1a\x1c-\x1f\x7f]/.test(head);
  } catch {
    return false;
  }
}

export function bodyKind(bytes: Uint8Array, contentType: string | undefined): TBodyKind {
  if (bytes.byteLength === 0) return { kind: "empty" };
  const mime = sniffRasterType(bytes);
  if (mime) return { kind: "image", mime };
  if (!looksLikeText(bytes)) return { kind: "binary" };
  const type = (contentType ?? "").toLowerCase();
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09 || bytes[i] === 0xef || bytes[i] === 0xbb || bytes[i] === 0xbf)) i++;
  const first = bytes[i];
  if (/[/+]json\b/.test(type) || first === 0x7b || first === 0x5b) return { kind: "json" };
  return { kind: "text" };
}

export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
