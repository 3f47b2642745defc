import "server-only";
// Secret references (SPEC §7): an environment's override of a secret field may name where the secret
// lives instead of holding it. Two forms:
//   file:<absolute path>                                    a mounted secret (Docker, Kubernetes)
//   projects/<project>/secrets/<secret>/versions/<version>  GCP Secret Manager, read with the
//     OAuth2 Service Account configuration named in PATCHBAY_GCP_SECRETS_AUTH_CONFIG, through the
//     one outbound request path (lib/http/execute.ts).
// Resolved values are kept in memory for at most 60 s per reference. Error messages name the
// reference, never the secret.
import { constants as fsConstants } from "node:fs";
import { open, realpath } from "node:fs/promises";
import path from "node:path";
import type { TAuthConfigInput } from "@/lib/auth-configs/schema";
import { subProtocolLabel } from "@/lib/auth-configs/schema";
import { strategyFor, tlsFor } from "@/lib/auth-configs/runtime";
import { AppError } from "@/lib/errors";
import { sendRequest } from "@/lib/http/execute";
import { parseSecretReference, type TSecretReference } from "./secret-ref-format";

export { parseSecretReference, type TSecretReference };

export const SECRET_REF_CACHE_MS = 60_000;
export const MAX_SECRET_FILE_BYTES = 64 * 1024;
const MAX_CACHE_ENTRIES = 500;
const GCP_TIMEOUT_MS = 30_000;
/** Secret Manager payloads are at most 64 KiB; base64 and the JSON around them stay well below this. */
const MAX_GCP_RESPONSE = 1024 * 1024;
const MAX_GOOGLE_MESSAGE = 200;


export type TSecretRefDeps = {
  /** Loads the Service Account configuration by name, secrets decrypted: { id, config }. Null when no such configuration. */
  loadAuthConfigByName: (name: string) => Promise<{ id: string; config: TAuthConfigInput } | null>;
  gcpAuthConfigName: string | undefined;
  gcpBaseUrl: string;
  /**
   * Folders `file:` references may read from (PATCHBAY_SECRET_FILE_DIRS). Anything else — the data
   * folder with the master key, /etc, the app — is refused, so an override cannot exfiltrate it.
   */
  fileDirs: readonly string[];
  now?: () => number;
  signal?: AbortSignal;
};

// ---- cache ----------------------------------------------------------------------------------

const cache = new Map<string, { value: string; expiresAt: number }>();
/** GCP requests in progress, shared by everyone who asks for the same reference meanwhile. */
const flights = new Map<string, Promise<string>>();

function cached(key: string, now: number): string | undefined {
  const hit = cache.get(key);
  if (!hit) return undefined;
  if (now < hit.expiresAt) return hit.value;
  cache.delete(key);
  return undefined;
}

function remember(key: string, value: string, now: number): void {
  if (cache.size >= MAX_CACHE_ENTRIES) {
    for (const [k, v] of cache) if (v.expiresAt <= now) cache.delete(k);
    if (cache.size >= MAX_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  }
  cache.delete(key); // re-inserted last: the oldest entries are evicted first
  cache.set(key, { value, expiresAt: now + SECRET_REF_CACHE_MS });
}

/** Drops the cache (tests). */
export function clearSecretReferenceCache(): void {
  cache.clear();
  flights.clear();
}

/** The secret's value; never "" (an empty secret is an error). Cached ≤ 60 s per reference. */
export async function resolveSecretReference(ref: string, deps: TSecretRefDeps): Promise<string> {
  const parsed = parseSecretReference(ref);
  const now = deps.now ?? Date.now;
  if (deps.signal?.aborted) throw cancelled();
  if (parsed.kind === "file") {
    const key = `file\u0000${parsed.path}`;
    const hit = cached(key, now());
    if (hit !== undefined) return hit;
    await assertAllowedFile(ref, parsed.path, deps.fileDirs);
    const value = await readSecretFile(ref, parsed.path);
    remember(key, value, now());
    return value;
  }
  // The same reference read with other settings is another secret (emulator, other account).
  const key = `gcp\u0000${deps.gcpBaseUrl}\u0000${deps.gcpAuthConfigName ?? ""}\u0000${ref}`;
  const hit = cached(key, now());
  if (hit !== undefined) return hit;
  let flight = flights.get(key);
  if (!flight) {
    // Not bound to the first caller's signal: cancelling one caller must not fail the others.
    flight = readGcpSecret(ref, parsed, deps)
      .then((value) => {
        remember(key, value, now());
        return value;
      })
      .finally(() => {
        if (flights.get(key) === flight) flights.delete(key);
      });
    flights.set(key, flight);
  }
  return abortable(flight, deps.signal);
}

const cancelled = () => new AppError("CANCELLED", "The request was cancelled");

function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

// ---- file: ----------------------------------------------------------------------------------

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decodeUtf8(bytes: Uint8Array, ref: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new AppError("VALIDATION", `Secret reference ${ref} could not be resolved: the secret is not UTF-8 text`);
  }
}

