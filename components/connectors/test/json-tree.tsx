"use client";
// Pretty JSON with folding. Only expanded nodes are rendered and long lists come 100 entries at a
// time, so a 10 MB response costs one JSON.parse, not a 10 MB DOM.
import { useState } from "react";

const CHUNK = 100;

type TJson = null | boolean | number | string | TJson[] | { [k: string]: TJson };

function Scalar({ value }: { value: TJson }) {
  if (value === null) return <span className="j-null">null</span>;
  if (typeof value === "string") return <span className="j-str">{JSON.stringify(value)}</span>;
  if (typeof value === "number") return <span className="j-num">{String(value)}</span>;
  return <span className="j-bool">{String(value)}</span>;
}

function Node({ name, value, depth, last }: { name: string | null; value: TJson; depth: number; last: boolean }) {
  const container = value !== null && typeof value === "object";
  const entries: Array<[string | null, TJson]> = !container ? [] : Array.isArray(value) ? value.map((v) => [null, v]) : Object.entries(value);
  const [open, setOpen] = useState(depth < 2 && entries.length <= 50);
  const [shown, setShown] = useState(CHUNK);
  const label = name === null ? null : <span className="j-key">{JSON.stringify(name)}: </span>;
  const comma = last ? "" : ",";
  if (!container) {
    return (
      <div className="j-line">
        {label}
        <Scalar value={value} />
        {comma}
      </div>
    );
  }
  const [lb, rb] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  const count = `${entries.length} ${Array.isArray(value) ? (entries.length === 1 ? "item" : "items") : entries.length === 1 ? "key" : "keys"}`;
  if (entries.length === 0) {
    return <div className="j-line">{label}{lb}{rb}{comma}</div>;
  }
  return (
    <div className="j-node">
      <div className="j-line">
        <button type="button" className="j-toggle" aria-expanded={open} aria-label={`${open ? "Fold" : "Unfold"} ${name ?? "value"} (${count})`} onClick={() => setOpen(!open)}>
          {open ? "▾" : "▸"}
        </button>
        {label}
        {lb}
        {open ? null : <span className="muted"> {count} {rb}{comma}</span>}
      </div>
      {open ? (
        <div className="j-children">
          {entries.slice(0, shown).map(([k, v], i) => (
            <Node key={i} name={k} value={v} depth={depth + 1} last={i === entries.length - 1} />
          ))}
          {entries.length > shown ? (
            <button type="button" className="btn small" onClick={() => setShown(shown + CHUNK)}>
              Show {Math.min(CHUNK, entries.length - shown)} more of {entries.length - shown}
            </button>
          ) : null}
        </div>
      ) : null}
      {open ? <div className="j-line">{rb}{comma}</div> : null}
    </div>
  );
}

export function JsonTree({ value }: { value: unknown }) {
  return (
    <div className="json-tree mono" data-testid="json-tree">
      <Node name={null} value={value as TJson} depth={0} last />
    </div>
  );
}
