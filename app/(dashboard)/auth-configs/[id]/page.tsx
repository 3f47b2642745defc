import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AuthConfigForm } from "@/components/auth-configs/auth-config-form";
import { PageHeader } from "@/components/ui/page-header";
import { getAuthConfigView } from "@/lib/auth-configs/store";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Authentication configuration" };

export default async function AuthConfigPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser();
  // The view carries no secret values: only whether each one is set.
  const view = await getAuthConfigView(id);
  if (!view) notFound();
  const used = [...view.usage.services.map((s) => `service ${s}`), ...view.usage.connectors.map((c) => `connector ${c}`)];
  return (
    <>
      <PageHeader
        title={view.name}
        description={used.length ? `Used by ${used.join(", ")}.` : "Not used by any service or connector yet."}
      />
      <AuthConfigForm key={view.id} view={view} canEdit={user.role === "ADMIN"} />
    </>
  );
}
