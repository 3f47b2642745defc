"use client";
// Runs over time (SPEC §8): outcomes per bucket as stacked bars (OK / 4xx-5xx / no answer) and
// latency p50/p95 as lines, drawn with uPlot. The canvas is for sighted mouse users; the summary
// line and the table under "Numbers per …" carry the same numbers as text. uPlot is created in an
// effect, so the server renders only the text and an empty box.
import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatUtc } from "@/components/ui/format";
import { RANGES, type TBucket, type TRange, type TRunStats } from "@/lib/runs/stats";

const HEIGHT = 260;
const COLORS = { ok: "#2e9e5b", errors: "#d9822b", failed: "#5b6470", p50: "#2456d6", p95: "#7a1f86" };
const BUCKET_WORDS: Record<TRange, string> = { "24h": "hour", "7d": "6 hours" };

const ms = (v: number | null) => (v === null ? "—" : `${v} ms`);
const percent = (rate: number) => `${Math.round(rate * 1000) / 10}%`;
/** "2026-03-10 15:00–16:00 UTC"; buckets are aligned and never cross midnight, they end at "24:00". */
function bucketLabel(b: TBucket): string {
  const end = formatUtc(new Date(b.end)).slice(11, 16);
  return `${formatUtc(new Date(b.start)).slice(0, 16)}–${end === "00:00" ? "24:00" : end} UTC`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** x-axis ticks in UTC and 24-hour time, like the tables: "15:00", and the date at midnight. */
function timeTick(seconds: number): string {
  const d = new Date(seconds * 1000);
  if (d.getUTCHours() === 0 && d.getUTCMinutes() === 0) return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
  return d.toISOString().slice(11, 16);
}

function runsSummary(stats: TRunStats): string {
  const { count, errorRate, p50, p95 } = stats.totals;
  const label = RANGES[stats.range].label;
  if (count === 0 || errorRate === null) return `${label}: no runs.`;
  const estimated = stats.sampled < count ? ` (latency estimated from ${stats.sampled.toLocaleString("en")} sampled runs)` : "";
  return `${label}: ${count} ${count === 1 ? "run" : "runs"}, error rate ${percent(errorRate)}, p50 ${ms(p50)}, p95 ${ms(p95)}${estimated}.`;
}

function chartOptions(stats: TRunStats, width: number): uPlot.Options {
  const { buckets } = stats;
  const bars = uPlot.paths.bars!({ size: [0.7, 48], align: 0 });
  const count = (key: "ok" | "errors" | "failed") => (_u: uPlot, _v: number, _si: number, idx: number | null) => (idx === null ? "—" : String(buckets[idx][key]));
  const bar = (label: string, color: string, key: "ok" | "errors" | "failed"): uPlot.Series => ({ label, scale: "runs", fill: color, stroke: color, width: 0, paths: bars, points: { show: false }, value: count(key) });
  return {
    width,
    height: HEIGHT,
    // Axes and the legend in UTC, like every time in the app.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    scales: {
      x: { time: true, range: [stats.from / 1000, stats.to / 1000] },
      runs: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
      ms: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
    },
    axes: [
      { values: (_u, splits) => splits.map(timeTick) },
      { scale: "runs", label: "Runs", incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000] },
      { scale: "ms", side: 1, label: "Latency (ms)", grid: { show: false } },
    ],
    series: [
      { label: "Time (UTC)", value: (_u, _v, _si, idx) => (idx === null ? "—" : bucketLabel(buckets[idx])) },
      // Stacked by drawing the running totals tallest first: each later bar covers the part below it.
      bar("OK", COLORS.ok, "ok"),
      bar("4xx/5xx", COLORS.errors, "errors"),
      bar("No answer", COLORS.failed, "failed"),
      // Points too: a bucket between two empty ones has no line to draw.
      { label: "p50", scale: "ms", stroke: COLORS.p50, width: 2, points: { show: true, size: 5 }, value: (_u, v) => ms(v ?? null) },
      { label: "p95", scale: "ms", stroke: COLORS.p95, width: 2, dash: [6, 4], points: { show: true, size: 5 }, value: (_u, v) => ms(v ?? null) },
    ],
  };
}

function chartData(stats: TRunStats): uPlot.AlignedData {
  const b = stats.buckets;
  return [
    b.map((x) => (x.start + x.end) / 2000),
    b.map((x) => x.count),
    b.map((x) => x.errors + x.failed),
    b.map((x) => x.failed),
    b.map((x) => x.p50),
    b.map((x) => x.p95),
  ];
}

export function RunsChart({ stats }: { stats: Record<TRange, TRunStats> }) {
  const [range, setRange] = useState<TRange>("24h");
  const current = stats[range];
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot(chartOptions(current, el.clientWidth), chartData(current), el);
    const resize = new ResizeObserver(() => {
      if (el.clientWidth !== plot.width) plot.setSize({ width: el.clientWidth, height: HEIGHT });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [current]);

  const per = BUCKET_WORDS[range];
  return (
    <div className="runs-chart">
      <div className="runs-range" role="group" aria-label="Time range">
        {(Object.keys(RANGES) as TRange[]).map((r) => (
          <button key={r} type="button" className="btn small" aria-pressed={r === range} onClick={() => setRange(r)}>
            {RANGES[r].label}
          </button>
        ))}
      </div>
      <p className="runs-summary" data-testid="runs-summary" aria-live="polite">{runsSummary(current)}</p>
      <div
        ref={box}
        className="runs-plot"
        role="img"
        aria-label={`Chart: runs per ${per} by outcome and latency p50/p95, ${RANGES[range].label.toLowerCase()}. The numbers are in the table below.`}
      />
      <details className="runs-numbers">
        <summary>Numbers per {per}</summary>
        <div className="table-wrap">
          <table data-testid="runs-numbers">
            <caption className="visually-hidden">Runs per {per}, {RANGES[range].label.toLowerCase()}</caption>
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                <th scope="col" className="num">Runs</th>
                <th scope="col" className="num">OK</th>
                <th scope="col" className="num">4xx/5xx</th>
                <th scope="col" className="num">No answer</th>
                <th scope="col" className="num">p50</th>
                <th scope="col" className="num">p95</th>
              </tr>
            </thead>
            <tbody>
              {current.buckets.map((b) => (
                <tr key={b.start}>
                  <th scope="row" className="nowrap">{bucketLabel(b)}</th>
                  <td className="num">{b.count}</td>
                  <td className="num">{b.ok}</td>
                  <td className="num">{b.errors}</td>
                  <td className="num">{b.failed}</td>
                  <td className="num nowrap">{ms(b.p50)}</td>
                  <td className="num nowrap">{ms(b.p95)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
