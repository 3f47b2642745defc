// Words and numbers shared by the charts' pictures and text alternatives, the same on server and
// client (times in UTC, no locale), so hydration never disagrees.
import { formatUtc } from "@/components/ui/format";
import type { TChartBucket, TChartSeries } from "./types";

/** A value as the legend and the table show it: "—" when missing, the unit after a space. */
export function formatValue(v: number | null | undefined, unit?: string): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  return unit ? `${v} ${unit}` : String(v);
}

/** The bucket's total: the sum of the bar series. */
export function bucketTotal(bucket: TChartBucket, bars: readonly TChartSeries[]): number {
  return bars.reduce((sum, s) => sum + (bucket.values[s.key] ?? 0), 0);
}

/** "2026-03-10 15:00–16:00 UTC"; buckets are aligned and never cross midnight, so they end at "24:00". */
export function bucketLabel(start: number, end: number): string {
  const until = formatUtc(new Date(end)).slice(11, 16);
  return `${formatUtc(new Date(start)).slice(0, 16)}–${until === "00:00" ? "24:00" : until} UTC`;
}

/** "1 run", "2 runs". */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
