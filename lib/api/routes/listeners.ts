import "server-only";
// GET /api/v1/listeners, GET /api/v1/listeners/{id}/messages and
// GET /api/v1/listeners/{id}/messages/{messageId} (SPEC §10, issue 13 item 6): a system can pull
// what arrived. The same lib/listeners store and queries as the Listeners pages; no secret reaches
// an answer.
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { getMessage, listMessages, type TMessageRow } from "@/lib/listeners/queries";
import { listenerExists, listListeners, type TListenerDetail } from "@/lib/listeners/store";
import type { TRoute } from "../context";
import { decodeCursor, pageOf } from "../paging";
import { ZListener, ZListenersPage, ZListenersQuery, ZMessageDetail, ZMessagesPage, ZMessagesQuery } from "../schemas-listeners";

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const listenerNotFound = () => new AppError("NOT_FOUND", "No listener has this id.");
const utf8 = new TextDecoder("utf-8", { fatal: true });

function listenerView(l: TListenerDetail): z.infer<typeof ZListener> {
  return {
    id: l.id,
    name: l.name,
    path: l.path,
    url: l.url,
    methods: l.methods,
    enabled: l.enabled,
    senderAuthentication: l.auth.mode,
    sizeLimitBytes: l.sizeLimitBytes,
    target: l.target,
    callbackUrl: l.callbackUrl,
    signed: l.hasSigningKey,
    connectorId: l.connectorId,
    environmentId: l.environmentId,
    retentionDays: l.retentionDays,
    messages24h: l.messages24h,
    lastReceivedAt: iso(l.lastReceivedAt),
    failing: l.failing,
  };
}

function messageView(m: TMessageRow): z.infer<typeof ZMessagesPage>["items"][number] {
  return {
    id: m.id,
    listenerId: m.listenerId,
    method: m.method,
    path: m.path,
    query: m.query,
    contentType: m.contentType,
    size: m.size,
    remoteAddress: m.remoteAddress,
    receivedAt: m.receivedAt.toISOString(),
    status: m.status,
    attemptCount: m.attemptCount,
    lastStatusCode: m.lastStatusCode,
    lastAttemptAt: iso(m.lastAttemptAt),
    nextAttemptAt: iso(m.nextAttemptAt),
    lastError: m.lastError,
    handedOnAt: iso(m.handedOnAt),
  };
}

/** The body as text when it is UTF-8, else base64. */
function bodyOf(body: Buffer): { body: string; bodyEncoding: "utf8" | "base64" } {
  try {
    return { body: utf8.decode(body), bodyEncoding: "utf8" };
  } catch {
    return { body: body.toString("base64"), bodyEncoding: "base64" };
  }
}

export const listenerRoutes: TRoute[] = [
  {
    method: "GET",
    path: "/listeners",
    role: "MEMBER",
    query: ZListenersQuery,
    doc: {
      summary: "List listeners",
      description: "Inbound HTTP listeners in name order, with their URL, target and message figures. Secrets of sender authentication and signing keys are never returned.",
      tags: ["Listeners"],
      response: ZListenersPage,
    },
    handler: async ({ query }) => {
      const q = query as z.infer<typeof ZListenersQuery>;
      const after = q.cursor ? decodeCursor(q.cursor) : null;
      const sorted = (await listListeners()).sort((a, b) => cmp(a.name, b.name) || cmp(a.id, b.id));
      const rest = after ? sorted.filter((r) => r.name > after.k || (r.name === after.k && r.id > after.id)) : sorted;
      const page = pageOf(rest.slice(0, q.limit + 1), q.limit, (r) => r.name);
      return { body: { items: page.items.map(listenerView), nextCursor: page.nextCursor } };
    },
  },
  {
    method: "GET",
    path: "/listeners/{id}/messages",
    role: "MEMBER",
    query: ZMessagesQuery,
    doc: {
      summary: "List a listener's messages",
      description: "Newest first, without bodies (see GET /listeners/{id}/messages/{messageId}).",
      tags: ["Listeners"],
      response: ZMessagesPage,
    },
    handler: async ({ params, query }) => {
      const q = query as z.infer<typeof ZMessagesQuery>;
      if (!(await listenerExists(params.id))) throw listenerNotFound();
      const page = await listMessages(params.id, { status: q.status, limit: q.limit, cursor: q.cursor });
      return { body: { items: page.items.map(messageView), nextCursor: page.nextCursor } };
    },
  },
  {
    method: "GET",
    path: "/listeners/{id}/messages/{messageId}",
    role: "MEMBER",
    doc: {
      summary: "Get a message with its body",
      description: "The message as received (headers with credentials redacted), its body as text when it is UTF-8 and as base64 otherwise, and its hand-off attempts.",
      tags: ["Listeners"],
      response: ZMessageDetail,
    },
    handler: async ({ params }) => {
      const m = await getMessage(params.messageId);
      if (!m || m.listenerId !== params.id) throw new AppError("NOT_FOUND", "This listener has no message with this id.");
      return {
        body: {
          ...messageView(m),
          headers: m.headers,
          ...bodyOf(m.body),
          result: m.result,
          attempts: m.attempts.map((a) => ({ number: a.number, at: a.at.toISOString(), statusCode: a.statusCode, durationMs: a.durationMs, error: a.error, responseExcerpt: a.responseExcerpt })),
        },
      };
    },
  },
];
