// The /api/v1 error format (SPEC §8): { "error": { "code", "message", "details"?, "requestId" } }
// with the status each code stands for. Pure.
import { AppError, GENERIC_ERROR_MESSAGE, isAppError } from "@/lib/errors";
import { databaseErrorReason, isDatabaseUnavailable } from "@/lib/server/db-errors";

export type TApiErrorBody = { error: { code: string; message: string; details?: unknown; requestId: string } };

/** An answer the API gives as an error; `headers` such as Allow, Retry-After, WWW-Authenticate. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

// No answer from the upstream: 502, or 504 for a timeout (SPEC §8).
const UPSTREAM = new Set(["DNS_FAILURE", "CONNECTION_REFUSED", "CONNECTION_FAILED", "TLS_FAILURE", "OUTBOUND_BLOCKED", "OAUTH_ERROR"]);

const STATUS: Record<string, number> = {
  VALIDATION: 400,
  INVALID_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  // The caller must (re)connect the OAuth2 configuration first: a conflict with the state of things.
  OAUTH_NOT_CONNECTED: 409,
  OAUTH_RECONNECT: 409,
  RATE_LIMITED: 429,
};

/** Any thrown value as the API's answer. Unexpected errors become a 500 without details. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (isAppError(e)) return fromAppError(e);
  if (isDatabaseUnavailable(e)) return databaseUnavailableError();
  return new ApiError(500, "INTERNAL", GENERIC_ERROR_MESSAGE);
}

/** Seconds a client is told to wait (Retry-After) while the database is unavailable. */
export const RETRY_AFTER_SECONDS = 5;

/** The answer while the database is down, restarting or refusing connections (SPEC §12): 503, try again. */
export function databaseUnavailableError(): ApiError {
  return new ApiError(503, "UNAVAILABLE", "The database is unavailable; try again shortly.", undefined, { "Retry-After": String(RETRY_AFTER_SECONDS) });
}

function fromAppError(e: AppError): ApiError {
  if (e.code === "TIMEOUT") return new ApiError(504, "UPSTREAM_TIMEOUT", e.message);
  if (UPSTREAM.has(e.code)) return new ApiError(502, e.code, e.message);
  const status = STATUS[e.code];
  const details = e.fieldErrors ? { fields: e.fieldErrors } : e.link ? { link: e.link } : undefined;
  const headers: Record<string, string> = {};
  if (e.code === "UNAUTHENTICATED") headers["WWW-Authenticate"] = 'Bearer realm="patchbay"';
  if (e.code === "RATE_LIMITED" && "retryAfter" in e && typeof e.retryAfter === "number") headers["Retry-After"] = String(e.retryAfter);
  if (status) return new ApiError(status, e.code, e.message, details, headers);
  // SECRET_UNREADABLE, CONFIG: the server's configuration is at fault; say so, without internals.
  if (e.code === "SECRET_UNREADABLE" || e.code === "CONFIG") return new ApiError(500, e.code, e.message);
  if (e.code === "CANCELLED") return new ApiError(499, "CANCELLED", e.message);
  return new ApiError(500, "INTERNAL", GENERIC_ERROR_MESSAGE);
}

/**
 * Logs a failed request the server is at fault for, once: one line with the database's reason
 * while it is unavailable (not a stack per request while that lasts), the whole error for a 500.
 * Client errors and upstream failures (4xx, 502, 504) are answers, not faults: not logged.
 * `what` names the request without its query (which may carry a sender's token).
 */
export function logFailure(what: string, requestId: string, err: ApiError, e: unknown): void {
  if (err.code === "UNAVAILABLE") console.error(`[patchbay] ${what} (request ${requestId}): the database is unavailable (${databaseErrorReason(e)})`);
  else if (err.status === 500) console.error(`[patchbay] ${what} failed (request ${requestId})`, e);
}

export function errorBody(e: ApiError, requestId: string): TApiErrorBody {
  return { error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}), requestId } };
}

export const notFound = (what = "No such resource.") => new ApiError(404, "NOT_FOUND", what);
