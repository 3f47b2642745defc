import "server-only";
// The one way to build a server action (STYLE.md 3): parse the input with the domain's zod schema,
// check the session and role, run, and turn failures into a result the form can show.
// An action called without a valid session writes nothing and returns UNAUTHENTICATED.
import type { z } from "zod";
import { fieldErrorsOf } from "./field-errors";
import { requireCaller, type TSessionUser } from "@/lib/auth/session";
import { AppError, GENERIC_ERROR_MESSAGE, isAppError, type TErrorCode, type TErrorLink } from "@/lib/errors";
import type { TRole } from "@/lib/users/schema";

export type TActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; code: TErrorCode | "INTERNAL"; error: string; fieldErrors?: Record<string, string[]>; link?: TErrorLink };

export { fieldErrorsOf };

export type TFailure = Extract<TActionResult<never>, { ok: false }>;

/** An AppError as the result a form or dialog shows; anything else logged, shown as generic. */
export function failure(e: unknown): TFailure {
  if (isAppError(e)) return { ok: false, code: e.code, error: e.message, fieldErrors: e.fieldErrors, ...(e.link ? { link: e.link } : {}) };
  // Next's redirect()/notFound() signal by throwing: let them through.
  if (e && typeof e === "object" && "digest" in e && typeof e.digest === "string" && e.digest.startsWith("NEXT_")) throw e;
  console.error("[patchbay] action failed", e);
  return { ok: false, code: "INTERNAL", error: GENERIC_ERROR_MESSAGE };
}

async function parse<S extends z.ZodType>(schema: S, input: unknown): Promise<z.infer<S>> {
  const parsed = await schema.safeParseAsync(input);
  if (!parsed.success) {
    throw new AppError("VALIDATION", "Some fields need attention.", fieldErrorsOf(parsed.error));
  }
  return parsed.data;
}

type TOptions<S extends z.ZodType> = {
  schema: S;
  /** Lowest role allowed: "MEMBER" lets every signed-in user in, "ADMIN" only admins. */
  role: TRole;
  /** Lets a user who still has to replace a temporary password call this action. */
  allowPasswordChangePending?: boolean;
};

export function authedAction<S extends z.ZodType, T>(
  opts: TOptions<S>,
  run: (input: z.infer<S>, ctx: { user: TSessionUser }) => Promise<T>,
): (input: z.input<S>) => Promise<TActionResult<T>> {
  return async (input) => {
    try {
      const user = await requireCaller(opts);
      const data = await run(await parse(opts.schema, input), { user });
      return { ok: true, data };
    } catch (e) {
      return failure(e);
    }
  };
}

/** For the few actions that run before anyone is signed in (first-run setup). */
export function publicAction<S extends z.ZodType, T>(
  schema: S,
  run: (input: z.infer<S>) => Promise<T>,
): (input: z.input<S>) => Promise<TActionResult<T>> {
  return async (input) => {
    try {
      return { ok: true, data: await run(await parse(schema, input)) };
    } catch (e) {
      return failure(e);
    }
  };
}

/** HTTP status of a failure answered by a route handler; `otherwise` for codes not listed here. */
export function failureStatus(f: TFailure, otherwise: number): number {
  const status: Partial<Record<TFailure["code"], number>> = { VALIDATION: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, INTERNAL: 500 };
  return status[f.code] ?? otherwise;
}
