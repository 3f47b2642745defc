// AppError carries a code and a message the user may see. Anything else thrown is unexpected:
// logged in full, shown to the user as a generic message.

export type TErrorCode =
  | "VALIDATION"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "SECRET_UNREADABLE"
  | "CONFIG"
  // Outbound requests (lib/http): the message says what happened and what to do.
  | "OUTBOUND_BLOCKED"
  | "INVALID_REQUEST"
  /** A request body over the outbound request cap (10 MB). */
  | "PAYLOAD_TOO_LARGE"
  | "DNS_FAILURE"
  | "CONNECTION_REFUSED"
  | "CONNECTION_FAILED"
  | "TIMEOUT"
  | "TLS_FAILURE"
  | "CANCELLED"
  // OAuth2 (lib/oauth): the provider refused, or the caller must (re)connect the configuration.
  | "OAUTH_ERROR"
  | "OAUTH_NOT_CONNECTED"
  | "OAUTH_RECONNECT";

/** Where the user can fix what went wrong, shown with the error ("Connect this configuration first"). */
export type TErrorLink = { href: string; label: string };

export class AppError extends Error {
  readonly code: TErrorCode;
  readonly fieldErrors?: Record<string, string[]>;
  readonly link?: TErrorLink;

  constructor(code: TErrorCode, message: string, fieldErrors?: Record<string, string[]>, link?: TErrorLink) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.fieldErrors = fieldErrors;
    this.link = link;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

export const GENERIC_ERROR_MESSAGE = "Something went wrong on the server. The error has been logged.";

/** The first of several problems and how many more there are: "<first> (and 2 more problems)". */
export function firstProblem(messages: string[]): string {
  const n = messages.length - 1;
  return n > 0 ? `${messages[0]} (and ${n} more problem${n > 1 ? "s" : ""})` : (messages[0] ?? "");
}
