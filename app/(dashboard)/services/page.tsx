import type { Metadata } from "next";
import Link from "next/link";
import { ServicesTable } from "@/components/services/services-table";
import { readTableState, type TSearchParams } from "@/components/ui/data-table-model";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/session";
import { listServices } from "@/lib/services/store";

export const metadata: Metadata = { title: "Services" };

export default async function ServicesPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  const user = await requireUser();
  const params = await searchParams;
  const services = await listServices();
  return (
    <>
      <PageHeader
        title="Services"
        description="The third-party products you connect to. A service groups connectors and gives them their default authentication."
        actions={user.role === "ADMIN" ? <Link className="btn primary" href="/services/new">Create</Link> : null}
      />
      <ServicesTable services={services} canEdit={user.role === "ADMIN"} params={params} state={readTableState(params, "", { sort: "updated", dir: "desc" })} />
    </>
  );
}
