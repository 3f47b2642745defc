import type { Metadata } from "next";
import Link from "next/link";
import { ConnectorForm } from "@/components/connectors/connector-form";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { wizardChoices } from "@/lib/connectors/store";
import { selectedEnvironment } from "@/lib/environments/store";

export const metadata: Metadata = { title: "New connector" };

export default async function NewConnectorPage() {
  const user = await requireAdmin();
  const [choices, environment] = await Promise.all([wizardChoices(), selectedEnvironment(user.id)]);
  return (
    <>
      <PageHeader title="New connector" />
      {choices.services.length === 0 ? (
        <p className="panel">A connector belongs to a service. <Link href="/services/new">Create a service first</Link>.</p>
      ) : (
        <ConnectorForm connector={null} choices={choices} environment={environment} />
      )}
    </>
  );
}
