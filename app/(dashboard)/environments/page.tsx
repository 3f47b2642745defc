import type { Metadata } from "next";
import { EnvironmentDialog } from "@/components/environments/environment-dialog";
import { EnvironmentsTable } from "@/components/environments/environments-table";
import { readTableState, type TSearchParams } from "@/components/ui/data-table-model";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/session";
import { listEnvironments } from "@/lib/environments/store";

export const metadata: Metadata = { title: "Environments" };

export default async function EnvironmentsPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  const user = await requireUser();
  const params = await searchParams;
  const environments = await listEnvironments();
  const admin = user.role === "ADMIN";
  return (
    <>
      <PageHeader
        title="Environments"
        description="The same connectors and configurations run against Development, Test or Production: an environment overrides single configuration fields and defines the {{VARIABLES}} connectors use. Pick one with the Environment switcher."
        actions={admin ? <EnvironmentDialog /> : null}
      />
      <EnvironmentsTable environments={environments} canEdit={admin} params={params} state={readTableState(params, "", { sort: "updated", dir: "desc" })} />
    </>
  );
}
