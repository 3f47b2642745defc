import "server-only";
// Inbound URL of webhook subscriptions (SPEC §9, issue 12 item 4): POST /api/hooks/{subscriptionId},
// answered by the lean server (server.ts), not Next's pipeline. Unauthenticated by design (SPEC
// §11): the subscription's own sender check decides. Each accepted message is committed as an event,
// with its delivery job, before the 202 — a message that got 202 is never lost.
import { randomUUID } from "node:crypto";
// eslint-disable-next-line no-restricted-imports -- inbound: the lean server's request and response
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "@/lib/api/body";
import { ApiError, errorBody, logFailure, toApiError } from "@/lib/api/errors";
import { writeJson } from "@/lib/api/respond";
import { TtlCache } from "@/lib/cache/ttl-cache";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { openSecret } from "@/lib/secrets";
import { GroupCommit } from "@/lib/group-commit";
import { storeEvents, type TNewEvent } from "./poll";
import type { TVerifyMode } from "./schema";
import { subscriptionSlot } from "./store";
import { hmacMatches, standardWebhookMatches } from "./verify";

export const HOOKS_PREFIX = "/api/hooks/";
/** The resource name of webhook events ("webhook.received"). */
export const WEBHOOK_RESOURCE = "webhook";

type TInbound = { id: string; held: boolean; verifyMode: TVerifyMode; verifyHeader: string | null; verifySecret: string | null };

// The inbound side of a webhook subscription, secret decrypted, ≤ 5 s and dropped on a change.
const inbound = new TtlCache<TInbound | null>({ dependsOn: ["subscription"], keyKind: "subscription" });

function inboundOf(id: string): Promise<TInbound | null> {
  return inbound.get(id, async () => {
    const s = await getDb().eventSubscription.findUnique({
      where: { id },
      select: { id: true, type: true, paused: true, deliveryDisabledReason: true, verifyMode: true, verifyHeader: true, verifySecret: true },
    });
    // Paused: the vendor gets 404, as for a URL that does not exist (it will usually retry later).
    if (!s || s.type !== "WEBHOOK" || s.paused) return null;
    return {
      id: s.id,
      held: s.deliveryDisabledReason !== null,
      verifyMode: s.verifyMode as TVerifyMode,
      verifyHeader: s.verifyHeader,
      verifySecret: s.verifySecret ? openSecret(s.verifySecret, subscriptionSlot(s.id, "verifySecret")) : null,
    };
  });
}

function answer(res: ServerResponse, status: number, body: unknown, requestId: string, headers: Record<string, string> = {}): void {
  writeJson(res, status, JSON.stringify(body), requestId, headers);
}

function verified(sub: TInbound, body: Buffer, headers: IncomingMessage["headers"]): boolean {
  switch (sub.verifyMode) {
    case "NONE":
      return true;
    case "HMAC_SHA256": {
      const v = headers[(sub.verifyHeader ?? "").toLowerCase()];
      return sub.verifySecret !== null && hmacMatches(body, Array.isArray(v) ? v[0] : v, { algorithm: "sha256", secret: sub.verifySecret });
    }
    case "STANDARD_WEBHOOKS":
      return sub.verifySecret !== null && standardWebhookMatches(body, headers, sub.verifySecret);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The event's data: a JSON body as it came; anything else (XML, form, text, binary) as
 * `{ contentType, text }` or `{ contentType, base64 }`.
 */
export function webhookData(body: Buffer, contentType: string): { json: string } | { data: unknown } {
  let text: string | null = null;
  try {
    text = utf8.decode(body);
  } catch {
    return { data: { contentType, base64: body.toString("base64") } };
  }
  if (text.trim() !== "") {
    try {
      JSON.parse(text);
      return { json: text };
    } catch {
      // not JSON: kept as text below
    }
  }
  return { data: { contentType, text } };
}

export type TWebhookEvent = { subscriptionId: string; held: boolean; event: TNewEvent };

// Messages arriving together are committed together (each answered after its commit).
const intake = new GroupCommit<TWebhookEvent, string>(getDb, async (tx, items) => {
  const ids: string[] = new Array(items.length);
  const groups = new Map<string, number[]>();
  items.forEach((m, i) => {
    const key = `${m.subscriptionId}:${m.held}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const at of groups.values()) {
    const { subscriptionId, held } = items[at[0]!]!;
    const made = await storeEvents(tx, subscriptionId, WEBHOOK_RESOURCE, at.map((i) => items[i]!.event), held);
    at.forEach((i, k) => (ids[i] = made[k]!));
  }
  return ids;
});

/** Stores a received message as an event (with its delivery job); its id once committed. */
export function storeWebhookEvent(m: TWebhookEvent): Promise<string> {
  return intake.submit(m);
}

export async function handleHookRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  try {
    // The raw path, not a parsed URL: a parser would resolve dot segments (also encoded ones) onto
    // another path. Subscription ids are cuids: anything else (encoded characters, more segments) matches nothing.
    const path = (req.url ?? "/").split("?", 1)[0]!;
    const id = path.startsWith(HOOKS_PREFIX) ? path.slice(HOOKS_PREFIX.length) : "";
    const sub = /^[a-z0-9]{1,64}$/.test(id) ? await inboundOf(id) : null;
    // Answered before the body is read: the connection closes, so Node does not read (and discard)
    // an unbounded body to keep it alive.
    if (!sub) throw new ApiError(404, "NOT_FOUND", "Nothing receives messages at this URL.", undefined, { Connection: "close" });
    if (req.method !== "POST") throw new ApiError(405, "METHOD_NOT_ALLOWED", "Send the message with POST.", undefined, { Allow: "POST", Connection: "close" });
    const body = await readBody(req, env().PATCHBAY_HOOK_MAX_BYTES);
    if (!verified(sub, body, req.headers)) throw new ApiError(401, "UNAUTHENTICATED", "The message's signature could not be verified.");
    const contentType = (req.headers["content-type"] ?? "").slice(0, 200);
    const data = webhookData(body, contentType);
    const webhookId = req.headers["webhook-id"];
    const itemId = typeof webhookId === "string" && webhookId.length <= 200 ? webhookId : null;
    const eventId = await storeWebhookEvent({ subscriptionId: sub.id, held: sub.held, event: { type: "RECEIVED", itemId, occurredAt: new Date(), ...data } });
    answer(res, 202, { id: eventId }, requestId);
  } catch (e) {
    const err = toApiError(e);
    logFailure(`inbound hook ${(req.url ?? "").split("?", 1)[0]}`, requestId, err, e); // never the query: it may carry a vendor's token
    answer(res, err.status, errorBody(err, requestId), requestId, err.headers);
  }
}
