// One HTTP request with the path exactly as written (no URL parsing, so dot segments and encoded
// characters reach the server as sent), for the tests of the inbound URLs (/api/hooks/*).
import { request } from "node:http";

export type TRawAnswer = { status: number; headers: Record<string, string | string[] | undefined>; json: { id?: string; error?: { code?: string; message?: string } } | null; text: string };

export type TRawRequest = { method?: string; body?: string | Buffer; headers?: Record<string, string>; chunked?: boolean };

/** Sends one request to 127.0.0.1:`port` (POST by default); `chunked` leaves Content-Length out. */
export function rawRequest(port: number, path: string, opts: TRawRequest = {}): Promise<TRawAnswer> {
  const body = opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...opts.headers };
    if (body && !opts.chunked) headers["content-length"] = body.length;
    const req = request({ host: "127.0.0.1", port, method: opts.method ?? "POST", path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: TRawAnswer["json"] = null;
        try {
          json = JSON.parse(text) as TRawAnswer["json"];
        } catch {
          json = null;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json, text });
      });
    });
    // The server may answer (413) and close before the whole body is written: the answer counts.
    req.on("error", (e: NodeJS.ErrnoException) => (e.code === "EPIPE" || e.code === "ECONNRESET" ? undefined : reject(e)));
    if (body && opts.chunked) {
      for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.subarray(i, i + 16 * 1024));
      req.end();
    } else req.end(body);
  });
}
