// The JSON answer of the lean server (/api/v1 and /api/hooks): the same headers on every answer.
// eslint-disable-next-line no-restricted-imports -- inbound: the lean server's response
import type { ServerResponse } from "node:http";

export function writeJson(res: ServerResponse, status: number, json: string, requestId: string, headers: Record<string, string> = {}, head = false): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(json),
    "X-Request-Id": requestId,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...headers,
  });
  res.end(head ? undefined : json);
}
