"use client";
// Connector list: search and service filter (in the URL), the one table's sort and paging (by the
// page's query), selection for Export, and Test / Edit / Copy / Delete per row.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { DataTable, type TColumn } from "@/components/ui/data-table";
import type { TSearchParams, TTableState } from "@/components/ui/data-table-model";
import { DeleteButton } from "@/components/ui/delete-button";
import { formatUtc } from "@/components/ui/format";
import { useToast } from "@/components/ui/toast";
import { copyConnectorAction, deleteConnectorAction, testTargetAction } from "@/lib/connectors/actions";
import type { TConnectorRow } from "@/lib/connectors/store";
import { ExportButton, ImportDialog } from "./library-tools";
import { TestConnectorDialog, type TTestEnvironment, type TTestTarget } from "./test/lazy-test-dialog";

type TProps = {
  rows: TConnectorRow[];
  total: number;
  pageSize: number;
  /** The search and the service filter, as the query read them. */
  filter: { q: string; serviceId: string };
  state: TTableState;
  params: TSearchParams;
  services: { id: string; name: string }[];
  canEdit: boolean;
  /** The header's environment, where Test runs. */
  environment: TTestEnvironment;
};

/** The list with `change` applied to the URL's parameters; a new search or filter starts on page 1. */
function listHref(params: TSearchParams, change: Record<string, string>): string {
  const next = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (k !== "page" && typeof v === "string") next.set(k, v);
  for (const [k, v] of Object.entries(change)) {
    if (v) next.set(k, v);
    else next.delete(k);
  }
  const s = next.toString();
  return s ? `/connectors?${s}` : "/connectors";
}

export function ConnectorsList({ rows, total, pageSize, filter, state, params, services, canEdit, environment }: TProps) {
  const router = useRouter();
  const toast = useToast();
  const [search, setSearch] = useState(filter.q);
  const [pending, startTransition] = useTransition();
  const [testTarget, setTestTarget] = useState<TTestTarget | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const openTest = (c: TConnectorRow) =>
    startTransition(async () => {
      const res = await testTargetAction({ id: c.id });
      if (!res.ok) return toast.error(res.error);
      setTestTarget({ connectorId: c.id, connector: res.data.connector, sendDefinition: false, authHeader: res.data.authHeader });
    });
  const copy = (c: TConnectorRow) =>
    startTransition(async () => {
      const res = await copyConnectorAction({ id: c.id });
      if (!res.ok) return toast.error(res.error);
      toast.success(`Copied "${c.name}".`);
      router.push(`/connectors/${res.data.id}`);
    });

  const columns: TColumn<TConnectorRow>[] = [
    {
      key: "name",
      header: "Name",
      serverSort: true,
      cell: (c) => (
        <>
          {canEdit ? <Link href={`/connectors/${c.id}`}>{c.name}</Link> : c.name}
          {c.description ? <div className="muted">{c.description.slice(0, 120)}</div> : null}
        </>
      ),
    },
    { key: "service", header: "Service", cell: (c) => c.service.name },
    { key: "method", header: "Method", cell: (c) => <span className="method">{c.method}</span> },
    { key: "url", header: "URL", className: "mono url-cell", cell: (c) => <span title={c.urlTemplate}>{c.urlTemplate}</span> },
    {
      key: "created",
      header: "Created",
      serverSort: true,
      nowrap: true,
      cell: (c) => (
        <span className="muted">
          {formatUtc(c.createdAt)}
          {c.author ? <div>{c.author}</div> : null}
        </span>
      ),
    },
  ];

  const filtered = Boolean(filter.q || filter.serviceId);
  return (
    <>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          router.push(listHref(params, { q: search.trim() }));
        }}
      >
        <div className="field">
          <label htmlFor="connector-search">Search</label>
          <input id="connector-search" type="search" value={search} placeholder="Service, name, description or method" onChange={(e) => setSearch(e.target.value)} />
        </div>
        <Button type="submit">Search</Button>
        <div className="field">
          <label htmlFor="connector-service">Filter by service</label>
          <select id="connector-service" value={filter.serviceId} onChange={(e) => router.push(listHref(params, { serviceId: e.target.value }))}>
            <option value="">All services</option>
            {services.map((s) => (
              <option key={s.id} value={s.id}>{s.name}</option>
            ))}
          </select>
        </div>
      </form>
      {canEdit ? (
        <div className="library-tools">
          <ExportButton selected={selected} />
          <ImportDialog />
          <span id="export-scope" className="muted" role="status">
            {selected.length ? `Export downloads the ${selected.length} selected connector${selected.length > 1 ? "s" : ""}.` : "Export downloads all connectors; select some to export only those."}
          </span>
        </div>
      ) : null}
      <DataTable
        label="Connectors"
        noun={["connector", "connectors"]}
        columns={columns}
        rows={rows}
        total={total}
        pageSize={pageSize}
        rowKey={(c) => c.id}
        rowTestId={(c) => `connector-row-${c.name}`}
        state={state}
        path="/connectors"
        params={params}
        selection={canEdit ? { selected, onChange: setSelected, name: (c) => c.name } : undefined}
        empty={
          filtered ? (
            <>
              <p>No connector matches.</p>
              <p>
                <Link href={listHref(params, { q: "", serviceId: "" })} onClick={() => setSearch("")}>Clear the search and the filter</Link> to see every connector.
              </p>
            </>
          ) : (
            <p>
              No connectors yet.{" "}
              {canEdit ? (
                <>
                  <Link href="/connectors/new">Add the first connector</Link>, or bring a library file in with Import.
                </>
              ) : (
                "An admin adds them."
              )}
            </p>
          )
        }
        actions={(c) => (
          <>
            <Button size="small" disabled={pending} aria-label={`Test ${c.name}`} onClick={() => openTest(c)}>Test</Button>
            {canEdit ? (
              <>
                <Link className="btn small" href={`/connectors/${c.id}`} aria-label={`Edit ${c.name}`}>Edit</Link>
                <Button size="small" disabled={pending} aria-label={`Copy ${c.name}`} onClick={() => copy(c)}>Copy</Button>
                <DeleteButton name={c.name} description="The connector is removed; systems that call it through the API get a 404." onDelete={() => deleteConnectorAction({ id: c.id })} />
              </>
            ) : null}
          </>
        )}
      />
      <TestConnectorDialog target={testTarget} environment={environment} open={testTarget !== null} onOpenChange={(o) => (o ? null : setTestTarget(null))} />
    </>
  );
}
