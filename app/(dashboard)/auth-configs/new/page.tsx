import type { Metadata } from "next";
import { AuthConfigForm } from "@/components/auth-configs/auth-config-form";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { redirectUrl } from "@/lib/oauth/connect";

export const metadata: Metadata = { title: "New authentication configuration" };

export default async function NewAuthConfigPage() {
  await requireAdmin();
  return (
    <>
      <PageHeader title="New authentication configuration" description="Test tries the settings against the Test URL without saving them." />
      <AuthConfigForm view={null} canEdit redirectUrl={redirectUrl()} />
    </>
  );
}
