import "server-only";
// Connectors in the database: list with search, filter, sort and paging; create, update, copy, delete.
import type { Prisma } from "@/generated/prisma/client";
import { invalidate } from "@/lib/cache/invalidation";
import { audit, type TActor } from "@/lib/audit";
import { authHeaderName } from "@/lib/auth-configs/runtime";
import { authConfigInputs } from "@/lib/auth-configs/store";
import { getDb, rethrowNameTaken, textContains, type TTx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TMappingRow } from "./mapping";
import type { TConnectorInput, TConnectorListQuery } from "./schema";
import { refuseWhileListened } from "@/lib/listeners/usage";

export const PAGE_SIZE = 50;

export type TConnectorRow = {
  id: string;
  name: string;
  description: string;
  method: string;
  urlTemplate: string;
  service: { id: string; name: string };
  author: string | null;
  createdAt: string;
};

/** The Connectors list's search: name, description, method or service name, ignoring case. */
export function connectorSearch(q: string): Prisma.ConnectorWhereInput {
  return { OR: [{ name: textContains(q) }, { description: textContains(q) }, { method: { contains: q.toUpperCase() } }, { service: { name: textContains(q) } }] };
}

/**
 * The list query's sort for the page's sortable column (`name` or `created`) and direction; any
 * other column falls back to newest first, so connectors created during a session land on page 1.
 */
export function connectorListSort(column: string | null, dir: "asc" | "desc"): TConnectorListQuery["sort"] {
  if (column === "name") return dir === "desc" ? "-name" : "name";
  if (column === "created") return dir === "desc" ? "-created" : "created";
  return "-created";
}

