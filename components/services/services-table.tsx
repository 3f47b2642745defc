"use client";
import Link from "next/link";
import { DeleteButton } from "@/components/ui/delete-button";
import { deleteServiceAction } from "@/lib/services/actions";
import type { TServiceView } from "@/lib/services/store";

export function ServicesTable({ services, canEdit }: { services: TServiceView[]; canEdit: boolean }) {
  if (services.length === 0) return <p className="empty panel">No services yet.{canEdit ? " Create one to group connectors." : ""}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Logo</th>
            <th scope="col">Name</th>
            <th scope="col">Product</th>
            <th scope="col">API version</th>
            <th scope="col">Authentication</th>
            <th scope="col">Connectors</th>
            <th scope="col"><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {services.map((s) => (
            <tr key={s.id} data-testid={`service-row-${s.name}`}>
              <td>
                {s.logoUrl ? (
                  // eslint-disable-next-line @next/next/no-img-element -- served by our own route with its checked type
                  <img src={s.logoUrl} alt={`${s.name} logo`} className="logo" />
                ) : (
                  <span className="logo placeholder" aria-hidden="true">{s.name.slice(0, 1).toUpperCase()}</span>
                )}
              </td>
              <td>{s.name}</td>
              <td>{[s.productName, s.productVersion].filter(Boolean).join(" ") || <span className="muted">—</span>}</td>
              <td>{s.apiVersion || <span className="muted">—</span>}</td>
              <td>{s.authConfig.name}</td>
              <td>{s.connectors}</td>
              <td>
                {canEdit ? (
                  <div className="actions">
                    <Link className="btn small" href={`/services/${s.id}`} aria-label={`Edit ${s.name}`}>Edit</Link>
                    <DeleteButton name={s.name} description="Services used by connectors cannot be deleted." onDelete={() => deleteServiceAction({ id: s.id })} />
                  </div>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
