import type { Metadata } from "next";
import { AuthConfigForm } from "@/components/auth-configs/auth-config-form";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { selectedEnvironment } from "@/lib/environments/store";
import { redirectUrl } from "@/lib/oauth/connect";

export const metadata: Metadata = { title: "New authentication configuration" };

export default async function NewAuthConfigPage() {
  const user = await requireAdmin();
  // Test runs in the header's environment; an unsaved configuration has no overrides there yet.
  const environment = await selectedEnvironment(user.id);
  return (
    <>
      <PageHeader title="New authentication configuration" description="Test tries the settings against the Test URL without saving them." />
      <p data-testid="environment-banner"><strong>Environment: {environment ? environment.name : "No environment (defaults)"}</strong></p>
      {environment ? (
        <p className="muted" data-testid="form-edits-defaults">
          The form sets the defaults (No environment). An unsaved configuration has no overrides in {environment.name} yet, so Test uses the values in the form.
        </p>
      ) : null}
      <AuthConfigForm view={null} canEdit redirectUrl={redirectUrl()} environment={environment} />
    </>
  );
}
