import "server-only";
// Export and import of the connectors library (SPEC §5.1). Import is all or nothing: one
// transaction creates every configuration, service and connector, or nothing at all.
import { randomUUID } from "node:crypto";
import { audit, type TActor } from "@/lib/audit";
import { requiredSecretsOf, settingsOf } from "@/lib/auth-configs/schema";
import { authConfigInputs } from "@/lib/auth-configs/store";
import { connectorData } from "@/lib/connectors/store";
import { getDb, isUniqueViolation, type TTx } from "@/lib/db";
import { AppError, firstProblem } from "@/lib/errors";
import { checkLibrary, libAuthConfigOf, LIBRARY_FORMAT, LIBRARY_VERSION, type TCheckedLibrary, type TKind, type TLibraryFile } from "./schema";

/** exportLibrary for a user (Connectors page or GET /api/v1/library), audited. */
export async function exportLibraryAs(opts: { ids: string[] | null; actor: NonNullable<TActor>; via: "ui" | "api" }): Promise<TLibraryFile> {
  const file = await exportLibrary(opts.ids);
  await audit({
    actor: opts.actor,
    action: "export",
    objectType: "Library",
    objectName: opts.ids ? `${opts.ids.length} selected connectors` : "all connectors",
    details: { connectors: file.connectors.length, services: file.services.length, authConfigs: file.authConfigs.length, via: opts.via },
  });
  return file;
}

/** The connectors given (or all of them), their services and the configurations both use. */
export async function exportLibrary(connectorIds: string[] | null): Promise<TLibraryFile> {
  const db = getDb();
  const connectors = await db.connector.findMany({
    where: connectorIds ? { id: { in: connectorIds } } : {},
    orderBy: { name: "asc" },
    include: { service: { select: { name: true } }, authConfig: { select: { name: true } } },
  });
  if (connectorIds && connectors.length !== new Set(connectorIds).size) throw new AppError("NOT_FOUND", "Some of the selected connectors no longer exist. Reload the list.");
  const services = await db.service.findMany({
    where: connectorIds ? { id: { in: [...new Set(connectors.map((c) => c.serviceId))] } } : {},
    orderBy: { name: "asc" },
    include: { authConfig: { select: { name: true } } },
  });
  const configIds = new Set([...services.map((s) => s.authConfigId), ...connectors.flatMap((c) => (c.authConfigId ? [c.authConfigId] : []))]);
  const configs = await authConfigInputs([...configIds]);
  return {
    format: LIBRARY_FORMAT,
    version: LIBRARY_VERSION,
    exportedAt: new Date().toISOString(),
    authConfigs: configs.map((c) => libAuthConfigOf(c.input)),
    services: services.map((s) => ({
      name: s.name,
      productName: s.productName ?? "",
      productVersion: s.productVersion ?? "",
      apiVersion: s.apiVersion ?? "",
      authConfig: s.authConfig.name,
      logo: s.logo && s.logoContentType ? { contentType: s.logoContentType, base64: Buffer.from(s.logo).toString("base64") } : null,
    })),
    connectors: connectors.map((c) => ({
      name: c.name,
      description: c.description,
      service: c.service.name,
      method: c.method,
      urlTemplate: c.urlTemplate,
      authConfig: c.authConfig?.name ?? null,
      headers: (c.headers ?? []) as unknown[],
      queryParams: (c.queryParams ?? []) as unknown[],
      bodyType: c.bodyType,
      bodyDescription: c.bodyDescription ?? "",
      formParams: (c.formParams ?? []) as unknown[],
      timeoutMs: c.timeoutMs,
      responseMapping: Array.isArray(c.responseMapping) ? c.responseMapping : [],
    })),
  };
}

export type TImportItem = { kind: TKind; name: string; conflict: boolean; detail: string };
export type TImportPreview = { items: TImportItem[]; needSecrets: string[] };
/** Per conflicting item, keyed "<kind>:<name>": keep the existing one, or import under a new name. */
export type TDecisions = Record<string, { action: "skip" } | { action: "rename"; name: string }>;
export type TImportResult = { created: Record<TKind, number>; skipped: number; needSecrets: string[] };

async function existingNames(tx: TTx | ReturnType<typeof getDb>) {
  const [configs, services, connectors] = await Promise.all([
    tx.authConfig.findMany({ select: { id: true, name: true } }),
    tx.service.findMany({ select: { id: true, name: true } }),
    tx.connector.findMany({ select: { name: true } }),
  ]);
  return {
    authConfigs: new Map(configs.map((c) => [c.name, c.id])),
    services: new Map(services.map((s) => [s.name, s.id])),
    connectors: new Set(connectors.map((c) => c.name)),
  };
}

function check(raw: unknown, names: Awaited<ReturnType<typeof existingNames>>): TCheckedLibrary {
  return checkLibrary(raw, { authConfigs: new Set(names.authConfigs.keys()), services: new Set(names.services.keys()) });
}

function needingSecrets(lib: TCheckedLibrary): string[] {
  return lib.authConfigs.filter((c) => requiredSecretsOf(c.input).length > 0).map((c) => c.name);
}

