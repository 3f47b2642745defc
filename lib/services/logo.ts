// Logo uploads: PNG, JPEG or WebP up to 1 MB, recognised from the bytes (never from the name or the
// declared type), so nothing uploaded is ever served as HTML or SVG. Pure.
import { AppError } from "@/lib/errors";
import { sniffRasterType } from "@/lib/image-type";

export const MAX_LOGO_BYTES = 1024 * 1024;

export type TLogoType = "image/png" | "image/jpeg" | "image/webp";

/** The logo's type from the file's first bytes (PNG, JPEG or WebP), or null. */
export function sniffImageType(bytes: Uint8Array): TLogoType | null {
  const type = sniffRasterType(bytes);
  return type === "image/gif" ? null : type;
}

/** Decodes and checks an uploaded logo (base64). Throws AppError VALIDATION on the "logo" field. */
export function parseLogo(base64: string): { bytes: Buffer; contentType: TLogoType } {
  const fail = (message: string) => new AppError("VALIDATION", message, { logo: [message] });
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw fail("The logo could not be read. Choose the file again.");
  const bytes = Buffer.from(base64, "base64");
  if (bytes.length === 0) throw fail("The logo file is empty.");
  if (bytes.length > MAX_LOGO_BYTES) throw fail("The logo is larger than 1 MB.");
  const contentType = sniffImageType(bytes);
  if (!contentType) throw fail("The logo must be a PNG, JPEG or WebP image.");
  return { bytes, contentType };
}
