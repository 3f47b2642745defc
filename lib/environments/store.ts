import "server-only";
// Environments in the database (SPEC §7): create, rename, copy, delete; their variables; and their
// extensions document (GET, PUT, PATCH with seed 001's semantics, planned by extensions.ts and
// written in one transaction). Secret values are sealed per record and field and never returned;
// every change is audited with field names, never values.
import { randomUUID } from "node:crypto";
import { audit, type TActor } from "@/lib/audit";
import type { TSubProtocol } from "@/lib/auth-configs/schema";
import { invalidate } from "@/lib/cache/invalidation";
import { getDb, isUniqueViolation, rethrowNameTaken, type TTx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { sealSecret } from "@/lib/secrets";
import { extensibleField, type TExtField } from "./fields";
import { planUpdate, toDocument, type TChange, type TConfigRef, type TExtensionsDocument, type TExtensionsUpdate, type TStoredOverride, type TStoredVariable } from "./extensions";
import { overrideSlot, pairField, variableSlot, type TStoredPair } from "./runtime";
import type { TEnvironmentInput, TVariablesInput } from "./schema";
import { refuseWhileSubscribed } from "@/lib/events/usage";
import { refuseWhileListened } from "@/lib/listeners/usage";

export type TEnvironmentRow = {
  id: string;
  name: string;
  description: string;
  overrideCount: number;
  variableCount: number;
  /** Secret overrides and variables that were copied or imported without their value. */
  needsValueCount: number;
  /** ISO time of the last change to the environment itself. */
  updatedAt: string;
};

const notFound = () => new AppError("NOT_FOUND", "This environment no longer exists.");

export async function listEnvironments(): Promise<TEnvironmentRow[]> {
  const db = getDb();
  const [rows, missingOverrides, missingVars] = await Promise.all([
    db.environment.findMany({ orderBy: { name: "asc" }, include: { _count: { select: { overrides: true, variables: true } } } }),
    db.envOverride.groupBy({ by: ["environmentId"], where: { value: null, secretReference: null }, _count: true }),
    db.envVariable.groupBy({ by: ["environmentId"], where: { value: null }, _count: true }),
  ]);
  const missing = new Map<string, number>();
  for (const m of [...missingOverrides, ...missingVars]) missing.set(m.environmentId, (missing.get(m.environmentId) ?? 0) + m._count);
  // Custom properties whose encrypted pairs were copied or imported without their value.
  for (const o of await db.envOverride.findMany({ where: { value: { contains: '"encrypted":true' } }, select: { environmentId: true, value: true } })) {
    if (o.value?.startsWith("[") && (JSON.parse(o.value) as TStoredPair[]).some((p) => p.encrypted && p.value === undefined)) {
      missing.set(o.environmentId, (missing.get(o.environmentId) ?? 0) + 1);
    }
  }
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    overrideCount: r._count.overrides,
    variableCount: r._count.variables,
    needsValueCount: missing.get(r.id) ?? 0,
    updatedAt: r.updatedAt.toISOString(),
  }));
}

export async function getEnvironment(id: string): Promise<{ id: string; name: string; description: string } | null> {
  return getDb().environment.findUnique({ where: { id }, select: { id: true, name: true, description: true } });
}

/** Every environment's id and name, for the switcher. */
export async function environmentChoices(): Promise<Array<{ id: string; name: string }>> {
  return getDb().environment.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } });
}

export async function createEnvironment(input: TEnvironmentInput, actor: TActor): Promise<{ id: string }> {
  let created: { id: string };
  try {
    created = await getDb().$transaction(async (tx) => {
      const row = await tx.environment.create({ data: { name: input.name, description: input.description }, select: { id: true } });
      await audit({ actor, action: "create", objectType: "Environment", objectId: row.id, objectName: input.name }, tx);
      return row;
    });
  } catch (e) {
    rethrowNameTaken(e, "An environment");
  }
  // A run that named it a moment ago was told "unknown environment": that answer is dropped.
  invalidate("environment", created.id);
  return created;
}

