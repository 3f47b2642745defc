import "server-only";
// GET /api/v1/connectors, GET /api/v1/connectors/{id} — discovery: what exists and how to call it.
import type { TRoute } from "../context";
import { notFound } from "../errors";
import { ZConnectorDescription, ZConnectorsPage, ZConnectorsQuery } from "../schemas";
import { connectorsPage, describeConnector } from "@/lib/connectors/queries";
import type { z } from "zod";

export const connectorRoutes: TRoute[] = [
  {
    method: "GET",
    path: "/connectors",
    role: "MEMBER",
    query: ZConnectorsQuery,
    doc: { summary: "List connectors", tags: ["Connectors"], response: ZConnectorsPage },
    handler: async ({ query }) => {
      const q = query as z.infer<typeof ZConnectorsQuery>;
      return { body: await connectorsPage({ q: q.q || undefined, serviceId: q.serviceId || undefined, limit: q.limit, cursor: q.cursor }) };
    },
  },
  {
    method: "GET",
    path: "/connectors/{id}",
    role: "MEMBER",
    doc: { summary: "Describe a connector: everything needed to call it", tags: ["Connectors"], response: ZConnectorDescription },
    handler: async ({ params }) => {
      const d = await describeConnector(params.id);
      if (!d) throw notFound("No connector with this id.");
      return { body: d };
    },
  },
];
