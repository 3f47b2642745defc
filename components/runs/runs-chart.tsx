// Runs over time (SPEC §8), a connector's or every connector's: outcomes per bucket as stacked bars
// (OK / 4xx-5xx / no answer) and latency p50/p95 as lines, on the app's time chart, whose summary
// sentence and "Numbers per …" table are the text alternative.
import { TimeChart } from "@/components/charts/time-chart";
import { counted, formatValue } from "@/components/charts/format";
import type { TChartSeries } from "@/components/charts/types";
import { rangeViews } from "@/components/charts/views";
import { RANGES, type TRange, type TRunStats } from "@/lib/runs/stats";

const BARS: TChartSeries[] = [
  { key: "ok", label: "OK", color: "--chart-ok" },
  { key: "errors", label: "4xx/5xx", color: "--chart-warn" },
  { key: "failed", label: "No answer", color: "--chart-neutral" },
];
const LINES: TChartSeries[] = [
  { key: "p50", label: "p50", color: "--chart-line-1", unit: "ms" },
  { key: "p95", label: "p95", color: "--chart-line-2", unit: "ms", dash: true },
];

const percent = (rate: number) => `${Math.round(rate * 1000) / 10}%`;

function runsSummary(stats: TRunStats): string {
  const { count, errorRate, p50, p95 } = stats.totals;
  const label = RANGES[stats.range].label;
  if (count === 0 || errorRate === null) return `${label}: no runs.`;
  const estimated = stats.sampled < count ? ` (latency estimated from ${stats.sampled.toLocaleString("en")} sampled runs)` : "";
  return `${label}: ${counted(count, "run")}, error rate ${percent(errorRate)}, p50 ${formatValue(p50, "ms")}, p95 ${formatValue(p95, "ms")}${estimated}.`;
}

export function RunsChart({ stats }: { stats: Record<TRange, TRunStats> }) {
  return (
    <TimeChart
      name="runs"
      title="Runs over time"
      noun="runs"
      shows="by outcome and latency p50/p95"
      totalLabel="Runs"
      bars={BARS}
      barAxis="Runs"
      lines={LINES}
      lineAxis="Latency (ms)"
      views={rangeViews(stats, runsSummary, (b) => ({ ok: b.ok, errors: b.errors, failed: b.failed, p50: b.p50, p95: b.p95 }))}
    />
  );
}
