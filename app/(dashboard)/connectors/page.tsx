import type { Metadata } from "next";
import Link from "next/link";
import { ConnectorsList } from "@/components/connectors/connectors-list";
import { readTableState, type TSearchParams } from "@/components/ui/data-table-model";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/session";
import { ZConnectorListQuery } from "@/lib/connectors/schema";
import { connectorListSort, listConnectors, serviceChoices } from "@/lib/connectors/store";
import { selectedEnvironment } from "@/lib/environments/store";

export const metadata: Metadata = { title: "Connectors" };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function ConnectorsPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  const user = await requireUser();
  const params = await searchParams;
  // Newest first by default, so connectors created during a session land on page 1.
  const table = readTableState(params, "", { sort: "created", dir: "desc" });
  const sort = connectorListSort(table.sort, table.dir);
  const state = { ...table, sort: sort.replace(/^-/, "") };
  const parsed = ZConnectorListQuery.safeParse({ q: first(params.q), serviceId: first(params.serviceId), sort, page: state.page });
  const query = parsed.success ? parsed.data : ZConnectorListQuery.parse({ sort });
  const [list, services, environment] = await Promise.all([listConnectors(query), serviceChoices(), selectedEnvironment(user.id)]);
  return (
    <>
      <PageHeader
        title="Connectors"
        description="Endpoints of the services: method, URL, parameters and body."
        actions={user.role === "ADMIN" ? <Link className="btn primary" href="/connectors/new">Create</Link> : null}
      />
      <ConnectorsList
        rows={list.rows}
        total={list.total}
        pageSize={list.pageSize}
        filter={{ q: query.q, serviceId: query.serviceId }}
        state={state}
        params={params}
        services={services.map((s) => ({ id: s.id, name: s.name }))}
        canEdit={user.role === "ADMIN"}
        environment={environment}
      />
    </>
  );
}
