// Request and response shapes of the events endpoints of /api/v1 (SPEC §9, issue 12 item 7): the
// query strings the handlers validate with, and the answers for the OpenAPI document (the API tests
// check real answers against them). Secrets are never part of a shape: a subscription says only
// whether it signs (`signed`). Pure.
import { z } from "zod";
import { MAX_JSON_DEPTH } from "@/lib/connectors/json-depth";
import { PAYLOAD_CAP } from "@/lib/events/payload";
import { DELIVERY_STATUSES, EVENT_TYPES, SUBSCRIPTION_TYPES } from "@/lib/events/schema";
import { ZPageQuery } from "./schemas";

const isoDate = z.iso.datetime({ offset: true }).describe("ISO 8601 date and time");
const nextCursor = z.string().nullable().describe("Pass as cursor to get the next page; null on the last page");

/** The statuses lib/events/store.ts's statusOf gives, in its words. */
export const SUBSCRIPTION_STATUSES = ["Active", "Paused", "Failing", "Delivery stopped"] as const;

export const ZSubscriptionsQuery = ZPageQuery;

export const ZEventsQuery = ZPageQuery.extend({
  type: z.enum(EVENT_TYPES, { error: `type must be one of ${EVENT_TYPES.join(", ")}` }).optional().describe("Only events of this type"),
  status: z.enum(DELIVERY_STATUSES, { error: `status must be one of ${DELIVERY_STATUSES.join(", ")}` }).optional().describe("Only events in this delivery status"),
});

const ZResourceView = z.object({
  name: z.string().describe('Used in event types: "<name>.created"'),
  url: z.string().describe("May contain ${gmtDate:<Java pattern>} (the previous successful poll, in GMT) and {{VAR}} (an environment variable)"),
  idField: z.string(),
  itemsPath: z.string().describe('RFC 9535 JSONPath to the items; "" when the response is the array'),
  updatedDateField: z.string(),
  updatedDateFormat: z.string().describe('A Java DateTimeFormatter pattern, or "epoch" / "epochMillis"; "" without a field'),
  updatedDateTimeZone: z.string(),
  createdDateField: z.string(),
  createdDateFormat: z.string(),
  createdDateTimeZone: z.string(),
});

export const ZSubscription = z.object({
  id: z.string(),
  name: z.string(),
  serviceId: z.string(),
  serviceName: z.string(),
  type: z.enum(SUBSCRIPTION_TYPES),
  environmentId: z.string().nullable().describe("null: the service configuration's defaults"),
  environmentName: z.string().nullable(),
  status: z.enum(SUBSCRIPTION_STATUSES).describe(`"Failing" after several failed polls in a row (consecutiveFailures); "Delivery stopped" after a callback answered 410 Gone (see deliveryDisabledReason)`),
  callbackUrl: z.string().describe("Where events are POSTed"),
  signed: z.boolean().describe("A signature key is set: deliveries carry webhook-id, webhook-timestamp and webhook-signature (Standard Webhooks). The key itself is never returned"),
  refreshMinutes: z.number().int().nullable().describe("Polling: minutes between polls; null for a webhook subscription"),
  resources: z.array(ZResourceView).describe("Polling: what is polled; empty for a webhook subscription"),
  hookUrl: z.string().nullable().describe("Webhook: the inbound URL to register at the sender; null for a polling subscription"),
  lastPollAt: isoDate.nullable(),
  lastPollError: z.string().nullable().describe("Why the last poll failed; null when it succeeded"),
  consecutiveFailures: z.number().int().describe("Failed polls in a row"),
  events24h: z.number().int().describe("Events stored in the last 24 hours"),
  failingDeliveries: z.number().int().describe("Events whose delivery is retrying or dead-lettered"),
  deliveryDisabledReason: z.string().nullable().describe("Set when a callback answered 410 Gone: deliveries wait (held) until delivery is enabled again in the app"),
});

export const ZSubscriptionsPage = z.object({ items: z.array(ZSubscription), nextCursor });

export const ZEventSummary = z.object({
  id: z.string().describe("Also the webhook-id of every delivery attempt of this event"),
  subscriptionId: z.string(),
  type: z.enum(EVENT_TYPES).describe("RECEIVED: a message to a webhook subscription"),
  eventType: z.string().describe('The delivery\'s type: "<resource>.created", "<resource>.updated", "<resource>.received"'),
  resource: z.string(),
  itemId: z.string().nullable(),
  occurredAt: isoDate,
  createdAt: isoDate.describe("When the event was stored"),
  deliveryStatus: z.enum(DELIVERY_STATUSES).describe("held: stored, not sent (subscription paused or delivery stopped); dead: every attempt failed"),
  attemptCount: z.number().int().describe("Delivery attempts made, over every round"),
  lastStatusCode: z.number().int().nullable().describe("The callback's status code on the last attempt; null without an answer"),
  lastAttemptAt: isoDate.nullable(),
  nextAttemptAt: isoDate.nullable().describe("When the next attempt is due, while pending or retrying"),
  lastError: z.string().nullable(),
  deliveredAt: isoDate.nullable(),
});

export const ZEventsPage = z.object({ items: z.array(ZEventSummary), nextCursor });

export const ZDeliveryAttempt = z.object({
  number: z.number().int().describe("1 for the event's first attempt"),
  at: isoDate,
  statusCode: z.number().int().nullable().describe("null: no answer (timeout, connection error, blocked)"),
  durationMs: z.number().int(),
  error: z.string().nullable(),
  responseExcerpt: z.string().nullable().describe("The callback's answer as text, at most 4 KB"),
});

export const ZEventDetail = ZEventSummary.extend({
  subscriptionName: z.string(),
  data: z.unknown().describe("The event's data as delivered: the polled item, or the webhook message (a JSON body as sent; anything else as { contentType, text } or { contentType, base64 }). null when dataTruncated"),
  dataTruncated: z.boolean().describe(`The payload was over ${PAYLOAD_CAP / 1024 / 1024} MiB and was cut: data is null, and so it is in the delivery`),
  dataAsText: z.boolean().describe(`The payload nests deeper than ${MAX_JSON_DEPTH} levels: data is its JSON text, as a string`),
  attempts: z.array(ZDeliveryAttempt).describe("Every delivery attempt, oldest first"),
});

export const ZPollResult = z.object({
  committed: z.boolean().describe("The poll's events, ledger and cursors were recorded; false when another poll was recorded while this one ran, or the subscription changed (see reason)"),
  events: z.number().int().describe("Events emitted (0 when not committed)"),
  resources: z.array(
    z.object({
      resource: z.string(),
      items: z.number().int().describe("Items read"),
      events: z.number().int(),
      pages: z.number().int().describe("Pages fetched (Link rel=next followed up to the page limit)"),
      stoppedAtPageLimit: z.boolean().describe("More pages were announced after the page limit"),
      error: z.string().nullable().describe("Why this resource failed: nothing was emitted for it and its cursor did not move"),
    }),
  ),
  reason: z.string().nullable().describe("Why nothing was recorded, when committed is false"),
});

export const ZRedeliverResponse = z.object({
  id: z.string().describe("The event"),
  deliveryStatus: z.literal("pending"),
});
