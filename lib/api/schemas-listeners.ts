// Request and response shapes of the listener endpoints of /api/v1 (SPEC §10, issue 13 item 6), for
// the handlers and the OpenAPI document (the API tests check real answers against them). Secrets of
// sender authentication and the forward's signing key are never part of a shape. Pure.
import { z } from "zod";
import { MESSAGE_STATUSES } from "@/lib/listeners/queries";
import { LISTENER_METHODS, LISTENER_TARGETS, SENDER_AUTH_MODES } from "@/lib/listeners/schema";
import { ZPageQuery } from "./schemas";

const isoDate = z.iso.datetime({ offset: true }).describe("ISO 8601 date and time");
const nextCursor = z.string().nullable().describe("Pass as cursor to get the next page; null on the last page");

export const ZListenersQuery = ZPageQuery;

export const ZMessagesQuery = ZPageQuery.extend({
  status: z.enum(MESSAGE_STATUSES, { error: `status must be one of ${MESSAGE_STATUSES.join(", ")}` }).optional().describe("Only messages in this status"),
});

export const ZListener = z.object({
  id: z.string(),
  name: z.string(),
  path: z.string().describe("Under /api/hooks/"),
  url: z.string().describe("Where senders send their messages"),
  methods: z.array(z.enum(LISTENER_METHODS)),
  enabled: z.boolean().describe("A disabled listener's URL answers 404"),
  senderAuthentication: z.enum(SENDER_AUTH_MODES).describe("How senders are checked; the secrets are never returned"),
  sizeLimitBytes: z.number().int(),
  target: z.enum(LISTENER_TARGETS).describe("STORE: kept only; FORWARD: POSTed to callbackUrl; CONNECTOR: run into connectorId"),
  callbackUrl: z.string().nullable(),
  signed: z.boolean().describe("Forwards carry Standard Webhooks signatures"),
  connectorId: z.string().nullable(),
  environmentId: z.string().nullable(),
  retentionDays: z.number().int(),
  messages24h: z.number().int().describe("Messages received in the last 24 hours"),
  lastReceivedAt: isoDate.nullable(),
  failing: z.number().int().describe("Messages whose hand-off is retrying, failed or dead-lettered"),
});

export const ZListenersPage = z.object({ items: z.array(ZListener), nextCursor });

export const ZMessageSummary = z.object({
  id: z.string().describe("The id answered with the 202; also the webhook-id of forwards"),
  listenerId: z.string(),
  method: z.string(),
  path: z.string(),
  query: z.string().describe('The raw query string, without "?"'),
  contentType: z.string().nullable(),
  size: z.number().int().describe("Body size in bytes"),
  remoteAddress: z.string().nullable(),
  receivedAt: isoDate,
  status: z.enum(MESSAGE_STATUSES).describe("stored: Store only; pending/retrying: being handed on; delivered: handed on; failed: the connector run failed; dead: every forward attempt failed"),
  attemptCount: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastAttemptAt: isoDate.nullable(),
  nextAttemptAt: isoDate.nullable(),
  lastError: z.string().nullable(),
  handedOnAt: isoDate.nullable(),
});

export const ZMessagesPage = z.object({ items: z.array(ZMessageSummary), nextCursor });

export const ZMessageDetail = ZMessageSummary.extend({
  headers: z.array(z.tuple([z.string(), z.string()])).describe("As received, names lower-case; credentials [redacted]"),
  body: z.string().describe("The body as text when it is valid UTF-8, else base64 (see bodyEncoding)"),
  bodyEncoding: z.enum(["utf8", "base64"]),
  result: z.object({ status: z.number().int().nullable(), outputs: z.record(z.string(), z.unknown()).nullable(), error: z.string().nullable() }).nullable().describe("Run a connector: the last run's status, mapped outputs or error"),
  attempts: z.array(
    z.object({ number: z.number().int(), at: isoDate, statusCode: z.number().int().nullable(), durationMs: z.number().int(), error: z.string().nullable(), responseExcerpt: z.string().nullable() }),
  ),
});
