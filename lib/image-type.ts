// Raster image types recognised from a file's first bytes, never from a name or a declared type.
// Pure; used for service logos and for the Test dialog's image preview. SVG is never an image here.

export type TRasterType = "image/png" | "image/jpeg" | "image/gif" | "image/webp";

export function sniffRasterType(bytes: Uint8Array): TRasterType | null {
  const starts = (sig: number[], at = 0) => bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  if (starts([0x47, 0x49, 0x46, 0x38])) return "image/gif";
  // RIFF <size> WEBP
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return "image/webp";
  return null;
}
