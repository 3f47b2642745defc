// Services (SPEC §4), shared by the form and the actions. Pure.
import { z } from "zod";

const optionalText = (max: number) => z.string().trim().max(max, `At most ${max} characters`).default("");

export const ZServiceInput = z.object({
  name: z.string().trim().min(1, "Enter a name").max(120, "At most 120 characters"),
  productName: optionalText(120),
  productVersion: optionalText(60),
  apiVersion: optionalText(60),
  authConfigId: z.string().min(1, "Choose an authentication configuration"),
  /** base64 of a new logo file; "" keeps the current one. ~1.37 MB of text for the 1 MB limit. */
  logo: z.string().max(1_500_000, "The logo is larger than 1 MB.").default(""),
  removeLogo: z.boolean().default(false),
});
export type TServiceInput = z.infer<typeof ZServiceInput>;
export type TServiceFormValues = z.input<typeof ZServiceInput>;
