// undici Agents for outbound requests. The outbound policy is enforced here, at connect time, on
// the address the socket is about to use: a DNS answer that changes between a pre-check and the
// connection (rebinding) cannot get past it, and every redirect hop passes through it again.
import "server-only";
import { createHash } from "node:crypto";
import dns from "node:dns";
import net from "node:net";
import tls from "node:tls";
import { Agent, type Dispatcher, type buildConnector } from "undici";
import { AppError, isAppError } from "@/lib/errors";
import { checkAddress, checkUrl, type TOutboundPolicy } from "./outbound-policy";
import { tlsMaterialError } from "./net-errors";
import type { TTlsOptions } from "./types";

/** Test hook: answers a name with addresses instead of the system resolver. */
export type TResolve = (host: string) => Promise<string[]>;

/** Filled in when a request's dispatch opens a new connection. */
export type TConnectTimings = { dnsMs?: number; connectMs?: number };

const CONNECT_TIMEOUT_MS = 30_000;
const MAX_AGENTS = 32;
const MAX_TLS_SESSIONS = 100;

// undici opens a connection synchronously inside dispatch() when no idle one exists (our bodies are
// buffers, and pools have no connection limit), so the connector can learn whose dispatch it serves
// from this slot. A connection opened later (queued) simply reports no timings.
let currentTimings: TConnectTimings | null = null;

/** Runs `fn` (which must dispatch synchronously) so that a connection it opens reports into `into`. */
export function withConnectTimings<T>(into: TConnectTimings, fn: () => T): T {
  const previous = currentTimings;
  currentTimings = into;
  try {
    return fn();
  } finally {
    currentTimings = previous;
  }
}

function dnsFailure(host: string): AppError {
  return new AppError("DNS_FAILURE", `Could not resolve host ${host}`);
}

async function resolveAll(host: string, resolve?: TResolve): Promise<dns.LookupAddress[]> {
  const list = resolve
    ? (await resolve(host)).map((address) => ({ address, family: net.isIP(address) }))
    : await dns.promises.lookup(host, { all: true, verbatim: true });
  return list.filter((a) => a.family === 4 || a.family === 6);
}

/** net/tls `lookup` replacement: resolves, then checks every answer against the policy. */
function policyLookup(policy: TOutboundPolicy, resolve: TResolve | undefined, onDns: (ms: number) => void): net.LookupFunction {
  return (hostname, options, callback) => {
    const started = performance.now();
    const fail = (e: unknown) => callback((isAppError(e) ? e : dnsFailure(hostname)) as NodeJS.ErrnoException, "", 0);
    resolveAll(hostname, resolve).then((all) => {
      onDns(performance.now() - started);
      const family = options.family === 4 || options.family === "IPv4" ? 4 : options.family === 6 || options.family === "IPv6" ? 6 : 0;
      const usable = family ? all.filter((a) => a.family === family) : all;
      if (usable.length === 0) return fail(dnsFailure(hostname));
      // Any blocked answer blocks the name: otherwise a hostile DNS server could mix one public
      // address with an internal one and count on the connection falling back to the second.
      try {
        for (const a of all) checkAddress({ address: a.address, host: hostname, policy });
      } catch (e) {
        return fail(e);
      }
      if (options.all) callback(null, usable);
      else callback(null, usable[0].address, usable[0].family);
    }, fail);
  };
}

type TConnectorConfig = { policy: TOutboundPolicy; resolve?: TResolve; secureContext?: tls.SecureContext };

function policyConnector({ policy, resolve, secureContext }: TConnectorConfig): buildConnector.connector {
  const sessions = new Map<string, Buffer>();
  return (opts, callback) => {
    const timings = currentTimings;
    const https = opts.protocol === "https:";
    const host = opts.hostname;
    const port = Number(opts.port) || (https ? 443 : 80);
    // net.connect does not call `lookup` for an IP literal, so literals are checked here.
    if (net.isIP(host)) {
      try {
        checkAddress({ address: host, host, policy });
      } catch (e) {
        callback(e as Error, null);
        return;
      }
    }
    const started = performance.now();
    let dnsMs: number | undefined;
    const base = {
      host,
      port,
      lookup: policyLookup(policy, resolve, (ms) => (dnsMs = ms)),
      noDelay: true,
      keepAlive: true,
      keepAliveInitialDelay: 60_000,
    };
    let socket: net.Socket;
    try {
      if (https) {
        const servername = net.isIP(host) ? undefined : host;
        const session = servername ? sessions.get(servername) : undefined;
        socket = tls.connect({ ...base, servername, session, secureContext, ALPNProtocols: ["http/1.1"] });
        socket.on("session", (s: Buffer) => {
          if (!servername) return;
          sessions.delete(servername);
          if (sessions.size >= MAX_TLS_SESSIONS) sessions.delete(sessions.keys().next().value!);
          sessions.set(servername, s);
        });
      } else {
        socket = net.connect(base);
      }
    } catch (e) {
      callback(e as Error, null);
      return;
    }
    let pending: buildConnector.Callback | null = callback;
    const finish = (err: Error | null) => {
      clearTimeout(timer);
      const cb = pending;
      pending = null;
      if (!cb) return;
      if (err) return cb(err, null);
      if (timings) {
        timings.dnsMs = dnsMs;
        timings.connectMs = performance.now() - started - (dnsMs ?? 0);
      }
      cb(null, socket);
    };
    const timer = setTimeout(() => {
      socket.destroy(new AppError("TIMEOUT", `Could not connect to ${host}:${port} within ${CONNECT_TIMEOUT_MS / 1000} s`));
    }, CONNECT_TIMEOUT_MS).unref(); // an abandoned attempt must not keep the process alive
    socket.once(https ? "secureConnect" : "connect", () => finish(null));
    socket.on("error", (err) => {
      finish(err);
      // A TLS 1.3 server checks the client certificate after the client's handshake is done and
      // answers with an alert, then closes. undici would report the close ("other side closed")
      // and lose the alert; destroying with the alert keeps it as the request's error.
      if (!socket.destroyed && String((err as NodeJS.ErrnoException).code).startsWith("ERR_SSL_")) socket.destroy(err);
    });
  };
}

