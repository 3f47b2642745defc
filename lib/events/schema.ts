// Event subscriptions (SPEC §9, seed 004): the zod schemas shared by the form and the server. Pure
// and light (the subscription form loads it): the checks that need the date library — date
// patterns, time zones, ${gmtDate:…} placeholders — run on the server (validate.ts) and come back
// as field errors with the same keys ("resources.0.updatedDateFormat").
import { z } from "zod";
import { jsonPathProblem } from "@/lib/connectors/mapping";

export const SUBSCRIPTION_TYPES = ["POLLING", "WEBHOOK"] as const;
export type TSubscriptionType = (typeof SUBSCRIPTION_TYPES)[number];
export const SUBSCRIPTION_TYPE_LABELS: Record<TSubscriptionType, string> = { POLLING: "Polling", WEBHOOK: "Webhook" };

export const VERIFY_MODES = ["NONE", "HMAC_SHA256", "STANDARD_WEBHOOKS"] as const;
export type TVerifyMode = (typeof VERIFY_MODES)[number];
export const VERIFY_MODE_LABELS: Record<TVerifyMode, string> = {
  NONE: "None",
  HMAC_SHA256: "HMAC-SHA256 of the body",
  STANDARD_WEBHOOKS: "Standard Webhooks",
};

export const EVENT_TYPES = ["CREATED", "UPDATED", "RECEIVED"] as const;
export type TEventType = (typeof EVENT_TYPES)[number];

export const DELIVERY_STATUSES = ["pending", "retrying", "delivered", "dead", "held"] as const;
export type TDeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const DELIVERY_STATUS_LABELS: Record<TDeliveryStatus, string> = {
  pending: "Pending",
  retrying: "Retrying",
  delivered: "Delivered",
  dead: "Dead letter",
  held: "Held",
};

/** Resource names are used in event types ("<resource>.created"): no spaces or dots. */
export const RESOURCE_NAME = /^[A-Za-z0-9_-]+$/;
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export const MAX_RESOURCES = 50;
export const MAX_PAGE_LIMIT = 100;
export const DEFAULT_PAGE_LIMIT = 10;

const optionalText = (max: number) => z.string().trim().max(max, `At most ${max} characters`).default("");

function httpUrlProblem(value: string): string | null {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return "Enter an absolute URL, like https://api.example.com/items";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return "Use an http or https URL";
  if (u.username || u.password) return "Put credentials in the service's authentication configuration, not in the URL";
  return null;
}

export const ZResource = z.object({
  name: z.string().trim().min(1, "Enter the resource name").max(60, "At most 60 characters").regex(RESOURCE_NAME, "Use letters, digits, - and _"),
  /** A full URL; may contain ${gmtDate:<pattern>} and {{VAR}} (checked when the URL is built). */
  url: z
    .string()
    .trim()
    .min(1, "Enter the URL")
    .max(2000, "At most 2000 characters")
    .superRefine((v, ctx) => {
      // Placeholders are expanded before the request is built: check the URL with them taken out.
      // A URL may start with a variable ({{BASE_URL}}/items, as connectors use it): its value is checked when the URL is built.
      const problem = httpUrlProblem(v.replace(/^\{\{[^{}]*\}\}/, "https://base.invalid").replace(/\$\{gmtDate:[^}]*\}/g, "x").replace(/\{\{[^{}]*\}\}/g, "x"));
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  idField: z.string().trim().min(1, "Enter the ID field").max(200, "At most 200 characters"),
  /** RFC 9535 JSONPath to the items; "" = the response is the array. */
  itemsPath: optionalText(1000).superRefine((v, ctx) => {
    const problem = v ? jsonPathProblem(v) : null;
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  updatedDateField: optionalText(200),
  updatedDateFormat: optionalText(200),
  updatedDateTimeZone: optionalText(100),
  createdDateField: optionalText(200),
  createdDateFormat: optionalText(200),
  createdDateTimeZone: optionalText(100),
});
export type TResource = z.infer<typeof ZResource>;

export const ZSubscriptionInput = z
  .object({
    name: z.string().trim().min(1, "Enter a name").max(120, "At most 120 characters"),
    serviceId: z.string().trim().min(1, "Choose a service").max(100),
    /** "" = the configuration's defaults. */
    environmentId: z.string().trim().max(100).default(""),
    type: z.enum(SUBSCRIPTION_TYPES, { message: "Choose Polling or Webhook" }),
    callbackUrl: z
      .string()
      .trim()
      .min(1, "Enter the callback URL")
      .max(2000, "At most 2000 characters")
      .superRefine((v, ctx) => {
        const problem = httpUrlProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    /**
     * Write-only: "" keeps the stored key (none on create); a whsec_ key sets it (the form's
     * Generate fills one in). Removing it is `removeSigningKey`.
     */
    signingKey: z.string().trim().max(200).default(""),
    removeSigningKey: z.boolean().default(false),
    refreshMinutes: z.coerce.number({ message: "Enter a number of minutes" }).int("Whole minutes").min(1, "At least 1 minute").max(10_080, "At most a week (10080)").optional(),
    emitExisting: z.boolean().default(false),
    pageLimit: z.coerce.number({ message: "Enter a number" }).int("A whole number").min(1, "At least 1").max(MAX_PAGE_LIMIT, `At most ${MAX_PAGE_LIMIT}`).default(DEFAULT_PAGE_LIMIT),
    resources: z.array(ZResource).max(MAX_RESOURCES, `At most ${MAX_RESOURCES} resources`).default([]),
    verifyMode: z.enum(VERIFY_MODES).default("NONE"),
    verifyHeader: optionalText(100),
    /** Write-only: "" keeps the stored secret. */
    verifySecret: z.string().trim().max(500).default(""),
  })
  .superRefine((v, ctx) => {
    if (v.type === "POLLING") {
      if (v.refreshMinutes === undefined) ctx.addIssue({ code: "custom", path: ["refreshMinutes"], message: "Enter the refresh interval in minutes" });
      if (v.resources.length === 0) ctx.addIssue({ code: "custom", path: ["resources"], message: "Add at least one resource" });
      const seen = new Set<string>();
      v.resources.forEach((r, i) => {
        if (seen.has(r.name)) ctx.addIssue({ code: "custom", path: ["resources", i, "name"], message: `${r.name} is given twice` });
        seen.add(r.name);
        for (const kind of ["updated", "created"] as const) {
          const field = r[`${kind}DateField`];
          const format = r[`${kind}DateFormat`];
          if (field && !format) ctx.addIssue({ code: "custom", path: ["resources", i, `${kind}DateFormat`], message: "Enter the date format (a Java pattern, or epoch / epochMillis)" });
          if (!field && format) ctx.addIssue({ code: "custom", path: ["resources", i, `${kind}DateField`], message: "Enter the date field, or leave the format empty" });
        }
      });
    }
    if (v.type === "WEBHOOK" && v.verifyMode === "HMAC_SHA256") {
      if (!v.verifyHeader) ctx.addIssue({ code: "custom", path: ["verifyHeader"], message: "Enter the header that carries the signature" });
      else if (!HEADER_NAME.test(v.verifyHeader)) ctx.addIssue({ code: "custom", path: ["verifyHeader"], message: "Not a valid header name" });
    }
  });
export type TSubscriptionInput = z.infer<typeof ZSubscriptionInput>;
export type TSubscriptionFormValues = z.input<typeof ZSubscriptionInput>;

export const ZEventFilter = z.object({
  type: z.enum(EVENT_TYPES).optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
});
