"use client";
// Connector list: search, service filter, sort, paging (all in the URL), Edit / Copy / Delete.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { DeleteButton } from "@/components/ui/delete-button";
import { formatUtc } from "@/components/ui/format";
import { useToast } from "@/components/ui/toast";
import { copyConnectorAction, deleteConnectorAction, testTargetAction } from "@/lib/connectors/actions";
import type { TConnectorListQuery } from "@/lib/connectors/schema";
import type { TConnectorRow } from "@/lib/connectors/store";
import { ExportButton, ImportDialog } from "./library-tools";
import { TestConnectorDialog, type TTestEnvironment, type TTestTarget } from "./test/test-dialog";

type TProps = {
  rows: TConnectorRow[];
  total: number;
  pageSize: number;
  query: TConnectorListQuery;
  services: { id: string; name: string }[];
  canEdit: boolean;
  /** The header's environment, where Test runs. */
  environment: TTestEnvironment;
};

function href(q: TConnectorListQuery): string {
  const p = new URLSearchParams();
  if (q.q) p.set("q", q.q);
  if (q.serviceId) p.set("serviceId", q.serviceId);
  if (q.sort !== "name") p.set("sort", q.sort);
  if (q.page > 1) p.set("page", String(q.page));
  const s = p.toString();
  return s ? `/connectors?${s}` : "/connectors";
}

export function ConnectorsList({ rows, total, pageSize, query, services, canEdit, environment }: TProps) {
  const router = useRouter();
  const toast = useToast();
  const [search, setSearch] = useState(query.q);
  const [pending, startTransition] = useTransition();
  const [testTarget, setTestTarget] = useState<TTestTarget | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const toggle = (id: string, on: boolean) => setSelected(on ? [...selected, id] : selected.filter((x) => x !== id));
  const allOnPage = rows.length > 0 && rows.every((r) => selected.includes(r.id));
  const openTest = (c: TConnectorRow) =>
    startTransition(async () => {
      const res = await testTargetAction({ id: c.id });
      if (!res.ok) return toast.error(res.error);
      setTestTarget({ connectorId: c.id, connector: res.data.connector, sendDefinition: false, authHeader: res.data.authHeader });
    });
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const go = (q: Partial<TConnectorListQuery>) => router.push(href({ ...query, page: 1, ...q }));

  return (
    <>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: search });
        }}
      >
        <div className="field">
          <label htmlFor="connector-search">Search</label>
          <input id="connector-search" type="search" value={search} placeholder="Service, name, description or method" onChange={(e) => setSearch(e.target.value)} />
        </div>
        <Button type="submit">Search</Button>
        <div className="field">
          <label htmlFor="connector-service">Filter by service</label>
          <select id="connector-service" value={query.serviceId} onChange={(e) => go({ serviceId: e.target.value })}>
            <option value="">All services</option>
            {services.map((s) => (
              <option key={s.id} value={s.id}>{s.name}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="connector-sort">Sort by</label>
          <select id="connector-sort" value={query.sort} onChange={(e) => go({ sort: e.target.value as TConnectorListQuery["sort"] })}>
            <option value="name">Name (A–Z)</option>
            <option value="-name">Name (Z–A)</option>
            <option value="-created">Newest first</option>
            <option value="created">Oldest first</option>
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
      {rows.length === 0 ? (
        <p className="empty panel">{query.q || query.serviceId ? "No connector matches." : "No connectors yet."}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                {canEdit ? (
                  <th scope="col">
                    <input type="checkbox" aria-label="Select all on this page" checked={allOnPage} onChange={(e) => setSelected(e.target.checked ? [...new Set([...selected, ...rows.map((r) => r.id)])] : selected.filter((id) => !rows.some((r) => r.id === id)))} />
                  </th>
                ) : null}
                <th scope="col">Name</th>
                <th scope="col">Service</th>
                <th scope="col">Method</th>
                <th scope="col">URL</th>
                <th scope="col">Created</th>
                <th scope="col"><span className="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id} data-testid={`connector-row-${c.name}`}>
                  {canEdit ? (
                    <td>
                      <input type="checkbox" aria-label={`Select ${c.name}`} checked={selected.includes(c.id)} onChange={(e) => toggle(c.id, e.target.checked)} />
                    </td>
                  ) : null}
                  <td>
                    {canEdit ? <Link href={`/connectors/${c.id}`}>{c.name}</Link> : c.name}
                    {c.description ? <div className="muted">{c.description.slice(0, 120)}</div> : null}
                  </td>
                  <td>{c.service.name}</td>
                  <td><span className="method">{c.method}</span></td>
                  <td className="mono url-cell" title={c.urlTemplate}>{c.urlTemplate}</td>
                  <td className="muted nowrap">{formatUtc(c.createdAt)}{c.author ? <div>{c.author}</div> : null}</td>
                  <td>
                    <div className="actions">
                      <Button size="small" disabled={pending} aria-label={`Test ${c.name}`} onClick={() => openTest(c)}>Test</Button>
                    {canEdit ? (
                      <>
                        <Link className="btn small" href={`/connectors/${c.id}`} aria-label={`Edit ${c.name}`}>Edit</Link>
                        <Button
                          size="small"
                          disabled={pending}
                          aria-label={`Copy ${c.name}`}
                          onClick={() =>
                            startTransition(async () => {
                              const res = await copyConnectorAction({ id: c.id });
                              if (!res.ok) return toast.error(res.error);
                              toast.success(`Copied "${c.name}".`);
                              router.push(`/connectors/${res.data.id}`);
                            })
                          }
                        >
                          Copy
                        </Button>
                        <DeleteButton name={c.name} description="The connector is removed; systems that call it through the API get a 404." onDelete={() => deleteConnectorAction({ id: c.id })} />
                      </>
                    ) : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <TestConnectorDialog target={testTarget} environment={environment} open={testTarget !== null} onOpenChange={(o) => (o ? null : setTestTarget(null))} />
      <nav className="pager" aria-label="Pages">
        <span className="muted">Page {Math.min(query.page, pages)} of {pages} · {total} connectors</span>
        {query.page > 1 ? <Link className="btn small" href={href({ ...query, page: query.page - 1 })}>Previous</Link> : null}
        {query.page < pages ? <Link className="btn small" href={href({ ...query, page: query.page + 1 })}>Next</Link> : null}
      </nav>
    </>
  );
}
