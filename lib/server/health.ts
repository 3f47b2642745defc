// GET /healthz and GET /readyz (issue 14 item 3), answered by the lean server before anything
// else, on every role, without authentication: they say nothing but the role and a reason.
// healthz: the process is up (no database). readyz: this process can do its work — the database
// answers and holds exactly the migrations this build ships — and is not shutting down, so a load
// balancer sends it traffic. The same check gates the start (server.ts).
// eslint-disable-next-line no-restricted-imports -- inbound: the lean server's request and response
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TDb } from "@/lib/db";
import { DatabaseTimeoutError, databaseErrorReason, describeDatabaseUrl } from "./db-errors";
import type { TRole } from "./roles";
import { appliedMigrations, compareMigrations, schemaProblem, type TDialect } from "./schema-version";

export type TNotReady =
  | { ready: false; kind: "unreachable"; cause: string }
  | { ready: false; kind: "schema"; pending: string[]; unknown: string[] }
  | { ready: false; kind: "shutting-down" };

export type TReadiness = { ready: true } | TNotReady;

/** readyz's answer to a load balancer: short, no host names or connection strings. */
export function readinessReason(r: TNotReady): string {
  switch (r.kind) {
    case "unreachable":
      return "database unreachable";
    case "schema":
      return schemaProblem(r);
    case "shutting-down":
      return "shutting down";
  }
}

/** Rejects with a DatabaseTimeoutError when `work` takes longer than `ms`. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new DatabaseTimeoutError(ms)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The database check of the start and of readyz: a cheap SELECT 1 and the applied migrations,
 * within `timeoutMs` (default 2 s). `allowNewer` (readyz of a running process): migrations this
 * build does not know do not make it unready — in a rolling deploy the first new instance migrates
 * the database while the old ones still serve (migrations are written to keep the previous build
 * working); they only stop a build from starting.
 */
export async function checkDatabase(opts: { db: TDb; dialect: TDialect; shipped: readonly string[]; timeoutMs?: number; allowNewer?: boolean }): Promise<TReadiness> {
  let applied: string[];
  try {
    applied = await within(opts.timeoutMs ?? 2000, (async () => {
      await opts.db.$queryRawUnsafe("SELECT 1");
      return appliedMigrations(opts.db, opts.dialect);
    })());
  } catch (e) {
    return { ready: false, kind: "unreachable", cause: databaseErrorReason(e) };
  }
  const verdict = compareMigrations(opts.shipped, applied);
  if (verdict.ok || (opts.allowNewer && verdict.pending.length === 0)) return { ready: true };
  return { ready: false, kind: "schema", pending: verdict.pending, unknown: verdict.unknown };
}

/** Why the process refuses to start, in one readable line (server.ts prints it and exits 1). */
export function startFailure(r: TNotReady, databaseUrl: string): string {
  const where = describeDatabaseUrl(databaseUrl);
  switch (r.kind) {
    case "unreachable":
      return `Cannot reach the database at ${where}: ${r.cause}`;
    case "schema":
      return r.unknown.length > 0
        ? `The database at ${where} does not match this build (${schemaProblem(r)}): a newer build of Patchbay migrated it. Run that build, or upgrade this one.`
        : `The database at ${where} does not match this build (${schemaProblem(r)}): apply them with \`npm run db:deploy\` (\`npm start\` does it before starting), then start again.`;
    case "shutting-down":
      return "Stopped while starting.";
  }
}

export type THealthOptions = {
  role: TRole;
  /** The database part of readiness (checkDatabase with the process's client). */
  check: () => Promise<TReadiness>;
  /** Where changes of readiness are told (default console.warn). */
  log?: (line: string) => void;
};

/**
 * The two endpoints of one process. Concurrent readyz requests share one database check, so a
 * burst of probes costs one query; a change of readiness is logged once, with its cause.
 */
export class HealthEndpoints {
  private stopping = false;
  private running: Promise<TReadiness> | null = null;
  private last: boolean | null = null;

  constructor(private readonly opts: THealthOptions) {}

  /** From now on readyz answers 503 "shutting down" (SIGTERM). */
  shuttingDown(): void {
    this.stopping = true;
  }

  /** Readiness now: shutting down, else the database check (shared by concurrent callers). */
  async readiness(): Promise<TReadiness> {
    if (this.stopping) return { ready: false, kind: "shutting-down" };
    this.running ??= this.opts.check().finally(() => (this.running = null));
    const r = await this.running;
    this.noteChange(r);
    return this.stopping ? { ready: false, kind: "shutting-down" } : r;
  }

  private noteChange(r: TReadiness): void {
    if (this.last === r.ready) return;
    const first = this.last === null;
    this.last = r.ready;
    if (first && r.ready) return; // the start said so already
    const log = this.opts.log ?? ((line: string) => console.warn(line));
    if (r.ready) log("[patchbay] ready again: the database answers and its migrations match this build");
    else log(`[patchbay] not ready: ${readinessReason(r)}${r.kind === "unreachable" ? ` (${r.cause})` : ""}`);
  }

  /** Answers GET/HEAD /healthz or /readyz. */
  async answer(which: "healthz" | "readyz", req: IncomingMessage, res: ServerResponse): Promise<void> {
    const head = req.method === "HEAD";
    if (req.method !== "GET" && !head) {
      return writeHealth(res, 405, { status: "error", role: this.opts.role, reason: "use GET" }, head, { Allow: "GET, HEAD" });
    }
    if (which === "healthz") return writeHealth(res, 200, { status: "ok", role: this.opts.role }, head);
    const r = await this.readiness();
    if (r.ready) writeHealth(res, 200, { status: "ok", role: this.opts.role }, head);
    else writeHealth(res, 503, { status: "unavailable", role: this.opts.role, reason: readinessReason(r) }, head, { "Retry-After": "5" });
  }
}

function writeHealth(res: ServerResponse, status: number, body: Record<string, string>, head: boolean, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(json),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...headers,
  });
  res.end(head ? undefined : json);
}
