// Child process for lib/listeners/crash.test.ts: the app's inbound side on the test's own database —
// /api/hooks/* served by handleInboundRequest on a node:http server exactly as server.ts serves it,
// and, when asked, the job runtime started as server.ts starts it (startBackgroundWork, which
// registers the listeners' hand-off workers) — so that the test can kill it with SIGKILL while
// messages arrive and are handed on, start another one on the same database, and count.
//
//   node --import tsx --conditions=react-server lib/listeners/testing/listener-process.ts '<settings JSON>'
//
// Settings (one JSON argument; the configuration below is set before any app module reads it):
//   url           file: URL of the database (migrations applied)
//   dataDir       the app's data folder: the secret key lives there, so it must be the test's own
//   label         names the process in its log lines (default: pid)
//   port          the port to listen on, 127.0.0.1 (default: a free one); a restart passes the
//                 first process's port so that senders keep their URL
//   background    when true, also starts the job runtime (hand-offs)
//   leaseSeconds  PATCHBAY_JOB_LEASE_SECONDS (default: the app's)
//
// Prints one JSON line on stdout once it serves: {"ready":true,"origin":"http://127.0.0.1:<port>"}.
// On SIGTERM: closes the server, drains the queue as the app does and exits 0.
// eslint-disable-next-line no-restricted-imports -- inbound: the server the test posts messages to
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setEnvForTests } from "@/lib/env";

export type TListenerProcessSettings = {
  url: string;
  dataDir: string;
  label?: string;
  port?: number;
  background?: boolean;
  leaseSeconds?: number;
};

export type TListenerProcessReady = { ready: true; origin: string };

function usage(problem: string): never {
  console.error(`listener-process: ${problem}\nusage: listener-process.ts '{"url":"file:...","dataDir":"/tmp/x","background":true}'`);
  process.exit(2);
}

let settings: TListenerProcessSettings;
try {
  settings = JSON.parse(process.argv[2] ?? "") as TListenerProcessSettings;
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

// The queue's timers are unref'd; this keeps the process up until it is killed or told to stop.
const keepAlive = setInterval(() => {}, 1 << 30);

async function main() {
  const { env } = await import("@/lib/env");
  const { loadKeyRing } = await import("@/lib/secrets/keyring");
  const { startBackgroundWork } = await import("@/lib/jobs/runtime");
  const { HOOKS_PREFIX } = await import("@/lib/events/hooks");
  const { handleInboundRequest } = await import("@/lib/listeners/receive");
  env();
  loadKeyRing();

  // As server.ts: /api/hooks/* goes to handleInboundRequest, outside any framework.
  const server = createServer((req, res) => {
    if ((req.url ?? "").startsWith(HOOKS_PREFIX)) return void handleInboundRequest(req, res);
    res.writeHead(404).end();
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port ?? 0, "127.0.0.1", () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const queue = settings.background ? await startBackgroundWork() : null;

  let stopping = false;
  process.on("SIGTERM", () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      let code = 0;
      try {
        server.close();
        server.closeIdleConnections();
        await queue?.stop({ graceMs: 10_000 });
      } catch (e) {
        console.error(`[listener ${label}] stop failed`, e);
        code = 1;
      }
      clearInterval(keepAlive);
      process.exit(code);
    })();
  });

  const ready: TListenerProcessReady = { ready: true, origin };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

main().catch((e) => {
  console.error(`[listener ${label}] failed to start`, e);
  process.exit(1);
});
