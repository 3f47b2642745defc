import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ServiceForm } from "@/components/services/service-form";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { authConfigChoices, getService } from "@/lib/services/store";

export const metadata: Metadata = { title: "Service" };

export default async function ServicePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireAdmin();
  const [service, authConfigs] = await Promise.all([getService(id), authConfigChoices()]);
  if (!service) notFound();
  return (
    <>
      <PageHeader title={service.name} description={`${service.connectors} connector${service.connectors === 1 ? "" : "s"} use this service.`} />
      <ServiceForm key={service.id} service={service} authConfigs={authConfigs} />
    </>
  );
}
