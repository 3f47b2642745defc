import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { ChangePasswordForm } from "@/components/users/change-password-form";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requireUser({ allowPasswordChangePending: true });
  return (
    <>
      <PageHeader title="Account" description={`${user.name} · ${user.email} · ${user.role === "ADMIN" ? "Admin" : "Member"}`} />
      {user.mustChangePassword ? (
        <div role="alert" className="message error" data-testid="must-change-password">
          You signed in with a temporary password. Choose your own password to continue.
        </div>
      ) : null}
      <section className="panel" aria-labelledby="change-password-title">
        <h2 id="change-password-title">Change password</h2>
        <p className="muted">All your sessions end when the password changes; sign in again with the new one.</p>
        <ChangePasswordForm />
      </section>
    </>
  );
}
