// zod in the browser costs about 35 KB gzip of first-load JavaScript. A form's schema is needed only
// when the form is first checked (a submit or a blur), so its resolver loads zod and the schema then
// (the same schema the server action parses again: STYLE 1). The first check waits for the import.
import type { FieldValues, Resolver } from "react-hook-form";
import type { ZodType } from "zod";

export function lazyZodResolver<TIn extends FieldValues, TOut = TIn>(loadSchema: () => Promise<ZodType>): Resolver<TIn, unknown, TOut> {
  let resolver: Promise<Resolver<TIn, unknown, TOut>> | null = null;
  return async (values, context, options) => {
    resolver ??= Promise.all([import("@hookform/resolvers/zod"), loadSchema()]).then(
      ([{ zodResolver }, schema]) => zodResolver(schema as never) as unknown as Resolver<TIn, unknown, TOut>,
    );
    try {
      return await (await resolver)(values, context, options);
    } catch (e) {
      resolver = null; // a failed chunk load is tried again on the next check
      throw e;
    }
  };
}
