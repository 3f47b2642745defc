import "server-only";
// Services in the database: a name, product details, a logo and the authentication configuration
// their connectors use by default.
import { invalidate } from "@/lib/cache/invalidation";
import { audit, type TActor } from "@/lib/audit";
import { getDb, rethrowNameTaken, type TTx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { parseLogo } from "./logo";
import type { TServiceInput } from "./schema";
import { refuseWhileSubscribed } from "@/lib/events/usage";

export type TServiceView = {
  id: string;
  name: string;
  productName: string;
  productVersion: string;
  apiVersion: string;
  authConfig: { id: string; name: string };
  /** Path of the logo, with a version so that browsers fetch a replaced one; null without logo. */
  logoUrl: string | null;
  connectors: number;
  /** ISO time of the last change: the list shows the last changed first. */
  updatedAt: string;
};

/** The columns of a service view (also read by the REST API's list, lib/services/queries.ts). */
export const serviceViewSelect = {
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
} as const;

export type TServiceRow = {
  id: string;
  name: string;
  productName: string | null;
  productVersion: string | null;
  apiVersion: string | null;
  logoContentType: string | null;
  createdAt: Date;
  updatedAt: Date;
  authConfig: { id: string; name: string };
  _count: { connectors: number };
};

export function toServiceView(r: TServiceRow): TServiceView {
  return {
    id: r.id,
    name: r.name,
    productName: r.productName ?? "",
    productVersion: r.productVersion ?? "",
    apiVersion: r.apiVersion ?? "",
    authConfig: r.authConfig,
    logoUrl: r.logoContentType ? `/api/services/${r.id}/logo?v=${r.updatedAt.getTime()}` : null,
    connectors: r._count.connectors,
    updatedAt: r.updatedAt.toISOString(),
  };
}

export async function listServices(): Promise<TServiceView[]> {
  return (await getDb().service.findMany({ select: serviceViewSelect, orderBy: { name: "asc" } })).map(toServiceView);
}

export async function getService(id: string): Promise<TServiceView | null> {
  const row = await getDb().service.findUnique({ where: { id }, select: serviceViewSelect });
  return row ? toServiceView(row) : null;
}

export async function getServiceLogo(id: string): Promise<{ bytes: Uint8Array; contentType: string } | null> {
  const row = await getDb().service.findUnique({ where: { id }, select: { logo: true, logoContentType: true } });
  return row?.logo && row.logoContentType ? { bytes: row.logo, contentType: row.logoContentType } : null;
}

async function assertAuthConfig(tx: TTx, id: string) {
  if (!(await tx.authConfig.findUnique({ where: { id }, select: { id: true } }))) {
    throw new AppError("VALIDATION", "Some fields need attention.", { authConfigId: ["This authentication configuration no longer exists"] });
  }
}


function fields(input: TServiceInput) {
  return {
    name: input.name,
    productName: input.productName || null,
    productVersion: input.productVersion || null,
    apiVersion: input.apiVersion || null,
    authConfigId: input.authConfigId,
  };
}

function logoChange(input: TServiceInput) {
  if (input.logo) {
    const { bytes, contentType } = parseLogo(input.logo);
    return { logo: new Uint8Array(bytes), logoContentType: contentType };
  }
  return input.removeLogo ? { logo: null, logoContentType: null } : {};
}

export async function createService(input: TServiceInput, actor: TActor): Promise<{ id: string }> {
  const logo = logoChange(input); // validated before anything is written
  try {
    return await getDb().$transaction(async (tx) => {
      await assertAuthConfig(tx, input.authConfigId);
      const row = await tx.service.create({ data: { ...fields(input), ...logo }, select: { id: true } });
      await audit({ actor, action: "create", objectType: "Service", objectId: row.id, objectName: input.name, details: { logo: "logo" in logo && !!logo.logo } }, tx);
      return row;
    });
  } catch (e) {
    rethrowNameTaken(e, "A service");
  }
}

export async function updateService(id: string, input: TServiceInput, actor: TActor): Promise<void> {
  const logo = logoChange(input);
  try {
    await getDb().$transaction(async (tx) => {
      if (!(await tx.service.findUnique({ where: { id }, select: { id: true } }))) {
        throw new AppError("NOT_FOUND", "This service no longer exists.");
      }
      await assertAuthConfig(tx, input.authConfigId);
      await tx.service.update({ where: { id }, data: { ...fields(input), ...logo } });
      await audit({ actor, action: "update", objectType: "Service", objectId: id, objectName: input.name, details: { logo: input.logo ? "replaced" : input.removeLogo ? "removed" : "kept" } }, tx);
    });
    invalidate("service", id);
  } catch (e) {
    rethrowNameTaken(e, "A service");
  }
}

/** Refused while connectors use the service; the message names them. */
export async function deleteService(id: string, actor: TActor): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const row = await tx.service.findUnique({ where: { id }, select: { name: true, connectors: { select: { name: true }, orderBy: { name: "asc" }, take: 6 } } });
    if (!row) throw new AppError("NOT_FOUND", "This service no longer exists.");
    if (row.connectors.length > 0) {
      const total = await tx.connector.count({ where: { serviceId: id } });
      const names = row.connectors.slice(0, 5).map((c) => `"${c.name}"`).join(", ");
      throw new AppError("CONFLICT", `"${row.name}" is used by ${total} connector${total === 1 ? "" : "s"} (${names}${total > 5 ? ", ..." : ""}). Delete or move them first.`);
    }
    await refuseWhileSubscribed(tx, { serviceId: id }, row.name);
    await tx.service.delete({ where: { id } });
    await audit({ actor, action: "delete", objectType: "Service", objectId: id, objectName: row.name }, tx);
  });
  invalidate("service", id);
}

/** Authentication configurations to choose from in the service form. */
export async function authConfigChoices(): Promise<{ id: string; name: string }[]> {
  return getDb().authConfig.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } });
}
