// What a process of each role runs and where the lean server sends a request (SPEC §12, issue 14
// item 3). PATCHBAY_ROLE: all (default) = web + background work in one process; web = Next (UI),
// /api/v1 and /api/hooks, sending jobs but running none; worker = background work, and on PORT only
// /healthz and /readyz. Pure.
import type { TEnv } from "@/lib/env";

export type TRole = TEnv["PATCHBAY_ROLE"];

export type TRoleParts = {
  /** Next (the UI, its route handlers), /api/v1 and /api/hooks. */
  web: boolean;
  /** Runs the background work (polls, deliveries, hand-offs, retention); else only sends jobs. */
  background: boolean;
};

export const ROLE_PARTS: Record<TRole, TRoleParts> = {
  all: { web: true, background: true },
  web: { web: true, background: false },
  worker: { web: false, background: true },
};

/** Same values as lib/api/handler.ts API_PREFIX and lib/events/hooks.ts HOOKS_PREFIX (a test checks). */
export const API_PATH = "/api/v1";
export const HOOKS_PATH = "/api/hooks/";

export type TRoute = "healthz" | "readyz" | "api" | "hooks" | "next" | "not-found";

/** Where a request for `url` (the raw request target) goes in a process of `role`. */
export function routeOf(role: TRole, url: string): TRoute {
  const pathname = url.split("?", 1)[0]!;
  if (pathname === "/healthz") return "healthz";
  if (pathname === "/readyz") return "readyz";
  if (!ROLE_PARTS[role].web) return "not-found";
  if (pathname === API_PATH || pathname.startsWith(`${API_PATH}/`)) return "api";
  if (url.startsWith(HOOKS_PATH)) return "hooks";
  return "next";
}
