import type { Metadata } from "next";
import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { ToastProvider } from "@/components/ui/toast";
import { THEME_COOKIE, parseThemePreference, themeAttribute } from "@/lib/ui/theme";
import "./globals.css";
import "./styles/data-table.css";
import "./styles/dashboard.css";
import "./styles/code.css";
import "./styles/charts.css";

// Every page reads the session or the database: nothing is prerendered at build time.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Patchbay", template: "%s · Patchbay" },
  description: "Self-hosted connectors platform",
  icons: { icon: [{ url: "/icon.svg", type: "image/svg+xml" }, { url: "/favicon.ico", sizes: "32x32" }] },
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // A pinned theme is rendered on the server (no flash); System leaves it to prefers-color-scheme.
  const theme = themeAttribute(parseThemePreference((await cookies()).get(THEME_COOKIE)?.value));
  return (
    <html lang="en" data-theme={theme}>
      <body>
        <ToastProvider>{children}</ToastProvider>
      </body>
    </html>
  );
}
