import type { Metadata } from "next";
import Link from "next/link";
import { ConnectorsList } from "@/components/connectors/connectors-list";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/session";
import { ZConnectorListQuery } from "@/lib/connectors/schema";
import { listConnectors, serviceChoices } from "@/lib/connectors/store";
import { selectedEnvironment } from "@/lib/environments/store";

export const metadata: Metadata = { title: "Connectors" };

export default async function ConnectorsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const sp = await searchParams;
  const parsed = ZConnectorListQuery.safeParse(Object.fromEntries(Object.entries(sp).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])));
  const query = parsed.success ? parsed.data : ZConnectorListQuery.parse({});
  const [list, services, environment] = await Promise.all([listConnectors(query), serviceChoices(), selectedEnvironment(user.id)]);
  return (
    <>
      <PageHeader
        title="Connectors"
        description="Endpoints of the services: method, URL, parameters and body."
        actions={user.role === "ADMIN" ? <Link className="btn primary" href="/connectors/new">Create</Link> : null}
      />
      <ConnectorsList rows={list.rows} total={list.total} pageSize={list.pageSize} query={query} services={services.map((s) => ({ id: s.id, name: s.name }))} canEdit={user.role === "ADMIN"} environment={environment} />
    </>
  );
}
