import "server-only";
// Listeners (SPEC §10, issue 13): create, edit, enable/disable, delete, Replay. Validates (schema.ts
// on both sides, the database and the outbound policy here), seals the secrets of sender
// authentication and the forward's signing key, and audits without secret values.
import { audit, type TActor } from "@/lib/audit";
import { invalidate } from "@/lib/cache/invalidation";
import { getDb, isUniqueViolation, rethrowNameTaken, uniqueViolationFields, type TTx } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { outboundUrlProblem } from "@/lib/http/execute";
import { pathParamNames } from "@/lib/http/build-request";
import { isValidSigningKey } from "@/lib/events/signing";
import { sealSecret } from "@/lib/secrets";
import { sendHandOffJobs } from "./jobs";
import { isRedactedHeader } from "./message";
import { HOOKS_PREFIX, pathKey } from "./path";
import { missingAuthSecrets, ZMappingRow, type TListenerInput, type TListenerMethod, type TListenerTarget, type TMappingRow, type TSenderAuthMode } from "./schema";

export type TListenerSecretField = "authPassword" | "authHeaderValue" | "authSecret" | "signingKey";
export const listenerSlot = (recordId: string, field: TListenerSecretField) => ({ model: "Listener", field, recordId });

export const listenerNotFound = () => new AppError("NOT_FOUND", "This listener no longer exists.");

/** Where partners send their messages. */
export function listenerUrlOf(path: string): string {
  return `${env().PATCHBAY_URL}${HOOKS_PREFIX}${path}`;
}

export function methodsOf(json: string): TListenerMethod[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v.filter((m) => typeof m === "string") as TListenerMethod[]) : [];
  } catch {
    return [];
  }
}

export function mappingOf(json: string): TMappingRow[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.flatMap((r) => (ZMappingRow.safeParse(r).success ? [r as TMappingRow] : [])) : [];
  } catch {
    return [];
  }
}

export type TListenerRow = {
  id: string;
  name: string;
  path: string;
  url: string;
  methods: TListenerMethod[];
  target: TListenerTarget;
  enabled: boolean;
  connectorName: string | null;
  callbackUrl: string | null;
  messages24h: number;
  lastReceivedAt: Date | null;
  /** Messages whose hand-off is retrying, failed or dead-lettered. */
  failing: number;
};

export type TListenerDetail = TListenerRow & {
  auth: {
    mode: TSenderAuthMode;
    username: string;
    headerName: string;
    algorithm: "sha256" | "sha1";
    encoding: "hex" | "base64";
    prefix: string;
    hasPassword: boolean;
    hasHeaderValue: boolean;
    hasSecret: boolean;
  };
  sizeLimitBytes: number;
  hasSigningKey: boolean;
  connectorId: string | null;
  environmentId: string | null;
  environmentName: string | null;
  mapping: TMappingRow[];
  retentionDays: number;
  createdAt: Date;
};

const SECRETS = { authPassword: false, authHeaderValue: false, authSecret: false, signingKey: false } as const;

async function listenerDetails(where: { id?: string }): Promise<TListenerDetail[]> {
  const db = getDb();
  const rows = await db.listener.findMany({
    where,
    orderBy: [{ name: "asc" }, { id: "asc" }],
    include: { connector: { select: { name: true } }, environment: { select: { name: true } } },
    omit: SECRETS,
  });
  if (rows.length === 0) return [];
  const ids = where.id ? { listenerId: where.id } : {};
  const since = new Date(Date.now() - 24 * 3_600_000);
  const [recent, last, failing] = await Promise.all([
    db.inboundMessage.groupBy({ by: ["listenerId"], where: { ...ids, receivedAt: { gte: since } }, _count: { _all: true } }),
    db.inboundMessage.groupBy({ by: ["listenerId"], where: ids, _max: { receivedAt: true } }),
    db.inboundMessage.groupBy({ by: ["listenerId"], where: { ...ids, status: { in: ["retrying", "failed", "dead"] } }, _count: { _all: true } }),
  ]);
  const recentBy = new Map(recent.map((r) => [r.listenerId, r._count._all]));
  const lastBy = new Map(last.map((r) => [r.listenerId, r._max.receivedAt]));
  const failingBy = new Map(failing.map((r) => [r.listenerId, r._count._all]));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    path: r.path,
    url: listenerUrlOf(r.path),
    methods: methodsOf(r.methods),
    target: r.target as TListenerTarget,
    enabled: r.enabled,
    connectorName: r.connector?.name ?? null,
    callbackUrl: r.callbackUrl,
    messages24h: recentBy.get(r.id) ?? 0,
    lastReceivedAt: lastBy.get(r.id) ?? null,
    failing: failingBy.get(r.id) ?? 0,
    auth: {
      mode: r.authMode as TSenderAuthMode,
      username: r.authUsername ?? "",
      headerName: r.authHeaderName ?? "",
      algorithm: r.authAlgorithm === "sha1" ? "sha1" : "sha256",
      encoding: r.authEncoding === "base64" ? "base64" : "hex",
      prefix: r.authPrefix ?? "",
      hasPassword: r.authPassword !== null,
      hasHeaderValue: r.authHeaderValue !== null,
      hasSecret: r.authSecret !== null,
    },
    sizeLimitBytes: r.sizeLimitBytes,
    hasSigningKey: r.signingKey !== null,
    connectorId: r.connectorId,
    environmentId: r.environmentId,
    environmentName: r.environment?.name ?? null,
    mapping: mappingOf(r.mapping),
    retentionDays: r.retentionDays,
    createdAt: r.createdAt,
  }));
}

