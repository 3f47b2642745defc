// Test support: a local API whose items change over time (node:http on 127.0.0.1, a free port),
// for the polling tests, the crash test and the benchmark.
//
// GET /<resource> answers the resource's items as a JSON array, or {"data":[...]} when the query
// has wrap=1 (for an Items path of $.data). Other query parameters are recorded, not interpreted.
// - setPageSize(n): pages of n items; ?page=N (1-based) picks one, and a page with more after it
//   carries `Link: <same URL with page=N+1>; rel="next"`. null: everything at once.
// - setStale(resource, items): eventual consistency — the resource's even-numbered requests (2nd,
//   4th, …; pages count) are answered from these items instead of the current ones. null: off.
// - setFailure(resource, f): every request of the resource gets this answer instead. null: off.
// A resource never set answers 404.
// eslint-disable-next-line no-restricted-imports -- inbound: a local server the polls read from
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type TUpstream = {
  /** The base, e.g. http://127.0.0.1:1234 */
  url: string;
  setItems(resource: string, items: unknown[]): void;
  /** null = no paging; else Link: <...?page=N>; rel="next" */
  setPageSize(n: number | null): void;
  /** Served instead of the current items on every other request (eventual consistency); null = off. */
  setStale(resource: string, items: unknown[] | null): void;
  setFailure(resource: string, f: { status: number; body?: string; contentType?: string } | null): void;
  requests: Array<{ url: string; headers: Record<string, string | string[] | undefined> }>;
  close(): Promise<void>;
};

export async function startUpstream(): Promise<TUpstream> {
  const items = new Map<string, unknown[]>();
  const stale = new Map<string, unknown[]>();
  const failures = new Map<string, { status: number; body?: string; contentType?: string }>();
  const counts = new Map<string, number>();
  const requests: TUpstream["requests"] = [];
  let pageSize: number | null = null;
  let base = "";

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ url: req.url ?? "/", headers: { ...req.headers } });
    req.resume();
    req.on("end", () => {
      const url = new URL(req.url ?? "/", base);
      let resource: string;
      try {
        resource = decodeURIComponent(url.pathname.slice(1));
      } catch {
        return send(res, 400, JSON.stringify({ error: "bad path" }));
      }
      if (req.method !== "GET") return send(res, 405, JSON.stringify({ error: "GET only" }), { allow: "GET" });
      const failure = failures.get(resource);
      if (failure) {
        res.writeHead(failure.status, { "content-type": failure.contentType ?? "text/plain" });
        res.end(failure.body ?? "");
        return;
      }
      const current = items.get(resource);
      if (!current) return send(res, 404, JSON.stringify({ error: `no resource ${resource}` }));
      const n = (counts.get(resource) ?? 0) + 1;
      counts.set(resource, n);
      const old = stale.get(resource);
      const all = old && n % 2 === 0 ? old : current;

      let page = all;
      const headers: Record<string, string> = {};
      if (pageSize !== null) {
        const p = Math.max(1, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1);
        page = all.slice((p - 1) * pageSize, p * pageSize);
        if (all.length > p * pageSize) {
          const next = new URL(url.href);
          next.searchParams.set("page", String(p + 1));
          headers.link = `<${next.href}>; rel="next"`;
        }
      }
      send(res, 200, JSON.stringify(url.searchParams.get("wrap") === "1" ? { data: page } : page), headers);
    });
  };

  const server = createServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Copies: a test mutating its array afterwards does not change what was set.
  const copy = (list: unknown[]) => JSON.parse(JSON.stringify(list)) as unknown[];
  return {
    url: base,
    setItems: (resource, list) => void items.set(resource, copy(list)),
    setPageSize: (n) => void (pageSize = n),
    setStale: (resource, list) => void (list === null ? stale.delete(resource) : stale.set(resource, copy(list))),
    setFailure: (resource, f) => void (f === null ? failures.delete(resource) : failures.set(resource, f)),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
