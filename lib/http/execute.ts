// The one place where the server sends HTTP requests (SPEC §5.3 steps 6-7, §11): connector tests,
// the run API, OAuth token requests, polling and webhook deliveries all go through sendRequest.
import "server-only";
import type { Dispatcher } from "undici";
import { AppError, isAppError } from "@/lib/errors";
import { env } from "@/lib/env";
import { checkDestination, getDispatcher, withConnectTimings, type TConnectTimings, type TResolve } from "./dispatcher";
import { toAppError } from "./net-errors";
import { checkUrl, parseOutboundAllow, type TOutboundPolicy } from "./outbound-policy";
import { maskedSent, maskQuery, maskValues, removeQuery, stripCredentials, validateRequest, withWireHeaders } from "./request-parts";
import type { TAuthStrategy, THeaderList, THttpResponse, TOutgoingRequest, TSensitive, TTlsOptions } from "./types";

export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_TIMEOUT_MS = 300_000;
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const MAX_REDIRECTS = 5;
const MAX_AUTH_RETRIES = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export type TSendOptions = {
  auth?: TAuthStrategy;
  tls?: TTlsOptions;
  /** Whole exchange, redirects and retries included. Default 30 s, at most 5 min. */
  timeoutMs?: number;
  maxResponseBytes?: number;
  maxRequestBytes?: number;
  /** GET/HEAD only; default true. */
  followRedirects?: boolean;
  signal?: AbortSignal;
  /** Default: PATCHBAY_OUTBOUND_ALLOW. */
  policy?: TOutboundPolicy;
  /** Test hook replacing the system resolver. */
  resolve?: TResolve;
};

let envPolicy: { text: string; policy: TOutboundPolicy } | undefined;
function policyFromEnv(): TOutboundPolicy {
  const text = env().PATCHBAY_OUTBOUND_ALLOW;
  if (envPolicy?.text !== text) envPolicy = { text, policy: parseOutboundAllow(text) };
  return envPolicy.policy;
}

type TRawResponse = { status: number; statusText: string; headers: THeaderList; body: Dispatcher.ResponseData["body"]; firstByteMs: number };

/** `u` is req.url already parsed (by checkOutgoing): URL parsing is a large share of the path's cost. */
async function sendOnce(dispatcher: Dispatcher, req: TOutgoingRequest, u: URL, signal: AbortSignal, timings: TConnectTimings): Promise<TRawResponse> {
  const started = performance.now();
  const pending = withConnectTimings(timings, () =>
    dispatcher.request({
      origin: u.origin,
      path: `${u.pathname}${u.search}`,
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers.flat(),
      body: req.body && req.body.byteLength ? req.body : null,
      signal,
      // Flat [name, value, ...] in wire order, repeated names kept.
      responseHeaders: "raw",
    }),
  );
  const res = await pending;
  const raw = res.headers as unknown as string[];
  const headers: THeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) headers.push([raw[i], raw[i + 1]]);
  return { status: res.statusCode, statusText: res.statusText ?? "", headers, body: res.body, firstByteMs: performance.now() - started };
}

/** Closes a body we stop reading. undici then errors the stream (RequestAbortedError); nobody listens anymore. */
function release(body: TRawResponse["body"]): void {
  body.on("error", () => {});
  body.destroy();
}

/**
 * Reads up to `max` bytes; beyond that stops reading and cuts the connection. Event listeners
 * rather than `for await`: the async iterator costs a promise per chunk (npm run bench).
 */
function readCapped(body: TRawResponse["body"], max: number): Promise<{ body: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > max) {
        chunks.push(chunk.subarray(0, max - size));
        body.off("data", onData).off("end", onEnd).off("error", reject);
        release(body);
        resolve({ body: Buffer.concat(chunks), truncated: true });
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    };
    const onEnd = () => resolve({ body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), truncated: false });
    body.on("data", onData).once("end", onEnd).once("error", reject);
  });
}

/** Throws away a body we will not return (3xx, retried 401), without reading much of it. */
async function discard(body: TRawResponse["body"]): Promise<void> {
  await body.dump({ limit: 64 * 1024 }).catch(() => release(body));
}

function checkOutgoing(req: TOutgoingRequest, maxRequestBytes: number): URL {
  const u = checkUrl(req.url);
  validateRequest(req, maxRequestBytes);
  return u;
}

