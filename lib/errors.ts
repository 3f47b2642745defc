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
  | "DNS_FAILURE"
  | "CONNECTION_REFUSED"
  | "CONNECTION_FAILED"
  | "TIMEOUT"
  | "TLS_FAILURE"
  | "CANCELLED";

export class AppError extends Error {
  readonly code: TErrorCode;
  readonly fieldErrors?: Record<string, string[]>;

  constructor(code: TErrorCode, message: string, fieldErrors?: Record<string, string[]>) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.fieldErrors = fieldErrors;
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
