// Stats bucketed over lib/runs/stats.ts's ranges (runs, deliveries, messages) as the time chart's
// views, one per range: a chart describes its summary sentence and each bucket's values.
import { RANGES, type TRange } from "@/lib/runs/stats";
import { bucketLabel } from "./format";
import type { TChartView } from "./types";

const PER: Record<TRange, string> = { "24h": "hour", "7d": "6 hours" };

type TRangeStats = { range: TRange; from: number; to: number; buckets: ReadonlyArray<{ start: number; end: number }> };

export function rangeViews<S extends TRangeStats>(
  stats: Record<TRange, S>,
  summary: (stats: S) => string,
  values: (bucket: S["buckets"][number]) => Record<string, number | null>,
): TChartView[] {
  return (Object.keys(RANGES) as TRange[]).map((range) => {
    const s = stats[range];
    return {
      key: s.range,
      label: RANGES[s.range].label,
      per: PER[s.range],
      from: s.from,
      to: s.to,
      summary: summary(s),
      buckets: s.buckets.map((b) => ({ start: b.start, end: b.end, label: bucketLabel(b.start, b.end), values: values(b) })),
    };
  });
}
