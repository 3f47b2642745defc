// Hot-path caches (SPEC §8) are dropped at once when an admin changes what they hold. The custom
// server (server.ts) and Next's bundle load separate copies of lib/, so the state lives on
// globalThis: a change made by a server action reaches the lean API's caches, and a process has
// one LISTEN connection however many copies start it.
// On PostgreSQL (SPEC §12) a change is also published with NOTIFY (callers invalidate after their
// transaction committed), and the other instances' listeners drop their copies as soon as it
// arrives. While an instance's LISTEN connection is lost, the caches' TTL (≤ 5 s) bounds how stale
// they get, and everything is dropped once it listens again.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { dialect, getDb } from "@/lib/db";
import { databaseUrl, env } from "@/lib/env";
import { PgChannelListener } from "./notify";

export const CACHE_KINDS = ["connector", "authConfig", "service", "user", "apiToken", "environment", "subscription", "listener"] as const;
export type TCacheKind = (typeof CACHE_KINDS)[number];
type TListener = (kind: TCacheKind, id: string | null) => void;

/** The PostgreSQL channel: NOTIFY reaches the sessions of the same database only. */
export const INVALIDATION_CHANNEL = "patchbay_invalidate";

const ZMessage = z.object({ kind: z.enum(CACHE_KINDS), id: z.string().nullable(), origin: z.string() });

type TState = {
  listeners: Set<TListener>;
  /** This process, in its messages: its own come back on its LISTEN connection and are skipped. */
  origin: string;
  channel?: Promise<PgChannelListener>;
};
const KEY = Symbol.for("patchbay.cache.invalidation");
const g = globalThis as unknown as { [KEY]?: TState };
const state = (g[KEY] ??= { listeners: new Set(), origin: randomUUID() });

function deliver(kind: TCacheKind, id: string | null): void {
  for (const l of state.listeners) l(kind, id);
}

/** NOTIFY without waiting: the caller's change is already committed; a failure is only logged. */
function publish(kind: TCacheKind, id: string | null): void {
  if (dialect() !== "postgres") return;
  const payload = JSON.stringify({ kind, id, origin: state.origin });
  getDb()
    .$executeRaw`SELECT pg_notify(${INVALIDATION_CHANNEL}, ${payload})`
    .catch((e: unknown) => console.error(`[patchbay] could not tell the other instances that ${kind} ${id ?? "(all)"} changed; their caches expire within 5 s`, e));
}

/**
 * Tells every cache that `id` of `kind` changed (null: every object of the kind): this process's
 * at once, and on PostgreSQL every other instance's. Call it after the change committed.
 */
export function invalidate(kind: TCacheKind, id: string | null = null): void {
  publish(kind, id);
  deliver(kind, id);
}

export function onInvalidate(listener: TListener): () => void {
  state.listeners.add(listener);
  return () => state.listeners.delete(listener);
}

/** A message from the channel: another instance's change, delivered here. */
function received(payload: string): void {
  let message: z.infer<typeof ZMessage>;
  try {
    message = ZMessage.parse(JSON.parse(payload));
  } catch {
    console.error(`[patchbay] ignored a malformed message on ${INVALIDATION_CHANNEL}: ${payload.slice(0, 200)}`);
    return;
  }
  if (message.origin !== state.origin) deliver(message.kind, message.id);
}

/** After a lost LISTEN connection: anything may have changed meanwhile. */
function dropEverything(): void {
  for (const kind of CACHE_KINDS) deliver(kind, null);
}

/**
 * On PostgreSQL, listens for the other instances' changes on a connection of its own (one per
 * process, whichever copy of lib/ calls this first); resolves once listening, rejects when the
 * database cannot be reached. Nothing on SQLite, which runs one process. Every role calls it at start.
 */
export async function startInvalidationListener(): Promise<void> {
  if (dialect() !== "postgres") return;
  const starting = (state.channel ??= (async () => {
    const channel = new PgChannelListener({
      url: databaseUrl(),
      channel: INVALIDATION_CHANNEL,
      application: `patchbay-${env().PATCHBAY_ROLE}-invalidation`,
      onMessage: received,
      onReconnect: dropEverything,
    });
    await channel.start();
    return channel;
  })());
  try {
    await starting;
  } catch (e) {
    if (state.channel === starting) state.channel = undefined;
    throw e;
  }
}

/** Ends the LISTEN connection (shutdown, tests); a later start opens a new one. */
export async function stopInvalidationListener(): Promise<void> {
  const channel = state.channel;
  state.channel = undefined;
  await (await channel?.catch(() => null))?.stop();
}