export function listListeners(): Promise<TListenerDetail[]> {
  return listenerDetails({});
}

/** Whether the listener exists (without the figures getListener counts). */
export async function listenerExists(id: string): Promise<boolean> {
  return (await getDb().listener.findUnique({ where: { id }, select: { id: true } })) !== null;
}

export async function getListener(id: string): Promise<TListenerDetail | null> {
  return (await listenerDetails({ id }))[0] ?? null;
}

/** Connectors and environments to choose from in the form. */
export async function listenerChoices(): Promise<{ connectors: Array<{ id: string; name: string; pathParams: string[] }>; environments: Array<{ id: string; name: string }> }> {
  const db = getDb();
  const [connectors, environments] = await Promise.all([
    db.connector.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, urlTemplate: true } }),
    db.environment.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
  ]);
  return { connectors: connectors.map((c) => ({ id: c.id, name: c.name, pathParams: pathParamNames(c.urlTemplate) })), environments };
}

/** The forward target's callback URL against the outbound policy, before the transaction (outboundUrlProblem). */
async function callbackProblemOf(input: TListenerInput): Promise<string | null> {
  return input.target === "FORWARD" ? outboundUrlProblem(input.callbackUrl) : null;
}

/** Server-side checks after the zod schema; every problem a field error with the form's key. */
async function validateListener(tx: TTx, input: TListenerInput, opts: { id: string | null; stored: { hasPassword: boolean; hasHeaderValue: boolean; hasSecret: boolean }; callbackProblem: string | null }): Promise<void> {
  const errors: Record<string, string[]> = {};
  const add = (key: string, message: string) => (errors[key] ??= []).push(message);
  const clash = await tx.listener.findUnique({ where: { pathKey: pathKey(input.path) }, select: { id: true, name: true } });
  if (clash && clash.id !== opts.id) add("path", `This path is used by the listener "${clash.name}"`);
  // A webhook subscription's inbound URL is /api/hooks/<its id>: the same namespace. Listeners are
  // looked up by pathKey (lower case) before subscriptions, so "CM1ABC" would take the URL of the
  // subscription "cm1abc": compare the key, not the path as typed (subscription ids are lower case).
  const sub = await tx.eventSubscription.findUnique({ where: { id: pathKey(input.path) }, select: { name: true } });
  if (sub) add("path", `This path is the inbound URL of the webhook subscription "${sub.name}"`);
  for (const m of missingAuthSecrets(input, opts.stored)) add(m.field, m.message);
  if (input.auth.mode === "STANDARD_WEBHOOKS" && input.auth.secret && !isValidSigningKey(input.auth.secret)) add("auth.secret", "A Standard Webhooks secret is whsec_ followed by base64 of 24 to 64 bytes");
  if (input.target === "FORWARD") {
    if (input.signingKey && !isValidSigningKey(input.signingKey)) add("signingKey", "Not a Standard Webhooks key: whsec_ followed by base64 of 24 to 64 bytes (use Generate)");
    if (opts.callbackProblem) add("callbackUrl", opts.callbackProblem);
  }
  if (input.target === "CONNECTOR") {
    const connector = await tx.connector.findUnique({ where: { id: input.connectorId }, select: { urlTemplate: true, bodyType: true } });
    if (!connector) add("connectorId", "This connector no longer exists");
    // A form body has named parts: a message's body cannot become one.
    else if (connector.bodyType === "FORM") add("connectorId", "This connector takes a form body: choose one with a JSON body or none");
    else {
      const params = pathParamNames(connector.urlTemplate);
      input.mapping.forEach((m, i) => {
        // Credentials are stored redacted: mapped on, they would pass "[redacted]".
        if (m.from === "header" && isRedactedHeader(m.name, input.auth)) add(`mapping.${i}.name`, "This header carries credentials and is not kept: map another one");
        if (m.to === "path" && !params.includes(m.param)) add(`mapping.${i}.param`, params.length ? `The connector's URL has no {${m.param}}: use ${params.map((p) => `{${p}}`).join(", ")}` : "The connector's URL has no path parameters");
      });
    }
    if (input.environmentId && !(await tx.environment.findUnique({ where: { id: input.environmentId }, select: { id: true } }))) add("environmentId", "This environment no longer exists");
  }
  const keys = Object.keys(errors);
  if (keys.length) throw new AppError("VALIDATION", `Check ${keys.length === 1 ? "this field" : "these fields"}: ${errors[keys[0]!]![0]}`, errors);
}

