import type { Metadata } from "next";
import Link from "next/link";
import { ServiceForm } from "@/components/services/service-form";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { authConfigChoices } from "@/lib/services/store";

export const metadata: Metadata = { title: "New service" };

export default async function NewServicePage() {
  await requireAdmin();
  const authConfigs = await authConfigChoices();
  return (
    <>
      <PageHeader title="New service" />
      {authConfigs.length === 0 ? (
        <p className="panel">
          A service needs an authentication configuration. <Link href="/auth-configs/new">Create one first</Link> (No Authentication is one too).
        </p>
      ) : (
        <ServiceForm service={null} authConfigs={authConfigs} />
      )}
    </>
  );
}
