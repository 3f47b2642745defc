"use client";
import Link from "next/link";
import { DataTable, type TColumn } from "@/components/ui/data-table";
import type { TSearchParams, TTableState } from "@/components/ui/data-table-model";
import { DeleteButton } from "@/components/ui/delete-button";
import { formatUtc } from "@/components/ui/format";
import { deleteAuthConfigAction } from "@/lib/auth-configs/actions";

export type TAuthConfigRow = {
  id: string;
  name: string;
  kind: string;
  services: number;
  connectors: number;
  lastTest: { at: string; ok: boolean; message: string } | null;
  /** The provider refused a refresh: someone must connect again. */
  needsReconnect: string | null;
  updatedAt: string;
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

const columns: TColumn<TAuthConfigRow>[] = [
  {
    key: "name",
    header: "Name",
    sortValue: (r) => r.name,
    cell: (r) => (
      <>
        <Link href={`/auth-configs/${r.id}`}>{r.name}</Link>
        {r.needsReconnect !== null ? (
          <> <span className="badge warn" title={r.needsReconnect}>Needs reconnect</span></>
        ) : null}
      </>
    ),
  },
  { key: "kind", header: "Protocol / Sub-protocol", sortValue: (r) => r.kind, cell: (r) => r.kind },
  {
    key: "usage",
    header: "Used by",
    sortValue: (r) => r.services + r.connectors,
    cell: (r) => `${plural(r.services, "service")}, ${plural(r.connectors, "connector")}`,
  },
  {
    key: "test",
    header: "Last test",
    sortValue: (r) => (r.lastTest ? (r.lastTest.ok ? 1 : 0) : null),
    cell: (r) =>
      r.lastTest ? (
        <span title={r.lastTest.message}>
          <span className={r.lastTest.ok ? "badge ok" : "badge off"}>{r.lastTest.ok ? "Passed" : "Failed"}</span>{" "}
          <span className="muted nowrap">{formatUtc(r.lastTest.at)}</span>
        </span>
      ) : (
        <span className="muted">Never</span>
      ),
  },
  { key: "updated", header: "Changed", sortValue: (r) => r.updatedAt, nowrap: true, cell: (r) => <span className="muted">{formatUtc(r.updatedAt)}</span> },
];

export function AuthConfigsTable({ rows, canEdit, state, params }: { rows: TAuthConfigRow[]; canEdit: boolean; state: TTableState; params: TSearchParams }) {
  return (
    <DataTable
      label="Authentication configurations"
      noun={["configuration", "configurations"]}
      columns={columns}
      rows={rows}
      rowKey={(r) => r.id}
      rowTestId={(r) => `auth-config-row-${r.name}`}
      state={state}
      path="/auth-configs"
      params={params}
      empty={
        <p>
          No authentication configurations yet.{" "}
          {canEdit ? <Link href="/auth-configs/new">Create one</Link> : "An admin creates them"} to tell Patchbay how to sign in to a third-party API.
        </p>
      }
      actions={(r) => (
        <>
          <Link className="btn small" href={`/auth-configs/${r.id}`} aria-label={`${canEdit ? "Edit" : "Open"} ${r.name}`}>{canEdit ? "Edit" : "Open"}</Link>
          {canEdit ? (
            <DeleteButton name={r.name} description="Its stored secrets and OAuth tokens are removed. Configurations in use by services or connectors cannot be deleted." onDelete={() => deleteAuthConfigAction({ id: r.id })} />
          ) : null}
        </>
      )}
    />
  );
}
