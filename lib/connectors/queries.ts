import "server-only";
// Connectors as the REST API shows them (SPEC §8): a page of the list, and everything a caller
// needs to call one. The hot path's cached definition lives here too.
import type { z } from "zod";
import type { Prisma } from "@/generated/prisma/client";
import type { ZConnectorDescription, ZConnectorSummary } from "@/lib/api/schemas";
import { afterNameCursor, pageOf } from "@/lib/api/paging";
import { TtlCache } from "@/lib/cache/ttl-cache";
import { getDb } from "@/lib/db";
import { callShapeOf, runPath } from "./call-shape";
import { authConfigIdOf } from "./run";
import { connectorSearch, getConnector, type TConnectorView } from "./store";

// The shapes are the API's contract (lib/api/schemas.ts, also in the OpenAPI document).
export type TConnectorSummary = z.infer<typeof ZConnectorSummary>;
export type TConnectorDescription = z.infer<typeof ZConnectorDescription>;

/** A page ordered by name (then id), searched like the Connectors list. */
export async function connectorsPage(opts: { q?: string; serviceId?: string; limit: number; cursor?: string }) {
  const and: Prisma.ConnectorWhereInput[] = [afterNameCursor(opts.cursor)];
  if (opts.serviceId) and.push({ serviceId: opts.serviceId });
  if (opts.q) {
    and.push(connectorSearch(opts.q));
  }
  const rows = await getDb().connector.findMany({
    where: { AND: and },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: opts.limit + 1,
    select: { id: true, name: true, description: true, method: true, urlTemplate: true, createdAt: true, updatedAt: true, service: { select: { id: true, name: true } } },
  });
  const page = pageOf(rows, opts.limit, (r) => r.name);
  return {
    // method is one of METHODS: the connector schema checked it on every write.
    items: page.items.map((r): TConnectorSummary => ({ ...r, method: r.method as TConnectorSummary["method"], createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() })),
    nextCursor: page.nextCursor,
  };
}

// The run API reads a connector's definition on every call: kept ≤ 5 s, dropped on change.
const definitions = new TtlCache<TConnectorView | null>({ dependsOn: ["connector"], keyKind: "connector" });

export function getConnectorCached(id: string): Promise<TConnectorView | null> {
  return definitions.get(id, () => getConnector(id));
}

/** Everything a caller needs to call the connector; null when it does not exist. */
export async function describeConnector(id: string): Promise<TConnectorDescription | null> {
  const c = await getConnector(id);
  if (!c) return null;
  const configId = await authConfigIdOf(c);
  const config = await getDb().authConfig.findUnique({ where: { id: configId }, select: { name: true, protocol: true, subProtocol: true } });
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    method: c.method,
    urlTemplate: c.urlTemplate,
    service: c.service,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    authConfig: { id: configId, name: config?.name ?? "", protocol: config?.protocol ?? "", subProtocol: config?.subProtocol ?? "", fromService: !c.authConfigId },
    timeoutMs: c.timeoutMs,
    ...callShapeOf(c),
    run: { method: "POST", path: runPath(c.id) },
  };
}