export async function updateEnvironment(id: string, input: TEnvironmentInput, actor: TActor): Promise<void> {
  try {
    await getDb().$transaction(async (tx) => {
      const before = await tx.environment.findUnique({ where: { id } });
      if (!before) throw notFound();
      await tx.environment.update({ where: { id }, data: { name: input.name, description: input.description } });
      const changed = (["name", "description"] as const).filter((k) => before[k] !== input[k]);
      await audit({ actor, action: "update", objectType: "Environment", objectId: id, objectName: input.name, details: { changed, ...(changed.includes("name") ? { renamedFrom: before.name } : {}) } }, tx);
    });
  } catch (e) {
    rethrowNameTaken(e, "An environment");
  }
  invalidate("environment", id);
}

/** Deletes the environment with its variables, overrides and OAuth2 tokens (foreign keys cascade). */
export async function deleteEnvironment(id: string, actor: TActor): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const row = await tx.environment.findUnique({ where: { id }, include: { _count: { select: { overrides: true, variables: true, tokens: true } } } });
    if (!row) throw notFound();
    await refuseWhileSubscribed(tx, { environmentId: id }, row.name);
    await refuseWhileListened(tx, { environmentId: id }, row.name);
    await tx.environment.delete({ where: { id } });
    await audit({ actor, action: "delete", objectType: "Environment", objectId: id, objectName: row.name, details: { overrides: row._count.overrides, variables: row._count.variables, tokenSets: row._count.tokens } }, tx);
  });
  invalidate("environment", id);
}

async function freeCopyName(tx: TTx, name: string): Promise<string> {
  for (let i = 1; i < 1000; i++) {
    const candidate = (i === 1 ? `Copy of ${name}` : `Copy of ${name} (${i})`).slice(0, 120);
    if (!(await tx.environment.findUnique({ where: { name: candidate }, select: { id: true } }))) return candidate;
  }
  throw new AppError("CONFLICT", "Too many copies of this environment already exist.");
}

/**
 * A stored override as it leaves its environment (a copy, an export): plain values as they are,
 * an encrypted field only with its secret reference (not a secret), encrypted custom-property pairs
 * without their value. `needsValue`: something must be entered again.
 */
export function withoutSecretValues(field: TExtField, o: { value: string | null; secretReference: string | null }): { value: string | null; secretReference: string | null; needsValue: boolean } {
  if (field.encrypted) return { value: null, secretReference: o.secretReference, needsValue: !o.secretReference };
  if (field.kind !== "pairs" || o.value === null) return { value: o.value, secretReference: null, needsValue: false };
  const pairs = JSON.parse(o.value) as TStoredPair[];
  return {
    value: JSON.stringify(pairs.map((p) => (p.encrypted ? { key: p.key, encrypted: true } : p))),
    secretReference: null,
    needsValue: pairs.some((p) => p.encrypted),
  };
}

/**
 * "Copy of <name>": variables and non-secret overrides, and secret references (they are not
 * secrets). Secret values are not copied: those overrides and variables are marked "needs a value".
 */
export async function copyEnvironment(id: string, actor: TActor): Promise<{ id: string; name: string }> {
  const created = await getDb().$transaction(async (tx) => {
    const src = await tx.environment.findUnique({ where: { id }, include: { variables: true, overrides: true } });
    if (!src) throw notFound();
    const name = await freeCopyName(tx, src.name);
    const env = await tx.environment.create({ data: { name, description: src.description }, select: { id: true } });
    for (const v of src.variables) await tx.envVariable.create({ data: { environmentId: env.id, name: v.name, secret: v.secret, value: v.secret ? null : v.value } });
    const configs = await subProtocols(tx, [...new Set(src.overrides.map((o) => o.authConfigId))]);
    const needsValue: string[] = [];
    for (const o of src.overrides) {
      const field = extensibleField(configs.get(o.authConfigId)!, o.fieldId);
      if (!field) continue;
      const copied = withoutSecretValues(field, o);
      if (copied.needsValue) needsValue.push(o.fieldId);
      await tx.envOverride.create({ data: { environmentId: env.id, authConfigId: o.authConfigId, fieldId: o.fieldId, value: copied.value, secretReference: copied.secretReference } });
    }
    const secretVariables = src.variables.filter((v) => v.secret).map((v) => v.name);
    await audit({ actor, action: "copy", objectType: "Environment", objectId: env.id, objectName: name, details: { from: src.name, fromId: src.id, needsValue, secretVariables } }, tx);
    return { id: env.id, name };
  });
  invalidate("environment", created.id);
  return created;
}

