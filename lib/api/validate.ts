// Request parts checked with zod: one 400 VALIDATION listing every field at fault. Pure.
import type { z } from "zod";
import { fieldErrorsOf } from "@/lib/actions/field-errors";
import { firstProblem } from "@/lib/errors";
import { ApiError } from "./errors";

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: "body" | "query"): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = fieldErrorsOf(parsed.error);
  const messages = Object.entries(fields).map(([k, m]) => (k === "_form" ? m[0] : `${k}: ${m[0]}`));
  throw new ApiError(400, "VALIDATION", `The ${where === "body" ? "request body" : "query string"} is not valid: ${firstProblem(messages)}`.slice(0, 500), { fields });
}

/** Query parameters as an object; a repeated name is refused (each list parameter takes one value). */
export function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (Object.hasOwn(out, k)) throw new ApiError(400, "VALIDATION", `The query parameter ${JSON.stringify(k.slice(0, 100))} is given twice.`, { fields: { [k.slice(0, 100)]: ["Given twice"] } });
    out[k] = v;
  }
  return out;
}
