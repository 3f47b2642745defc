// The process of Patchbay (SPEC §8, §12): one port; what runs behind it depends on PATCHBAY_ROLE
// (lib/server/roles.ts). /healthz and /readyz are answered first, on every role; in the web roles
// the lean handler answers /api/v1/* and /api/hooks/* outside Next's request pipeline (the hot
// path) and Next everything else; a worker runs background work and loads no Next at all.
// `npm start` and `npm run dev` run this file (with lib/server/register.mjs, see there).
//
// The start refuses, with one readable line and exit code 1, a configuration error, a database it
// cannot reach, and a database whose migrations differ from this build's (the readyz check).
// SIGTERM/SIGINT: readyz turns 503, the listener closes, open requests and running jobs get up to
// 10 s, the run log is written, exit 0.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { startInvalidationListener, stopInvalidationListener } from "@/lib/cache/invalidation";
import { databaseUrl, env, type TEnv } from "@/lib/env";
import { dialect, getDb } from "@/lib/db";
import { parseOutboundAllow } from "@/lib/http/outbound-policy";
import { startBackgroundWork, startJobSender } from "@/lib/jobs/runtime";
import type { TJobQueue } from "@/lib/jobs/types";
import { flushRuns } from "@/lib/runs/log";
import { loadKeyRing } from "@/lib/secrets/keyring";
import { databaseErrorReason, describeDatabaseUrl, isDatabaseUnavailable } from "@/lib/server/db-errors";
import { checkDatabase, HealthEndpoints, startFailure } from "@/lib/server/health";
import { ROLE_PARTS, routeOf, type TRoute } from "@/lib/server/roles";
import { shippedMigrations } from "@/lib/server/schema-version";

/** How long the start waits for the database's first answer (a cold client, a busy machine). */
const START_CHECK_MS = 10_000;
/** How long a stop waits for open requests and running jobs. */
const DRAIN_MS = 10_000;

type THandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Prints why the process cannot run, without a stack trace, and exits 1. */
function refuse(message: string): never {
  console.error(`[patchbay] ${message}`);
  process.exit(1);
}

let config: TEnv;
try {
  config = env(); // a readable error names the setting
  parseOutboundAllow(config.PATCHBAY_OUTBOUND_ALLOW);
  loadKeyRing();
} catch (e) {
  refuse(e instanceof Error ? e.message : String(e));
}
const role = config.PATCHBAY_ROLE;
const parts = ROLE_PARTS[role];
const dev = config.NODE_ENV !== "production";

let stopping = false;
let server: Server | null = null;
let queue: TJobQueue | null = null;
// Migrations of this build, read once: the folders do not change while it runs.
const shipped = await shippedMigrations(dialect());
// Started on this schema, a process stays ready when a newer build migrates the database (a
// rolling deploy); pending migrations (a restored older database) make it unready.
const health = new HealthEndpoints({ role, check: () => checkDatabase({ db: getDb(), dialect: dialect(), shipped, allowNewer: true }) });

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  health.shuttingDown();
  console.log(`[patchbay] ${signal}: finishing open requests and running jobs`);
  let code = 0;
  try {
    // Stop accepting; let open requests and running jobs finish for up to 10 s (jobs not finished
    // by then go back to the queue for the next start); write the queued run log.
    const open = server;
    const closed = open ? new Promise<void>((resolve) => open.close(() => resolve())) : Promise.resolve();
    open?.closeIdleConnections();
    await Promise.all([Promise.race([closed, new Promise((r) => setTimeout(r, DRAIN_MS).unref())]), queue?.stop({ graceMs: DRAIN_MS })]);
    await stopInvalidationListener();
    // Bounded too: with the database unreachable the runs cannot be written, and the stop must end.
    await Promise.race([flushRuns(), new Promise((_, reject) => setTimeout(() => reject(new Error(`the run log was not written within ${DRAIN_MS / 1000} s`)), DRAIN_MS).unref())]);
  } catch (e) {
    console.error("[patchbay] the stop did not finish cleanly", e);
    code = 1;
  }
  process.exit(code);
}
// Before the first await that may take long: a stop during the start ends what has started.
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

const notFound: THandler = (_req, res) => {
  const json = JSON.stringify({ error: { code: "NOT_FOUND", message: `This is a ${role} process (PATCHBAY_ROLE=${role}): it answers only /healthz and /readyz.` } });
  res.writeHead(404, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(json), "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" });
  res.end(json);
};

const handlers: Record<TRoute, THandler> = {
  healthz: (req, res) => void health.answer("healthz", req, res),
  readyz: (req, res) => void health.answer("readyz", req, res),
  api: notFound,
  hooks: notFound,
  next: notFound,
  "not-found": notFound,
};

async function start(): Promise<void> {
  // The database must answer and match this build before anything runs (readyz's check).
  const atStart = await checkDatabase({ db: getDb(), dialect: dialect(), shipped, timeoutMs: START_CHECK_MS });
  if (!atStart.ready) refuse(startFailure(atStart, databaseUrl()));

  // Hot-path caches hear other instances' changes (PostgreSQL LISTEN/NOTIFY; nothing on SQLite).
  await startInvalidationListener();

  if (parts.web) {
    // Loaded only by the roles that serve them: a worker never loads or prepares Next.
    const { default: next } = await import("next");
    const { handleApiRequest } = await import("@/lib/api/handler");
    const { handleInboundRequest } = await import("@/lib/listeners/receive");
    const app = next({ dev, hostname: config.PATCHBAY_HOST, port: config.PORT });
    const handle = app.getRequestHandler();
    await app.prepare();
    handlers.api = (req, res) => void handleApiRequest(req, res);
    // Inbound messages (SPEC §9, §10): listeners and webhook subscriptions, also outside Next's
    // pipeline, stored before they are answered.
    handlers.hooks = (req, res) => void handleInboundRequest(req, res);
    handlers.next = (req, res) => void handle(req, res);
  }

  // Jobs (lib/jobs): the background work runs where the role says; a web process only sends.
  queue = parts.background ? await startBackgroundWork() : await startJobSender();
  if (stopping) return;

  const s = createServer((req, res) => handlers[routeOf(role, req.url ?? "/")](req, res));
  // Keep-alive longer than common load balancers' idle timeouts, so they never reuse a closed connection.
  s.keepAliveTimeout = 65_000;
  s.once("error", (e) => refuse(`Cannot listen on ${config.PATCHBAY_HOST}:${config.PORT}: ${e.message}`));
  server = s;
  s.listen(config.PORT, config.PATCHBAY_HOST, () => {
    const what = parts.web ? `public URL ${config.PATCHBAY_URL}` : "/healthz and /readyz only";
    console.log(`[patchbay] listening on http://${config.PATCHBAY_HOST}:${config.PORT} (${dev ? "development" : "production"}, role ${role}); ${what}`);
  });
}

start().catch((e: unknown) => {
  // The database went away after the check (or a job runtime could not reach it): still one line.
  if (isDatabaseUnavailable(e)) refuse(`Cannot reach the database at ${describeDatabaseUrl(databaseUrl())}: ${databaseErrorReason(e)}`);
  console.error("[patchbay] the start failed", e);
  process.exit(1);
});