export async function listConnectors(query: TConnectorListQuery) {
  const where: Prisma.ConnectorWhereInput = {
    ...(query.serviceId ? { serviceId: query.serviceId } : {}),
    ...(query.q ? connectorSearch(query.q) : {}),
  };
  const dir = query.sort.startsWith("-") ? "desc" : "asc";
  const orderBy: Prisma.ConnectorOrderByWithRelationInput[] =
    query.sort.endsWith("name") ? [{ name: dir }] : [{ createdAt: dir }, { name: "asc" }];
  const db = getDb();
  const [rows, total] = await Promise.all([
    db.connector.findMany({
      where,
      orderBy,
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: { id: true, name: true, description: true, method: true, urlTemplate: true, createdAt: true, service: { select: { id: true, name: true } }, author: { select: { name: true } } },
    }),
    db.connector.count({ where }),
  ]);
  return {
    total,
    pageSize: PAGE_SIZE,
    rows: rows.map((r): TConnectorRow => ({
      id: r.id,
      name: r.name,
      description: r.description,
      method: r.method,
      urlTemplate: r.urlTemplate,
      service: r.service,
      author: r.author?.name ?? null,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}

export type TConnectorView = TConnectorInput & { id: string; service: { id: string; name: string }; author: string | null; createdAt: string; updatedAt: string };

export async function getConnector(id: string): Promise<TConnectorView | null> {
  const r = await getDb().connector.findUnique({ where: { id }, include: { author: { select: { name: true } }, service: { select: { id: true, name: true } } } });
  if (!r) return null;
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    serviceId: r.serviceId,
    service: r.service,
    method: r.method as TConnectorInput["method"],
    urlTemplate: r.urlTemplate,
    authConfigId: r.authConfigId ?? "",
    headers: r.headers as TConnectorInput["headers"],
    queryParams: r.queryParams as TConnectorInput["queryParams"],
    bodyType: r.bodyType as TConnectorInput["bodyType"],
    bodyDescription: r.bodyDescription ?? "",
    formParams: r.formParams as TConnectorInput["formParams"],
    timeoutMs: r.timeoutMs,
    responseMapping: mappingOf(r.responseMapping),
    author: r.author?.name ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** The stored mapping rows; null (connectors saved before response mapping existed) means none. */
function mappingOf(stored: Prisma.JsonValue | null): TMappingRow[] {
  if (!Array.isArray(stored)) return [];
  return stored.flatMap((r) =>
    r && typeof r === "object" && !Array.isArray(r) && typeof r.name === "string" && typeof r.path === "string" ? [{ name: r.name, path: r.path }] : [],
  );
}

/** The stored columns of a connector's input (shared with the library import). */
export function connectorData(input: TConnectorInput) {
  return {
    name: input.name,
    description: input.description,
    serviceId: input.serviceId,
    method: input.method,
    urlTemplate: input.urlTemplate,
    authConfigId: input.authConfigId || null,
    headers: input.headers,
    queryParams: input.queryParams,
    bodyType: input.bodyType,
    bodyDescription: input.bodyDescription || null,
    formParams: input.bodyType === "FORM" ? input.formParams : [],
    timeoutMs: input.timeoutMs,
    responseMapping: input.responseMapping,
  };
}

async function assertReferences(tx: TTx, input: TConnectorInput) {
  const errors: Record<string, string[]> = {};
  if (!(await tx.service.findUnique({ where: { id: input.serviceId }, select: { id: true } }))) errors.serviceId = ["This service no longer exists"];
  if (input.authConfigId && !(await tx.authConfig.findUnique({ where: { id: input.authConfigId }, select: { id: true } }))) {
    errors.authConfigId = ["This authentication configuration no longer exists"];
  }
  if (Object.keys(errors).length) throw new AppError("VALIDATION", "Some fields need attention.", errors);
}


export async function createConnector(input: TConnectorInput, actor: NonNullable<TActor>): Promise<{ id: string }> {
  try {
    return await getDb().$transaction(async (tx) => {
      await assertReferences(tx, input);
      const row = await tx.connector.create({ data: { ...connectorData(input), authorId: actor.id }, select: { id: true } });
      await audit({ actor, action: "create", objectType: "Connector", objectId: row.id, objectName: input.name }, tx);
      return row;
    });
  } catch (e) {
    rethrowNameTaken(e, "A connector");
  }
}

export async function updateConnector(id: string, input: TConnectorInput, actor: TActor): Promise<void> {
  try {
    await getDb().$transaction(async (tx) => {
      if (!(await tx.connector.findUnique({ where: { id }, select: { id: true } }))) throw new AppError("NOT_FOUND", "This connector no longer exists.");
      await assertReferences(tx, input);
      await tx.connector.update({ where: { id }, data: connectorData(input) });
      await audit({ actor, action: "update", objectType: "Connector", objectId: id, objectName: input.name }, tx);
    });
    invalidate("connector", id);
  } catch (e) {
    rethrowNameTaken(e, "A connector");
  }
}

export async function deleteConnector(id: string, actor: TActor): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const row = await tx.connector.findUnique({ where: { id }, select: { name: true } });
    if (!row) throw new AppError("NOT_FOUND", "This connector no longer exists.");
    await refuseWhileListened(tx, { connectorId: id }, row.name);
    await tx.connector.delete({ where: { id } });
    await audit({ actor, action: "delete", objectType: "Connector", objectId: id, objectName: row.name }, tx);
  });
  invalidate("connector", id);
}

/** "Copy of <name>" (then "Copy of <name> (2)", ...), authored by the caller. */
export async function copyConnector(id: string, actor: NonNullable<TActor>): Promise<{ id: string }> {
  return getDb().$transaction(async (tx) => {
    const src = await tx.connector.findUnique({ where: { id } });
    if (!src) throw new AppError("NOT_FOUND", "This connector no longer exists.");
    const base = `Copy of ${src.name}`.slice(0, 160);
    const taken = new Set((await tx.connector.findMany({ where: { name: { startsWith: base } }, select: { name: true } })).map((c) => c.name));
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base} (${i})`;
    const row = await tx.connector.create({
      data: {
        name,
        description: src.description,
        serviceId: src.serviceId,
        method: src.method,
        urlTemplate: src.urlTemplate,
        authConfigId: src.authConfigId,
        headers: src.headers ?? [],
        queryParams: src.queryParams ?? [],
        bodyType: src.bodyType,
        bodyDescription: src.bodyDescription,
        formParams: src.formParams ?? [],
        responseMapping: src.responseMapping ?? undefined,
        timeoutMs: src.timeoutMs,
        authorId: actor.id,
      },
      select: { id: true },
    });
    await audit({ actor, action: "copy", objectType: "Connector", objectId: row.id, objectName: name, details: { from: src.name } }, tx);
    return row;
  });
}

export type TWizardChoices = {
  services: { id: string; name: string; authConfigId: string; authConfigName: string }[];
  authConfigs: { id: string; name: string; authHeader: string | null }[];
};

/** The wizard's choices: services with their configuration, configurations with their auth header. */
export async function wizardChoices(): Promise<TWizardChoices> {
  const [services, configs] = await Promise.all([serviceChoices(), authConfigInputs()]);
  return {
    services: services.map((s) => ({ id: s.id, name: s.name, authConfigId: s.authConfigId, authConfigName: s.authConfig.name })),
    authConfigs: configs.map((c) => ({ id: c.id, name: c.input.name, authHeader: authHeaderName(c.input) })),
  };
}

export async function serviceChoices() {
  return getDb().service.findMany({ select: { id: true, name: true, authConfigId: true, authConfig: { select: { name: true } } }, orderBy: { name: "asc" } });
}
