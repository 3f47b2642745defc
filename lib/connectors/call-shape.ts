// How a connector is called through the run API (SPEC §8), from its definition alone: the
// connector's description (GET /api/v1/connectors/{id}), its OpenAPI document and the "Call from
// another system" box all read it from here. Header values are left out: they may carry credentials.
// Pure: the browser imports it too.
import type { z } from "zod";
import type { ZConnectorDescription } from "@/lib/api/schemas";
import { pathParamNames } from "@/lib/http/build-request";
import type { TConnectorInput } from "./schema";

/** The JSON body description is parsed (text when it does not parse), null without one. */
export type TConnectorCallShape = Pick<z.infer<typeof ZConnectorDescription>, "pathParams" | "queryParams" | "headers" | "body" | "formParams" | "outputs">;

export function runPath(connectorId: string): string {
  return `/api/v1/connectors/${encodeURIComponent(connectorId)}/run`;
}

export function callShapeOf(c: TConnectorInput): TConnectorCallShape {
  let description: unknown = null;
  if (c.bodyType === "JSON" && c.bodyDescription.trim()) {
    try {
      description = JSON.parse(c.bodyDescription);
    } catch {
      description = c.bodyDescription;
    }
  }
  return {
    pathParams: pathParamNames(c.urlTemplate),
    queryParams: c.queryParams.map((q) => ({ name: q.name, description: q.description, required: q.required, default: q.defaultValue === "" ? null : q.defaultValue })),
    headers: c.headers.map((h) => ({ name: h.name, description: h.description })),
    body: { type: c.bodyType, description },
    formParams: c.bodyType === "FORM" ? c.formParams.map((f) => ({ name: f.name, type: f.type, description: f.description })) : [],
    outputs: c.responseMapping.map((m) => ({ name: m.name, path: m.path })),
  };
}
