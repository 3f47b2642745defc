import type { Metadata } from "next";
import { AttentionList } from "@/components/dashboard/attention-list";
import { DashboardCounts } from "@/components/dashboard/dashboard-counts";
import { CONNECTOR_RUNS_PAGE_SIZE, CONNECTOR_RUNS_PREFIX, RunsOverview } from "@/components/dashboard/runs-overview";
import { readTableState, type TSearchParams } from "@/components/ui/data-table-model";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/session";
import { dashboardAttention, dashboardCounts } from "@/lib/dashboard/queries";
import { dashboardRuns } from "@/lib/dashboard/runs";

export const metadata: Metadata = { title: "Dashboard" };

// The home page: how much there is, what needs attention, and how the connectors ran.
export default async function DashboardPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  const user = await requireUser();
  const params = await searchParams;
  const state = readTableState(params, CONNECTOR_RUNS_PREFIX, { sort: "runs", dir: "desc" });
  const now = new Date();
  const [counts, attention, runs] = await Promise.all([
    dashboardCounts(),
    dashboardAttention(user, now),
    dashboardRuns({ ...state, pageSize: CONNECTOR_RUNS_PAGE_SIZE }, now),
  ]);
  const admin = user.role === "ADMIN";
  return (
    <div className="dashboard">
      <PageHeader title="Dashboard" description="What there is, what needs attention, and how the connectors ran." />
      <DashboardCounts counts={counts} canCreate={admin} />
      <AttentionList items={attention} />
      <RunsOverview runs={runs} canEdit={admin} params={params} state={state} />
    </div>
  );
}
