// Environments and their variables (SPEC §7): the zod schemas shared by the forms and the server.
// Pure.
import { z } from "zod";
import { VARIABLE_NAME } from "./extensions";

export const ZEnvironmentInput = z.object({
  name: z.string().trim().min(1, "Enter a name").max(120, "At most 120 characters"),
  description: z.string().trim().max(1000, "At most 1000 characters").default(""),
});
export type TEnvironmentInput = z.infer<typeof ZEnvironmentInput>;

/** The variables of an environment as the form saves them: the whole list. */
export const ZVariablesInput = z
  .array(
    z.object({
      name: z.string().trim().min(1, "Enter a name").max(100, "At most 100 characters").regex(VARIABLE_NAME, "Use A-Z, 0-9 and _ only"),
      /** For a secret: "" keeps the stored value (write-only, like every secret). */
      value: z.string().max(512 * 1024, "At most 512 KB"),
      secret: z.boolean().default(false),
    }),
  )
  .max(500, "At most 500 variables")
  .superRefine((rows, ctx) => {
    const seen = new Set<string>();
    rows.forEach((r, i) => {
      if (seen.has(r.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `${r.name} is given twice` });
      seen.add(r.name);
    });
  });
export type TVariablesInput = z.infer<typeof ZVariablesInput>;
