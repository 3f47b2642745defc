// API tokens (SPEC §2, §8): the Create dialog's form and its server action share this. Pure.
import { z } from "zod";
import { EXPIRY_CHOICES } from "./expiry";

export const ZCreateApiToken = z.object({
  name: z.string().trim().min(1, "Enter a name").max(100, "At most 100 characters"),
  expires: z.enum(EXPIRY_CHOICES.map((c) => c.value) as ["30d", "90d", "1y", "never"]).default("90d"),
  /** "Requests per second"; empty = unlimited. */
  rateLimit: z.preprocess(
    (v) => (v === "" || v === undefined || v === null ? null : typeof v === "string" ? Number(v.trim()) : v),
    z.number({ error: "Enter a whole number" }).int("Enter a whole number").min(1, "At least 1").max(100_000, "At most 100000").nullable(),
  ),
});
export type TCreateApiToken = z.infer<typeof ZCreateApiToken>;
export type TCreateApiTokenForm = z.input<typeof ZCreateApiToken>;

export const ZApiTokenId = z.object({ id: z.string().min(1).max(100) });
