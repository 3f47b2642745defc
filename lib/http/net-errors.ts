// Turns what node:net, node:tls and undici throw into AppErrors in plain words. Messages name the
// host and the problem, never header values, bodies or stack traces.
import { AppError, isAppError } from "@/lib/errors";

type TErrLike = { code?: unknown; message?: unknown; reason?: unknown; cause?: unknown; errors?: unknown };

/** The error, its causes and (for happy-eyeballs AggregateErrors) the per-address errors. */
function chain(err: unknown): TErrLike[] {
  const out: TErrLike[] = [];
  const visit = (e: unknown, depth: number) => {
    if (!e || typeof e !== "object" || depth > 6 || out.includes(e as TErrLike)) return;
    const x = e as TErrLike;
    out.push(x);
    visit(x.cause, depth + 1);
    if (Array.isArray(x.errors)) for (const inner of x.errors) visit(inner, depth + 1);
  };
  visit(err, 0);
  return out;
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : Number(s.toFixed(s < 1 ? 2 : 1))} s`;
}

const UNTRUSTED = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
]);

/** The certificate problem behind a TLS error, or null when the error is not a TLS one. */
function tlsProblem(e: TErrLike, host: string): string | null {
  const code = str(e.code);
  const msg = str(e.message);
  if (UNTRUSTED.has(code)) {
    return `the server's certificate is not signed by a trusted authority (${msg || code}); add its CA under Trusted server certificate`;
  }
  if (code === "CERT_HAS_EXPIRED") return "the server's certificate has expired";
  if (code === "CERT_NOT_YET_VALID") return "the server's certificate is not valid yet (check the server's clock)";
  if (code === "CERT_REVOKED") return "the server's certificate has been revoked";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    const detail = (str(e.reason) || msg).replace(/[:\s]+$/, "");
    return `the server's certificate is not valid for ${host} (${detail})`;
  }
  const ssl = `${code} ${msg}`.toUpperCase();
  if (!code.startsWith("ERR_SSL_") && !(code === "EPROTO" && ssl.includes("SSL"))) return null;
  if (ssl.includes("CERTIFICATE_REQUIRED")) {
    return "the server requires a client certificate; add one under Client certificate";
  }
  if (/ALERT_(BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE|CERTIFICATE_EXPIRED)/.test(ssl)) {
    return "the server refused the client certificate";
  }
  if (ssl.includes("HANDSHAKE_FAILURE")) {
    return "the server refused the handshake (it may require a client certificate, or no TLS version or cipher is shared)";
  }
  if (ssl.includes("WRONG_VERSION_NUMBER") || ssl.includes("PACKET_LENGTH_TOO_LONG")) {
    return "the server did not answer with TLS (is this a plain http port?)";
  }
  return `the handshake failed (${code})`;
}

export type TErrorContext = {
  /** host[:port] of the hop that failed. */
  host: string;
  timeoutMs: number;
  timedOut: boolean;
  cancelled: boolean;
};

/** Maps a failure of an outbound exchange to an AppError; rethrows what is not a network failure. */
export function toAppError(err: unknown, ctx: TErrorContext): AppError {
  if (ctx.cancelled) return new AppError("CANCELLED", "The request was cancelled");
  if (ctx.timedOut) return new AppError("TIMEOUT", `No response within ${formatSeconds(ctx.timeoutMs)}`);
  const all = chain(err);
  const known = all.find(isAppError);
  if (known) return known as AppError;
  const { host } = ctx;
  for (const e of all) {
    const tlsWhy = tlsProblem(e, host.replace(/:\d+$/, ""));
    if (tlsWhy) return new AppError("TLS_FAILURE", `TLS failure with ${host}: ${tlsWhy}`);
  }
  const codes = all.map((e) => str(e.code)).filter(Boolean);
  const has = (...c: string[]) => codes.some((x) => c.includes(x));
  if (has("ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NODATA", "EAI_NONAME")) {
    return new AppError("DNS_FAILURE", `Could not resolve host ${host.replace(/:\d+$/, "")}`);
  }
  if (has("ECONNREFUSED")) {
    return new AppError("CONNECTION_REFUSED", `${host} refused the connection (nothing is listening there, or a firewall rejects it)`);
  }
  if (has("ECONNRESET", "EPIPE")) return new AppError("CONNECTION_FAILED", `The connection to ${host} was reset`);
  if (has("UND_ERR_SOCKET", "UND_ERR_CLOSED")) {
    return new AppError("CONNECTION_FAILED", `The connection to ${host} closed before a complete response arrived`);
  }
  if (has("EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN")) {
    return new AppError("CONNECTION_FAILED", `${host} is unreachable from this server (no network route)`);
  }
  if (has("ETIMEDOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT")) {
    return new AppError("TIMEOUT", `${host} did not answer in time`);
  }
  if (has("UND_ERR_INVALID_ARG", "UND_ERR_NOT_SUPPORTED", "ERR_INVALID_HTTP_TOKEN", "ERR_INVALID_CHAR")) {
    const msg = str(all.find((e) => str(e.code).startsWith("UND_ERR") || str(e.code).startsWith("ERR_INVALID"))?.message);
    return new AppError("INVALID_REQUEST", `The request could not be sent: ${msg || "invalid request"}`);
  }
  if (has("UND_ERR_ABORTED", "ABORT_ERR")) return new AppError("CANCELLED", "The request was cancelled");
  const code = codes.find((c) => /^(E[A-Z]+|UND_ERR_\w+)$/.test(c));
  if (code) return new AppError("CONNECTION_FAILED", `The request to ${host} failed (${code})`);
  throw err; // not a network failure: a bug, logged in full by the caller's error handling
}

/** Client certificate / CA material that OpenSSL refused to load. */
export function tlsMaterialError(err: unknown): AppError {
  const e = (err ?? {}) as TErrLike;
  const text = `${str(e.code)} ${str(e.message)}`.toLowerCase();
  const why = text.includes("mac verify")
    ? "the PKCS#12 file could not be opened: the passphrase is wrong or the file is damaged"
    : text.includes("bad decrypt") || text.includes("bad password")
      ? "the private key could not be decrypted: the passphrase is wrong"
      : text.includes("key values mismatch")
        ? "the client certificate and the private key do not belong together"
        : text.includes("no start line") || text.includes("decoder") || text.includes("asn1") || text.includes("pem")
          ? "a certificate or key is not valid PEM / PKCS#12"
          : `OpenSSL refused it (${str(e.code) || "unknown error"})`;
  return new AppError("TLS_FAILURE", `The TLS settings could not be used: ${why}`);
}
