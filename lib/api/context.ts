// What an /api/v1 endpoint gets and gives (STYLE.md 13: boring Node, one endpoint per file, one
// route table). Endpoints parse with zod, call lib/<domain>, and return JSON or throw.
// eslint-disable-next-line no-restricted-imports -- inbound: the lean server's request type
import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import type { TApiCaller } from "@/lib/api-tokens/store";
import type { TRole } from "@/lib/users/schema";

export type TApiContext = {
  req: IncomingMessage;
  url: URL;
  /** Path parameters of the route, e.g. { id }. */
  params: Record<string, string>;
  /** The query string, checked with the route's `query` schema. */
  query: Record<string, unknown>;
  requestId: string;
  /** The token's user (every route needs a token). */
  caller: TApiCaller;
  /** Aborted when the client goes away before the answer. */
  signal: AbortSignal;
};

export type TApiReply = { status?: number; body: unknown; headers?: Record<string, string> };

export type TMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** One endpoint. `doc` feeds the OpenAPI document (lib/api/openapi.ts). */
export type TRoute = {
  method: TMethod;
  /** Under /api/v1, with {name} path parameters: "/connectors/{id}/run". */
  path: string;
  /** Lowest role allowed (every route needs a token). */
  role: TRole;
  /** Query parameters; unknown ones are refused (400). */
  query?: z.ZodType;
  handler: (ctx: TApiContext) => Promise<TApiReply>;
  doc: {
    summary: string;
    description?: string;
    tags: string[];
    /** JSON request body. */
    body?: z.ZodType;
    /** Alternative multipart/form-data body, described in words. */
    multipart?: string;
    /** Successful answer (200 unless `status`). */
    response?: z.ZodType;
    status?: number;
    /** Error statuses this endpoint may answer besides 400/401/403/404/429. */
    errors?: number[];
  };
};
