import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CallFromAnotherSystem } from "@/components/connectors/call-from-another-system";
import { ConnectorForm } from "@/components/connectors/connector-form";
import { RecentRuns } from "@/components/runs/recent-runs";
import { RunsChart } from "@/components/runs/runs-chart";
import type { TSearchParams } from "@/components/ui/data-table-model";
import { PageHeader } from "@/components/ui/page-header";
import { getCurrentUser, requireAdmin } from "@/lib/auth/session";
import { callShapeOf } from "@/lib/connectors/call-shape";
import { getConnector, wizardChoices } from "@/lib/connectors/store";
import { env } from "@/lib/env";
import { selectedEnvironment } from "@/lib/environments/store";
import { recentRuns, runStatsByRange } from "@/lib/runs/queries";

type TProps = { params: Promise<{ id: string }>; searchParams: Promise<TSearchParams> };

export async function generateMetadata({ params }: TProps): Promise<Metadata> {
  // Metadata may resolve beside the page's own guard: only an admin's tab shows the name.
  const user = await getCurrentUser();
  const connector = user?.role === "ADMIN" ? await getConnector((await params).id) : null;
  return { title: connector ? `${connector.name} · Connectors` : "Connector" };
}

export default async function ConnectorPage({ params, searchParams }: TProps) {
  const { id } = await params;
  const query = await searchParams;
  const user = await requireAdmin();
  const [connector, choices, runs, stats, environment] = await Promise.all([getConnector(id), wizardChoices(), recentRuns(id), runStatsByRange(id), selectedEnvironment(user.id)]);
  if (!connector) notFound();
  const { pathParams, queryParams, body, formParams } = callShapeOf(connector);
  return (
    <>
      <PageHeader title={connector.name} description={connector.description || undefined} />
      <ConnectorForm key={connector.id} connector={connector} choices={choices} environment={environment} />
      <CallFromAnotherSystem connector={{ id: connector.id, pathParams, queryParams, body, formParams }} baseUrl={env().PATCHBAY_URL} />
      <section className="runs" aria-labelledby="recent-runs-title">
        <h2 id="recent-runs-title">Recent runs</h2>
        {runs.length ? <RunsChart stats={stats} /> : null}
        <RecentRuns runs={runs} path={`/connectors/${id}`} params={query} />
      </section>
    </>
  );
}
