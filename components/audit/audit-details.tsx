// An audit entry's details as a key/value list (issue 15: never raw JSON): nested objects become
// nested lists, arrays of plain values one line, arrays of objects a numbered list. No "use client":
// it renders on the server inside the Audit table.
import { Fragment, type ReactNode } from "react";
import { formatUtc } from "@/components/ui/format";
import { detailLabel, isIsoTime } from "@/lib/audit/present";

/** Deeper than any detail the code records; past it a value is summarised, never dumped. */
const MAX_DEPTH = 5;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isPlain = (v: unknown) => v === null || typeof v !== "object";

function plainText(v: unknown): string {
  if (v === null || v === undefined) return "none";
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v === "string") return isIsoTime(v) ? formatUtc(v, true) : v;
  return String(v);
}

function Value({ value, depth }: { value: unknown; depth: number }): ReactNode {
  if (isPlain(value)) {
    const text = plainText(value);
    return value === null || value === "" ? <span className="muted">{value === "" ? "empty" : text}</span> : text;
  }
  if (depth >= MAX_DEPTH) return <span className="muted">{Array.isArray(value) ? `${value.length} items` : "more details"}</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">none</span>;
    if (value.every(isPlain)) return value.map(plainText).join(", ");
    return (
      <ol>
        {value.map((item, i) => (
          <li key={i}><Value value={item} depth={depth + 1} /></li>
        ))}
      </ol>
    );
  }
  return <Pairs record={value as Record<string, unknown>} depth={depth + 1} />;
}

function Pairs({ record, depth }: { record: Record<string, unknown>; depth: number }) {
  // Alphabetical: PostgreSQL's jsonb does not keep the order the keys were written in, SQLite does.
  const keys = Object.keys(record).sort();
  if (keys.length === 0) return <span className="muted">none</span>;
  return (
    <dl className="facts">
      {keys.map((k) => (
        <Fragment key={k}>
          <dt>{detailLabel(k)}</dt>
          <dd><Value value={record[k]} depth={depth} /></dd>
        </Fragment>
      ))}
    </dl>
  );
}

export function AuditDetails({ details }: { details: unknown }) {
  if (details === null || details === undefined || (isRecord(details) && Object.keys(details).length === 0)) {
    return <span className="muted">—</span>;
  }
  return isRecord(details) ? <Pairs record={details} depth={0} /> : <Value value={details} depth={0} />;
}
