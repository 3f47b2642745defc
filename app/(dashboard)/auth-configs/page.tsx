import type { Metadata } from "next";
import Link from "next/link";
import { AuthConfigsTable } from "@/components/auth-configs/auth-configs-table";
import { readTableState, type TSearchParams } from "@/components/ui/data-table-model";
import { PageHeader } from "@/components/ui/page-header";
import { listAuthConfigs } from "@/lib/auth-configs/store";
import { protocolLabel, subProtocolLabel } from "@/lib/auth-configs/schema";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Authentication" };

export default async function AuthConfigsPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  const user = await requireUser();
  const params = await searchParams;
  const configs = await listAuthConfigs();
  return (
    <>
      <PageHeader
        title="Authentication"
        description="How Patchbay authenticates to third-party APIs. One configuration serves many services and connectors."
        actions={user.role === "ADMIN" ? <Link className="btn primary" href="/auth-configs/new">Create</Link> : null}
      />
      <AuthConfigsTable
        canEdit={user.role === "ADMIN"}
        params={params}
        state={readTableState(params, "", { sort: "updated", dir: "desc" })}
        rows={configs.map((c) => ({
          id: c.id,
          name: c.name,
          kind: `${protocolLabel(c.protocol)} / ${subProtocolLabel(c.subProtocol)}`,
          services: c.usage.services.length,
          connectors: c.usage.connectors.length,
          lastTest: c.lastTest,
          needsReconnect: c.needsReconnect ? (c.needsReconnectReason ?? "") : null,
          updatedAt: c.updatedAt,
        }))}
      />
    </>
  );
}
