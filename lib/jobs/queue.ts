import "server-only";
// The process's job queue (SPEC §12, STYLE 14): every background task is sent here. Domain code
// imports this file; lib/jobs/runtime.ts registers the workers and starts them. The embedded
// runtime on SQLite, pg-boss on PostgreSQL (chosen by DATABASE_URL, like the database).
import { dialect, getDb } from "@/lib/db";
import { databaseUrl, env } from "@/lib/env";
import { EmbeddedJobQueue } from "./embedded";
import { PgBossJobQueue } from "./pgboss";
import type { TJobQueue } from "./types";

// One of each per process, whichever copy of lib/ (Next's bundle, the custom server's) asks first.
const EMBEDDED = Symbol.for("patchbay.jobs.queue");
const PGBOSS = Symbol.for("patchbay.jobs.pgboss");
const g = globalThis as unknown as { [EMBEDDED]?: EmbeddedJobQueue; [PGBOSS]?: PgBossJobQueue };

/** The embedded runtime behind jobs() on SQLite, for its own housekeeping (cleanup). Throws on PostgreSQL. */
export function embeddedQueue(): EmbeddedJobQueue {
  if (dialect() === "postgres") throw new Error("the embedded job runtime serves SQLite only; on PostgreSQL jobs() is pg-boss");
  g[EMBEDDED] ??= new EmbeddedJobQueue(getDb());
  return g[EMBEDDED];
}

/**
 * pg-boss on the app's database. A web process (PATCHBAY_ROLE=web) only sends: no maintenance, no
 * schedules (the workers run those) and a small pool, since its sends mostly ride on the caller's
 * transaction.
 */
function pgBossQueue(): PgBossJobQueue {
  const role = env().PATCHBAY_ROLE;
  const sender = role === "web";
  g[PGBOSS] ??= new PgBossJobQueue({
    url: databaseUrl(),
    application: `patchbay-jobs-${role}`,
    ...(sender ? { supervise: false, schedule: false, poolSize: 2 } : {}),
  });
  return g[PGBOSS];
}

/** The job queue of this process (any copy of lib/ gets the same one). */
export function jobs(): TJobQueue {
  return dialect() === "postgres" ? pgBossQueue() : embeddedQueue();
}
