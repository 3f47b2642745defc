"use client";
// The Services list: last changed first; admins Edit and Delete per row.
import Link from "next/link";
import { DataTable, type TColumn } from "@/components/ui/data-table";
import type { TSearchParams, TTableState } from "@/components/ui/data-table-model";
import { DeleteButton } from "@/components/ui/delete-button";
import { formatUtc } from "@/components/ui/format";
import { deleteServiceAction } from "@/lib/services/actions";
import type { TServiceView } from "@/lib/services/store";

const dash = <span className="muted">—</span>;

const columns: TColumn<TServiceView>[] = [
  {
    key: "logo",
    header: "Logo",
    cell: (s) =>
      s.logoUrl ? (
        // eslint-disable-next-line @next/next/no-img-element -- served by our own route with its checked type
        <img src={s.logoUrl} alt={`${s.name} logo`} className="logo" />
      ) : (
        <span className="logo placeholder" aria-hidden="true">{s.name.slice(0, 1).toUpperCase()}</span>
      ),
  },
  { key: "name", header: "Name", sortValue: (s) => s.name, cell: (s) => s.name },
  {
    key: "product",
    header: "Product",
    sortValue: (s) => [s.productName, s.productVersion].filter(Boolean).join(" "),
    cell: (s) => [s.productName, s.productVersion].filter(Boolean).join(" ") || dash,
  },
  { key: "api", header: "API version", sortValue: (s) => s.apiVersion, cell: (s) => s.apiVersion || dash },
  { key: "auth", header: "Authentication", sortValue: (s) => s.authConfig.name, cell: (s) => s.authConfig.name },
  { key: "connectors", header: "Connectors", numeric: true, sortValue: (s) => s.connectors, cell: (s) => s.connectors },
  { key: "updated", header: "Changed", nowrap: true, sortValue: (s) => s.updatedAt, cell: (s) => <span className="muted">{formatUtc(s.updatedAt)}</span> },
];

export function ServicesTable({ services, canEdit, state, params }: { services: TServiceView[]; canEdit: boolean; state: TTableState; params: TSearchParams }) {
  return (
    <DataTable
      label="Services"
      noun={["service", "services"]}
      columns={columns}
      rows={services}
      rowKey={(s) => s.id}
      rowTestId={(s) => `service-row-${s.name}`}
      state={state}
      path="/services"
      params={params}
      empty={
        <p>
          No services yet.{" "}
          {canEdit ? <Link href="/services/new">Add the first service</Link> : "An admin adds them"} to group connectors and give them their default authentication.
        </p>
      }
      actions={
        canEdit
          ? (s) => (
              <>
                <Link className="btn small" href={`/services/${s.id}`} aria-label={`Edit ${s.name}`}>Edit</Link>
                <DeleteButton name={s.name} description="Services used by connectors cannot be deleted." onDelete={() => deleteServiceAction({ id: s.id })} />
              </>
            )
          : undefined
      }
    />
  );
}