/** The columns an input writes (secrets apart). */
function columnsOf(input: TListenerInput) {
  const { auth } = input;
  const connector = input.target === "CONNECTOR";
  return {
    name: input.name,
    path: input.path,
    pathKey: pathKey(input.path),
    methods: JSON.stringify(input.methods),
    authMode: auth.mode,
    authUsername: auth.mode === "BASIC" ? auth.username : null,
    authHeaderName: auth.mode === "SHARED_SECRET" || auth.mode === "HMAC" ? auth.headerName : null,
    authAlgorithm: auth.mode === "HMAC" ? auth.algorithm : null,
    authEncoding: auth.mode === "HMAC" ? auth.encoding : null,
    authPrefix: auth.mode === "HMAC" ? auth.prefix : null,
    sizeLimitBytes: input.sizeLimitBytes,
    target: input.target,
    callbackUrl: input.target === "FORWARD" ? input.callbackUrl : null,
    connectorId: connector ? input.connectorId : null,
    environmentId: connector && input.environmentId ? input.environmentId : null,
    mapping: JSON.stringify(connector ? input.mapping : []),
    retentionDays: input.retentionDays,
  };
}

type TStoredSecretColumns = { authPassword: string | null; authHeaderValue: string | null; authSecret: string | null; signingKey: string | null };

/** The secret columns after a save: entered values sealed, blank ones kept while their mode still needs them. */
function secretsOf(id: string, input: TListenerInput, before: TStoredSecretColumns | null) {
  const { mode } = input.auth;
  const keep = (field: TListenerSecretField, entered: string, needed: boolean): string | null => {
    if (!needed) return null;
    if (entered) return sealSecret(entered, listenerSlot(id, field));
    return before?.[field] ?? null;
  };
  return {
    authPassword: keep("authPassword", input.auth.password, mode === "BASIC"),
    authHeaderValue: keep("authHeaderValue", input.auth.headerValue, mode === "SHARED_SECRET"),
    authSecret: keep("authSecret", input.auth.secret, mode === "HMAC" || mode === "STANDARD_WEBHOOKS"),
    signingKey: keep("signingKey", input.signingKey, input.target === "FORWARD"),
  };
}

export async function createListener(input: TListenerInput, actor: TActor): Promise<{ id: string }> {
  try {
    const callbackProblem = await callbackProblemOf(input);
    const id = await getDb().$transaction(async (tx) => {
      await validateListener(tx, input, { id: null, stored: { hasPassword: false, hasHeaderValue: false, hasSecret: false }, callbackProblem });
      const row = await tx.listener.create({ data: { ...columnsOf(input), createdById: actor?.id ?? null }, select: { id: true } });
      await tx.listener.update({ where: { id: row.id }, data: secretsOf(row.id, input, null) });
      await audit({ actor, action: "create", objectType: "Listener", objectId: row.id, objectName: input.name, details: { path: input.path, target: input.target, auth: input.auth.mode } }, tx);
      return row.id;
    });
    invalidate("listener", id);
    return { id };
  } catch (e) {
    rethrowPathOrName(e);
  }
}

