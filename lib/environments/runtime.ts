import "server-only";
// Environments at request time: the one lookup of an environment by id or name, its variables and
// overrides decrypted (kept ≤ 5 s, dropped at once on this process when the environment changes),
// and effectiveConfig() — the only reader of stored overrides — which hands them to the pure
// resolveEffective() (resolve.ts). Every request path calls effectiveConfig().
import type { EnvOverride } from "@/generated/prisma/client";
import { resolveAuthConfig } from "@/lib/auth-configs/store";
import type { TAuthConfigInput, TSubProtocol } from "@/lib/auth-configs/schema";
import { TtlCache } from "@/lib/cache/ttl-cache";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { openSecret } from "@/lib/secrets";
import { extensibleField } from "./fields";
import { connectionKeyOf, resolveEffective, type TEffectiveConfig, type TEnvironmentRef, type TOverrideValue, type TVariables } from "./resolve";
import { resolveSecretReference } from "./secret-refs";

export const overrideSlot = (recordId: string, field = "value") => ({ model: "EnvOverride", field, recordId });
export const variableSlot = (recordId: string) => ({ model: "EnvVariable", field: "value", recordId });
/** An encrypted pair of a custom properties override is sealed under its key. */
export const pairField = (key: string) => `value.${key}`;

export type TStoredPair = { key: string; value?: string; encrypted: boolean };

export type TEnvironmentRuntime = TEnvironmentRef & {
  variables: TVariables;
  /** Values of secret variables: masked wherever a request shows them (Request sent, cURL). */
  secretValues: string[];
  /** Configuration id → its stored override rows (still sealed). */
  overrides: Map<string, EnvOverride[]>;
};

const runtimes = new TtlCache<TEnvironmentRuntime | null>({ dependsOn: ["environment"], max: 1000 });

async function load(ref: string): Promise<TEnvironmentRuntime | null> {
  const db = getDb();
  const row = (await db.environment.findUnique({ where: { id: ref } })) ?? (await db.environment.findUnique({ where: { name: ref } }));
  if (!row) return null;
  const [vars, overrides] = await Promise.all([db.envVariable.findMany({ where: { environmentId: row.id } }), db.envOverride.findMany({ where: { environmentId: row.id } })]);
  const variables: TVariables = {};
  const secretValues: string[] = [];
  for (const v of vars) {
    const value = v.value === null ? null : v.secret ? openSecret(v.value, variableSlot(v.id)) : v.value;
    variables[v.name] = value;
    if (v.secret && value) secretValues.push(value);
  }
  const byConfig = new Map<string, EnvOverride[]>();
  for (const o of overrides) byConfig.set(o.authConfigId, [...(byConfig.get(o.authConfigId) ?? []), o]);
  return { id: row.id, name: row.name, variables, secretValues, overrides: byConfig };
}

/**
 * The environment a request runs in, by id or name (the run API's `environment`, the switcher's
 * choice); null for none (the defaults). An unknown one is a VALIDATION error naming it.
 */
export async function environmentRuntime(ref: string | null | undefined): Promise<TEnvironmentRuntime | null> {
  if (ref === null || ref === undefined || ref === "") return null;
  const found = await runtimes.get(ref, () => load(ref));
  if (!found) throw new AppError("VALIDATION", `Unknown environment ${JSON.stringify(ref.slice(0, 100))}: give the id or name of an existing environment.`, { environment: ["No such environment"] });
  return found;
}

/** Loads the configuration a GCP secret reference is read with (its defaults: no environment). */
async function gcpAuthConfig(name: string): Promise<{ id: string; config: TAuthConfigInput } | null> {
  const row = await getDb().authConfig.findUnique({ where: { name }, select: { id: true } });
  return row ? { id: row.id, config: await resolveAuthConfig(row.id) } : null;
}

/** A stored override as the resolution takes it: decrypted, its secret reference fetched. */
async function overrideValue(row: EnvOverride, subProtocol: TSubProtocol, signal?: AbortSignal): Promise<TOverrideValue | null> {
  const field = extensibleField(subProtocol, row.fieldId);
  if (!field) return null;
  const { fieldId } = row;
  if (field.encrypted) {
    if (row.secretReference) {
      const value = await resolveSecretReference(row.secretReference, {
        loadAuthConfigByName: gcpAuthConfig,
        gcpAuthConfigName: env().PATCHBAY_GCP_SECRETS_AUTH_CONFIG,
        gcpBaseUrl: env().PATCHBAY_GCP_SECRET_MANAGER_URL,
        fileDirs: env().PATCHBAY_SECRET_FILE_DIRS,
        signal,
      });
      return { fieldId, state: "value", value };
    }
    if (row.value === null) return { fieldId, state: "needs-value" };
    return { fieldId, state: "value", value: openSecret(row.value, overrideSlot(row.id)) };
  }
  if (row.value === null) return { fieldId, state: "needs-value" };
  if (field.kind === "pairs") {
    const pairs = JSON.parse(row.value) as TStoredPair[];
    if (pairs.some((p) => p.value === undefined)) return { fieldId, state: "needs-value" };
    return { fieldId, state: "value", value: pairs.map((p) => ({ name: p.key, value: p.encrypted ? openSecret(p.value!, overrideSlot(row.id, pairField(p.key))) : p.value! })) };
  }
  return { fieldId, state: "value", value: JSON.parse(row.value) as string | boolean };
}

/**
 * THE resolution point (SPEC §7): the configuration `configId` (or unsaved form values `input`
 * over it) as it is in `environment` — defaults with the environment's overrides applied, secrets
 * decrypted, secret references fetched — and where each value came from.
 */
export async function effectiveConfig(opts: { configId: string | null; input?: TAuthConfigInput; environment: TEnvironmentRuntime | null; signal?: AbortSignal }): Promise<TEffectiveConfig> {
  const base = await resolveAuthConfig(opts.configId, opts.input);
  const rows = opts.configId && opts.environment ? (opts.environment.overrides.get(opts.configId) ?? []) : [];
  const values = (await Promise.all(rows.map((r) => overrideValue(r, base.subProtocol, opts.signal)))).filter((v): v is TOverrideValue => v !== null);
  const ref = opts.environment ? { id: opts.environment.id, name: opts.environment.name } : null;
  return resolveEffective(base, ref, values);
}

/** The connection key of a configuration in an environment, without decrypting anything. */
export function connectionKeyIn(configId: string, subProtocol: TSubProtocol, environment: TEnvironmentRuntime | null): string {
  return connectionKeyOf({ subProtocol }, environment, (environment?.overrides.get(configId) ?? []).map((r) => r.fieldId));
}

/** The same for a configuration known by id only (Disconnect): one read of its sub-protocol, no secret opened. */
export async function connectionKeyById(configId: string, environment: TEnvironmentRuntime | null): Promise<string> {
  if (!environment) return "";
  const row = await getDb().authConfig.findUnique({ where: { id: configId }, select: { subProtocol: true } });
  if (!row) throw new AppError("NOT_FOUND", "This authentication configuration no longer exists.");
  return connectionKeyIn(configId, row.subProtocol as TSubProtocol, environment);
}
