"use client";
// The app's one chart (uPlot): counts per time bucket as stacked bars, optional lines on a second
// axis, and range buttons. The canvas is for sighted mouse users and hidden from assistive
// technology; the summary sentence and the table under "Numbers per …" carry the same numbers as
// text. uPlot is loaded and created in an effect, so the server renders the text and an empty box
// and pages without a chart never download it.
import { useEffect, useId, useRef, useState } from "react";
import type uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { bucketTotal, formatValue } from "./format";
import { PLOT_HEIGHT, plotData, plotOptions, type TPlotColors } from "./plot-options";
import type { TChartSeries, TTimeChartProps } from "./types";

/** The theme's colours now: read at every draw, so the picture follows light and dark. */
function readColors(series: readonly TChartSeries[]): TPlotColors {
  const css = getComputedStyle(document.documentElement);
  const get = (name: string) => css.getPropertyValue(name).trim();
  return { series: Object.fromEntries(series.map((s) => [s.color, get(s.color)])), text: get("--text"), grid: get("--border") };
}

export function TimeChart({ name, title, noun, shows, totalLabel, bars, barAxis, lines, lineAxis, views }: TTimeChartProps) {
  const [index, setIndex] = useState(0);
  const view = views[Math.min(index, views.length - 1)];
  const box = useRef<HTMLDivElement>(null);
  const titleId = useId();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const spec = { bars, barAxis, lines, lineAxis };
    let UPlot: typeof uPlot | null = null;
    let plot: uPlot | null = null;
    let gone = false;
    const draw = () => {
      if (!UPlot || gone) return;
      plot?.destroy();
      plot = new UPlot(plotOptions(UPlot, spec, view, el.clientWidth, readColors([...bars, ...(lines ?? [])])), plotData(spec, view), el);
      for (const canvas of el.querySelectorAll("canvas")) canvas.setAttribute("aria-hidden", "true");
    };
    import("uplot").then(
      (m) => {
        UPlot = m.default;
        draw();
      },
      // Without the picture the text alternative still says everything.
      () => undefined,
    );
    const resize = new ResizeObserver(() => {
      if (plot && el.clientWidth !== plot.width) plot.setSize({ width: el.clientWidth, height: PLOT_HEIGHT });
    });
    resize.observe(el);
    // The theme is the data-theme attribute on <html> (the account menu's switch), or the system
    // setting when there is none.
    const theme = new MutationObserver(draw);
    theme.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    const system = window.matchMedia("(prefers-color-scheme: dark)");
    system.addEventListener("change", draw);
    return () => {
      gone = true;
      resize.disconnect();
      theme.disconnect();
      system.removeEventListener("change", draw);
      plot?.destroy();
    };
  }, [view, bars, barAxis, lines, lineAxis]);

  const range = view.label.toLowerCase();
  const Noun = noun.charAt(0).toUpperCase() + noun.slice(1);
  const columns = [...bars, ...(lines ?? [])];
  return (
    <figure className={`chart ${name}-chart`} aria-labelledby={titleId} data-testid={`${name}-chart`}>
      <figcaption id={titleId} className="chart-title">{title}</figcaption>
      {views.length > 1 ? (
        <div className="chart-range" role="group" aria-label="Time range">
          {views.map((v, i) => (
            <button key={v.key} type="button" className="btn small" aria-pressed={v === view} onClick={() => setIndex(i)}>
              {v.label}
            </button>
          ))}
        </div>
      ) : null}
      <p className="chart-summary" data-testid={`${name}-summary`} aria-live="polite">{view.summary}</p>
      <div className={`chart-plot ${name}-plot`} role="img" aria-label={`Chart: ${noun} per ${view.per} ${shows}, ${range}. The numbers are in the table below.`}>
        <div ref={box} aria-hidden="true" />
      </div>
      <details className="chart-numbers">
        <summary>Numbers per {view.per}</summary>
        {/* Focusable: on a narrow screen the table scrolls sideways inside it, by keyboard too. */}
        <div className="chart-table-wrap" tabIndex={0} role="group" aria-label={`${Noun} per ${view.per}: table`}>
          <table data-testid={`${name}-numbers`}>
            <caption className="visually-hidden">{Noun} per {view.per}, {range}</caption>
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                <th scope="col" className="num">{totalLabel}</th>
                {columns.map((s) => (
                  <th key={s.key} scope="col" className="num">{s.label}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {view.buckets.map((b) => (
                <tr key={b.start}>
                  <th scope="row" className="nowrap">{b.label}</th>
                  <td className="num">{bucketTotal(b, bars)}</td>
                  {columns.map((s) => (
                    <td key={s.key} className="num nowrap">{formatValue(b.values[s.key], s.unit)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
