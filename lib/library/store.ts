import "server-only";
// Export and import of the connectors library (SPEC §5.1) and of the environments (SPEC §7). Import
// is all or nothing: one transaction creates every configuration, service, connector and
// environment, or nothing at all.
import { randomUUID } from "node:crypto";
import { audit, type TActor } from "@/lib/audit";
import { requiredSecretsOf, settingsOf, type TSubProtocol } from "@/lib/auth-configs/schema";
import { authConfigInputs } from "@/lib/auth-configs/store";
import { invalidate } from "@/lib/cache/invalidation";
import { connectorData } from "@/lib/connectors/store";
import { getDb, isUniqueViolation, type TTx } from "@/lib/db";
import { extensibleField } from "@/lib/environments/fields";
import type { TStoredPair } from "@/lib/environments/runtime";
import { parseSecretReference } from "@/lib/environments/secret-ref-format";
import { withoutSecretValues } from "@/lib/environments/store";
import { AppError, firstProblem } from "@/lib/errors";
import {
  checkLibOverride,
  checkLibrary,
  libAuthConfigOf,
  LIBRARY_FORMAT,
  LIBRARY_VERSION,
  MAX_ENVIRONMENT_NAME,
  type TCheckedLibrary,
  type TCheckedOverride,
  type TKind,
  type TLibEnvironment,
  type TLibOverride,
  type TLibraryFile,
} from "./schema";

/** exportLibrary for a user (Connectors page or GET /api/v1/library), audited. */
export async function exportLibraryAs(opts: { ids: string[] | null; actor: NonNullable<TActor>; via: "ui" | "api" }): Promise<TLibraryFile> {
  const file = await exportLibrary(opts.ids);
  await audit({
    actor: opts.actor,
    action: "export",
    objectType: "Library",
    objectName: opts.ids ? `${opts.ids.length} selected connectors` : "all connectors",
    details: { connectors: file.connectors.length, services: file.services.length, authConfigs: file.authConfigs.length, environments: file.environments.length, via: opts.via },
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
  // Environments only in a full export (see exportEnvironments).
  const environments = connectorIds ? [] : await exportEnvironments(configs.map((c) => ({ id: c.id, name: c.input.name, subProtocol: c.input.subProtocol })));
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
    environments,
  };
}

/**
 * Every environment, with its variables and its overrides of the configurations in the file.
 * The rule: environments travel with a full export ("all connectors") only — a selected export
 * moves some connectors, not the installation's environments (which would otherwise come along
 * with every selection and conflict on every re-import). Overrides are exported only for the
 * configurations the file holds, so that each one's configuration exists wherever the file is
 * imported (a configuration no connector or service uses is not exported, nor are its overrides).
 * Nothing secret
 * leaves: secret variables and encrypted fields come without a value and with `needsValue`
 * (an encrypted field's secretReference is exported: it names where the secret lives, it is not
 * one), encrypted custom properties without their value — as copyEnvironment() copies.
 */
async function exportEnvironments(configs: Array<{ id: string; name: string; subProtocol: TSubProtocol }>): Promise<TLibEnvironment[]> {
  const byId = new Map(configs.map((c) => [c.id, c]));
  const rows = await getDb().environment.findMany({
    orderBy: { name: "asc" },
    include: { variables: { orderBy: { name: "asc" } }, overrides: { where: { authConfigId: { in: [...byId.keys()] } } } },
  });
  return rows.map((env) => ({
    name: env.name,
    description: env.description,
    variables: env.variables.map((v) => (v.secret || v.value === null ? { name: v.name, secret: v.secret, needsValue: true as const } : { name: v.name, secret: false, value: v.value })),
    overrides: env.overrides
      .flatMap((o): TLibOverride[] => {
        const config = byId.get(o.authConfigId)!;
        const field = extensibleField(config.subProtocol, o.fieldId);
        if (!field) return []; // A field the sub-protocol no longer has: it has no effect either.
        const at = { authConfig: config.name, field: o.fieldId };
        const kept = withoutSecretValues(field, o);
        const needsValue = kept.needsValue ? { needsValue: true as const } : {};
        if (field.encrypted) return [kept.secretReference ? { ...at, secretReference: kept.secretReference } : { ...at, needsValue: true }];
        if (kept.value === null) return []; // Not written by Patchbay (a plain override always has a value).
        if (field.kind === "pairs") {
          const pairs = JSON.parse(kept.value) as TStoredPair[];
          return [{ ...at, customProperties: pairs.map((p) => (p.encrypted ? { key: p.key, encrypted: true } : { key: p.key, value: p.value ?? "", encrypted: false })), ...needsValue }];
        }
        return [{ ...at, value: JSON.parse(kept.value) as string | boolean }];
      })
      .sort((a, b) => (a.authConfig === b.authConfig ? (a.field < b.field ? -1 : a.field > b.field ? 1 : 0) : a.authConfig < b.authConfig ? -1 : 1)),
  }));
}

export type TImportItem = { kind: TKind; name: string; conflict: boolean; detail: string };
export type TImportPreview = { items: TImportItem[]; needSecrets: string[] };
/** Per conflicting item, keyed "<kind>:<name>": keep the existing one, or import under a new name. */
export type TDecisions = Record<string, { action: "skip" } | { action: "rename"; name: string }>;
/**
 * Per imported environment, what still needs a value: "<configuration>: <field label>" for an
 * encrypted field (or custom properties with encrypted pairs) imported without its value, and
 * "variable NAME" for a secret variable.
 */
export type TNeedsValue = { environment: string; items: string[] };
export type TImportResult = { created: Record<TKind, number>; skipped: number; needSecrets: string[]; needsValue: TNeedsValue[] };

async function existingNames(tx: TTx | ReturnType<typeof getDb>) {
  const [configs, services, connectors, environments] = await Promise.all([
    tx.authConfig.findMany({ select: { id: true, name: true, subProtocol: true } }),
    tx.service.findMany({ select: { id: true, name: true } }),
    tx.connector.findMany({ select: { name: true } }),
    tx.environment.findMany({ select: { name: true } }),
  ]);
  return {
    authConfigs: new Map(configs.map((c) => [c.name, c.id])),
    authConfigSubs: new Map(configs.map((c) => [c.name, c.subProtocol as TSubProtocol])),
    services: new Map(services.map((s) => [s.name, s.id])),
    connectors: new Set(connectors.map((c) => c.name)),
    environments: new Set(environments.map((e) => e.name)),
  };
}

function check(raw: unknown, names: Awaited<ReturnType<typeof existingNames>>): TCheckedLibrary {
  return checkLibrary(raw, { authConfigs: names.authConfigSubs, services: new Set(names.services.keys()) }, (ref) => void parseSecretReference(ref));
}

/** A checked override back in the file's form, to check it against another sub-protocol. */
function asLibOverride(o: TCheckedOverride): TLibOverride {
  const at = { authConfig: o.authConfig, field: o.fieldId };
  if (o.kind === "plain") return { ...at, value: o.value };
  if (o.kind === "pairs") return { ...at, customProperties: o.pairs };
  return o.secretReference ? { ...at, secretReference: o.secretReference } : at;
}

function plural(n: number, one: string) {
  return `${n} ${one}${n === 1 ? "" : "s"}`;
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
    ...lib.environments.map((e) => ({
      kind: "environments" as const,
      name: e.name,
      conflict: names.environments.has(e.name),
      detail: `${plural(e.variables.length, "variable")} · ${plural(e.overrides.length, "override")}`,
    })),
  ];
  return { items, needSecrets: needingSecrets(lib) };
}

