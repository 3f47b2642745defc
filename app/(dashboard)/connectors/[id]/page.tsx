import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ConnectorForm } from "@/components/connectors/connector-form";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { getConnector, wizardChoices } from "@/lib/connectors/store";

export const metadata: Metadata = { title: "Connector" };

export default async function ConnectorPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireAdmin();
  const [connector, choices] = await Promise.all([getConnector(id), wizardChoices()]);
  if (!connector) notFound();
  return (
    <>
      <PageHeader title={connector.name} description={connector.description || undefined} />
      <ConnectorForm key={connector.id} connector={connector} choices={choices} />
    </>
  );
}