/** What an import would create and which names are already taken; writes nothing. */
export async function previewImport(raw: unknown): Promise<TImportPreview> {
  const names = await existingNames(getDb());
  const lib = check(raw, names);
  const items: TImportItem[] = [
    ...lib.authConfigs.map((c) => ({ kind: "authConfigs" as const, name: c.name, conflict: names.authConfigs.has(c.name), detail: c.input.subProtocol })),
    ...lib.services.map((s) => ({ kind: "services" as const, name: s.name, conflict: names.services.has(s.name), detail: `uses ${s.authConfig}` })),
    ...lib.connectors.map((c) => ({ kind: "connectors" as const, name: c.name, conflict: names.connectors.has(c.name), detail: `${c.input.method} · ${c.service}` })),
  ];
  return { items, needSecrets: needingSecrets(lib) };
}

const NOUN: Record<TKind, string> = { authConfigs: "authentication configuration", services: "service", connectors: "connector" };

/**
 * Creates everything in the file in one transaction. A name already taken must have a decision:
 * "skip" keeps the existing item (and the file's references then point to it), "rename" imports
 * under the new name. Configurations arrive without secrets: needSecrets names those to complete.
 */
export async function importLibrary(raw: unknown, decisions: TDecisions, actor: NonNullable<TActor>): Promise<TImportResult> {
  try {
    return await getDb().$transaction(async (tx) => {
      const names = await existingNames(tx);
      const lib = check(raw, names);
      const errors: Record<string, string[]> = {};
      const result: TImportResult = { created: { authConfigs: 0, services: 0, connectors: 0 }, skipped: 0, needSecrets: [] };

      /** The name to create `name` under, or null to skip it; checks decisions and renames. */
      const planned = new Map<TKind, Set<string>>([["authConfigs", new Set()], ["services", new Set()], ["connectors", new Set()]]);
      const fileNames = (kind: TKind) => new Set(lib[kind].map((x) => x.name));
      const target = (kind: TKind, name: string): string | null => {
        const taken = (n: string) => (kind === "connectors" ? names.connectors.has(n) : names[kind].has(n));
        const key = `${kind}:${name}`;
        const d = decisions[key];
        if (!taken(name)) {
          planned.get(kind)!.add(name);
          return name;
        }
        if (!d) {
          (errors[key] ??= []).push(`A ${NOUN[kind]} named "${name}" already exists: choose Skip or Rename`);
          return null;
        }
        if (d.action === "skip") return null;
        const next = d.name.trim();
        const why = !next
          ? "Enter the new name"
          : next.length > 160
            ? "At most 160 characters"
            : taken(next)
              ? `"${next}" is taken too`
              : planned.get(kind)!.has(next) || (next !== name && fileNames(kind).has(next))
                ? `"${next}" is used by another item in the file`
                : null;
        if (why) {
          (errors[key] ??= []).push(why);
          return null;
        }
        planned.get(kind)!.add(next);
        return next;
      };

      const configIds = new Map<string, string>(); // name in the file -> id
      for (const c of lib.authConfigs) {
        const as = target("authConfigs", c.name);
        if (as === null) {
          result.skipped++;
          configIds.set(c.name, names.authConfigs.get(c.name)!);
          continue;
        }
        const id = randomUUID();
        const input = { ...c.input, name: as };
        await tx.authConfig.create({ data: { id, name: as, protocol: input.protocol, subProtocol: input.subProtocol, settings: settingsOf(input) as object, secrets: {}, testUrl: input.testUrl || null } });
        await audit({ actor, action: "import", objectType: "AuthConfig", objectId: id, objectName: as, details: as === c.name ? {} : { renamedFrom: c.name } }, tx);
        configIds.set(c.name, id);
        result.created.authConfigs++;
        if (requiredSecretsOf(input).length > 0) result.needSecrets.push(as);
      }
      const configId = (n: string) => configIds.get(n) ?? names.authConfigs.get(n)!;

      const serviceIds = new Map<string, string>();
      for (const s of lib.services) {
        const as = target("services", s.name);
        if (as === null) {
          result.skipped++;
          serviceIds.set(s.name, names.services.get(s.name)!);
          continue;
        }
        const row = await tx.service.create({
          data: {
            name: as,
            productName: s.productName || null,
            productVersion: s.productVersion || null,
            apiVersion: s.apiVersion || null,
            authConfigId: configId(s.authConfig),
            ...(s.logo ? { logo: new Uint8Array(s.logo.bytes), logoContentType: s.logo.contentType } : {}),
          },
          select: { id: true },
        });
        await audit({ actor, action: "import", objectType: "Service", objectId: row.id, objectName: as, details: as === s.name ? {} : { renamedFrom: s.name } }, tx);
        serviceIds.set(s.name, row.id);
        result.created.services++;
      }

      for (const c of lib.connectors) {
        const as = target("connectors", c.name);
        if (as === null) {
          result.skipped++;
          continue;
        }
        const serviceId = serviceIds.get(c.service) ?? names.services.get(c.service)!;
        const authConfigId = c.authConfig === null ? "" : configId(c.authConfig);
        const row = await tx.connector.create({
          data: { ...connectorData({ ...c.input, name: as, serviceId, authConfigId }), authorId: actor.id },
          select: { id: true },
        });
        await audit({ actor, action: "import", objectType: "Connector", objectId: row.id, objectName: as, details: as === c.name ? {} : { renamedFrom: c.name } }, tx);
        result.created.connectors++;
      }

      const problems = Object.entries(errors);
      if (problems.length) {
        // Thrown inside the transaction: everything created above is rolled back.
        throw new AppError("CONFLICT", `${firstProblem(problems.map(([, m]) => m[0]))}. Nothing was imported.`, errors);
      }
      return result;
    }, { timeout: 60_000 });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("CONFLICT", "A name was taken while importing (someone else created it). Nothing was imported; preview again.");
    throw e;
  }
}
