// Puts a failed action's result into a react-hook-form form: field errors on their fields, the
// message as the form-level alert (STYLE.md 4).
import type { FieldValues, Path, UseFormReturn } from "react-hook-form";

type TFailure = { ok: false; error: string; fieldErrors?: Record<string, string[]> };

/** `prefix`: where the form's values sit in the action's input, e.g. "values." for { id, values }. */
export function applyServerErrors<T extends FieldValues, TOut extends FieldValues = T>(form: UseFormReturn<T, unknown, TOut>, res: TFailure, prefix = ""): void {
  const known = new Set(Object.keys(form.getValues()));
  for (const [key, messages] of Object.entries(res.fieldErrors ?? {})) {
    const field = key.startsWith(prefix) ? key.slice(prefix.length) : key;
    if (known.has(field.split(".")[0])) form.setError(field as Path<T>, { message: messages[0] });
  }
  form.setError("root.serverError", { message: res.error });
}
