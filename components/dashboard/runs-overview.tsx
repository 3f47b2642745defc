// "Runs in the last 24 hours": the figures as text, the runs chart (both ranges), and the connectors
// that ran, busiest first, with their own error rate and p95 (sorted and paged by lib/dashboard/runs.ts).
import Link from "next/link";
import { RunsChart } from "@/components/runs/runs-chart";
import { DataTable, type TColumn } from "@/components/ui/data-table";
import type { TSearchParams, TTableState } from "@/components/ui/data-table-model";
import { formatUtc } from "@/components/ui/format";
import type { TConnectorRuns, TDashboardRuns } from "@/lib/dashboard/runs";

/** The connector table's URL parameters (c_sort, c_dir, c_page), and its page size. */
export const CONNECTOR_RUNS_PREFIX = "c_";
export const CONNECTOR_RUNS_PAGE_SIZE = 10;

const ms = (v: number | null) => (v === null ? "—" : `${Math.round(v)} ms`);
const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 1000) / 10}%`);

function connectorColumns(canEdit: boolean): TColumn<TConnectorRuns>[] {
  return [
    {
      key: "name",
      header: "Connector",
      rowHeader: true,
      serverSort: true,
      // Members may not open a connector's page (admins only): they find it in the list.
      cell: (r) => <Link href={canEdit ? `/connectors/${r.connectorId}` : `/connectors?q=${encodeURIComponent(r.name)}`}>{r.name}</Link>,
    },
    { key: "runs", header: "Runs", numeric: true, serverSort: true, cell: (r) => r.runs },
    { key: "errors", header: "Error rate", numeric: true, serverSort: true, cell: (r) => percent(r.errorRate) },
    { key: "p95", header: "p95 latency", numeric: true, nowrap: true, cell: (r) => ms(r.p95) },
    { key: "last", header: "Last run", nowrap: true, serverSort: true, cell: (r) => <time dateTime={r.lastRunAt.toISOString()}>{formatUtc(r.lastRunAt)}</time> },
  ];
}

type TProps = { runs: TDashboardRuns; canEdit: boolean; state: TTableState; params: TSearchParams };

export function RunsOverview({ runs, canEdit, state, params }: TProps) {
  const { count, errorRate, p95 } = runs.stats["24h"].totals;
  return (
    <section className="dashboard-section" aria-labelledby="dashboard-runs-title">
      <h2 id="dashboard-runs-title">Runs in the last 24 hours</h2>
      <dl className="dashboard-figures">
        <div>
          <dt>Runs</dt>
          <dd data-testid="dashboard-runs-count">{count}</dd>
        </div>
        <div>
          <dt>Error rate</dt>
          <dd data-testid="dashboard-runs-error-rate">{percent(errorRate)}</dd>
        </div>
        <div>
          <dt>p95 latency</dt>
          <dd data-testid="dashboard-runs-p95">{ms(p95)}</dd>
        </div>
      </dl>
      {count > 0 ? <RunsChart stats={runs.stats} /> : null}
      <h3 id="dashboard-connectors-title">Connectors</h3>
      <DataTable
        label="Connectors run in the last 24 hours"
        noun={["connector", "connectors"]}
        columns={connectorColumns(canEdit)}
        rows={runs.connectors}
        total={runs.total}
        pageSize={CONNECTOR_RUNS_PAGE_SIZE}
        rowKey={(r) => r.connectorId}
        rowTestId={(r) => `dashboard-connector-row-${r.name}`}
        state={state}
        path="/"
        params={params}
        prefix={CONNECTOR_RUNS_PREFIX}
        testId="dashboard-connectors"
        empty={
          <p>
            No connector ran in the last 24 hours.{" "}
            {canEdit ? <><Link href="/connectors">Open a connector</Link> and send a Test, or call it through the REST API.</> : "Runs appear here once connectors are tested or called through the REST API."}
          </p>
        }
      />
    </section>
  );
}
