"use client";
// Create/edit form of a service (SPEC §4).
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { useForm, type Resolver } from "react-hook-form";
import { bytesToBase64 } from "@/components/ui/base64";
import { Button } from "@/components/ui/button";
import { CheckboxField } from "@/components/ui/checkbox-field";
import { SelectField, TextField } from "@/components/ui/field";
import { AlertMessage } from "@/components/ui/messages";
import { applyServerErrors } from "@/components/ui/server-errors";
import { useToast } from "@/components/ui/toast";
import { MAX_LOGO_BYTES, sniffImageType } from "@/lib/services/logo";
import { createServiceAction, updateServiceAction } from "@/lib/services/actions";
import { ZServiceInput, type TServiceFormValues, type TServiceInput } from "@/lib/services/schema";
import type { TServiceView } from "@/lib/services/store";

export function ServiceForm({ service, authConfigs }: { service: TServiceView | null; authConfigs: { id: string; name: string }[] }) {
  const router = useRouter();
  const toast = useToast();
  const logoId = useId();
  const [logoNote, setLogoNote] = useState<string | null>(null);
  const form = useForm<TServiceFormValues>({
    resolver: zodResolver(ZServiceInput) as unknown as Resolver<TServiceFormValues>,
    defaultValues: {
      name: service?.name ?? "",
      productName: service?.productName ?? "",
      productVersion: service?.productVersion ?? "",
      apiVersion: service?.apiVersion ?? "",
      authConfigId: service?.authConfig.id ?? "",
      logo: "",
      removeLogo: false,
    },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (raw) => {
    const values = raw as TServiceInput;
    try {
      if (service) {
        const res = await updateServiceAction({ id: service.id, values });
        if (!res.ok) return applyServerErrors(form, res, "values.");
        toast.success(`Saved "${values.name}".`);
        router.push("/services");
      } else {
        const res = await createServiceAction(values);
        if (!res.ok) return applyServerErrors(form, res);
        toast.success(`Created "${values.name}".`);
        router.push("/services");
      }
      router.refresh();
    } catch {
      form.setError("root.serverError", { message: "The server could not be reached. Check your connection and try again." });
    }
  });

  return (
    <form className="form wide" onSubmit={onSubmit} noValidate>
      <AlertMessage>{errors.root?.serverError?.message}</AlertMessage>
      <TextField label="Name" error={errors.name?.message} {...form.register("name")} />
      <TextField label="Product name" error={errors.productName?.message} {...form.register("productName")} />
      <TextField label="Product version" error={errors.productVersion?.message} {...form.register("productVersion")} />
      <TextField label="API version" error={errors.apiVersion?.message} {...form.register("apiVersion")} />
      <div className="field">
        <label htmlFor={logoId}>Logo</label>
        {service?.logoUrl ? (
          // eslint-disable-next-line @next/next/no-img-element -- served by our own route with its checked type
          <img src={service.logoUrl} alt={`Current logo of ${service.name}`} className="logo large" />
        ) : null}
        <input
          id={logoId}
          type="file"
          accept="image/png,image/jpeg,image/webp"
          aria-describedby={`${logoId}-hint`}
          onChange={async (e) => {
            form.clearErrors("logo");
            setLogoNote(null);
            const file = e.target.files?.[0];
            if (!file) return form.setValue("logo", "");
            const bytes = new Uint8Array(await file.arrayBuffer());
            // Checked here for a quick answer, and again on the server, which decides.
            if (file.size > MAX_LOGO_BYTES) return form.setError("logo", { message: "The logo is larger than 1 MB." });
            if (!sniffImageType(bytes)) return form.setError("logo", { message: "The logo must be a PNG, JPEG or WebP image." });
            form.setValue("logo", bytesToBase64(bytes));
            setLogoNote(`${file.name} (${Math.ceil(file.size / 1024)} KB) will be saved.`);
          }}
        />
        <p className="field-hint" id={`${logoId}-hint`}>PNG, JPEG or WebP, up to 1 MB.</p>
        {logoNote ? <p className="field-hint">{logoNote}</p> : null}
        {errors.logo?.message ? <p className="field-error">{errors.logo.message}</p> : null}
      </div>
      {service?.logoUrl ? <CheckboxField label="Remove logo" {...form.register("removeLogo")} /> : null}
      <SelectField label="Authentication configuration" error={errors.authConfigId?.message} {...form.register("authConfigId")}>
        <option value="">Choose…</option>
        {authConfigs.map((c) => (
          <option key={c.id} value={c.id}>{c.name}</option>
        ))}
      </SelectField>
      <div className="form-actions">
        <Button type="submit" variant="primary" pending={isSubmitting}>Save</Button>
      </div>
    </form>
  );
}
