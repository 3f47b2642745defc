import "server-only";
// Connectors as the REST API shows them (SPEC §8): a page of the list, and everything a caller
// needs to call one. The hot path's cached definition lives here too.
import type { Prisma } from "@/generated/prisma/client";
import { afterNameCursor, pageOf } from "@/lib/api/paging";
import { TtlCache } from "@/lib/cache/ttl-cache";
import { getDb } from "@/lib/db";
import { pathParamNames } from "@/lib/http/build-request";
import { authConfigIdOf } from "./run";
import { getConnector, type TConnectorView } from "./store";

export type TConnectorSummary = {
  id: string;
  name: string;
  description: string;
  method: string;
  urlTemplate: string;
  service: { id: string; name: string };
  createdAt: string;
  updatedAt: string;
};

/** A page ordered by name (then id), searched like the Connectors list. */
export async function connectorsPage(opts: { q?: string; serviceId?: string; limit: number; cursor?: string }) {
  const and: Prisma.ConnectorWhereInput[] = [afterNameCursor(opts.cursor)];
  if (opts.serviceId) and.push({ serviceId: opts.serviceId });
  if (opts.q) {
    and.push({ OR: [{ name: { contains: opts.q } }, { description: { contains: opts.q } }, { method: { contains: opts.q.toUpperCase() } }, { service: { name: { contains: opts.q } } }] });
  }
  const rows = await getDb().connector.findMany({
    where: { AND: and },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: opts.limit + 1,
    select: { id: true, name: true, description: true, method: true, urlTemplate: true, createdAt: true, updatedAt: true, service: { select: { id: true, name: true } } },
  });
  const page = pageOf(rows, opts.limit, (r) => r.name);
  return {
    items: page.items.map((r): TConnectorSummary => ({ ...r, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() })),
    nextCursor: page.nextCursor,
  };
}

// The run API reads a connector's definition on every call: kept ≤ 5 s, dropped on change.
const definitions = new TtlCache<TConnectorView | null>({ dependsOn: ["connector"], keyKind: "connector" });

export function getConnectorCached(id: string): Promise<TConnectorView | null> {
  return definitions.get(id, () => getConnector(id));
}

export type TConnectorDescription = TConnectorSummary & {
  authConfig: { id: string; name: string; protocol: string; subProtocol: string; fromService: boolean };
  timeoutMs: number;
  pathParams: string[];
  queryParams: Array<{ name: string; description: string; required: boolean; default: string | null }>;
  /** The connector's headers by name (values are not shown: they may carry credentials). A run may set these and others. */
  headers: Array<{ name: string; description: string }>;
  body: { type: "NONE" | "JSON" | "FORM"; description: unknown };
  formParams: Array<{ name: string; type: "text" | "file"; description: string }>;
  outputs: Array<{ name: string; path: string }>;
  run: { method: "POST"; path: string };
};

/** Everything a caller needs to call the connector; null when it does not exist. */
export async function describeConnector(id: string): Promise<TConnectorDescription | null> {
  const c = await getConnector(id);
  if (!c) return null;
  const db = getDb();
  const [service, configId] = await Promise.all([db.service.findUnique({ where: { id: c.serviceId }, select: { id: true, name: true } }), authConfigIdOf(c)]);
  const [row, config] = await Promise.all([
    db.connector.findUnique({ where: { id }, select: { updatedAt: true } }),
    db.authConfig.findUnique({ where: { id: configId }, select: { id: true, name: true, protocol: true, subProtocol: true } }),
  ]);
  let description: unknown = null;
  if (c.bodyType === "JSON" && c.bodyDescription.trim()) {
    try {
      description = JSON.parse(c.bodyDescription);
    } catch {
      description = c.bodyDescription;
    }
  }
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    method: c.method,
    urlTemplate: c.urlTemplate,
    service: service ?? { id: c.serviceId, name: "" },
    createdAt: c.createdAt,
    updatedAt: row?.updatedAt.toISOString() ?? c.createdAt,
    authConfig: { id: configId, name: config?.name ?? "", protocol: config?.protocol ?? "", subProtocol: config?.subProtocol ?? "", fromService: !c.authConfigId },
    timeoutMs: c.timeoutMs,
    pathParams: pathParamNames(c.urlTemplate),
    queryParams: c.queryParams.map((q) => ({ name: q.name, description: q.description, required: q.required, default: q.defaultValue === "" ? null : q.defaultValue })),
    headers: c.headers.map((h) => ({ name: h.name, description: h.description })),
    body: { type: c.bodyType, description },
    formParams: c.bodyType === "FORM" ? c.formParams.map((f) => ({ name: f.name, type: f.type, description: f.description })) : [],
    outputs: c.responseMapping.map((m) => ({ name: m.name, path: m.path })),
    run: { method: "POST", path: `/api/v1/connectors/${encodeURIComponent(c.id)}/run` },
  };
}
