import "server-only";
// The process's job queue (SPEC §12, STYLE 14): every background task is sent here. Domain code
// imports this file; lib/jobs/runtime.ts registers the workers and starts them.
import { getDb } from "@/lib/db";
import { EmbeddedJobQueue } from "./embedded";
import type { TJobQueue } from "./types";

const KEY = Symbol.for("patchbay.jobs.queue");
const g = globalThis as unknown as { [KEY]?: EmbeddedJobQueue };

/** The embedded runtime behind jobs(), for its own housekeeping (cleanup). */
export function embeddedQueue(): EmbeddedJobQueue {
  g[KEY] ??= new EmbeddedJobQueue(getDb());
  return g[KEY];
}

/** The job queue of this process (any copy of lib/ gets the same one). */
export function jobs(): TJobQueue {
  return embeddedQueue();
}
