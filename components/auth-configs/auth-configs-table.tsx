"use client";
import Link from "next/link";
import { DeleteButton } from "@/components/ui/delete-button";
import { formatUtc } from "@/components/ui/format";
import { deleteAuthConfigAction } from "@/lib/auth-configs/actions";

type TRow = {
  id: string;
  name: string;
  kind: string;
  services: number;
  connectors: number;
  lastTest: { at: string; ok: boolean; message: string } | null;
  /** The provider refused a refresh: someone must connect again. */
  needsReconnect: string | null;
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function AuthConfigsTable({ rows, canEdit }: { rows: TRow[]; canEdit: boolean }) {
  if (rows.length === 0) {
    return <p className="empty panel">No authentication configurations yet.{canEdit ? " Create one to start." : ""}</p>;
  }
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Protocol / Sub-protocol</th>
            <th scope="col">Used by</th>
            <th scope="col">Last test</th>
            <th scope="col"><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid={`auth-config-row-${r.name}`}>
              <td>
                <Link href={`/auth-configs/${r.id}`}>{r.name}</Link>
                {r.needsReconnect !== null ? (
                  <> <span className="badge warn" title={r.needsReconnect}>Needs reconnect</span></>
                ) : null}
              </td>
              <td>{r.kind}</td>
              <td>{plural(r.services, "service")}, {plural(r.connectors, "connector")}</td>
              <td>
                {r.lastTest ? (
                  <span title={r.lastTest.message}>
                    <span className={r.lastTest.ok ? "badge ok" : "badge off"}>{r.lastTest.ok ? "Passed" : "Failed"}</span>{" "}
                    <span className="muted nowrap">{formatUtc(r.lastTest.at)}</span>
                  </span>
                ) : (
                  <span className="muted">Never</span>
                )}
              </td>
              <td>
                <div className="actions">
                  <Link className="btn small" href={`/auth-configs/${r.id}`} aria-label={`${canEdit ? "Edit" : "Open"} ${r.name}`}>{canEdit ? "Edit" : "Open"}</Link>
                  {canEdit ? (
                    <DeleteButton name={r.name} description="Its stored secrets and OAuth tokens are removed. Configurations in use by services or connectors cannot be deleted." onDelete={() => deleteAuthConfigAction({ id: r.id })} />
                  ) : null}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
