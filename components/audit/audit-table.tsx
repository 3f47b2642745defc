// The audit trail as the one table: newest first by default, sorted and paged by the query
// (lib/audit listAuditEntries). No "use client": every cell renders on the server.
import Link from "next/link";
import { DataTable, type TColumn } from "@/components/ui/data-table";
import type { TSearchParams, TTableState } from "@/components/ui/data-table-model";
import { formatUtc } from "@/components/ui/format";
import { auditObjectHref } from "@/lib/audit/present";
import { AuditDetails } from "./audit-details";

export type TAuditRow = {
  id: string;
  at: Date;
  actorEmail: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  objectName: string | null;
  details: unknown;
};

function ObjectCell({ row }: { row: TAuditRow }) {
  const label = row.objectName ?? row.objectId;
  if (!label) return <span className="muted">—</span>;
  const href = auditObjectHref(row);
  return href ? <Link href={href}>{label}</Link> : <>{label}</>;
}

const columns: TColumn<TAuditRow>[] = [
  {
    key: "at",
    header: "When",
    serverSort: true,
    nowrap: true,
    cell: (e) => <time className="muted" dateTime={e.at.toISOString()}>{formatUtc(e.at, true)}</time>,
  },
  { key: "who", header: "Who", className: "mono", cell: (e) => e.actorEmail ?? "system" },
  { key: "action", header: "Action", cell: (e) => e.action },
  { key: "type", header: "Object type", cell: (e) => e.objectType },
  { key: "object", header: "Object", cell: (e) => <ObjectCell row={e} /> },
  { key: "details", header: "Details", cell: (e) => <AuditDetails details={e.details} /> },
];

type TProps = { rows: TAuditRow[]; total: number; pageSize: number; objectType: string | null; state: TTableState; params: TSearchParams };

export function AuditTable({ rows, total, pageSize, objectType, state, params }: TProps) {
  return (
    <DataTable
      label="Audit entries"
      noun={["entry", "entries"]}
      columns={columns}
      rows={rows}
      total={total}
      pageSize={pageSize}
      rowKey={(e) => e.id}
      rowTestId={(e) => `audit-row-${e.id}`}
      state={state}
      path="/audit"
      params={params}
      empty={
        objectType ? (
          <p>
            No entries for {objectType}. <Link href="/audit">Show entries of every type</Link>.
          </p>
        ) : (
          <p>No entries yet. Changes to configurations, services, connectors, environments and users are recorded here.</p>
        )
      }
    />
  );
}
