// The one process and port of Patchbay (SPEC §8, §12): the lean handler answers /api/v1/* outside
// Next's request pipeline (the hot path), Next answers everything else. `npm start` and
// `npm run dev` run this file (with lib/server/register.mjs, see there).
import { createServer } from "node:http";
import next from "next";
import { handleApiRequest, API_PREFIX } from "@/lib/api/handler";
import { env } from "@/lib/env";
import { HOOKS_PREFIX } from "@/lib/events/hooks";
import { handleInboundRequest } from "@/lib/listeners/receive";
import { parseOutboundAllow } from "@/lib/http/outbound-policy";
import { startBackgroundWork } from "@/lib/jobs/runtime";
import { flushRuns } from "@/lib/runs/log";
import { loadKeyRing } from "@/lib/secrets/keyring";

const config = env(); // a readable error stops the start, naming the setting
parseOutboundAllow(config.PATCHBAY_OUTBOUND_ALLOW);
loadKeyRing();

const dev = config.NODE_ENV !== "production";
const app = next({ dev, hostname: config.PATCHBAY_HOST, port: config.PORT });
const handle = app.getRequestHandler();
await app.prepare();

const isApi = (url: string) => url === API_PREFIX || url.startsWith(`${API_PREFIX}/`) || url.startsWith(`${API_PREFIX}?`);

const server = createServer((req, res) => {
  if (isApi(req.url ?? "/")) {
    void handleApiRequest(req, res);
    return;
  }
  // Inbound messages (SPEC §9, §10): listeners and webhook subscriptions, also outside Next's
  // pipeline, stored before they are answered.
  if ((req.url ?? "").startsWith(HOOKS_PREFIX)) {
    void handleInboundRequest(req, res);
    return;
  }
  void handle(req, res);
});
// Keep-alive longer than common load balancers' idle timeouts, so they never reuse a closed connection.
server.keepAliveTimeout = 65_000;
server.listen(config.PORT, config.PATCHBAY_HOST, () => {
  console.log(`[patchbay] listening on http://${config.PATCHBAY_HOST}:${config.PORT} (${dev ? "development" : "production"}); public URL ${config.PATCHBAY_URL}`);
});

// Background work (run log retention, ...): durable jobs in the database (lib/jobs).
const queue = await startBackgroundWork();

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[patchbay] ${signal}: finishing open requests and running jobs`);
  // Stop accepting; let open requests and running jobs finish for up to 10 s (jobs not finished by
  // then go back to the queue for the next start); write the queued run log.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await Promise.all([Promise.race([closed, new Promise((r) => setTimeout(r, 10_000).unref())]), queue.stop({ graceMs: 10_000 })]);
  await flushRuns();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
