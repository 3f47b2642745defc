import "server-only";
// Receiving at /api/hooks/<path> (SPEC §10, issue 13 item 2), on the lean server (server.ts), not
// Next's pipeline. A listener is a mailbox, not a validator: any method it allows, any content type,
// malformed bodies included, is stored; only its own settings refuse (405, 413, 401). Each message
// is committed — grouped with the others arriving meanwhile — before Patchbay answers 202 { id }.
// A path no listener has goes to the webhook subscriptions' inbound URLs (lib/events/hooks.ts).
import { randomBytes, randomUUID } from "node:crypto";
// eslint-disable-next-line no-restricted-imports -- inbound: the lean server's request and response
import type { IncomingMessage, ServerResponse } from "node:http";
import { Prisma } from "@/generated/prisma/client";
import { readBody } from "@/lib/api/body";
import { ApiError, errorBody, logFailure, toApiError } from "@/lib/api/errors";
import { writeJson } from "@/lib/api/respond";
import { TtlCache } from "@/lib/cache/ttl-cache";
import { driverErrorKind, getDb, type TTx } from "@/lib/db";
import { handleHookRequest } from "@/lib/events/hooks";
import { GroupCommit } from "@/lib/group-commit";
import { openSecret } from "@/lib/secrets";
import { sendHandOffJobs } from "./jobs";
import { redactHeaders } from "./message";
import { hookPathOf, pathKey } from "./path";
import type { TListenerMethod, TListenerTarget } from "./schema";
import { checkSender, type TSenderAuth } from "./sender-auth";
import { listenerSlot, methodsOf } from "./store";

/** What receiving needs of a listener, secrets decrypted, ≤ 5 s and dropped on a change. */
type TInbound = { id: string; enabled: boolean; methods: TListenerMethod[]; auth: TSenderAuth; sizeLimitBytes: number; target: TListenerTarget };

const byPath = new TtlCache<TInbound | null>({ dependsOn: ["listener"] });

function listenerAt(key: string): Promise<TInbound | null> {
  return byPath.get(key, async () => {
    const l = await getDb().listener.findUnique({ where: { pathKey: key }, omit: { authPassword: false, authHeaderValue: false, authSecret: false } });
    if (!l) return null;
    const open = (v: string | null, field: "authPassword" | "authHeaderValue" | "authSecret") => (v ? openSecret(v, listenerSlot(l.id, field)) : "");
    let auth: TSenderAuth;
    switch (l.authMode) {
      case "BASIC":
        auth = { mode: "BASIC", username: l.authUsername ?? "", password: open(l.authPassword, "authPassword") };
        break;
      case "SHARED_SECRET":
        auth = { mode: "SHARED_SECRET", headerName: l.authHeaderName ?? "", headerValue: open(l.authHeaderValue, "authHeaderValue") };
        break;
      case "HMAC":
        auth = { mode: "HMAC", headerName: l.authHeaderName ?? "", algorithm: l.authAlgorithm === "sha1" ? "sha1" : "sha256", encoding: l.authEncoding === "base64" ? "base64" : "hex", prefix: l.authPrefix ?? "", secret: open(l.authSecret, "authSecret") };
        break;
      case "STANDARD_WEBHOOKS":
        auth = { mode: "STANDARD_WEBHOOKS", secret: open(l.authSecret, "authSecret") };
        break;
      default:
        auth = { mode: "NONE" };
    }
    return { id: l.id, enabled: l.enabled, methods: methodsOf(l.methods), auth, sizeLimitBytes: l.sizeLimitBytes, target: l.target as TListenerTarget };
  });
}

export type TNewMessage = {
  listenerId: string;
  handOff: boolean;
  method: string;
  path: string;
  query: string;
  headers: Array<[string, string]>;
  contentType: string | null;
  body: Buffer;
  remoteAddress: string | null;
  receivedAt: Date;
};

/** Sortable (time first) and unique, like the cuids Prisma gives other rows. */
const messageId = () => `m${Date.now().toString(36).padStart(9, "0")}${randomBytes(8).toString("hex")}`;

