import type { Metadata } from "next";
import Link from "next/link";
import { ConnectorForm } from "@/components/connectors/connector-form";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { serviceChoices } from "@/lib/connectors/store";
import { authConfigChoices } from "@/lib/services/store";

export const metadata: Metadata = { title: "New connector" };

export default async function NewConnectorPage() {
  await requireAdmin();
  const [services, authConfigs] = await Promise.all([serviceChoices(), authConfigChoices()]);
  return (
    <>
      <PageHeader title="New connector" />
      {services.length === 0 ? (
        <p className="panel">A connector belongs to a service. <Link href="/services/new">Create a service first</Link>.</p>
      ) : (
        <ConnectorForm connector={null} services={services.map((s) => ({ id: s.id, name: s.name, authConfigName: s.authConfig.name }))} authConfigs={authConfigs} />
      )}
    </>
  );
}
