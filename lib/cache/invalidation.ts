// Hot-path caches (SPEC §8) are dropped at once on this process when an admin changes what they
// hold. The custom server (server.ts) and Next's bundle load separate copies of lib/, so the
// listeners live on globalThis: a change made by a server action reaches the lean API's caches.
// Other instances (scale-out, SPEC §12) see a change when the cache's TTL (≤ 5 s) runs out.

export type TCacheKind = "connector" | "authConfig" | "service" | "user" | "apiToken" | "environment" | "subscription" | "listener";
type TListener = (kind: TCacheKind, id: string | null) => void;

const KEY = Symbol.for("patchbay.cache.invalidation");
const g = globalThis as unknown as { [KEY]?: Set<TListener> };
const listeners = (g[KEY] ??= new Set());

/** Tells every cache of this process that `id` of `kind` changed (null: every object of the kind). */
export function invalidate(kind: TCacheKind, id: string | null = null): void {
  for (const l of listeners) l(kind, id);
}

export function onInvalidate(listener: TListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
