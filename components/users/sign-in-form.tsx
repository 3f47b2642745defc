"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { AlertMessage } from "@/components/ui/messages";
import { ZSignIn, type TSignIn } from "@/lib/users/schema";

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const form = useForm<TSignIn>({ resolver: zodResolver(ZSignIn), defaultValues: { email: "", password: "" } });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    const res = await signIn("credentials", { ...values, redirect: false });
    if (!res || res.error) {
      form.setError("root.serverError", { message: res?.error ?? "Sign-in failed. Try again." });
      return;
    }
    router.replace(callbackUrl);
    router.refresh();
  });

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <AlertMessage>{errors.root?.serverError?.message}</AlertMessage>
      <TextField label="Email" type="email" autoComplete="username" autoFocus error={errors.email?.message} {...form.register("email")} />
      <TextField label="Password" type="password" autoComplete="current-password" error={errors.password?.message} {...form.register("password")} />
      <Button type="submit" variant="primary" pending={isSubmitting}>Sign in</Button>
    </form>
  );
}