/** Mounted secrets usually end with a newline: one "\n" or "\r\n" is dropped, nothing else. */
function stripOneNewline(s: string): string {
  if (s.endsWith("\r\n")) return s.slice(0, -2);
  if (s.endsWith("\n")) return s.slice(0, -1);
  return s;
}

function fileError(ref: string, e: unknown): AppError {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const why =
    code === "ENOENT" ? "the file does not exist"
    : code === "EACCES" || code === "EPERM" ? "permission denied"
    : code === "EISDIR" ? "it is a directory, not a file"
    : code === "ENOTDIR" ? "a part of the path is not a directory"
    : code === "ELOOP" ? "too many symbolic links"
    : `the file could not be read (${code ?? "unknown error"})`;
  return new AppError("VALIDATION", `Secret reference ${ref} could not be read: ${why}`);
}

/** The file, with every symbolic link followed, must lie inside one of the allowed folders. */
async function assertAllowedFile(ref: string, file: string, dirs: readonly string[]): Promise<void> {
  let real: string;
  try {
    real = await realpath(file);
  } catch (e) {
    throw fileError(ref, e);
  }
  for (const dir of dirs) {
    const base = await realpath(dir).catch(() => null);
    if (base && (real === base || real.startsWith(base.endsWith(path.sep) ? base : base + path.sep))) return;
  }
  throw new AppError("VALIDATION", `Secret reference ${ref} is outside the folders secret files may be read from (PATCHBAY_SECRET_FILE_DIRS: ${dirs.join(", ") || "none"}).`);
}

async function readSecretFile(ref: string, file: string): Promise<string> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not hang; it is refused as "not a regular file" below.
    handle = await open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (e) {
    throw fileError(ref, e);
  }
  try {
    let stat;
    try {
      stat = await handle.stat();
    } catch (e) {
      throw fileError(ref, e);
    }
    if (stat.isDirectory()) throw fileError(ref, { code: "EISDIR" });
    if (!stat.isFile()) throw new AppError("VALIDATION", `Secret reference ${ref} could not be read: it is not a regular file`);
    const tooBig = () => new AppError("VALIDATION", `Secret reference ${ref} could not be read: the file is larger than ${MAX_SECRET_FILE_BYTES / 1024} KiB`);
    if (stat.size > MAX_SECRET_FILE_BYTES) throw tooBig();
    // Read at most one byte beyond the limit: the file may have grown since stat.
    const buf = Buffer.alloc(MAX_SECRET_FILE_BYTES + 1);
    let size = 0;
    try {
      for (;;) {
        const { bytesRead } = await handle.read(buf, size, buf.length - size, null);
        if (bytesRead === 0) break;
        size += bytesRead;
        if (size === buf.length) break;
      }
    } catch (e) {
      throw fileError(ref, e);
    }
    if (size > MAX_SECRET_FILE_BYTES) throw tooBig();
    const value = stripOneNewline(decodeUtf8(buf.subarray(0, size), ref));
    if (value === "") throw new AppError("VALIDATION", `Secret reference ${ref} could not be resolved: the file is empty`);
    return value;
  } finally {
    await handle.close().catch(() => {});
  }
}

// ---- GCP Secret Manager -----------------------------------------------------------------------

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as Secret Manager's dataCrc32c. */
export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC32C_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function googleMessage(body: Buffer): string {
  try {
    const msg = (JSON.parse(body.toString("utf8")) as { error?: { message?: unknown } })?.error?.message;
    if (typeof msg !== "string") return "";
    const flat = msg.replace(/\s+/g, " ").trim();
    return flat.length > MAX_GOOGLE_MESSAGE ? `${flat.slice(0, MAX_GOOGLE_MESSAGE - 1)}…` : flat;
  } catch {
    return "";
  }
}

