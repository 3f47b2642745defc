// A subscription's deliveries over time (SPEC §9): its events per bucket by where their delivery
// stands (delivered / waiting / dead letter) as stacked bars, and the attempts made for them as a
// line, on the app's time chart, whose summary sentence and "Numbers per …" table are the text
// alternative.
import { TimeChart } from "@/components/charts/time-chart";
import { counted } from "@/components/charts/format";
import type { TChartSeries } from "@/components/charts/types";
import { rangeViews } from "@/components/charts/views";
import type { TDeliveryStats } from "@/lib/events/stats";
import { RANGES, type TRange } from "@/lib/runs/stats";

const BARS: TChartSeries[] = [
  { key: "delivered", label: "Delivered", color: "--chart-ok" },
  { key: "waiting", label: "Waiting", color: "--chart-wait" },
  { key: "dead", label: "Dead letter", color: "--chart-bad" },
];
const LINES: TChartSeries[] = [{ key: "attempts", label: "Attempts", color: "--chart-line-1" }];

function deliverySummary(stats: TDeliveryStats): string {
  const { count, delivered, waiting, dead, attempts } = stats.totals;
  const label = RANGES[stats.range].label;
  if (count === 0) return `${label}: no events.`;
  return `${label}: ${counted(count, "event")}, ${delivered} delivered, ${waiting} waiting, ${dead} dead-lettered, ${counted(attempts, "delivery attempt")}.`;
}

/** `stats` from deliveryStatsByRange (lib/events/stats-query.ts). */
export function DeliveryChart({ stats }: { stats: Record<TRange, TDeliveryStats> }) {
  return (
    <TimeChart
      name="deliveries"
      title="Deliveries over time"
      noun="events"
      shows="by delivery outcome, with delivery attempts"
      totalLabel="Events"
      bars={BARS}
      barAxis="Events"
      lines={LINES}
      lineAxis="Attempts"
      views={rangeViews(stats, deliverySummary, (b) => ({ delivered: b.delivered, waiting: b.waiting, dead: b.dead, attempts: b.attempts }))}
    />
  );
}
