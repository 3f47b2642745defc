// Child process for lib/events/crash.test.ts: the background side of the app on the test's own
// database — the job runtime started exactly as server.ts starts it (startBackgroundWork: the
// embedded queue of lib/jobs/queue.ts with the event workers of registerEventWork) and, when asked,
// the inbound hook URL served the way server.ts serves it — so that the test can kill it with
// SIGKILL mid-work, start another one, and count what happened.
//
//   node --import tsx --conditions=react-server lib/events/testing/events-process.ts '<settings JSON>'
//
// Settings (one JSON argument; the configuration below is set before any app module reads it):
//   url      file: URL of the database (migrations applied)
//   dataDir  the app's data folder: the secret key lives there, so it must be the test's own
//   label    names the process in its log lines (default: pid)
//   hook     when true, also serves POST /api/hooks/{id} on 127.0.0.1 (a free port)
//   leaseSeconds  PATCHBAY_JOB_LEASE_SECONDS (default: the app's, 60 s)
//
// Prints one JSON line on stdout once the workers have started: {"ready":true,"hookUrl":...}
// (hookUrl: the server's origin, or null). On SIGTERM: drains as the app does and exits 0.
// eslint-disable-next-line no-restricted-imports -- inbound: the hook server the test posts to
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setEnvForTests } from "@/lib/env";

export type TEventsProcessSettings = {
  url: string;
  dataDir: string;
  label?: string;
  hook?: boolean;
  leaseSeconds?: number;
};

export type TEventsProcessReady = { ready: true; hookUrl: string | null };

function usage(problem: string): never {
  console.error(`events-process: ${problem}\nusage: events-process.ts '{"url":"file:...","dataDir":"/tmp/x","hook":true}'`);
  process.exit(2);
}

let settings: TEventsProcessSettings;
try {
  settings = JSON.parse(process.argv[2] ?? "") as TEventsProcessSettings;
} catch {
  usage("the settings argument is not JSON");
}
if (!settings.url || !settings.dataDir) usage("url and dataDir are required");
const label = settings.label ?? String(process.pid);

// As useTempAppDatabase does for a test process: the app's configuration points at the test's
// database and data folder before anything reads it (lib/env.ts reads it once per process).
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
  const { handleHookRequest, HOOKS_PREFIX } = await import("@/lib/events/hooks");
  env();
  loadKeyRing();

  let server: Server | null = null;
  let hookUrl: string | null = null;
  if (settings.hook) {
    const s = createServer((req, res) => {
      if ((req.url ?? "").startsWith(HOOKS_PREFIX)) return void handleHookRequest(req, res);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(0, "127.0.0.1", () => resolve());
    });
    server = s;
    hookUrl = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }

  const queue = await startBackgroundWork();

  let stopping = false;
  process.on("SIGTERM", () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      let code = 0;
      try {
        server?.close();
        server?.closeIdleConnections();
        await queue.stop({ graceMs: 10_000 });
      } catch (e) {
        console.error(`[events ${label}] stop failed`, e);
        code = 1;
      }
      clearInterval(keepAlive);
      process.exit(code);
    })();
  });

  const ready: TEventsProcessReady = { ready: true, hookUrl };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

main().catch((e) => {
  console.error(`[events ${label}] failed to start`, e);
  process.exit(1);
});
