// The dashboard's counts: each links to its list; an admin with none of a kind yet gets the next step.
import Link from "next/link";
import type { TDashboardCounts } from "@/lib/dashboard/queries";

const KINDS: { key: keyof TDashboardCounts; one: string; many: string; href: string; create: { label: string; href: string } }[] = [
  { key: "authConfigs", one: "Authentication configuration", many: "Authentication configurations", href: "/auth-configs", create: { label: "Create a configuration", href: "/auth-configs/new" } },
  { key: "services", one: "Service", many: "Services", href: "/services", create: { label: "Create a service", href: "/services/new" } },
  { key: "connectors", one: "Connector", many: "Connectors", href: "/connectors", create: { label: "Create a connector", href: "/connectors/new" } },
  // Environments are created in a dialog on their list.
  { key: "environments", one: "Environment", many: "Environments", href: "/environments", create: { label: "Create an environment", href: "/environments" } },
  { key: "subscriptions", one: "Event subscription", many: "Event subscriptions", href: "/events", create: { label: "Create a subscription", href: "/events/new" } },
  { key: "listeners", one: "Listener", many: "Listeners", href: "/listeners", create: { label: "Create a listener", href: "/listeners/new" } },
];

export function DashboardCounts({ counts, canCreate }: { counts: TDashboardCounts; canCreate: boolean }) {
  return (
    <section className="dashboard-section" aria-labelledby="dashboard-counts-title">
      <h2 id="dashboard-counts-title" className="visually-hidden">Counts</h2>
      <ul className="dashboard-counts" role="list">
        {KINDS.map((k) => {
          const n = counts[k.key];
          return (
            <li key={k.key} className="dashboard-count" data-testid={`dashboard-count-${k.key}`}>
              <Link href={k.href}>
                <span className="dashboard-count-figure">{n}</span> <span className="dashboard-count-label">{n === 1 ? k.one : k.many}</span>
              </Link>
              {n === 0 && canCreate ? (
                <Link className="dashboard-next-step" href={k.create.href}>{k.create.label}</Link>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