/**
 * A `ca` option replaces Node's bundled roots, so the configured CA is added to them: it must widen
 * trust, not narrow it. (NODE_EXTRA_CA_CERTS is not part of tls.rootCertificates.)
 */
export function trustedCAs(ca: string | undefined): string[] | undefined {
  return ca ? [...tls.rootCertificates, ca] : undefined;
}

function secureContextFor(t: TTlsOptions): tls.SecureContext | undefined {
  if (!t.ca && !t.cert && !t.key && !t.pfx) return undefined;
  try {
    return tls.createSecureContext({
      ca: trustedCAs(t.ca),
      cert: t.cert || undefined,
      key: t.key || undefined,
      pfx: t.pfx ? Buffer.from(t.pfx) : undefined,
      passphrase: t.passphrase,
    });
  } catch (e) {
    throw tlsMaterialError(e);
  }
}

function tlsHash(t: TTlsOptions | undefined): string {
  if (!t) return "-";
  const pfx = t.pfx ? Buffer.from(t.pfx).toString("base64") : null;
  const material = JSON.stringify([t.ca ?? null, t.cert ?? null, t.key ?? null, pfx, t.passphrase ?? null]);
  return createHash("sha256").update(material).digest("hex");
}

const resolverIds = new WeakMap<TResolve, number>();
let nextResolverId = 1;
function resolverId(resolve: TResolve | undefined): number {
  if (!resolve) return 0;
  if (!resolverIds.has(resolve)) resolverIds.set(resolve, nextResolverId++);
  return resolverIds.get(resolve)!;
}

// Keyed by TLS material, policy and resolver: a pooled connection was checked under one policy and
// authenticated with one client certificate, so it may only be reused under the same ones.
const agents = new Map<string, Agent>();

export function getDispatcher({ tls: t, policy, resolve }: { tls?: TTlsOptions; policy: TOutboundPolicy; resolve?: TResolve }): Dispatcher {
  const key = `${tlsHash(t)}|${policy.key}|${resolverId(resolve)}`;
  const hit = agents.get(key);
  if (hit) {
    agents.delete(key); // re-insert: Map order is the LRU order
    agents.set(key, hit);
    return hit;
  }
  const agent = new Agent({
    connect: policyConnector({ policy, resolve, secureContext: t ? secureContextFor(t) : undefined }),
    // The executor's own deadline covers the whole exchange; undici's would cut it at 300 s.
    headersTimeout: 0,
    bodyTimeout: 0,
    keepAliveTimeout: 4_000,
    keepAliveMaxTimeout: 60_000,
  });
  agents.set(key, agent);
  if (agents.size > MAX_AGENTS) {
    const [oldKey, oldAgent] = agents.entries().next().value!;
    agents.delete(oldKey);
    oldAgent.close().catch(() => {}); // lets requests in flight finish
  }
  return agent;
}

/** Closes every pooled connection (tests, shutdown). */
export async function closeDispatchers(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((a) => a.destroy().catch(() => {})));
}

/**
 * The policy's answer for a URL before anything is sent — a form's check on save (a callback URL):
 * scheme and credentials, then every address the host resolves to. Requests are still checked at
 * connect time; this only tells the admin early. Throws AppError OUTBOUND_BLOCKED, INVALID_REQUEST
 * or DNS_FAILURE.
 */
export async function checkDestination(url: string, policy: TOutboundPolicy, resolve?: TResolve): Promise<void> {
  const u = checkUrl(url);
  const host = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
  if (net.isIP(host)) return checkAddress({ address: host, host, policy });
  let all: dns.LookupAddress[];
  try {
    all = await resolveAll(host, resolve);
  } catch {
    throw dnsFailure(host);
  }
  if (all.length === 0) throw dnsFailure(host);
  for (const a of all) checkAddress({ address: a.address, host, policy });
}