export async function updateListener(id: string, input: TListenerInput, actor: TActor): Promise<void> {
  try {
    const callbackProblem = await callbackProblemOf(input);
    await getDb().$transaction(async (tx) => {
      const before = await tx.listener.findUnique({ where: { id }, omit: SECRETS });
      if (!before) throw listenerNotFound();
      // A stored secret counts only for the mode it was stored for.
      const sameMode = before.authMode === input.auth.mode;
      const stored = { hasPassword: sameMode && before.authPassword !== null, hasHeaderValue: sameMode && before.authHeaderValue !== null, hasSecret: sameMode && before.authSecret !== null };
      await validateListener(tx, input, { id, stored, callbackProblem });
      const kept = { ...before, ...(sameMode ? {} : { authPassword: null, authHeaderValue: null, authSecret: null }) };
      const columns = columnsOf(input);
      const secrets = secretsOf(id, input, kept);
      await tx.listener.update({ where: { id }, data: { ...columns, ...secrets } });
      const changed: string[] = (Object.keys(columns) as Array<keyof typeof columns>).filter((k) => String(columns[k]) !== String(before[k]));
      for (const k of Object.keys(secrets) as TListenerSecretField[]) if (secrets[k] !== before[k]) changed.push(k);
      await audit({ actor, action: "update", objectType: "Listener", objectId: id, objectName: input.name, details: { fields: changed.filter((f) => f !== "pathKey") } }, tx);
    });
    invalidate("listener", id);
  } catch (e) {
    rethrowPathOrName(e);
  }
}

function rethrowPathOrName(e: unknown): never {
  if (isUniqueViolation(e) && uniqueViolationFields(e).includes("pathKey")) {
    throw new AppError("CONFLICT", "A listener with this path already exists.", { path: ["This path is already used"] });
  }
  rethrowNameTaken(e, "A listener");
}

/** Deletes the listener with its messages (their jobs find nothing to do). */
export async function deleteListener(id: string, actor: TActor): Promise<void> {
  const db = getDb();
  // Messages first, in batches (bodies up to 10 MB each): one transaction deleting them all would
  // hold the database — and every other listener's intake — for as long as it takes.
  let deleted = 0;
  for (;;) {
    const batch = await db.inboundMessage.findMany({ where: { listenerId: id }, select: { id: true }, take: 500 });
    if (batch.length === 0) break;
    deleted += (await db.inboundMessage.deleteMany({ where: { id: { in: batch.map((m) => m.id) } } })).count;
  }
  await db.$transaction(async (tx) => {
    const row = await tx.listener.findUnique({ where: { id }, select: { name: true, _count: { select: { messages: true } } } });
    if (!row) throw listenerNotFound();
    await tx.listener.delete({ where: { id } });
    await audit({ actor, action: "delete", objectType: "Listener", objectId: id, objectName: row.name, details: { messages: deleted + row._count.messages } }, tx);
  });
  invalidate("listener", id);
}

/** Disabled: its URL answers 404, as for a path that does not exist. */
export async function setListenerEnabled(id: string, enabled: boolean, actor: TActor): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const row = await tx.listener.findUnique({ where: { id }, select: { name: true, enabled: true } });
    if (!row) throw listenerNotFound();
    if (row.enabled === enabled) return;
    await tx.listener.update({ where: { id }, data: { enabled } });
    await audit({ actor, action: enabled ? "enable" : "disable", objectType: "Listener", objectId: id, objectName: row.name }, tx);
  });
  invalidate("listener", id);
}

/** Replay: the listener's current target runs again for the message (a new round of attempts). With `listenerId` (the page's action), the message must be that listener's. */
export async function replayMessage(messageId: string, actor: TActor, listenerId?: string): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const m = await tx.inboundMessage.findUnique({ where: { id: messageId }, select: { targetSeq: true, listenerId: true, listener: { select: { name: true, target: true } } } });
    if (!m || (listenerId !== undefined && m.listenerId !== listenerId)) throw new AppError("NOT_FOUND", "This message no longer exists.");
    if (m.listener.target === "STORE") throw new AppError("CONFLICT", `"${m.listener.name}" only stores its messages: choose a target (forward or connector) to replay into.`);
    const seq = m.targetSeq + 1;
    await tx.inboundMessage.update({ where: { id: messageId }, data: { status: "pending", targetSeq: seq, roundAttempts: 0, nextAttemptAt: new Date() } });
    await sendHandOffJobs(tx, [{ messageId, seq }]);
    await audit({ actor, action: "replay", objectType: "Listener", objectId: m.listenerId, objectName: m.listener.name, details: { message: messageId } }, tx);
  });
}
