import "server-only";
// Authentication configurations in the database. Secrets are sealed per record and field on write
// (lib/secrets), opened only by resolveAuthConfig() for a request, and never part of a view.
import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { AuthConfig } from "@/generated/prisma/client";
import { invalidate } from "@/lib/cache/invalidation";
import { audit, type TActor } from "@/lib/audit";
import { getDb, rethrowNameTaken } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { openSecret, sealSecret } from "@/lib/secrets";
import { rsaPrivateKey } from "@/lib/oauth/assertion";
import { tokensOutdated } from "@/lib/oauth/tokens";
import { extensibleFields } from "@/lib/environments/fields";
import { authHeaderName } from "./runtime";
import { allowedSecretsOf, requiredSecretsOf, secretsOf, settingsOf, type TAuthConfigInput, type TSubProtocol } from "./schema";
import { formValuesOf, withSecrets, type TAuthConfigView } from "./view";

const slot = (recordId: string, key: string) => ({ model: "AuthConfig", field: `secrets.${key}`, recordId });

type TRow = Omit<AuthConfig, "secrets"> & { services?: { name: string }[]; connectors?: { name: string }[]; tokens?: { needsReconnectReason: string | null }[] };

function toView(row: TRow, secretKeys: string[]): TAuthConfigView {
  return {
    id: row.id,
    name: row.name,
    protocol: row.protocol,
    subProtocol: row.subProtocol as TSubProtocol,
    testUrl: row.testUrl ?? "",
    settings: (row.settings ?? {}) as Record<string, unknown>,
    secretsSet: Object.fromEntries(secretKeys.map((k) => [k, true])),
    needsReconnect: (row.tokens ?? []).length > 0,
    needsReconnectReason: row.tokens?.[0]?.needsReconnectReason ?? null,
    lastTest:
      row.lastTestAt && row.lastTestOk !== null
        ? { at: row.lastTestAt.toISOString(), ok: row.lastTestOk, message: row.lastTestMessage ?? "" }
        : null,
    usage: { services: (row.services ?? []).map((s) => s.name), connectors: (row.connectors ?? []).map((c) => c.name) },
    updatedAt: row.updatedAt.toISOString(),
  };
}

const usageInclude = {
  services: { select: { name: true }, orderBy: { name: "asc" as const } },
  connectors: { select: { name: true }, orderBy: { name: "asc" as const } },
  // "Needs reconnect" of the default connection (No environment); environments: needsReconnectOf().
  tokens: { where: { connection: "", needsReconnect: true }, select: { needsReconnectReason: true }, take: 1 },
};

export async function listAuthConfigs(): Promise<TAuthConfigView[]> {
  const rows = await getDb().authConfig.findMany({ orderBy: { name: "asc" }, include: usageInclude, omit: { secrets: false } });
  return rows.map(({ secrets, ...row }) => toView(row, Object.keys((secrets ?? {}) as object)));
}

/** Stored configurations as form values, every secret blank (for the library export). */
export async function authConfigInputs(ids?: string[]): Promise<Array<{ id: string; input: TAuthConfigInput }>> {
  const rows = await getDb().authConfig.findMany({ where: ids ? { id: { in: ids } } : {}, orderBy: { name: "asc" } });
  return rows.map((r) => ({ id: r.id, input: formValuesOf(toView(r, [])) }));
}

/** Configuration id → the header its credentials travel in (see authHeaderName), for the Test dialog. */
export async function authHeaderNames(ids?: string[]): Promise<Record<string, string | null>> {
  return Object.fromEntries((await authConfigInputs(ids)).map((c) => [c.id, authHeaderName(c.input)]));
}

export async function getAuthConfigView(id: string): Promise<TAuthConfigView | null> {
  const row = await getDb().authConfig.findUnique({ where: { id }, include: usageInclude, omit: { secrets: false } });
  if (!row) return null;
  const { secrets, ...rest } = row;
  return toView(rest, Object.keys((secrets ?? {}) as object));
}

function sealAll(id: string, plain: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, sealSecret(v, slot(id, k))]));
}

function assertRequiredSecrets(input: TAuthConfigInput, present: Set<string>) {
  const missing = requiredSecretsOf(input).filter((f) => !present.has(f.key));
  if (missing.length > 0) {
    throw new AppError(
      "VALIDATION",
      "Some fields need attention.",
      Object.fromEntries(missing.map((f) => [f.path, [`Enter the ${f.label}`]])),
    );
  }
}


/** Secrets that must be more than present: a service account's private key must sign RS256. */
function checkSecrets(plain: Record<string, string>) {
  if (plain.privateKey) rsaPrivateKey(plain.privateKey);
}

export async function createAuthConfig(input: TAuthConfigInput, actor: TActor): Promise<{ id: string }> {
  const plain = secretsOf(input);
  assertRequiredSecrets(input, new Set(Object.keys(plain)));
  checkSecrets(plain);
  const id = randomUUID();
  try {
    await getDb().$transaction(async (tx) => {
      await tx.authConfig.create({
        data: {
          id,
          name: input.name,
          protocol: input.protocol,
          subProtocol: input.subProtocol,
          settings: settingsOf(input) as object,
          secrets: sealAll(id, plain),
          testUrl: input.testUrl || null,
        },
      });
      await audit({ actor, action: "create", objectType: "AuthConfig", objectId: id, objectName: input.name, details: { subProtocol: input.subProtocol, secretsSet: Object.keys(plain) } }, tx);
    });
  } catch (e) {
    rethrowNameTaken(e, "An authentication configuration");
  }
  return { id };
}

