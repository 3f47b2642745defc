import "server-only";
// The route table of /api/v1: one place that lists every endpoint (STYLE.md 13).
import type { TRoute } from "../context";
import { catalogRoutes } from "./catalog";
import { connectorRoutes } from "./connectors";
import { environmentRoutes } from "./environments";
import { eventRoutes } from "./events";
import { libraryRoutes } from "./library";
import { listenerRoutes } from "./listeners";
import { openApiRoutes } from "./openapi";
import { runRoutes } from "./run";

export const ROUTES: TRoute[] = [...connectorRoutes, ...runRoutes, ...catalogRoutes, ...libraryRoutes, ...environmentRoutes, ...eventRoutes, ...listenerRoutes, ...openApiRoutes(() => ROUTES)];
