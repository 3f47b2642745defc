// Sender authentication of listeners (SPEC §10, issue 13 item 2): does a request come from the
// partner the listener was set up for. Pure. Every compare is constant-time over SHA-256 digests of
// both sides (equal length whatever was sent, so the length of a secret does not leak), and every
// part is compared before the answer is combined: the time does not tell which part was wrong.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { shellQuote } from "@/lib/http/curl";
import { standardWebhookMatches } from "@/lib/events/verify";
import type { THmacAlgorithm, THmacEncoding, TSenderAuthMode } from "./schema";

/** The listener's sender check with its secrets decrypted. */
export type TSenderAuth =
  | { mode: "NONE" }
  | { mode: "BASIC"; username: string; password: string }
  | { mode: "SHARED_SECRET"; headerName: string; headerValue: string }
  | { mode: "HMAC"; headerName: string; algorithm: THmacAlgorithm; encoding: THmacEncoding; prefix: string; secret: string }
  | { mode: "STANDARD_WEBHOOKS"; secret: string };

/** Header names lower-case, as Node gives them. */
export type TSenderRequest = { headers: Record<string, string | string[] | undefined>; body: Uint8Array };

function firstHeader(headers: TSenderRequest["headers"], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

const digest = (v: string | Uint8Array) => createHash("sha256").update(v).digest();

function sameBytes(a: string | Uint8Array, b: string | Uint8Array): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** user and password of `Authorization: Basic base64(user:pass)`; null when it is not one. */
function parseBasic(header: string | undefined): { user: string; pass: string } | null {
  const m = /^basic +([A-Za-z0-9+/]+={0,2})$/i.exec(header?.trim() ?? "");
  if (!m) return null;
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(m[1]!, "base64"));
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

/** The signature bytes in the configured encoding; null when the text is not that encoding. */
function decodeSignature(value: string, encoding: THmacEncoding): Buffer | null {
  if (encoding === "hex") return /^(?:[0-9a-f]{2})+$/i.test(value) ? Buffer.from(value, "hex") : null;
  // Standard or URL-safe alphabet, padded or not: senders differ, the bytes are what count.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return null;
  return Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/**
 * Whether the request passes the listener's sender check. A mode whose secret is empty never
 * passes (a blank key would let anyone sign). Never throws.
 */
export function checkSender(auth: TSenderAuth, req: TSenderRequest): boolean {
  switch (auth.mode) {
    case "NONE":
      return true;
    case "BASIC": {
      const got = parseBasic(firstHeader(req.headers, "authorization"));
      const userOk = sameBytes(got?.user ?? "", auth.username);
      const passOk = sameBytes(got?.pass ?? "", auth.password);
      return got !== null && auth.password !== "" && userOk && passOk;
    }
    case "SHARED_SECRET": {
      const got = firstHeader(req.headers, auth.headerName);
      const ok = sameBytes(got ?? "", auth.headerValue);
      return got !== undefined && auth.headerValue !== "" && ok;
    }
    case "HMAC": {
      const got = firstHeader(req.headers, auth.headerName) ?? "";
      const hasPrefix = got.startsWith(auth.prefix);
      const signature = decodeSignature(got.slice(hasPrefix ? auth.prefix.length : 0), auth.encoding);
      const mac = createHmac(auth.algorithm, auth.secret).update(req.body).digest();
      const ok = sameBytes(signature ?? "", mac);
      return hasPrefix && signature !== null && auth.secret !== "" && ok;
    }
    case "STANDARD_WEBHOOKS":
      return auth.secret !== "" && standardWebhookMatches(req.body, req.headers, auth.secret);
    default:
      return assertNever(auth);
  }
}

function assertNever(x: never): never {
  throw new Error(`Unknown sender authentication ${JSON.stringify(x)}`);
}

const ALGORITHM_NAMES: Record<THmacAlgorithm, string> = { sha256: "SHA256", sha1: "SHA1" };

/**
 * The cURL arguments a sender needs for the listener's check, secrets as <placeholders> (this is
 * shown in the UI: it never carries a secret), each one shell-quoted.
 */
export function curlAuthArgs(auth: {
  mode: TSenderAuthMode;
  username?: string;
  headerName?: string;
  algorithm?: THmacAlgorithm;
  encoding?: THmacEncoding;
  prefix?: string;
}): string[] {
  const header = (name: string, value: string) => `-H ${shellQuote(`${name}: ${value}`)}`;
  switch (auth.mode) {
    case "NONE":
      return [];
    case "BASIC":
      return [`-u ${shellQuote(`${auth.username || "<username>"}:<password>`)}`];
    case "SHARED_SECRET":
      return [header(auth.headerName || "<header>", "<secret>")];
    case "HMAC": {
      const algorithm = ALGORITHM_NAMES[auth.algorithm ?? "sha256"];
      return [header(auth.headerName || "<header>", `${auth.prefix ?? ""}<${auth.encoding ?? "hex"} HMAC-${algorithm} of the body with your secret>`)];
    }
    case "STANDARD_WEBHOOKS":
      return [
        header("webhook-id", "<unique message id>"),
        header("webhook-timestamp", "<unix time in seconds>"),
        header("webhook-signature", "v1,<base64 HMAC-SHA256 of id.timestamp.body with your secret>"),
      ];
    default:
      return assertNever(auth.mode);
  }
}