async function subProtocols(tx: TTx, ids?: string[]): Promise<Map<string, TSubProtocol>> {
  const rows = await tx.authConfig.findMany({ where: ids ? { id: { in: ids } } : {}, select: { id: true, subProtocol: true } });
  return new Map(rows.map((r) => [r.id, r.subProtocol as TSubProtocol]));
}

/**
 * Replaces the variables with `rows`. A secret row with an empty value keeps the stored value
 * (write-only); a variable left out is deleted.
 */
export async function setVariables(environmentId: string, rows: TVariablesInput, actor: TActor): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const env = await tx.environment.findUnique({ where: { id: environmentId }, include: { variables: true } });
    if (!env) throw notFound();
    const current = new Map(env.variables.map((v) => [v.name, v]));
    const keep = new Set(rows.map((r) => r.name));
    const removed = env.variables.filter((v) => !keep.has(v.name));
    if (removed.length) await tx.envVariable.deleteMany({ where: { id: { in: removed.map((v) => v.id) } } });
    const changed: string[] = [];
    for (const r of rows) {
      const stored = current.get(r.name);
      if (r.secret && r.value === "" && stored) {
        // Keep: already secret, or a plain value that becomes secret (sealed now).
        if (!stored.secret) {
          await tx.envVariable.update({ where: { id: stored.id }, data: { secret: true, value: stored.value === null ? null : sealSecret(stored.value, variableSlot(stored.id)) } });
          changed.push(r.name);
        }
        continue;
      }
      if (stored && !r.secret && !stored.secret && stored.value === r.value) continue;
      await writeVariable(tx, environmentId, stored?.id ?? null, r.name, r.value, r.secret);
      changed.push(r.name);
    }
    if (removed.length || changed.length) {
      await audit({ actor, action: "update-variables", objectType: "Environment", objectId: environmentId, objectName: env.name, details: { changed, removed: removed.map((v) => v.name) } }, tx);
    }
  });
  invalidate("environment", environmentId);
}

async function writeVariable(tx: TTx, environmentId: string, existingId: string | null, name: string, value: string, secret: boolean) {
  const id = existingId ?? randomUUID();
  const stored = secret ? sealSecret(value, variableSlot(id)) : value;
  if (existingId) await tx.envVariable.update({ where: { id }, data: { value: stored, secret } });
  else await tx.envVariable.create({ data: { id, environmentId, name, value: stored, secret } });
}

/** The variables for the form: secret values never leave the server ("set" / "not set"). */
export async function variablesOf(environmentId: string): Promise<Array<{ name: string; value: string; secret: boolean; valueSet: boolean }>> {
  const rows = await getDb().envVariable.findMany({ where: { environmentId }, orderBy: { name: "asc" } });
  return rows.map((v) => ({ name: v.name, secret: v.secret, value: v.secret ? "" : (v.value ?? ""), valueSet: v.value !== null }));
}

type TOverrideRow = { id: string; authConfigId: string; fieldId: string; value: string | null; secretReference: string | null };

