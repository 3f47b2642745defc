import type { Metadata } from "next";
import Link from "next/link";
import { ListenersTable } from "@/components/listeners/listeners-table";
import { readTableState, type TSearchParams } from "@/components/ui/data-table-model";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/session";
import { listListeners } from "@/lib/listeners/store";

export const metadata: Metadata = { title: "Listeners" };

export default async function ListenersPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  const user = await requireUser();
  const params = await searchParams;
  const rows = await listListeners();
  const admin = user.role === "ADMIN";
  return (
    <>
      <PageHeader
        title="Listeners"
        description="A listener gives other applications and trading partners a URL under /api/hooks/ to send messages to — any content type. Each message is stored before it is acknowledged with 202, then kept, forwarded to your callback URL or run through a connector."
        actions={admin ? <Link className="btn primary" href="/listeners/new">New listener</Link> : null}
      />
      <ListenersTable rows={rows} canEdit={admin} params={params} state={readTableState(params, "", { sort: "created", dir: "desc" })} />
    </>
  );
}