/** Inserts messages in one statement (Prisma's createMany costs several times more per row) and sends their hand-off jobs. */
async function insertMessages(tx: TTx, messages: TNewMessage[]): Promise<string[]> {
  const ids = messages.map(() => messageId());
  const rows = messages.map(
    (m, i) =>
      Prisma.sql`(${ids[i]}, ${m.listenerId}, ${m.method}, ${m.path}, ${m.query}, ${JSON.stringify(m.headers)}, ${m.contentType}, ${m.body}, ${m.body.length}, ${m.remoteAddress}, ${m.receivedAt}, ${m.handOff ? "pending" : "stored"}, ${m.handOff ? m.receivedAt : null})`,
  );
  await tx.$executeRaw`INSERT INTO "InboundMessage" ("id", "listenerId", "method", "path", "query", "headers", "contentType", "body", "size", "remoteAddress", "receivedAt", "status", "nextAttemptAt") VALUES ${Prisma.join(rows)}`;
  await sendHandOffJobs(
    tx,
    ids.flatMap((id, i) => (messages[i]!.handOff ? [{ messageId: id, seq: 0 }] : [])),
  );
  return ids;
}

// Messages arriving together are committed together; each sender is answered after its own commit.
// Bodies add up: a group stops growing at 64 messages or 16 MB of bodies.
const intake = new GroupCommit<TNewMessage, string>(getDb, insertMessages, { maxBatch: 64, maxWeight: 16 * 1024 * 1024, weight: (m) => m.body.length });

/** Stores a message (and its hand-off job); its id once committed. */
export function storeMessage(m: TNewMessage): Promise<string> {
  return intake.submit(m);
}

const MAX_QUERY = 8192;
const MAX_HEADER_VALUE = 8192;

function answer(res: ServerResponse, status: number, body: unknown, requestId: string, headers: Record<string, string> = {}): void {
  writeJson(res, status, JSON.stringify(body), requestId, headers);
}

// Answered before the body is read: the connection closes, so Node does not read (and discard) an
// unbounded body to keep it alive.
const CLOSE = { Connection: "close" };
const isForeignKeyViolation = (e: unknown) => (!!e && typeof e === "object" && "code" in e && e.code === "P2003") || driverErrorKind(e) === "ForeignKeyConstraintViolation";

const nowhere = () => new ApiError(404, "NOT_FOUND", "Nothing receives messages at this URL.", undefined, CLOSE);

/** /api/hooks/*: a listener's path, else a webhook subscription's inbound URL. */
export async function handleInboundRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = req.url ?? "/";
  const path = hookPathOf(raw);
  let listener: TInbound | null;
  try {
    listener = path === null ? null : await listenerAt(pathKey(path));
  } catch (e) {
    listener = null;
    // The lookup failed: the database is down (503 with Retry-After, one line) or something else is wrong.
    const requestId = randomUUID();
    const err = toApiError(e);
    logFailure(`inbound message ${raw.split("?", 1)[0]}`, requestId, err, e); // never the query: it may carry a partner's token
    answer(res, err.status, errorBody(err, requestId), requestId, err.headers);
    return;
  }
  if (!listener) return handleHookRequest(req, res);
  await receive(listener, path!, req, res);
}

async function receive(listener: TInbound, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  try {
    if (!listener.enabled) throw nowhere();
    const method = (req.method ?? "").toUpperCase();
    if (!(listener.methods as string[]).includes(method)) {
      throw new ApiError(405, "METHOD_NOT_ALLOWED", `This URL takes ${listener.methods.join(", ")}.`, undefined, { Allow: listener.methods.join(", "), ...CLOSE });
    }
    const body = await readBody(req, listener.sizeLimitBytes);
    if (!checkSender(listener.auth, { headers: req.headers, body })) throw new ApiError(401, "UNAUTHENTICATED", "The request could not be authenticated.");
    const headers: Array<[string, string]> = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!.toLowerCase(), req.rawHeaders[i + 1]!.slice(0, MAX_HEADER_VALUE)]);
    const q = (req.url ?? "").indexOf("?");
    const id = await storeMessage({
      listenerId: listener.id,
      handOff: listener.target !== "STORE",
      method,
      path,
      query: q < 0 ? "" : (req.url ?? "").slice(q + 1).split("#", 1)[0]!.slice(0, MAX_QUERY),
      headers: redactHeaders(headers, listener.auth.mode === "SHARED_SECRET" || listener.auth.mode === "HMAC" ? { mode: listener.auth.mode, headerName: listener.auth.headerName } : { mode: listener.auth.mode }),
      contentType: req.headers["content-type"]?.slice(0, 200) ?? null,
      body,
      remoteAddress: req.socket.remoteAddress ?? null,
      receivedAt: new Date(),
    });
    answer(res, 202, { id }, requestId);
  } catch (e) {
    // The listener was deleted while its message waited for its group (no such listener row).
    const err = isForeignKeyViolation(e) ? nowhere() : toApiError(e);
    logFailure(`inbound message ${(req.url ?? "").split("?", 1)[0]}`, requestId, err, e); // never the query: it may carry a partner's token
    answer(res, err.status, errorBody(err, requestId), requestId, err.headers);
  }
}
