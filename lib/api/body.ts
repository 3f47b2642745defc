// Reading /api/v1 request bodies: a size cap refused before the body is read past it (413), the
// media type checked (415), UTF-8 and JSON checked (400). Never a 500 for what a client sends.
// eslint-disable-next-line no-restricted-imports -- inbound: the lean server's request type
import type { IncomingMessage } from "node:http";
import { formatSize } from "@/lib/http/body-kind";
import { jsonDepth, MAX_JSON_DEPTH } from "@/lib/connectors/json-depth";
import { ApiError } from "./errors";

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function tooLarge(max: number): ApiError {
  return new ApiError(413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${formatSize(max)}.`, undefined, { Connection: "close" });
}

/** The body bytes, at most `max`; beyond that stops reading and answers 413. */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > max) return Promise.reject(tooLarge(max));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > max) {
        cleanup();
        req.pause();
        reject(tooLarge(max));
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => (cleanup(), resolve(Buffer.concat(chunks, size)));
    const onError = (e: Error) => (cleanup(), reject(new ApiError(400, "VALIDATION", `The request body could not be read: ${e.message}`)));
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/** The media type without parameters, lower-cased ("" when absent). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
}

export const isJsonType = (t: string) => t === "application/json" || /^application\/[\w.+-]+\+json$/.test(t);

export function unsupported(allowed: string[]): ApiError {
  return new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", `Send the body as ${allowed.join(" or ")}.`);
}

/** Bytes → text → JSON; an empty body is `{}`. */
export function parseJson(bytes: Buffer): unknown {
  if (bytes.length === 0) return {};
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ApiError(400, "VALIDATION", "The request body is not valid UTF-8.");
  }
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw new ApiError(400, "VALIDATION", `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, "VALIDATION", `The request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300));
  }
}

/** A JSON body of at most `max` bytes; other media types are a 415. */
export async function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  const type = mediaType(req);
  const bytes = await readBody(req, max);
  if (bytes.length > 0 && !isJsonType(type)) throw unsupported(["application/json"]);
  return parseJson(bytes);
}

/** A multipart/form-data body already read, as FormData (the platform's parser). */
export async function parseMultipart(contentType: string, bytes: Buffer): Promise<FormData> {
  try {
    return await new Request("http://patchbay.invalid/", { method: "POST", headers: { "content-type": contentType }, body: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer }).formData();
  } catch {
    throw new ApiError(400, "VALIDATION", "The multipart/form-data body could not be read (check the boundary and the parts).");
  }
}
