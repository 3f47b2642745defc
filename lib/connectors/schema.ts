// Connectors (SPEC §5.2), shared by the wizard and the actions. Pure.
import { z } from "zod";
import { reservedHeaderProblem } from "@/lib/http/build-request";
import { ZResponseMapping } from "./mapping";

import { BODY_TYPES, METHODS } from "./choices";

export { BODY_TYPES, METHODS };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const text = (max: number) => z.string().trim().max(max, `At most ${max} characters`);

export const ZHeaderRow = z.object({
  name: text(200)
    .regex(TOKEN, "Use letters, digits and - (an HTTP header name)")
    .refine((n) => !reservedHeaderProblem(n), { error: (iss) => reservedHeaderProblem(String(iss.input)) ?? "Not allowed" }),
  value: z.string().max(8000).refine((v) => !/[\r\n\0]/.test(v), "Line breaks are not allowed in header values"),
  description: text(500).default(""),
});
export const ZQueryParamRow = z.object({
  name: text(200).min(1, "Enter the parameter name"),
  description: text(500).default(""),
  defaultValue: z.string().max(2000).default(""),
  required: z.boolean().default(false),
});
export const ZFormParamRow = z.object({
  name: text(200).min(1, "Enter the parameter name"),
  type: z.enum(["text", "file"]).default("text"),
  description: text(500).default(""),
});

/** The URL must be http(s) once its {path} and {{VAR}} placeholders are filled. */
const ZUrlTemplate = z
  .string()
  .trim()
  .min(1, "Enter the URL")
  .max(2000)
  .refine((v) => {
    try {
      const u = new URL(v.replace(/\{\{[^{}]*\}\}/g, "var").replace(/\{[^{}]+\}/g, "x"));
      return u.protocol === "http:" || u.protocol === "https:" || /^\{\{/.test(v);
    } catch {
      return /^\{\{[^{}]+\}\}/.test(v); // e.g. {{BASE_URL}}/items: resolved per environment
    }
  }, "Enter an http:// or https:// URL (it may start with an environment variable such as {{BASE_URL}})");

export const ZConnectorInput = z
  .object({
    name: text(160).min(1, "Enter a name"),
    description: text(2000).default(""),
    serviceId: z.string().min(1, "Choose a service"),
    method: z.enum(METHODS),
    urlTemplate: ZUrlTemplate,
    /** "" = the service's authentication configuration. */
    authConfigId: z.string().default(""),
    headers: z.array(ZHeaderRow).max(100).default([]),
    queryParams: z.array(ZQueryParamRow).max(100).default([]),
    bodyType: z.enum(["NONE", "JSON", "FORM"]).default("NONE"),
    bodyDescription: z.string().max(100_000).default(""),
    formParams: z.array(ZFormParamRow).max(100).default([]),
    timeoutMs: z.coerce.number().int().min(1000, "At least 1 s").max(300_000, "At most 5 minutes").default(30_000),
    /** Named outputs picked from a JSON response with RFC 9535 JSONPath (SPEC §8). */
    responseMapping: ZResponseMapping.default([]),
  })
  .superRefine((v, ctx) => {
    if (v.bodyType === "JSON" && v.bodyDescription.trim() !== "") {
      try {
        JSON.parse(v.bodyDescription);
      } catch (e) {
        ctx.addIssue({ code: "custom", path: ["bodyDescription"], message: `Not valid JSON: ${(e as Error).message}` });
      }
    }
  });
export type TConnectorInput = z.infer<typeof ZConnectorInput>;
export type TConnectorFormValues = z.input<typeof ZConnectorInput>;

export const ZConnectorListQuery = z.object({
  q: z.string().trim().max(200).default(""),
  serviceId: z.string().max(100).default(""),
  sort: z.enum(["name", "-name", "created", "-created"]).default("name"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});
export type TConnectorListQuery = z.infer<typeof ZConnectorListQuery>;

/**
 * The inputs of one run of a connector: the Test dialog sends them, and so will the REST run API
 * (SPEC §8). Files of Form parameters travel beside them (multipart), not in here.
 */
export const ZRunInputs = z.object({
  pathParams: z.record(z.string().max(200), z.string().max(8000)).default({}),
  /** Repeated names allowed; a defined parameter left out gets its default value. */
  queryParams: z.array(z.tuple([z.string().max(200), z.string().max(8000)])).max(500).default([]),
  /** Header values for this run, by name: the connector's own, or extra ones. */
  headers: z.record(z.string().max(200), z.string().max(8000)).default({}),
  /** Replaces the authentication header's value for this run ("" or absent = the configuration's). */
  authHeader: z.string().max(8000).optional(),
  /** JSON text, for Body type JSON. */
  body: z.string().max(10 * 1024 * 1024).optional(),
  /** Text Form parameters, in order; names may repeat. */
  formParams: z.array(z.tuple([z.string().max(200), z.string().max(1024 * 1024)])).max(500).default([]),
});
export type TRunInputs = z.infer<typeof ZRunInputs>;

/** What the Test dialog posts: a saved connector by id, or the wizard's unsaved values. */
export const ZTestRequest = z
  .object({
    connectorId: z.string().min(1).max(100).nullable().default(null),
    connector: ZConnectorInput.optional(),
    /** The environment to run in (the header's switcher); null: No environment (the defaults). */
    environmentId: z.string().min(1).max(100).nullable().default(null),
    inputs: ZRunInputs.default(ZRunInputs.parse({})),
  })
  .refine((v) => v.connectorId !== null || v.connector !== undefined, "Give a connector id or the connector's values");