function storedOverride(row: TOverrideRow, sub: TSubProtocol): TStoredOverride | null {
  const field = extensibleField(sub, row.fieldId);
  if (!field) return null;
  if (field.encrypted) return { fieldId: row.fieldId, kind: "secret", valueSet: row.value !== null, secretReference: row.secretReference };
  if (field.kind === "pairs") {
    const pairs = row.value === null ? [] : (JSON.parse(row.value) as TStoredPair[]);
    return { fieldId: row.fieldId, kind: "pairs", pairs: pairs.map((p) => (p.encrypted ? { key: p.key, encrypted: true } : p)) };
  }
  return { fieldId: row.fieldId, kind: "plain", value: row.value === null ? "" : (JSON.parse(row.value) as string | boolean) };
}

async function currentState(tx: TTx, environmentId: string, configIds?: string[]) {
  const configs: TConfigRef[] = (await tx.authConfig.findMany({ where: configIds ? { id: { in: configIds } } : {}, orderBy: { name: "asc" }, select: { id: true, name: true, subProtocol: true } })).map((c) => ({ ...c, subProtocol: c.subProtocol as TSubProtocol }));
  const subOf = new Map(configs.map((c) => [c.id, c.subProtocol]));
  const rows = await tx.envOverride.findMany({ where: { environmentId, ...(configIds ? { authConfigId: { in: configIds } } : {}) } });
  const overrides = new Map<string, TStoredOverride[]>();
  for (const r of rows) {
    const sub = subOf.get(r.authConfigId);
    const o = sub ? storedOverride(r, sub) : null;
    if (o) overrides.set(r.authConfigId, [...(overrides.get(r.authConfigId) ?? []), o]);
  }
  const variables: TStoredVariable[] = (await tx.envVariable.findMany({ where: { environmentId }, orderBy: { name: "asc" } })).map((v) => ({ name: v.name, secret: v.secret, value: v.secret ? (v.value === null ? null : "") : v.value }));
  return { configs, rows, overrides, variables };
}

/** GET /api/v1/environments/{id}/extensions (optionally only some configurations). */
export async function getExtensions(environmentId: string, opts: { configIds?: string[] } = {}): Promise<TExtensionsDocument> {
  const db = getDb();
  if (!(await db.environment.findUnique({ where: { id: environmentId }, select: { id: true } }))) throw notFound();
  // A read outside a transaction: SQLite transactions here take the write lock, a GET need not.
  const s = await currentState(db as unknown as TTx, environmentId, opts.configIds);
  return toDocument(environmentId, s.configs, s.overrides, s.variables);
}

/** Overrides per configuration in an environment, for the list's counts. */
export async function overrideCounts(environmentId: string): Promise<Record<string, number>> {
  const rows = await getDb().envOverride.groupBy({ by: ["authConfigId"], where: { environmentId }, _count: true });
  return Object.fromEntries(rows.map((r) => [r.authConfigId, r._count]));
}

/**
 * PUT (complete) or PATCH (partial) of the extensions document, in one transaction: either every
 * change is written or, on any problem, nothing. Returns the document after the update.
 */
