"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { AlertMessage } from "@/components/ui/messages";
import { applyServerErrors } from "@/components/ui/server-errors";
import { setupAdminAction } from "@/lib/users/actions";
import { ZSetupAdmin, type TSetupAdmin } from "@/lib/users/schema";

export function SetupForm() {
  const router = useRouter();
  const form = useForm<TSetupAdmin>({ resolver: zodResolver(ZSetupAdmin), defaultValues: { name: "", email: "", password: "" } });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    const res = await setupAdminAction(values);
    if (!res.ok) return applyServerErrors(form, res);
    router.replace("/login?setup=done");
  });

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <AlertMessage>{errors.root?.serverError?.message}</AlertMessage>
      <TextField label="Name" autoComplete="name" autoFocus error={errors.name?.message} {...form.register("name")} />
      <TextField label="Email" type="email" autoComplete="username" error={errors.email?.message} {...form.register("email")} />
      <TextField label="Password" type="password" autoComplete="new-password" hint="At least 10 characters." error={errors.password?.message} {...form.register("password")} />
      <Button type="submit" variant="primary" pending={isSubmitting}>Create admin</Button>
    </form>
  );
}
