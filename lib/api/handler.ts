import "server-only";
// The lean /api/v1 handler (SPEC §8): server.ts hands it every /api/v1 request, outside Next's
// request pipeline. Request id → route → token → role → query → endpoint → JSON. Every answer is
// JSON with X-Request-Id; errors have one shape (lib/api/errors.ts) and never a stack trace.
import { randomUUID } from "node:crypto";
// eslint-disable-next-line no-restricted-imports -- inbound: the lean server's request and response
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticateToken } from "@/lib/api-tokens/store";
import { AppError } from "@/lib/errors";
import type { TApiContext } from "./context";
import { ApiError, errorBody, logFailure, toApiError } from "./errors";
import { writeJson } from "./respond";
import { compileRoutes, matchRoute } from "./router";
import { ROUTES } from "./routes";
import { parseInput, queryObject } from "./validate";

export const API_PREFIX = "/api/v1";
const REQUEST_ID = /^[A-Za-z0-9._:@\-]{1,128}$/;
const table = compileRoutes(ROUTES);

type TAnswer = { status: number; body: unknown; requestId: string; headers?: Record<string, string> };

function send(req: IncomingMessage, res: ServerResponse, answer: TAnswer): void {
  if (res.headersSent || res.destroyed) return;
  const { requestId, headers = {} } = answer;
  let { status } = answer;
  let json: string;
  try {
    json = JSON.stringify(answer.body);
  } catch (e) {
    // Bodies are checked for depth before this; should something still not serialize, a clean 500.
    console.error(`[patchbay] /api/v1 request ${requestId}: the answer could not be serialized`, e);
    status = 500;
    json = JSON.stringify(errorBody(toApiError(e), requestId));
  }
  writeJson(res, status, json, requestId, headers, req.method === "HEAD");
}

function bearer(req: IncomingMessage): string {
  const h = req.headers.authorization;
  const m = h ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(h) : null;
  if (!m) throw new AppError("UNAUTHENTICATED", "Send an API token: Authorization: Bearer <token>. Create one under API tokens.");
  return m[1];
}

export async function handleApiRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const sent = req.headers["x-request-id"];
  const requestId = typeof sent === "string" && REQUEST_ID.test(sent) ? sent : randomUUID();
  const aborter = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) aborter.abort();
  });
  try {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://patchbay.invalid");
    } catch {
      throw new ApiError(400, "VALIDATION", "The request URL is not valid.");
    }
    const { route, params } = matchRoute(table, req.method ?? "GET", url.pathname.slice(API_PREFIX.length));
    const caller = await authenticateToken(bearer(req));
    if (route.role === "ADMIN" && caller.user.role !== "ADMIN") throw new AppError("FORBIDDEN", "Only administrators can do this; the token's user is a member.");
    const query = route.query ? (parseInput(route.query, queryObject(url), "query") as Record<string, unknown>) : emptyQuery(url);
    const ctx: TApiContext = { req, url, params, query, requestId, caller, signal: aborter.signal };
    const reply = await route.handler(ctx);
    send(req, res, { status: reply.status ?? 200, body: reply.body, requestId, headers: reply.headers });
  } catch (e) {
    // The database down, restarting or refusing connections: 503 with Retry-After, one log line
    // (not a stack per request while it lasts).
    const err = toApiError(e);
    logFailure("/api/v1 request", requestId, err, e);
    if (err.code === "CANCELLED" || aborter.signal.aborted) {
      res.destroy();
      return;
    }
    send(req, res, { status: err.status, body: errorBody(err, requestId), requestId, headers: err.headers });
  }
}

/** Endpoints without query parameters refuse any (unknown fields are errors, README "REST API"). */
function emptyQuery(url: URL): Record<string, unknown> {
  const first = url.searchParams.keys().next();
  if (!first.done) throw new ApiError(400, "VALIDATION", `Unknown query parameter ${JSON.stringify(first.value.slice(0, 100))}.`, { fields: { [first.value.slice(0, 100)]: ["Unknown parameter"] } });
  return {};
}
