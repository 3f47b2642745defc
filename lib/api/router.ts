// Matching a path to the route table: 404 for unknown paths, 405 with Allow for a known path and
// another method. Pure.
import type { TMethod, TRoute } from "./context";
import { ApiError, notFound } from "./errors";

type TCompiled = { route: TRoute; segments: Array<string | { param: string }> };

export type TMatch = { route: TRoute; params: Record<string, string> };

export function compileRoutes(routes: TRoute[]): TCompiled[] {
  return routes.map((route) => ({
    route,
    segments: route.path
      .split("/")
      .filter(Boolean)
      .map((s) => (/^\{\w+\}$/.test(s) ? { param: s.slice(1, -1) } : s)),
  }));
}

function matchSegments(c: TCompiled, parts: string[]): Record<string, string> | null {
  if (c.segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const s = c.segments[i];
    if (typeof s === "string") {
      if (s !== parts[i]) return null;
    } else {
      let v: string;
      try {
        v = decodeURIComponent(parts[i]);
      } catch {
        return null;
      }
      if (v === "" || v.length > 200) return null;
      params[s.param] = v;
    }
  }
  return params;
}

/** `path` is below /api/v1 ("/connectors/abc"). */
export function matchRoute(table: TCompiled[], method: string, path: string): TMatch {
  const parts = path.split("/").filter(Boolean);
  const allowed: TMethod[] = [];
  for (const c of table) {
    const params = matchSegments(c, parts);
    if (!params) continue;
    if (c.route.method === method || (method === "HEAD" && c.route.method === "GET")) return { route: c.route, params };
    allowed.push(c.route.method);
  }
  if (allowed.length === 0) throw notFound(`No API endpoint ${path ? `/api/v1${path}` : "/api/v1"}. See /api/v1/openapi.json.`);
  const allow = [...new Set(allowed.includes("GET") ? [...allowed, "HEAD"] : allowed)].join(", ");
  throw new ApiError(405, "METHOD_NOT_ALLOWED", `This endpoint takes ${allow}.`, undefined, { Allow: allow });
}
