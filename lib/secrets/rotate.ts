// Re-encrypts every stored secret under the key ring's current key (npm run secrets:rotate).
// Every encrypted column of the schema is listed here; a new one must be added to this file.
import type { TDb } from "@/lib/db";
import { decryptSecret, encryptSecret, envelopeKeyId, type TKeyRing } from "./crypto";

export type TRotationReport = { examined: number; rotated: number };

function reseal(ring: TKeyRing, stored: string, slot: Parameters<typeof encryptSecret>[2], report: TRotationReport) {
  report.examined++;
  if (envelopeKeyId(stored) === ring.current.id) return stored;
  report.rotated++;
  return encryptSecret(ring, decryptSecret(ring, stored, slot), slot);
}

/**
 * Rotates record by record, each in its own transaction. Throws on the first value that cannot be
 * decrypted (nothing is guessed); records already rotated stay rotated and a re-run continues.
 */
export async function rotateSecrets(db: TDb, ring: TKeyRing): Promise<TRotationReport> {
  const report: TRotationReport = { examined: 0, rotated: 0 };

  // Each record is re-read and rewritten inside its own transaction, so a value saved by the app
  // while rotation runs is never overwritten with an older one.
  const configIds = await db.authConfig.findMany({ select: { id: true } });
  for (const { id } of configIds) {
    await db.$transaction(async (tx) => {
      const c = await tx.authConfig.findUnique({ where: { id }, select: { id: true, secrets: true } });
      if (!c) return;
      const secrets = (c.secrets ?? {}) as Record<string, string>;
      const before = report.rotated;
      const next = Object.fromEntries(
        Object.entries(secrets).map(([field, stored]) => [
          field,
          reseal(ring, stored, { model: "AuthConfig", field: `secrets.${field}`, recordId: c.id }, report),
        ]),
      );
      if (report.rotated > before) await tx.authConfig.update({ where: { id: c.id }, data: { secrets: next } });
    });
  }

  const tokenIds = await db.oAuthToken.findMany({ select: { id: true } });
  for (const { id } of tokenIds) {
    await db.$transaction(async (tx) => {
      const t = await tx.oAuthToken.findUnique({ where: { id }, select: { id: true, accessToken: true, refreshToken: true } });
      if (!t) return;
      const before = report.rotated;
      const slot = (field: string) => ({ model: "OAuthToken", field, recordId: t.id });
      const accessToken = reseal(ring, t.accessToken, slot("accessToken"), report);
      const refreshToken = t.refreshToken === null ? null : reseal(ring, t.refreshToken, slot("refreshToken"), report);
      if (report.rotated > before) await tx.oAuthToken.update({ where: { id: t.id }, data: { accessToken, refreshToken } });
    });
  }
  const stateIds = await db.oAuthState.findMany({ where: { codeVerifier: { not: null } }, select: { id: true } });
  for (const { id } of stateIds) {
    await db.$transaction(async (tx) => {
      const st = await tx.oAuthState.findUnique({ where: { id }, select: { id: true, codeVerifier: true } });
      if (!st?.codeVerifier) return;
      const before = report.rotated;
      const codeVerifier = reseal(ring, st.codeVerifier, { model: "OAuthState", field: "codeVerifier", recordId: st.id }, report);
      if (report.rotated > before) await tx.oAuthState.update({ where: { id: st.id }, data: { codeVerifier } });
    });
  }

  // Environments (SPEC §7): secret variables, secret overrides, and encrypted custom-property pairs.
  const variableIds = await db.envVariable.findMany({ where: { secret: true, value: { not: null } }, select: { id: true } });
  for (const { id } of variableIds) {
    await db.$transaction(async (tx) => {
      const v = await tx.envVariable.findUnique({ where: { id }, select: { id: true, value: true, secret: true } });
      if (!v?.secret || v.value === null) return;
      const before = report.rotated;
      const value = reseal(ring, v.value, { model: "EnvVariable", field: "value", recordId: v.id }, report);
      if (report.rotated > before) await tx.envVariable.update({ where: { id: v.id }, data: { value } });
    });
  }
  const overrideIds = await db.envOverride.findMany({ where: { value: { not: null } }, select: { id: true } });
  for (const { id } of overrideIds) {
    await db.$transaction(async (tx) => {
      const o = await tx.envOverride.findUnique({ where: { id }, select: { id: true, value: true } });
      if (!o?.value) return;
      const before = report.rotated;
      const slot = (field: string) => ({ model: "EnvOverride", field, recordId: o.id });
      let value = o.value;
      if (envelopeKeyId(o.value) !== null) value = reseal(ring, o.value, slot("value"), report);
      else if (o.value.startsWith("[")) {
        // A custom properties list: encrypted pairs are sealed under "value.<key>".
        const pairs = JSON.parse(o.value) as Array<{ key: string; value?: string; encrypted: boolean }>;
        if (pairs.some((p) => p.encrypted && p.value !== undefined)) {
          value = JSON.stringify(pairs.map((p) => (p.encrypted && p.value !== undefined ? { ...p, value: reseal(ring, p.value, slot(`value.${p.key}`), report) } : p)));
        }
      }
      if (report.rotated > before) await tx.envOverride.update({ where: { id: o.id }, data: { value } });
    });
  }
  return report;
}