import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CallFromAnotherSystem } from "@/components/connectors/call-from-another-system";
import { ConnectorForm } from "@/components/connectors/connector-form";
import { RecentRuns } from "@/components/runs/recent-runs";
import { RunsChart } from "@/components/runs/runs-chart";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { callShapeOf } from "@/lib/connectors/call-shape";
import { getConnector, wizardChoices } from "@/lib/connectors/store";
import { env } from "@/lib/env";
import { selectedEnvironment } from "@/lib/environments/store";
import { recentRuns, runStatsByRange } from "@/lib/runs/queries";

export const metadata: Metadata = { title: "Connector" };

export default async function ConnectorPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
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
        <RecentRuns runs={runs} />
      </section>
    </>
  );
}
