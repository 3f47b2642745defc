import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ConnectorForm } from "@/components/connectors/connector-form";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { getConnector, serviceChoices } from "@/lib/connectors/store";
import { authConfigChoices } from "@/lib/services/store";

export const metadata: Metadata = { title: "Connector" };

export default async function ConnectorPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireAdmin();
  const [connector, services, authConfigs] = await Promise.all([getConnector(id), serviceChoices(), authConfigChoices()]);
  if (!connector) notFound();
  return (
    <>
      <PageHeader title={connector.name} description={connector.description || undefined} />
      <ConnectorForm key={connector.id} connector={connector} services={services.map((s) => ({ id: s.id, name: s.name, authConfigName: s.authConfig.name }))} authConfigs={authConfigs} />
    </>
  );
}
