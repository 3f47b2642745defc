"use client";
import { useWatch, type UseFormReturn } from "react-hook-form";
import type { TAuthConfigFormValues } from "./form-values";

/** Toggles `key` in the form's clearSecrets list (optional secrets only; required ones are replaced). */
export function useClearSecret(form: UseFormReturn<TAuthConfigFormValues>, key: string) {
  const list = useWatch({ control: form.control, name: "clearSecrets" }) ?? [];
  return {
    cleared: list.includes(key),
    onChange: (cleared: boolean) => {
      const rest = list.filter((k) => k !== key);
      form.setValue("clearSecrets", cleared ? [...rest, key] : rest, { shouldDirty: true });
    },
  };
}
