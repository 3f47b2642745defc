"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

export type TNavItem = { href: string; label: string };

/** Sidebar links; only sections that exist and that the user may open are passed in. */
export function Nav({ items }: { items: TNavItem[] }) {
  const pathname = usePathname();
  return (
    <nav className="nav" aria-label="Main">
      {items.map((item) => {
        const current = pathname === item.href || (item.href !== "/" && pathname.startsWith(`${item.href}/`));
        return (
          <Link key={item.href} href={item.href} aria-current={current ? "page" : undefined}>
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