export async function updateExtensions(environmentId: string, doc: TExtensionsUpdate, mode: "PUT" | "PATCH", actor: TActor): Promise<TExtensionsDocument> {
  const db = getDb();
  try {
    await db.$transaction(async (tx) => {
      const env = await tx.environment.findUnique({ where: { id: environmentId }, select: { id: true, name: true } });
      if (!env) throw notFound();
      const s = await currentState(tx, environmentId);
      const plan = planUpdate({ environmentId, mode, doc, configs: s.configs, current: s.overrides, variables: s.variables });
      const subOf = new Map(s.configs.map((c) => [c.id, c.subProtocol]));
      const fields: string[] = [];
      const variables: string[] = [];
      const reconnect = new Set<string>();
      for (const change of plan.changes) {
        if (change.op === "var-set" || change.op === "var-delete") {
          variables.push(change.name);
          await applyVariable(tx, environmentId, change);
          continue;
        }
        const row = s.rows.find((r) => r.authConfigId === change.configId && r.fieldId === change.fieldId);
        if (change.op === "revert" && !row) continue;
        fields.push(`${plan.configNames.get(change.configId)}: ${change.fieldId}`);
        if (extensibleField(subOf.get(change.configId)!, change.fieldId)?.identity) reconnect.add(change.configId);
        await applyOverride(tx, environmentId, change, row ?? null);
      }
      // Tokens obtained with the previous client, URLs or credentials of this environment's connection.
      if (reconnect.size) await tx.oAuthToken.deleteMany({ where: { environmentId, authConfigId: { in: [...reconnect] } } });
      await audit({ actor, action: mode === "PUT" ? "replace-extensions" : "update-extensions", objectType: "Environment", objectId: environmentId, objectName: env.name, details: { fields, variables } }, tx);
    });
  } catch (e) {
    // Two updates creating the same override at once: the loser is told to retry, nothing half-written.
    if (isUniqueViolation(e)) throw new AppError("CONFLICT", "The extensions were changed at the same time by another request. Read them again and retry.");
    throw e;
  }
  invalidate("environment", environmentId);
  return getExtensions(environmentId);
}

async function applyVariable(tx: TTx, environmentId: string, change: Extract<TChange, { op: "var-set" | "var-delete" }>) {
  const existing = await tx.envVariable.findUnique({ where: { environmentId_name: { environmentId, name: change.name } }, select: { id: true } });
  if (change.op === "var-delete") {
    if (existing) await tx.envVariable.delete({ where: { id: existing.id } });
    return;
  }
  await writeVariable(tx, environmentId, existing?.id ?? null, change.name, change.value, change.secret);
}

async function applyOverride(tx: TTx, environmentId: string, change: Exclude<TChange, { op: "var-set" | "var-delete" }>, row: TOverrideRow | null) {
  const { configId, fieldId } = change;
  if (change.op === "revert") {
    await tx.envOverride.delete({ where: { id: row!.id } });
    return;
  }
  const id = row?.id ?? randomUUID();
  let data: { value: string | null; secretReference: string | null };
  switch (change.op) {
    case "set":
      data = { value: JSON.stringify(change.value), secretReference: null };
      break;
    case "set-secret":
      data = { value: sealSecret(change.value, overrideSlot(id)), secretReference: null };
      break;
    case "set-reference":
      data = { value: null, secretReference: change.reference };
      break;
    case "set-pairs": {
      const before = new Map((row?.value ? (JSON.parse(row.value) as TStoredPair[]) : []).map((p) => [p.key, p]));
      const pairs: TStoredPair[] = change.pairs.map((p) => {
        if (!p.encrypted) return { key: p.key, value: p.value ?? "", encrypted: false };
        if (p.value !== undefined) return { key: p.key, value: sealSecret(p.value, overrideSlot(id, pairField(p.key))), encrypted: true };
        // Sent back without its value (as GET shows it): the stored value of that key stays.
        const kept = before.get(p.key);
        return { key: p.key, ...(kept?.encrypted && kept.value !== undefined ? { value: kept.value } : {}), encrypted: true };
      });
      data = { value: JSON.stringify(pairs), secretReference: null };
      break;
    }
  }
  if (row) await tx.envOverride.update({ where: { id }, data });
  else await tx.envOverride.create({ data: { id, environmentId, authConfigId: configId, fieldId, ...data } });
}

/** The environment a user chose in the header's switcher; null: No environment (the defaults). */
export async function selectedEnvironment(userId: string): Promise<{ id: string; name: string } | null> {
  const row = await getDb().user.findUnique({ where: { id: userId }, select: { environment: { select: { id: true, name: true } } } });
  return row?.environment ?? null;
}

/** Remembers the switcher's choice for the user (null: No environment). */
export async function selectEnvironment(userId: string, environmentId: string | null): Promise<void> {
  if (environmentId !== null && !(await getEnvironment(environmentId))) throw notFound();
  await getDb().user.update({ where: { id: userId }, data: { environmentId } });
}
