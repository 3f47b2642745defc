// zod issues as { "path.to.field": [messages] }, the shape forms and dialogs show. Pure.
import type { z } from "zod";

export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_form";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}
