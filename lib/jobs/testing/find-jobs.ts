// The jobs a test sent, on either database: unit tests check that a job was sent (its queue, data,
// singleton key, state, due time, lease) wherever the process's job queue keeps it — the `Job`
// table on SQLite (the embedded runtime, lib/jobs/embedded.ts), pg-boss's `pgboss.job` on
// PostgreSQL (lib/jobs/pgboss.ts; Patchbay's `Job` table stays empty there). Tests only: the app
// itself never reads jobs other than through the job interface.
import { dialect, type TDb } from "@/lib/db";
import { PGBOSS_SCHEMA } from "../pgboss";

/** The embedded runtime's states; pg-boss's `retry` (waiting for its retry) reads as created. */
export type TJobState = "created" | "active" | "completed" | "failed";

/** One job, the same on both databases. */
export type TFoundJob = {
  id: string;
  name: string;
  /** As sent (parsed). */
  data: unknown;
  /** null for a job sent without one. */
  singletonKey: string | null;
  state: TJobState;
  /** Not before this time. */
  startAfter: Date;
  /** Attempts started so far (0 while it never ran). */
  attempt: number;
  /** While active: when the attempt's claim ends and the job may run again (pg-boss: its expiry). */
  leaseUntil: Date | null;
};

export type TJobFilter = {
  /** The queue. */
  name: string;
  /** This key, or any of these keys. */
  singletonKey?: string | string[];
  /** Keys that start with this (a chain's jobs: `<id>:`). */
  keyPrefix?: string;
  states?: TJobState[];
  /** Top-level fields the job's data must hold, each compared as JSON. */
  data?: Record<string, unknown>;
};

type TPgRow = {
  id: string;
  name: string;
  data: unknown;
  state: string;
  singletonKey: string | null;
  startAfter: Date;
  attempt: number;
  leaseUntil: Date | null;
};

/** pg-boss's job states in ours: `retry` waits like `created`; `cancelled` (Patchbay never cancels) ended unfinished. */
const PG_STATE: Record<string, TJobState> = { created: "created", retry: "created", active: "active", completed: "completed", failed: "failed", cancelled: "failed" };

const keyList = (f: TJobFilter): string[] | undefined => (f.singletonKey === undefined ? undefined : [f.singletonKey].flat());

async function fromSqlite(db: TDb, f: TJobFilter): Promise<TFoundJob[]> {
  const keys = keyList(f);
  const rows = await db.job.findMany({
    where: {
      name: f.name,
      AND: [keys ? { singletonKey: { in: keys } } : {}, f.keyPrefix !== undefined ? { singletonKey: { startsWith: f.keyPrefix } } : {}],
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    data: JSON.parse(r.data) as unknown,
    singletonKey: r.singletonKey,
    state: r.state as TJobState,
    startAfter: r.startAfter,
    attempt: r.attempt,
    leaseUntil: r.state === "active" ? r.leaseUntil : null,
  }));
}

/** Whether pg-boss's schema exists yet: pg-boss creates it on the first send of the process. */
async function pgBossInstalled(db: TDb): Promise<boolean> {
  const [row] = await db.$queryRawUnsafe<Array<{ installed: boolean }>>(`SELECT to_regclass('${PGBOSS_SCHEMA}.job') IS NOT NULL AS installed`);
  return !!row?.installed;
}

/**
 * pg-boss's job table read as ours. A job sent without a singleton key carries its own id as key
 * (pgboss.ts, waitingKeys), which reads as none; the attempts started are pg-boss's retry count
 * plus one once it ever started (it counts retries, and only from the second start on); an
 * active job's claim lasts until its start plus its expiry.
 */
async function fromPostgres(db: TDb, f: TJobFilter): Promise<TFoundJob[]> {
  if (!(await pgBossInstalled(db))) return [];
  const keys = keyList(f);
  const params: unknown[] = [f.name];
  const where = ["name = $1"];
  if (keys) {
    params.push(JSON.stringify(keys));
    where.push(`singleton_key = ANY(ARRAY(SELECT jsonb_array_elements_text($${params.length}::jsonb)))`);
  }
  if (f.keyPrefix !== undefined) {
    params.push(f.keyPrefix);
    where.push(`starts_with(singleton_key, $${params.length}::text)`);
  }
  const rows = await db.$queryRawUnsafe<TPgRow[]>(
    `SELECT id::text AS id, name, data, state::text AS state,
            CASE WHEN singleton_key = id::text THEN NULL ELSE singleton_key END AS "singletonKey",
            start_after AS "startAfter",
            (CASE WHEN started_on IS NULL THEN 0 ELSE retry_count + 1 END)::int AS attempt,
            CASE WHEN state = 'active' THEN started_on + expire_in END AS "leaseUntil"
       FROM ${PGBOSS_SCHEMA}.job
      WHERE ${where.join(" AND ")}
      ORDER BY created_on, id`,
    ...params,
  );
  return rows.map((r) => {
    const state = PG_STATE[r.state];
    if (!state) throw new Error(`unknown pg-boss job state ${r.state}`);
    return { ...r, state, startAfter: new Date(r.startAfter), leaseUntil: r.leaseUntil === null ? null : new Date(r.leaseUntil) };
  });
}

/** Whether the job's data holds every field of `want` (compared as JSON). */
function dataMatches(data: unknown, want: Record<string, unknown>): boolean {
  if (typeof data !== "object" || data === null) return false;
  const fields = data as Record<string, unknown>;
  return Object.entries(want).every(([k, v]) => JSON.stringify(fields[k]) === JSON.stringify(v));
}

/** The jobs of a queue matching the filter, oldest first, on the process's database (dialect()). */
export async function findJobs(db: TDb, filter: TJobFilter): Promise<TFoundJob[]> {
  const all = dialect() === "postgres" ? await fromPostgres(db, filter) : await fromSqlite(db, filter);
  return all.filter((j) => (!filter.states || filter.states.includes(j.state)) && (!filter.data || dataMatches(j.data, filter.data)));
}

/** The first (oldest) job matching the filter, or null. */
export async function findJob(db: TDb, filter: TJobFilter): Promise<TFoundJob | null> {
  return (await findJobs(db, filter))[0] ?? null;
}

/**
 * Marks the matching waiting or running jobs failed for good, as though their last attempt had
 * failed (say, their process died holding it): a test of the sweeps that send a lost chain's job
 * again. The number of jobs marked.
 */
export async function failJobsForGood(db: TDb, filter: Pick<TJobFilter, "name" | "singletonKey">): Promise<number> {
  const ids = (await findJobs(db, { ...filter, states: ["created", "active"] })).map((j) => j.id);
  if (ids.length === 0) return 0;
  if (dialect() === "postgres") {
    return db.$executeRawUnsafe(
      `UPDATE ${PGBOSS_SCHEMA}.job SET state = 'failed', completed_on = now()
        WHERE name = $1 AND id = ANY(ARRAY(SELECT jsonb_array_elements_text($2::jsonb))::uuid[])`,
      filter.name,
      JSON.stringify(ids),
    );
  }
  const { count } = await db.job.updateMany({ where: { id: { in: ids } }, data: { state: "failed", completedAt: new Date(), leaseUntil: null } });
  return count;
}