const NOUN: Record<TKind, string> = { authConfigs: "authentication configuration", services: "service", connectors: "connector", environments: "environment" };
/** The longest name a rename may give (environments: as on the Environments page). */
const MAX_NAME: Record<TKind, number> = { authConfigs: 160, services: 160, connectors: 160, environments: MAX_ENVIRONMENT_NAME };

/**
 * Creates everything in the file in one transaction. A name already taken must have a decision:
 * "skip" keeps the existing item (and the file's references then point to it), "rename" imports
 * under the new name. Configurations arrive without secrets: needSecrets names those to complete;
 * environments without secret values: needsValue lists, per environment, what to enter.
 */
export async function importLibrary(raw: unknown, decisions: TDecisions, actor: NonNullable<TActor>): Promise<TImportResult> {
  try {
    const imported = await getDb().$transaction(async (tx) => {
      const names = await existingNames(tx);
      const lib = check(raw, names);
      const errors: Record<string, string[]> = {};
      const result: TImportResult = { created: { authConfigs: 0, services: 0, connectors: 0, environments: 0 }, skipped: 0, needSecrets: [], needsValue: [] };

      /** The name to create `name` under, or null to skip it; checks decisions and renames. */
      const planned = new Map<TKind, Set<string>>([["authConfigs", new Set()], ["services", new Set()], ["connectors", new Set()], ["environments", new Set()]]);
      const fileNames = (kind: TKind) => new Set(lib[kind].map((x) => x.name));
      const target = (kind: TKind, name: string): string | null => {
        const taken = (n: string) => names[kind].has(n);
        const key = `${kind}:${name}`;
        const d = decisions[key];
        if (!taken(name)) {
          planned.get(kind)!.add(name);
          return name;
        }
        if (!d) {
          (errors[key] ??= []).push(`${/^[aeiou]/.test(NOUN[kind]) ? "An" : "A"} ${NOUN[kind]} named "${name}" already exists: choose Skip or Rename`);
          return null;
        }
        if (d.action === "skip") return null;
        const next = d.name.trim();
        const why = !next
          ? "Enter the new name"
          : next.length > MAX_NAME[kind]
            ? `At most ${MAX_NAME[kind]} characters`
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
      const configTargets = new Map<string, { name: string; subProtocol: TSubProtocol }>(); // name in the file -> what it became
      for (const c of lib.authConfigs) {
        const as = target("authConfigs", c.name);
        if (as === null) {
          result.skipped++;
          configIds.set(c.name, names.authConfigs.get(c.name)!);
          continue;
        }
        configTargets.set(c.name, { name: as, subProtocol: c.input.subProtocol });
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

      // Environments: overrides point to the configuration their name became (created, renamed, or
      // the existing one when skipped — checked again against that one's sub-protocol).
      const invalid: Record<string, string[]> = {};
      const configOf = (n: string) => configTargets.get(n) ?? { name: n, subProtocol: names.authConfigSubs.get(n)! };
      for (const [i, e] of lib.environments.entries()) {
        const as = target("environments", e.name);
        if (as === null) {
          result.skipped++;
          continue;
        }
        const env = await tx.environment.create({ data: { name: as, description: e.description }, select: { id: true } });
        const needsValue: string[] = [];
        for (const v of e.variables) {
          await tx.envVariable.create({ data: { environmentId: env.id, name: v.name, secret: v.secret, value: v.secret ? null : v.value } });
          if (v.secret || v.value === null) needsValue.push(`variable ${v.name}`);
        }
        const fields: string[] = [];
        for (const [j, o] of e.overrides.entries()) {
          const config = configOf(o.authConfig);
          // Checked again against the configuration it now applies to (a skipped one may differ).
          const checked = checkLibOverride(asLibOverride(o), config.subProtocol, (ref) => void parseSecretReference(ref), (p, m) =>
            (invalid[`environments.${i}.overrides.${j}.${p}`] ??= []).push(`${m} (the existing configuration "${config.name}" is kept: Rename it instead of Skip to import the file's)`),
          );
          if (!checked) continue;
          const label = extensibleField(config.subProtocol, o.fieldId)!.label;
          let value: string | null = null;
          let secretReference: string | null = null;
          if (checked.kind === "plain") value = JSON.stringify(checked.value);
          else if (checked.kind === "pairs") {
            // Encrypted pairs arrive without their value (as copyEnvironment() leaves them).
            const pairs: TStoredPair[] = checked.pairs.map((p) => (p.encrypted ? { key: p.key, encrypted: true } : { key: p.key, value: p.value ?? "", encrypted: false }));
            value = JSON.stringify(pairs);
            if (pairs.some((p) => p.encrypted)) needsValue.push(`${config.name}: ${label}`);
          } else {
            secretReference = checked.secretReference;
            if (!secretReference) needsValue.push(`${config.name}: ${label}`);
          }
          await tx.envOverride.create({ data: { environmentId: env.id, authConfigId: configId(o.authConfig), fieldId: o.fieldId, value, secretReference } });
          fields.push(`${config.name}: ${o.fieldId}`);
        }
        await audit(
          {
            actor,
            action: "import",
            objectType: "Environment",
            objectId: env.id,
            objectName: as,
            details: { ...(as === e.name ? {} : { renamedFrom: e.name }), variables: e.variables.map((v) => v.name), fields, needsValue },
          },
          tx,
        );
        result.created.environments++;
        if (needsValue.length) result.needsValue.push({ environment: as, items: needsValue });
      }
      const invalidProblems = Object.entries(invalid);
      if (invalidProblems.length) {
        throw new AppError("VALIDATION", `The file cannot be imported: ${firstProblem(invalidProblems.map(([at, m]) => `${at}: ${m[0]}`))}. Nothing was imported.`, invalid);
      }

      const problems = Object.entries(errors);
      if (problems.length) {
        // Thrown inside the transaction: everything created above is rolled back.
        throw new AppError("CONFLICT", `${firstProblem(problems.map(([, m]) => m[0]))}. Nothing was imported.`, errors);
      }
      return result;
    }, { timeout: 60_000 });
    // A run that asked for an environment by this name just before may have cached "no such environment".
    if (imported.created.environments) invalidate("environment");
    return imported;
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("CONFLICT", "A name was taken while importing (someone else created it). Nothing was imported; preview again.");
    throw e;
  }
}
