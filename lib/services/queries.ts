import "server-only";
// Services as the REST API lists them (SPEC §8): a page ordered by name, the views of the Services
// page without the logo's URL (a session-only route) but with whether there is one.
import { afterNameCursor, pageOf } from "@/lib/api/paging";
import { getDb } from "@/lib/db";
import { serviceViewSelect, toServiceView } from "./store";

export async function servicesPage(opts: { limit: number; cursor?: string }) {
  const rows = await getDb().service.findMany({
    where: afterNameCursor(opts.cursor),
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: opts.limit + 1,
    select: serviceViewSelect,
  });
  const page = pageOf(rows, opts.limit, (r) => r.name);
  return {
    items: page.items.map((r) => {
      const { logoUrl, ...view } = toServiceView(r);
      return { ...view, hasLogo: logoUrl !== null, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() };
    }),
    nextCursor: page.nextCursor,
  };
}
