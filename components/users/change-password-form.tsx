"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { AlertMessage } from "@/components/ui/messages";
import { applyServerErrors } from "@/components/ui/server-errors";
import { changeOwnPasswordAction } from "@/lib/users/actions";
import { ZChangePassword, type TChangePassword } from "@/lib/users/schema";
import { signOutTo } from "./sign-out";

export function ChangePasswordForm() {
  const form = useForm<TChangePassword>({
    resolver: zodResolver(ZChangePassword),
    defaultValues: { currentPassword: "", newPassword: "", confirmPassword: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    const res = await changeOwnPasswordAction(values);
    if (!res.ok) return applyServerErrors(form, res);
    await signOutTo("/login?password-changed=1");
  });

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <AlertMessage>{errors.root?.serverError?.message}</AlertMessage>
      <TextField label="Current password" type="password" autoComplete="current-password" error={errors.currentPassword?.message} {...form.register("currentPassword")} />
      <TextField label="New password" type="password" autoComplete="new-password" hint="At least 10 characters." error={errors.newPassword?.message} {...form.register("newPassword")} />
      <TextField label="Confirm new password" type="password" autoComplete="new-password" error={errors.confirmPassword?.message} {...form.register("confirmPassword")} />
      <div><Button type="submit" variant="primary" pending={isSubmitting}>Change password</Button></div>
    </form>
  );
}