/** Blank secrets keep the stored value; secrets that the new settings no longer use are dropped. */
export async function updateAuthConfig(id: string, input: TAuthConfigInput, actor: TActor): Promise<void> {
  const db = getDb();
  try {
    await db.$transaction(async (tx) => {
      const row = await tx.authConfig.findUnique({ where: { id }, omit: { secrets: false } });
      if (!row) throw new AppError("NOT_FOUND", "This authentication configuration no longer exists.");
      const stored = (row.secrets ?? {}) as Record<string, string>;
      const allowed = allowedSecretsOf(input);
      const replaced = secretsOf(input);
      checkSecrets(replaced);
      const cleared = new Set(input.clearSecrets);
      const kept = Object.fromEntries(Object.entries(stored).filter(([k]) => allowed.has(k) && !(k in replaced) && !cleared.has(k)));
      assertRequiredSecrets(input, new Set([...Object.keys(kept), ...Object.keys(replaced)]));
      const dropped = Object.keys(stored).filter((k) => !allowed.has(k) || (cleared.has(k) && !(k in replaced)));
      // Tokens granted to another client, scope or user are not this configuration's any more.
      const settings = settingsOf(input);
      const outdated = tokensOutdated({ subProtocol: row.subProtocol, settings: row.settings as Record<string, unknown> }, { subProtocol: input.subProtocol, settings }, Object.keys(replaced));
      if (outdated) await tx.oAuthToken.deleteMany({ where: { authConfigId: id } });
      // Environment overrides of fields the new sub-protocol does not have would never apply again.
      if (row.subProtocol !== input.subProtocol) {
        await tx.envOverride.deleteMany({ where: { authConfigId: id, fieldId: { notIn: extensibleFields(input.subProtocol).map((f) => f.id) } } });
      }
      await tx.authConfig.update({
        where: { id },
        data: {
          name: input.name,
          protocol: input.protocol,
          subProtocol: input.subProtocol,
          settings: settings as object,
          secrets: { ...kept, ...sealAll(id, replaced) },
          testUrl: input.testUrl || null,
        },
      });
      await audit({ actor, action: "update", objectType: "AuthConfig", objectId: id, objectName: input.name, details: { subProtocol: input.subProtocol, secretsReplaced: Object.keys(replaced), secretsDropped: dropped } }, tx);
    });
    invalidate("authConfig", id);
  } catch (e) {
    rethrowNameTaken(e, "An authentication configuration");
  }
}

/** Refused while services or connectors use the configuration; the message names them. */
export async function deleteAuthConfig(id: string, actor: TActor): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const row = await tx.authConfig.findUnique({ where: { id }, include: usageInclude });
    if (!row) throw new AppError("NOT_FOUND", "This authentication configuration no longer exists.");
    const users = [...row.services.map((s) => `service "${s.name}"`), ...row.connectors.map((c) => `connector "${c.name}"`)];
    if (users.length > 0) {
      const shown = users.slice(0, 5).join(", ") + (users.length > 5 ? ` and ${users.length - 5} more` : "");
      throw new AppError("CONFLICT", `"${row.name}" is in use by ${shown}. Change those first.`);
    }
    await tx.authConfig.delete({ where: { id } });
    await audit({ actor, action: "delete", objectType: "AuthConfig", objectId: id, objectName: row.name }, tx);
  });
  invalidate("authConfig", id);
}

/**
 * The configuration with its secrets decrypted, for making a request on the server. With `input`
 * (unsaved form values), its non-blank secrets win and blank ones fall back to the stored values.
 * Throws AppError("SECRET_UNREADABLE") when a stored secret cannot be decrypted.
 */
export async function resolveAuthConfig(id: string | null, input?: TAuthConfigInput): Promise<TAuthConfigInput> {
  let stored: Record<string, string> = {};
  let base = input;
  if (id) {
    const row = await getDb().authConfig.findUnique({ where: { id }, omit: { secrets: false } });
    if (!row) throw new AppError("NOT_FOUND", "This authentication configuration no longer exists.");
    const { secrets, ...rest } = row;
    stored = Object.fromEntries(Object.entries((secrets ?? {}) as Record<string, string>).map(([k, v]) => [k, openSecret(v, slot(id, k))]));
    base ??= formValuesOf(toView(rest, []));
  }
  if (!base) throw new AppError("VALIDATION", "Nothing to resolve: give an id or the configuration's values.");
  const allowed = allowedSecretsOf(base);
  const cleared = new Set(base.clearSecrets);
  const usable = Object.fromEntries(Object.entries(stored).filter(([k]) => allowed.has(k) && !cleared.has(k)));
  return withSecrets(base, { ...usable, ...secretsOf(base) });
}

/** True when `input` is exactly the stored configuration: same settings, no secret typed in. */
export async function isStoredAsIs(id: string, input: TAuthConfigInput): Promise<boolean> {
  const view = await getAuthConfigView(id);
  if (!view || Object.keys(secretsOf(input)).length > 0 || input.clearSecrets.length > 0) return false;
  const stored = formValuesOf(view);
  const key = (v: TAuthConfigInput) => [v.name, v.testUrl, v.subProtocol, settingsOf(v)];
  return isDeepStrictEqual(key(stored), key(input));
}

/** Records the outcome of testing the saved configuration (nothing if it was deleted meanwhile). */
export async function recordTestResult(id: string, result: { ok: boolean; message: string }): Promise<void> {
  await getDb().authConfig.updateMany({
    where: { id },
    data: { lastTestAt: new Date(), lastTestOk: result.ok, lastTestMessage: result.message.slice(0, 500) },
  });
}
