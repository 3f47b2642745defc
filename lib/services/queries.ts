import "server-only";
// Services as the REST API lists them (SPEC §8): a page ordered by name, without logos.
import { afterNameCursor, pageOf } from "@/lib/api/paging";
import { getDb } from "@/lib/db";

export async function servicesPage(opts: { limit: number; cursor?: string }) {
  const rows = await getDb().service.findMany({
    where: afterNameCursor(opts.cursor),
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: opts.limit + 1,
    select: {
      id: true,
      name: true,
      productName: true,
      productVersion: true,
      apiVersion: true,
      logoContentType: true,
      createdAt: true,
      updatedAt: true,
      authConfig: { select: { id: true, name: true } },
      _count: { select: { connectors: true } },
    },
  });
  const page = pageOf(rows, opts.limit, (r) => r.name);
  return {
    items: page.items.map((r) => ({
      id: r.id,
      name: r.name,
      productName: r.productName ?? "",
      productVersion: r.productVersion ?? "",
      apiVersion: r.apiVersion ?? "",
      hasLogo: r.logoContentType !== null,
      authConfig: r.authConfig,
      connectors: r._count.connectors,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    })),
    nextCursor: page.nextCursor,
  };
}
