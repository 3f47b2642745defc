// Test support: a local webhook receiver (node:http on 127.0.0.1, a free port) that records every
// delivery and verifies it with the Standard Webhooks reference library — an independent check of
// what deliver.ts signs. Used by the delivery tests, the crash test and the benchmark.
// eslint-disable-next-line no-restricted-imports -- inbound: a local server the tests deliver to
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export type TReceived = {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** Webhook(secret).verify accepted it (false without a secret). */
  verified: boolean;
  /** Date.now() when the body was read. */
  at: number;
};

type TResponse = { status: number; headers?: Record<string, string>; body?: string };

/** What to answer; `n` is the 1-based count of deliveries received so far (this one included). */
export type TRespond = (r: TReceived, n: number) => TResponse | Promise<TResponse>;

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? "") : (v ?? ""));

/** Starts the receiver; `respond` defaults to 200 "ok". `close()` drops open connections too. */
export async function startReceiver(opts: { secret?: string; respond?: TRespond } = {}): Promise<{ url: string; received: TReceived[]; close(): Promise<void> }> {
  const received: TReceived[] = [];
  const wh = opts.secret ? new Webhook(opts.secret) : null;
  const respond: TRespond = opts.respond ?? (() => ({ status: 200, body: "ok" }));

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const bytes = Buffer.concat(chunks);
      const r: TReceived = {
        id: one(req.headers["webhook-id"]),
        timestamp: one(req.headers["webhook-timestamp"]),
        signature: one(req.headers["webhook-signature"]),
        body: bytes.toString("utf8"),
        verified: false,
        at: Date.now(),
      };
      if (wh) {
        try {
          wh.verify(bytes, { "webhook-id": r.id, "webhook-timestamp": r.timestamp, "webhook-signature": r.signature });
          r.verified = true;
        } catch {
          r.verified = false;
        }
      }
      received.push(r);
      const n = received.length;
      void Promise.resolve()
        .then(() => respond(r, n))
        .then(
          (out) => {
            if (res.destroyed || res.headersSent) return;
            res.writeHead(out.status, { "content-type": "text/plain; charset=utf-8", ...out.headers });
            res.end(out.body ?? "");
          },
          (e: unknown) => {
            if (res.destroyed || res.headersSent) return;
            res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
            res.end(`receiver: respond failed: ${e instanceof Error ? e.message : String(e)}`);
          },
        );
    });
  };

  const server = createServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
