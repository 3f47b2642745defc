import type { NextConfig } from "next";

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // forbidden() and app/forbidden.tsx for pages a member may not see.
  experimental: {
    authInterrupts: true,
    // An authentication configuration may carry PEM bundles and a PKCS#12 file (ZTls limits).
    serverActions: { bodySizeLimit: "2mb" },
  },
  // Native driver packages stay outside the bundle (STACK-NOTES: list the adapters here).
  serverExternalPackages: ["@prisma/adapter-libsql", "@libsql/client", "libsql", "@prisma/adapter-pg", "pg", "pg-boss"],
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
