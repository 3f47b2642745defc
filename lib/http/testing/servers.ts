// Test-only: local HTTP(S) servers, each request recorded, routed by path.
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { parseOutboundAllow } from "../outbound-policy";
import type { TOutgoingRequest } from "../types";

export type TSeen = { method: string; url: string; rawHeaders: string[]; body: Buffer; localAddress: string; remotePort: number };
export type THandler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

export type TTestServer = {
  /** http(s)://127.0.0.1:port (or the host given to startServer) */
  origin: string;
  port: number;
  seen: TSeen[];
  route(path: string, handler: THandler): void;
  close(): Promise<void>;
};

/** Policy used by the executor tests: the local servers on 127.0.0.1 are reachable, nothing else internal. */
export const LOCAL_POLICY = parseOutboundAllow("127.0.0.1");

export async function startServer(opts: { tls?: https.ServerOptions; host?: string; port?: number } = {}): Promise<TTestServer> {
  const routes = new Map<string, THandler>();
  const seen: TSeen[] = [];
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      seen.push({
        method: req.method!,
        url: req.url!,
        rawHeaders: req.rawHeaders,
        body,
        localAddress: req.socket.localAddress!,
        remotePort: req.socket.remotePort!,
      });
      const handler = routes.get(new URL(req.url!, "http://x").pathname);
      if (handler) handler(req, res, body);
      else res.writeHead(404).end("no route");
    });
  };
  const server = opts.tls ? https.createServer(opts.tls, onRequest) : http.createServer(onRequest);
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `${opts.tls ? "https" : "http"}://${host}:${port}`,
    port,
    seen,
    route: (path, handler) => void routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function get(url: string, headers: Array<[string, string]> = []): TOutgoingRequest {
  return { method: "GET", url, headers };
}

/** Header values of `name` in a raw header list, in order. */
export function headerValues(raw: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === name.toLowerCase()) out.push(raw[i + 1]);
  return out;
}

export { rejectsWith } from "@/lib/testing/assert";
