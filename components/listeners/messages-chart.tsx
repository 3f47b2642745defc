// A listener's messages over time (SPEC §10): messages received per bucket by where their hand-off
// stands (handed on / stored / waiting / failed) as stacked bars, on the app's time chart, whose
// summary sentence and "Numbers per …" table are the text alternative. Refused requests (401, 405,
// 413) are not stored, so they are not drawn.
import { TimeChart } from "@/components/charts/time-chart";
import { counted } from "@/components/charts/format";
import type { TChartSeries } from "@/components/charts/types";
import { rangeViews } from "@/components/charts/views";
import type { TMessageStats } from "@/lib/listeners/stats";
import { RANGES, type TRange } from "@/lib/runs/stats";

const BARS: TChartSeries[] = [
  { key: "handedOn", label: "Handed on", color: "--chart-ok" },
  { key: "stored", label: "Stored", color: "--chart-neutral" },
  { key: "waiting", label: "Waiting", color: "--chart-wait" },
  { key: "failed", label: "Failed", color: "--chart-bad" },
];

function messagesSummary(stats: TMessageStats): string {
  const { count, handedOn, stored, waiting, failed } = stats.totals;
  const label = RANGES[stats.range].label;
  if (count === 0) return `${label}: no messages.`;
  return `${label}: ${counted(count, "message")}, ${handedOn} handed on, ${stored} stored, ${waiting} waiting, ${failed} failed or dead-lettered.`;
}

/** `stats` from messageStatsByRange (lib/listeners/stats-query.ts). */
export function MessagesChart({ stats }: { stats: Record<TRange, TMessageStats> }) {
  return (
    <TimeChart
      name="messages"
      title="Messages over time"
      noun="messages"
      shows="by hand-off outcome"
      totalLabel="Messages"
      bars={BARS}
      barAxis="Messages"
      views={rangeViews(stats, messagesSummary, (b) => ({ handedOn: b.handedOn, stored: b.stored, waiting: b.waiting, failed: b.failed }))}
    />
  );
}
