// A small bounded map whose entries expire after `ttlMs`, dropped early by invalidate() for the
// kinds it depends on. Loads of the same key share one promise (no stampede on expiry).
import { onInvalidate, type TCacheKind } from "./invalidation";

/** How stale a cached object can be on another instance while that instance cannot hear PostgreSQL's change notifications (lib/cache/invalidation.ts; README, "Scale-out"); on SQLite there is one process. */
export const HOT_CACHE_TTL_MS = 5_000;

type TEntry<V> = { value: Promise<V>; expires: number };

export class TtlCache<V> {
  private readonly map = new Map<string, TEntry<V>>();

  /**
   * `dependsOn`: the kinds whose change makes entries stale. `keyKind`: the kind whose ids are this
   * cache's keys — its change drops that one entry; a change of any other kind it depends on drops
   * everything (e.g. tokens cached by hash, dropped when any token or user changes).
   */
  constructor(private readonly opts: { ttlMs?: number; max?: number; dependsOn: TCacheKind[]; keyKind?: TCacheKind; now?: () => number }) {
    onInvalidate((kind, id) => {
      if (!opts.dependsOn.includes(kind)) return;
      if (id !== null && kind === opts.keyKind) this.map.delete(id);
      else this.map.clear();
    });
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  /** The cached value, or the one `load` gives (a failed load is not cached). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.map.get(key);
    const now = this.now();
    if (hit && hit.expires > now) return hit.value;
    const value = load();
    const entry = { value, expires: now + (this.opts.ttlMs ?? HOT_CACHE_TTL_MS) };
    if (this.map.size >= (this.opts.max ?? 10_000)) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, entry);
    value.catch(() => {
      if (this.map.get(key) === entry) this.map.delete(key);
    });
    return value;
  }
}
