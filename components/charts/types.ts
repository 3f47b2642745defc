// What a time chart draws, as plain data: it crosses from server components into the client
// chart, so no functions. Labels and the summary are worded by the domain wrapper (runs,
// deliveries, messages); the chart only draws and tabulates them.

/** The series colours defined for both themes in app/styles/charts.css. */
export type TChartColor = "--chart-ok" | "--chart-warn" | "--chart-bad" | "--chart-neutral" | "--chart-wait" | "--chart-line-1" | "--chart-line-2";

/** One series: `key` names its value in each bucket; `color` is read from the theme at draw time. */
export type TChartSeries = {
  key: string;
  label: string;
  color: TChartColor;
  /** Dashed line: the lines differ by more than colour. */
  dash?: boolean;
  /** Appended to values in the legend and the table ("40 ms"); counts have none. */
  unit?: string;
};

export type TChartBucket = {
  /** Epoch ms, inclusive / exclusive. */
  start: number;
  end: number;
  /** "2026-03-10 15:00–16:00 UTC": the table's row header and the legend's time. */
  label: string;
  /** By series key; null where there is nothing to draw (a percentile without runs). */
  values: Record<string, number | null>;
};

/** One time range of the chart ("Last 24 hours"), chosen with the range buttons. */
export type TChartView = {
  key: string;
  /** "Last 24 hours": the range button and, lower-cased, the end of the picture's name. */
  label: string;
  /** What one bucket spans: "hour", "6 hours" ("Numbers per hour"). */
  per: string;
  /** Epoch ms: the first bucket's start and the last one's end. */
  from: number;
  to: number;
  /** One sentence with the range's totals, shown above the picture. */
  summary: string;
  buckets: TChartBucket[];
};

export type TTimeChartProps = {
  /** Prefix of the test ids and class names: `${name}-summary`, `${name}-numbers`, `${name}-plot`. */
  name: string;
  /** The figure's caption, its accessible name: "Runs over time". */
  title: string;
  /** Plural noun counted by the bars, lower case: "runs" ("Chart: runs per hour …", "Runs per hour"). */
  noun: string;
  /** What the picture shows besides the counts per bucket: "by outcome and latency p50/p95". */
  shows: string;
  /** The table's column of bucket totals (the sum of the bars): "Runs". */
  totalLabel: string;
  /** Stacked counts; the first is drawn on top. */
  bars: TChartSeries[];
  barAxis: string;
  /** On a second axis at the right, with its own scale. */
  lines?: TChartSeries[];
  lineAxis?: string;
  /** At least one; range buttons appear when there are more. */
  views: TChartView[];
};
