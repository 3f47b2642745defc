// The configuration page in the selected environment (SPEC §7): which environment the page, Test
// and Connect use, and every extensible field's effective value with where it comes from (default
// or override). Rendered on the server from a provenance without secret values.
import Link from "next/link";
import type { TProvenanceRow } from "@/lib/environments/view";

type TProps = {
  environment: { id: string; name: string } | null;
  rows: TProvenanceRow[];
  /** Administrators get a link to the environment's page, where overrides are edited. */
  canEdit: boolean;
};

export function EnvironmentProvenance({ environment, rows, canEdit }: TProps) {
  if (!environment) {
    return (
      <section className="panel" data-testid="environment-panel">
        <p data-testid="environment-banner"><strong>Environment: No environment (defaults)</strong></p>
        <p className="muted">Test and Connect use the defaults. Choose an environment in the header to see its overrides and test in it.</p>
      </section>
    );
  }
  const overridden = rows.filter((r) => r.source === "override").length;
  return (
    <section className="panel" data-testid="environment-panel">
      <p data-testid="environment-banner"><strong>Environment: {environment.name}</strong></p>
      <h2>In this environment</h2>
      <p data-testid="override-summary">
        {overridden === 0
          ? `${environment.name} overrides no field of this configuration: every value is the default.`
          : `${environment.name} overrides ${overridden} of ${rows.length} fields; the others use the defaults.`}{" "}
        {canEdit ? (
          <Link href={`/environments/${environment.id}`}>Edit overrides in {environment.name}</Link>
        ) : (
          <span className="muted">Administrators edit overrides under Environments.</span>
        )}
      </p>
      <div className="table-wrap">
        <table className="header-table" data-testid="provenance">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Value</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid={`provenance-${r.id}`}>
                <th scope="row">{r.label}</th>
                <td className={r.encrypted ? undefined : "mono"}>{r.shown}</td>
                <td>{r.source === "override" ? <span className="badge warn">override</span> : <span className="badge">default</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
