import type { Metadata } from "next";
import Link from "next/link";
import { formatUtc } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { AuditFilter } from "@/components/audit/audit-filter";
import { listAuditEntries } from "@/lib/audit";
import { requireAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Audit" };

type TSearch = Promise<Record<string, string | string[] | undefined>>;

export default async function AuditPage({ searchParams }: { searchParams: TSearch }) {
  await requireAdmin();
  const sp = await searchParams;
  const page = Math.max(1, Number.parseInt(String(sp.page ?? "1"), 10) || 1);
  const objectType = typeof sp.type === "string" && sp.type ? sp.type : undefined;
  const { entries, total, objectTypes, pageSize } = await listAuditEntries({ page, objectType });
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const href = (p: number) => `/audit?${new URLSearchParams({ ...(objectType ? { type: objectType } : {}), page: String(p) })}`;

  return (
    <>
      <PageHeader title="Audit" description="Who did what to which object, and when. Secret values are never recorded." />
      <AuditFilter objectTypes={objectTypes} current={objectType ?? ""} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Object type</th>
              <th scope="col">Object</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.length === 0 ? (
              <tr><td colSpan={6} className="empty">No entries.</td></tr>
            ) : (
              entries.map((e) => (
                <tr key={e.id}>
                  <td className="muted nowrap"><time dateTime={e.at.toISOString()}>{formatUtc(e.at, true)}</time></td>
                  <td className="mono">{e.actorEmail ?? "system"}</td>
                  <td>{e.action}</td>
                  <td>{e.objectType}</td>
                  <td>{e.objectName ?? e.objectId ?? ""}</td>
                  <td className="mono">{e.details ? JSON.stringify(e.details) : ""}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Pages">
        <span className="muted">Page {Math.min(page, pages)} of {pages} · {total} entries</span>
        {page > 1 ? <Link className="btn small" href={href(page - 1)}>Previous</Link> : null}
        {page < pages ? <Link className="btn small" href={href(page + 1)}>Next</Link> : null}
      </nav>
    </>
  );
}
