// How the Test dialog shows a response body. Pure; decided from the bytes first (a server's
// Content-Type is a hint), so nothing is ever rendered as HTML or SVG (SPEC §11).

export type TBodyKind = { kind: "empty" } | { kind: "image"; mime: "image/png" | "image/jpeg" | "image/gif" | "image/webp" } | { kind: "json" } | { kind: "text" } | { kind: "binary" };

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((x, i) => b[at + i] === x);

function imageMime(b: Uint8Array): Extract<TBodyKind, { kind: "image" }>["mime"] | null {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(b, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(b, [0x47, 0x49, 0x46, 0x38])) return "image/gif";
  if (startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8)) return "image/webp";
  return null;
}

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
  const mime = imageMime(bytes);
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
