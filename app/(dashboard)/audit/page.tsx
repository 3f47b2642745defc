import type { Metadata } from "next";
import { AuditFilter } from "@/components/audit/audit-filter";
import { AuditTable } from "@/components/audit/audit-table";
import { readTableState, type TSearchParams } from "@/components/ui/data-table-model";
import { PageHeader } from "@/components/ui/page-header";
import { listAuditEntries } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  await requireAdmin();
  const params = await searchParams;
  // The time is the only sort (see listAuditEntries); any other column asked for reads as it.
  const state = { ...readTableState(params, "", { sort: "at", dir: "desc" }), sort: "at" };
  const objectType = typeof params.type === "string" && params.type ? params.type : null;
  const { entries, total, objectTypes, pageSize } = await listAuditEntries({ page: state.page, objectType: objectType ?? undefined, dir: state.dir });

  return (
    <>
      <PageHeader title="Audit" description="Who did what to which object, and when. Secret values are never recorded." />
      <AuditFilter objectTypes={objectTypes} current={objectType ?? ""} params={params} />
      <AuditTable rows={entries} total={total} pageSize={pageSize} objectType={objectType} state={state} params={params} />
    </>
  );
}
