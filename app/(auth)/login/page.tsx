import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { StatusMessage } from "@/components/ui/messages";
import { SignInForm } from "@/components/users/sign-in-form";
import { getCurrentUser } from "@/lib/auth/session";
import { userCount } from "@/lib/users/manage";

export const metadata: Metadata = { title: "Sign in" };

function safeCallback(value: unknown): string {
  // Only same-site paths: never an open redirect.
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.includes("\\") ? value : "/";
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if ((await userCount()) === 0) redirect("/setup");
  if (await getCurrentUser()) redirect("/");
  const sp = await searchParams;
  return (
    <>
      <h1>Sign in to Patchbay</h1>
      <p className="muted">Use the email and password your administrator gave you.</p>
      {sp.setup === "done" ? <StatusMessage>Admin account created. Sign in to continue.</StatusMessage> : null}
      {sp["password-changed"] ? <StatusMessage>Password changed. Sign in with your new password.</StatusMessage> : null}
      <SignInForm callbackUrl={safeCallback(sp.callbackUrl)} />
    </>
  );
}