async function serviceAccount(deps: TSecretRefDeps): Promise<{ id: string; config: TAuthConfigInput }> {
  const name = deps.gcpAuthConfigName?.trim();
  if (!name) {
    throw new AppError(
      "VALIDATION",
      "GCP secret references need PATCHBAY_GCP_SECRETS_AUTH_CONFIG: the name of an OAuth2 Service Account configuration whose service account may read the secret (role Secret Manager Secret Accessor, scope https://www.googleapis.com/auth/cloud-platform).",
    );
  }
  const loaded = await deps.loadAuthConfigByName(name);
  if (!loaded) {
    throw new AppError("VALIDATION", `PATCHBAY_GCP_SECRETS_AUTH_CONFIG names "${name}", but there is no authentication configuration with that name.`);
  }
  if (loaded.config.subProtocol !== "OAUTH2_SERVICE_ACCOUNT") {
    throw new AppError(
      "VALIDATION",
      `PATCHBAY_GCP_SECRETS_AUTH_CONFIG names "${name}", a ${subProtocolLabel(loaded.config.subProtocol)} configuration: GCP secret references need an OAuth2 Service Account configuration.`,
    );
  }
  return loaded;
}

function accessUrl(base: string, r: { project: string; secret: string; version: string }): string {
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    throw new AppError("VALIDATION", "PATCHBAY_GCP_SECRET_MANAGER_URL is not a valid URL.");
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new AppError("VALIDATION", "PATCHBAY_GCP_SECRET_MANAGER_URL must be an http(s) URL.");
  // The parts were checked by parseSecretReference: none needs encoding.
  return `${u.origin}${u.pathname.replace(/\/+$/, "")}/v1/projects/${r.project}/secrets/${r.secret}/versions/${r.version}:access`;
}

async function readGcpSecret(ref: string, r: { project: string; secret: string; version: string }, deps: TSecretRefDeps): Promise<string> {
  const url = accessUrl(deps.gcpBaseUrl, r);
  const { id, config } = await serviceAccount(deps);
  const fail = (why: string) => new AppError("VALIDATION", `Secret reference ${ref} could not be resolved: ${why}`);
  let res;
  try {
    res = await sendRequest(
      { method: "GET", url, headers: [["Accept", "application/json"]] },
      {
        auth: strategyFor(config, { configId: id, userId: null }),
        tls: tlsFor(config),
        timeoutMs: GCP_TIMEOUT_MS,
        maxResponseBytes: MAX_GCP_RESPONSE,
        followRedirects: false,
      },
    );
  } catch (e) {
    // The request's own words (timeout, blocked address, token refused), said about this reference.
    if (e instanceof AppError) throw new AppError(e.code, `Secret reference ${ref} could not be resolved: ${e.message}`, e.fieldErrors, e.link);
    throw e;
  }
  if (res.status < 200 || res.status > 299) {
    const said = googleMessage(res.body);
    const status = `${res.status}${res.statusText ? ` ${res.statusText}` : ""}`;
    throw fail(`Secret Manager answered ${status}${said ? `: ${said}` : ""}`);
  }
  if (res.truncated) throw fail("Secret Manager's answer is too large");
  let payload: { data?: unknown; dataCrc32c?: unknown } | undefined;
  try {
    payload = (JSON.parse(res.body.toString("utf8")) as { payload?: typeof payload })?.payload;
  } catch {
    throw fail("Secret Manager's answer is not JSON");
  }
  if (!payload || typeof payload !== "object") throw fail("Secret Manager's answer has no payload");
  const data = payload.data ?? "";
  if (typeof data !== "string" || !BASE64.test(data)) throw fail("Secret Manager's payload is not base64");
  const bytes = Buffer.from(data, data.includes("-") || data.includes("_") ? "base64url" : "base64");
  const sum = payload.dataCrc32c;
  if (sum !== undefined && sum !== null) {
    const expected = typeof sum === "string" && /^[0-9]{1,20}$/.test(sum) ? Number(sum) : typeof sum === "number" ? sum : NaN;
    if (!Number.isInteger(expected)) throw fail("Secret Manager's payload checksum (dataCrc32c) is not a number");
    if (crc32c(bytes) !== expected) throw fail("the payload's checksum (CRC32C) does not match: it was corrupted on the way");
  }
  const value = decodeUtf8(bytes, ref);
  if (value === "") throw fail("the secret is empty");
  return value;
}
