import "server-only";
// GET /api/v1/services, GET /api/v1/auth-configs — discovery (no secrets: SPEC §3, §8).
import type { z } from "zod";
import { authConfigsPage } from "@/lib/auth-configs/queries";
import { servicesPage } from "@/lib/services/queries";
import type { TRoute } from "../context";
import { ZAuthConfigsPage, ZPageQuery, ZServicesPage } from "../schemas";

type TPage = z.infer<typeof ZPageQuery>;

export const catalogRoutes: TRoute[] = [
  {
    method: "GET",
    path: "/services",
    role: "MEMBER",
    query: ZPageQuery,
    doc: { summary: "List services", tags: ["Services"], response: ZServicesPage },
    handler: async ({ query }) => ({ body: await servicesPage(query as TPage) }),
  },
  {
    method: "GET",
    path: "/auth-configs",
    role: "MEMBER",
    query: ZPageQuery,
    doc: { summary: "List authentication configurations (secrets only as set / not set)", tags: ["Authentication"], response: ZAuthConfigsPage },
    handler: async ({ query }) => ({ body: await authConfigsPage(query as TPage) }),
  },
];
