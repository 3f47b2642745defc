// Child process for the crash tests of events and listeners (lib/events/crash.test.ts,
// lib/listeners/crash.test.ts): the app's runtime on the test's own database — /api/hooks/* served
// by handleInboundRequest on a node:http server exactly as server.ts serves it (listeners, and
// webhook subscriptions behind them), and the job runtime started as server.ts starts it
// (startBackgroundWork: polls, deliveries, hand-offs) — so that a test can kill it with SIGKILL
// mid-work, start another one on the same database, and count.
//
//   node --import tsx --conditions=react-server lib/testing/app-process.ts '<settings JSON>'
//
// Settings (one JSON argument; the configuration below is set before any app module reads it):
//   url           file: URL of the database (migrations applied)
//   dataDir       the app's data folder: the secret key lives there, so it must be the test's own
//   label         names the process in its log lines (default: pid)
//   serve         when true, serves /api/hooks/* (default false)
//   port          the port to serve on, 127.0.0.1 (default: a free one); a restart passes the first
//                 process's port so that senders keep their URL
//   background    when true, starts the job runtime (default false)
//   leaseSeconds  PATCHBAY_JOB_LEASE_SECONDS (default: the app's)
//
// Prints one JSON line on stdout once it runs: {"ready":true,"origin":"http://127.0.0.1:<port>" | null}.
// On SIGTERM: closes the server, drains the queue as the app does and exits 0.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setEnvForTests } from "@/lib/env";

export type TAppProcessSettings = {
  url: string;
  dataDir: string;
  label?: string;
  serve?: boolean;
  port?: number;
  background?: boolean;
  leaseSeconds?: number;
};

export type TAppProcessReady = { ready: true; origin: string | null };

function usage(problem: string): never {
  console.error(`app-process: ${problem}\nusage: app-process.ts '{"url":"file:...","dataDir":"/tmp/x","serve":true,"background":true}'`);
  process.exit(2);
}

let settings: TAppProcessSettings;
try {
  settings = JSON.parse(process.argv[2] ?? "") as TAppProcessSettings;
} catch {
  usage("the settings argument is not JSON");
}
if (!settings.url || !settings.dataDir) usage("url and dataDir are required");
const label = settings.label ?? String(process.pid);

// As useTempAppDatabase does for a test process: the configuration points at the test's database
// and data folder before anything reads it (lib/env.ts reads it once per process).
setEnvForTests({
  NODE_ENV: "test",
  DATABASE_URL: settings.url,
  PATCHBAY_DATA_DIR: settings.dataDir,
  PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1",
  PATCHBAY_SECRET_KEY: undefined,
  PATCHBAY_SECRET_KEYS_OLD: undefined,
  PATCHBAY_ADMIN_EMAIL: undefined,
  PATCHBAY_ADMIN_PASSWORD: undefined,
  PATCHBAY_JOB_LEASE_SECONDS: settings.leaseSeconds === undefined ? undefined : String(settings.leaseSeconds),
});

// The queue's timers are unref'd (they never keep an app alive); this keeps the process up until
// it is killed or told to stop.
const keepAlive = setInterval(() => {}, 1 << 30);

async function main() {
  const { env } = await import("@/lib/env");
  const { loadKeyRing } = await import("@/lib/secrets/keyring");
  const { startBackgroundWork } = await import("@/lib/jobs/runtime");
  const { HOOKS_PREFIX } = await import("@/lib/events/hooks");
  const { handleInboundRequest } = await import("@/lib/listeners/receive");
  env();
  loadKeyRing();

  let server: Server | null = null;
  let origin: string | null = null;
  if (settings.serve) {
    // As server.ts: /api/hooks/* goes to handleInboundRequest, outside any framework.
    const s = createServer((req, res) => {
      if ((req.url ?? "").startsWith(HOOKS_PREFIX)) return void handleInboundRequest(req, res);
      res.writeHead(404).end();
    });
    s.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(settings.port ?? 0, "127.0.0.1", () => resolve());
    });
    server = s;
    origin = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }

  const queue = settings.background ? await startBackgroundWork() : null;

  let stopping = false;
  process.on("SIGTERM", () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      let code = 0;
      try {
        server?.close();
        server?.closeIdleConnections();
        await queue?.stop({ graceMs: 10_000 });
      } catch (e) {
        console.error(`[app ${label}] stop failed`, e);
        code = 1;
      }
      clearInterval(keepAlive);
      process.exit(code);
    })();
  });

  const ready: TAppProcessReady = { ready: true, origin };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

main().catch((e) => {
  console.error(`[app ${label}] failed to start`, e);
  process.exit(1);
});
