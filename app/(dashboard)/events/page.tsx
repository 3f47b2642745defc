import type { Metadata } from "next";
import Link from "next/link";
import { SubscriptionsTable } from "@/components/events/subscriptions-table";
import { readTableState, type TSearchParams } from "@/components/ui/data-table-model";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/session";
import { listSubscriptions } from "@/lib/events/store";

export const metadata: Metadata = { title: "Events" };

export default async function EventsPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  const user = await requireUser();
  const params = await searchParams;
  const rows = await listSubscriptions();
  const admin = user.role === "ADMIN";
  return (
    <>
      <PageHeader
        title="Events"
        description="A subscription watches one service for events — by polling its API for new and changed items, or by receiving its webhooks — and POSTs each event as signed JSON to your callback URL, retrying until it is delivered."
        actions={admin ? <Link className="btn primary" href="/events/new">Create</Link> : null}
      />
      <SubscriptionsTable rows={rows} canEdit={admin} params={params} state={readTableState(params, "", { sort: "created", dir: "desc" })} />
    </>
  );
}
