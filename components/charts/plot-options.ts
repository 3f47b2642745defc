// uPlot options and data for a time chart: stacked bars of counts on the left axis, optional lines
// on the right one. Colours are resolved from CSS variables by the caller at draw time, so a theme
// switch only needs a redraw.
import type uPlot from "uplot";
import { formatValue } from "./format";
import type { TChartView, TTimeChartProps } from "./types";

export const PLOT_HEIGHT = 260;

/** Colours as the canvas needs them: series by CSS variable, and the axes' text and grid. */
export type TPlotColors = { series: Record<string, string>; text: string; grid: string };

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** x-axis ticks in UTC and 24-hour time, like the tables: "15:00", and the date at midnight. */
function timeTick(seconds: number): string {
  const d = new Date(seconds * 1000);
  if (d.getUTCHours() === 0 && d.getUTCMinutes() === 0) return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
  return d.toISOString().slice(11, 16);
}

const COUNT_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000];

type TSpec = Pick<TTimeChartProps, "bars" | "barAxis" | "lines" | "lineAxis">;

export function plotOptions(UPlot: typeof uPlot, spec: TSpec, view: TChartView, width: number, colors: TPlotColors): uPlot.Options {
  const { buckets } = view;
  const lines = spec.lines ?? [];
  const bars = UPlot.paths.bars!({ size: [0.7, 48], align: 0 });
  const own = (key: string, unit?: string) => (_u: uPlot, _v: number, _si: number, idx: number | null) => (idx === null ? "—" : formatValue(buckets[idx].values[key], unit));
  const axis = (extra: uPlot.Axis): uPlot.Axis => ({ stroke: colors.text, grid: { stroke: colors.grid, width: 1 }, ticks: { stroke: colors.grid, width: 1 }, ...extra });
  const color = (v: string) => colors.series[v] || colors.text;
  return {
    width,
    height: PLOT_HEIGHT,
    // Axes and the legend in UTC, like every time in the app.
    tzDate: (ts) => UPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    scales: {
      x: { time: true, range: [view.from / 1000, view.to / 1000] },
      bars: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
      ...(lines.length ? { lines: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } } : {}),
    },
    axes: [
      axis({ values: (_u, splits) => splits.map(timeTick) }),
      axis({ scale: "bars", label: spec.barAxis, incrs: COUNT_INCRS }),
      ...(lines.length ? [axis({ scale: "lines", side: 1, label: spec.lineAxis, grid: { show: false } })] : []),
    ],
    series: [
      { label: "Time (UTC)", value: (_u, _v, _si, idx) => (idx === null ? "—" : buckets[idx].label) },
      // Stacked by drawing the running totals tallest first: each later bar covers the part below it.
      ...spec.bars.map((s): uPlot.Series => ({ label: s.label, scale: "bars", fill: color(s.color), stroke: color(s.color), width: 0, paths: bars, points: { show: false }, value: own(s.key) })),
      // Points too: a bucket between two empty ones has no line to draw.
      ...lines.map((s): uPlot.Series => ({ label: s.label, scale: "lines", stroke: color(s.color), width: 2, dash: s.dash ? [6, 4] : undefined, points: { show: true, size: 5 }, value: own(s.key, s.unit) })),
    ],
  };
}

export function plotData(spec: TSpec, view: TChartView): uPlot.AlignedData {
  const b = view.buckets;
  const n = spec.bars.length;
  return [
    b.map((x) => (x.start + x.end) / 2000),
    // Series i is the sum of bars i..n-1: drawn in order, the tallest first.
    ...spec.bars.map((_, i) => b.map((x) => spec.bars.slice(i, n).reduce((sum, s) => sum + (x.values[s.key] ?? 0), 0))),
    ...(spec.lines ?? []).map((s) => b.map((x) => x.values[s.key] ?? null)),
  ];
}
