import { cookies } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { EnvironmentSwitcher } from "@/components/environments/environment-switcher";
import { Nav, type TNavItem } from "@/components/nav";
import { ThemeSwitch } from "@/components/theme/theme-switch";
import { SignOutButton } from "@/components/users/sign-out-button";
import { getCurrentUser } from "@/lib/auth/session";
import { environmentChoices, selectedEnvironment } from "@/lib/environments/store";
import { THEME_COOKIE, parseThemePreference } from "@/lib/ui/theme";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  // Each page checks again with requireUser/requireAdmin: a layout alone is not a guard.
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  const items: TNavItem[] = user.mustChangePassword
    ? [{ href: "/account", label: "Account" }]
    : [
        { href: "/", label: "Dashboard" },
        { href: "/auth-configs", label: "Authentication" },
        { href: "/services", label: "Services" },
        { href: "/connectors", label: "Connectors" },
        { href: "/environments", label: "Environments" },
        { href: "/events", label: "Events" },
        { href: "/listeners", label: "Listeners" },
        { href: "/api-tokens", label: "API tokens" },
        { href: "/api", label: "API reference" },
        ...(user.role === "ADMIN"
          ? [
              { href: "/users", label: "Users" },
              { href: "/audit", label: "Audit" },
            ]
          : []),
        { href: "/account", label: "Account" },
      ];
  // The switcher's choice, remembered per user (null: No environment, the defaults).
  const [environments, selected] = user.mustChangePassword ? [[], null] : await Promise.all([environmentChoices(), selectedEnvironment(user.id)]);
  const theme = parseThemePreference((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="sidebar-top">
          <Link href="/" className="brand">Patchbay</Link>
          {user.mustChangePassword ? null : <EnvironmentSwitcher key={selected?.id ?? ""} environments={environments} selectedId={selected?.id ?? ""} />}
        </div>
        <Nav items={items} />
        <div className="sidebar-footer" role="group" aria-label="Account menu">
          <span data-testid="signed-in-as">
            {user.name} <span className="badge">{user.role === "ADMIN" ? "Admin" : "Member"}</span>
          </span>
          <span className="mono">{user.email}</span>
          <ThemeSwitch initial={theme} />
          <SignOutButton />
        </div>
      </aside>
      <main className="main">{children}</main>
    </div>
  );
}