/** `base` is the hop's URL before auth, so a strategy's query secrets never leak into the next hop. */
function redirectTarget(res: TRawResponse, method: string, base: string, follow: boolean): string | null {
  if (!follow || !REDIRECT_STATUSES.has(res.status)) return null;
  if (method !== "GET" && method !== "HEAD") return null;
  const location = res.headers.find(([n]) => n.toLowerCase() === "location")?.[1];
  if (!location) return null;
  try {
    return new URL(location, base).href;
  } catch {
    throw new AppError("INVALID_REQUEST", "The server redirected to an address that is not a valid URL");
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}

/** checkDestination under PATCHBAY_OUTBOUND_ALLOW: what a form checks on save (a callback URL). */
export async function checkOutboundUrl(url: string, opts: { resolve?: TResolve } = {}): Promise<void> {
  await checkDestination(url, policyFromEnv(), opts.resolve);
}

/**
 * checkOutboundUrl as a form's field message (null: allowed). It may resolve a host name: call it
 * before a transaction, which holds SQLite's write lock from its start (BEGIN IMMEDIATE).
 */
export async function outboundUrlProblem(url: string): Promise<string | null> {
  try {
    await checkOutboundUrl(url);
    return null;
  } catch (e) {
    if (!isAppError(e)) return "This URL cannot be checked";
    return e.code === "OUTBOUND_BLOCKED" ? `Blocked by the outbound policy: ${e.message}` : e.message;
  }
}

/**
 * Sends `req` (authorized by `opts.auth`) under the outbound policy, following GET/HEAD redirects.
 * Resolves with any HTTP status; rejects only with an AppError whose message can be shown as is
 * (DNS_FAILURE, CONNECTION_REFUSED, CONNECTION_FAILED, TIMEOUT, TLS_FAILURE, OUTBOUND_BLOCKED,
 * CANCELLED, INVALID_REQUEST, or the strategy's own AppError).
 */
export async function sendRequest(req: TOutgoingRequest, opts: TSendOptions = {}): Promise<THttpResponse> {
  const started = performance.now();
  const asked = Number.isFinite(opts.timeoutMs) ? opts.timeoutMs! : DEFAULT_TIMEOUT_MS;
  const timeoutMs = Math.min(Math.max(asked, 1), MAX_TIMEOUT_MS);
  let host = ""; // set per hop; parsed from the request only if it fails before its first hop
  let timedOut = false;
  const ctx = () => ({ host: host || hostOf(req.url), timeoutMs, timedOut, cancelled: !!opts.signal?.aborted });
  if (opts.signal?.aborted) throw toAppError(null, ctx());
  // One controller, one timer and at most one listener per exchange, all released at the end:
  // AbortSignal.timeout/any cost more per request than the rest of the path (npm run bench).
  const controller = new AbortController();
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException("The operation timed out", "TimeoutError"));
  }, timeoutMs);
  timer.unref?.();
  const forward = () => controller.abort(opts.signal!.reason);
  opts.signal?.addEventListener("abort", forward, { once: true });
  try {
    return await exchange(req, opts, controller.signal, started, (h) => (host = h));
  } catch (e) {
    throw toAppError(e, ctx());
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", forward);
  }
}

async function exchange(
  first: TOutgoingRequest,
  opts: TSendOptions,
  signal: AbortSignal,
  started: number,
  onHop: (host: string) => void,
): Promise<THttpResponse> {
  const { auth } = opts;
  const maxRequestBytes = opts.maxRequestBytes ?? DEFAULT_MAX_BYTES;
  const sensitive: TSensitive = auth?.sensitive ?? { headers: [], query: [] };
  let parsed: URL | null = checkOutgoing(first, maxRequestBytes);
  const dispatcher = getDispatcher({ tls: opts.tls, policy: opts.policy ?? policyFromEnv(), resolve: opts.resolve });
  const timings: TConnectTimings = {};
  const redirects: string[] = [];
  // Once the chain has left the original origin it never carries credentials again, even if a
  // later hop comes back: the server that sent us away chose where we land.
  let crossed = false;
  let hopUrl = first.url;

  let open: TRawResponse["body"] | undefined; // a body not consumed yet: released if anything throws
  try {
    for (let hop = 0; ; hop++) {
      // Every hop's URL passes checkUrl (scheme, credentials) before anything is sent to it.
      const hopParsed: URL = parsed ?? checkUrl(hopUrl);
      onHop(hopParsed.host);
      // Redirect hops are rebuilt from the caller's request (before auth), so a same-origin hop is
      // authorized afresh for its new URL (SigV4 signs the path) and a cross-origin one not at all.
      const unsigned: TOutgoingRequest = hop === 0 ? first : { method: first.method, url: hopUrl, headers: first.headers, body: null };
      let sent = crossed ? stripCredentials(unsigned, sensitive) : auth ? await auth.authorize(unsigned) : unsigned;
      // A strategy that left the URL alone needs no second parse.
      let sentUrl = sent.url === unsigned.url ? hopParsed : null;
      if (sentUrl) validateRequest(sent, maxRequestBytes);
      else sentUrl = checkOutgoing(sent, maxRequestBytes);
      parsed = null;
      let res = await sendOnce(dispatcher, sent, sentUrl, signal, timings);
      open = res.body;

      for (let attempt = 1; res.status === 401 && !crossed && auth?.onUnauthorized && attempt <= MAX_AUTH_RETRIES; attempt++) {
        const retry = await auth.onUnauthorized(sent, { status: res.status, headers: res.headers }, attempt);
        if (!retry) break;
        await discard(res.body);
        sentUrl = checkOutgoing(retry, maxRequestBytes);
        sent = retry;
        res = await sendOnce(dispatcher, sent, sentUrl, signal, timings);
        open = res.body;
      }

      const target = redirectTarget(res, sent.method, unsigned.url, opts.followRedirects ?? true);
      if (target && hop < MAX_REDIRECTS) {
        await discard(res.body);
        if (new URL(target).origin !== new URL(unsigned.url).origin) crossed = true;
        hopUrl = crossed ? removeQuery(target, sensitive.query) : target;
        redirects.push(maskValues(maskQuery(hopUrl, sensitive.query), sensitive.values));
        continue;
      }

      const { body, truncated } = await readCapped(res.body, opts.maxResponseBytes ?? DEFAULT_MAX_BYTES);
      const record = withWireHeaders(maskedSent(sent, sensitive), sentUrl.host);
      return {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
        body,
        truncated,
        url: record.url,
        redirects,
        timings: { ...timings, firstByteMs: res.firstByteMs, totalMs: performance.now() - started },
        sent: record,
      };
    }
  } catch (e) {
    if (open) release(open);
    throw e;
  }
}
