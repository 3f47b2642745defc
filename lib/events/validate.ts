import "server-only";
// Server-side checks of a subscription (SPEC §9, issue 12 "Bad input"), after the shared zod
// schema: what needs the date library, the database or the network. Every problem is a field
// error with the form's key, all reported at once.
import { AppError } from "@/lib/errors";
import type { TTx } from "@/lib/db";
import { checkDatePattern, checkGmtDateTemplate, checkTimeZone } from "./gmt-date";
import type { TSubscriptionInput } from "./schema";
import { isValidSigningKey } from "./signing";

/** `callbackProblem`: outboundUrlProblem(input.callbackUrl), found before the caller's transaction. */
export async function validateSubscription(tx: TTx, input: TSubscriptionInput, opts: { hasVerifySecret: boolean; callbackProblem: string | null }): Promise<void> {
  const errors: Record<string, string[]> = {};
  const add = (key: string, message: string) => (errors[key] ??= []).push(message);

  if (!(await tx.service.findUnique({ where: { id: input.serviceId }, select: { id: true } }))) add("serviceId", "This service no longer exists");
  if (input.environmentId && !(await tx.environment.findUnique({ where: { id: input.environmentId }, select: { id: true } }))) {
    add("environmentId", "This environment no longer exists");
  }
  if (input.signingKey && !isValidSigningKey(input.signingKey)) {
    add("signingKey", "Not a Standard Webhooks key: whsec_ followed by base64 of 24 to 64 bytes (use Generate)");
  }
  if (input.type === "POLLING") {
    input.resources.forEach((r, i) => {
      for (const problem of checkGmtDateTemplate(r.url)) add(`resources.${i}.url`, problem);
      for (const kind of ["updated", "created"] as const) {
        const format = r[`${kind}DateFormat`];
        const problem = format ? checkDatePattern(format) : null;
        if (problem) add(`resources.${i}.${kind}DateFormat`, problem);
        const zone = r[`${kind}DateTimeZone`];
        const zoneProblem = zone ? checkTimeZone(zone) : null;
        if (zoneProblem) add(`resources.${i}.${kind}DateTimeZone`, zoneProblem);
      }
    });
  }
  if (input.type === "WEBHOOK" && input.verifyMode !== "NONE" && !input.verifySecret && !opts.hasVerifySecret) {
    add("verifySecret", "Enter the secret the sender signs with");
  }
  if (input.type === "WEBHOOK" && input.verifyMode === "STANDARD_WEBHOOKS" && input.verifySecret && !isValidSigningKey(input.verifySecret)) {
    add("verifySecret", "A Standard Webhooks secret is whsec_ followed by base64 of 24 to 64 bytes");
  }
  if (!errors.callbackUrl && opts.callbackProblem) add("callbackUrl", opts.callbackProblem);
  const keys = Object.keys(errors);
  if (keys.length) {
    throw new AppError("VALIDATION", `Check ${keys.length === 1 ? "this field" : "these fields"}: ${errors[keys[0]!]![0]}`, errors);
  }
}
