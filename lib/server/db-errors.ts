// Database faults as the lean server reports them (issue 14, "Bad input and faults"): whether a
// thrown error means the database cannot be reached right now (answered 503 with Retry-After, not
// 500), a one-line reason for the log and the start-up error, and where the database is without
// its password. Pure: reads only the error objects Prisma and the drivers throw.
import { isAppError } from "@/lib/errors";

// Driver adapter error kinds (@prisma/adapter-pg convertDriverError, @prisma/adapter-libsql) that
// mean no connection, not a bad query. libsql reports SQLITE_BUSY (file locked) as SocketTimeout.
const UNAVAILABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "TlsConnectionError"]);

// Prisma's own codes: can't reach the server (P1001), timed out connecting (P1002), operations
// timed out (P1008), server closed the connection (P1017), no pool connection in time (P2024).
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);

// PostgreSQL SQLSTATEs (kind "postgres"): class 08 is "connection exception"; 57P01-57P03 are the
// server shutting down, crashing or not accepting connections yet (a restart, a failover); 53300
// is too many connections.
const unavailableSqlState = (code: string) => code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300";

// Socket errors node-postgres passes on as they are (convertDriverError rethrows what it does not
// know, e.g. the AggregateError of a dual-stack connect). Callers ask only about errors that are not
// the app's own (AppError): outbound HTTP failures are those, translated in lib/http.
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

// node-postgres's messages for a connection that died or never came: plain Errors without a code.
const UNAVAILABLE_MESSAGES = [/^Connection terminated/, /^timeout exceeded when trying to connect/, /is not queryable/, /^Can't reach database server/];

type TCause = { kind?: unknown; code?: unknown; originalCode?: unknown; originalMessage?: unknown; reason?: unknown; db?: unknown; user?: unknown; message?: unknown };

function adapterCause(e: unknown): TCause | null {
  const cause = (e as { meta?: { driverAdapterError?: { cause?: unknown } } } | null)?.meta?.driverAdapterError?.cause;
  if (cause && typeof cause === "object") return cause as TCause;
  // A DriverAdapterError itself (caught below Prisma's client).
  const own = e as { name?: unknown; cause?: unknown } | null;
  if (own?.name === "DriverAdapterError" && own.cause && typeof own.cause === "object") return own.cause as TCause;
  return null;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** True when `e` says the database cannot be reached now (down, restarting, refusing, overloaded), not that a query was wrong. */
export function isDatabaseUnavailable(e: unknown): boolean {
  // The app's own errors (AppError, the API's ApiError) are answers already, never a fault of the database.
  if (!e || typeof e !== "object" || isAppError(e) || (e as { name?: unknown }).name === "ApiError") return false;
  if (e instanceof DatabaseTimeoutError) return true;
  const cause = adapterCause(e);
  if (cause) {
    const kind = str(cause.kind);
    if (kind && UNAVAILABLE_KINDS.has(kind)) return true;
    const code = str(cause.code) ?? str(cause.originalCode);
    if (kind === "postgres" && code && unavailableSqlState(code)) return true;
  }
  const code = str((e as { code?: unknown }).code);
  if (code && (UNAVAILABLE_PRISMA_CODES.has(code) || SOCKET_CODES.has(code))) return true;
  const message = str((e as { message?: unknown }).message) ?? "";
  return !code && UNAVAILABLE_MESSAGES.some((m) => m.test(message));
}

/** A query that got no answer in time (the readiness check's own timeout). */
export class DatabaseTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}`);
    this.name = "DatabaseTimeoutError";
  }
}

const stripCredentials = (text: string) => text.replace(/\/\/[^\s/@]*@/g, "//");
const oneLine = (text: string) => stripCredentials(text.replace(/\s+/g, " ").trim()).slice(0, 300);

const KIND_REASONS: Record<string, (c: TCause) => string> = {
  DatabaseNotReachable: () => "no database server answers there (connection refused, or the host name does not resolve)",
  ConnectionClosed: () => "the server closed the connection",
  SocketTimeout: () => "the connection timed out (or the SQLite file is locked by another process)",
  TooManyConnections: () => "the server has too many connections",
  TlsConnectionError: (c) => `TLS failed: ${str(c.reason) ?? "unknown reason"}`,
  DatabaseDoesNotExist: (c) => `database ${JSON.stringify(str(c.db) ?? "?")} does not exist`,
  DatabaseAccessDenied: (c) => `access to database ${JSON.stringify(str(c.db) ?? "?")} denied`,
  AuthenticationFailed: (c) => `authentication failed for user ${JSON.stringify(str(c.user) ?? "?")}`,
};

/**
 * One line saying why a database call failed, for the log and the start-up error: the driver's
 * message where there is one, never a stack or a password.
 */
export function databaseErrorReason(e: unknown): string {
  if (e instanceof DatabaseTimeoutError) return e.message;
  const cause = adapterCause(e);
  if (cause) {
    const original = str(cause.originalMessage);
    if (original) return oneLine(original);
    const kind = str(cause.kind);
    if (kind && KIND_REASONS[kind]) return KIND_REASONS[kind](cause);
    if (str(cause.message)) return oneLine(str(cause.message)!);
  }
  const message = str((e as { message?: unknown } | null)?.message);
  if (!message) return oneLine(String(e));
  // Prisma's raw-query errors end in "Message: `<driver message>`"; others end in the reason.
  const quoted = /Message: `([^`]*)`/.exec(message);
  if (quoted) return oneLine(quoted[1]!);
  const lines = message.split("\n").map((l) => l.trim()).filter(Boolean);
  return oneLine(lines.at(-1) ?? message);
}

/**
 * Where a database URL points, without user, password or parameters: host:port/database for
 * PostgreSQL, the file for SQLite.
 */
export function describeDatabaseUrl(url: string): string {
  if (/^file:/i.test(url)) return url.slice(5).split("?", 1)[0]!;
  const pgUrl = /^postgres(?:ql)?:\/\/(.*)$/i.exec(url);
  if (pgUrl) {
    // Parsed by hand: node-postgres takes what WHATWG URLs refuse (no host, several hosts), and a
    // password may hold an unencoded "@" — the host starts after the last one.
    const body = pgUrl[1]!;
    const q = body.indexOf("?");
    const rest = q < 0 ? body : body.slice(0, q);
    const query = q < 0 ? "" : body.slice(q + 1);
    const afterUser = rest.slice(rest.lastIndexOf("@") + 1);
    const slash = afterUser.indexOf("/");
    const hosts = slash < 0 ? afterUser : afterUser.slice(0, slash);
    const name = slash < 0 ? "" : afterUser.slice(slash + 1);
    // A Unix socket folder may come as ?host=/run/postgresql instead of a host name.
    const host = hosts || new URLSearchParams(query).get("host") || "localhost";
    const withPort = /:\d+$/.test(host) || host.includes(",") ? host : `${host}:5432`;
    return `${withPort}/${safeDecode(name) || "postgres"}`;
  }
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return "(an unparsable DATABASE_URL)";
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
