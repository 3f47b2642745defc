import "server-only";
// One poll of a polling subscription (SPEC §9, seed 004; issue 12 item 3). The scheduled chain
// (worker.ts) and Poll now run the same function, on the same ledger:
//
// 1. Read the subscription's state (ledger version, cursors). 2. For each resource, GET its URL —
// ${gmtDate:…} expanded with the resource's previous successful poll (first poll: when the
// subscription was enabled), {{VAR}} from the subscription's environment — through the one request
// path with the service's configuration in that environment, following Link rel="next" up to the
// page limit; pick the items (Items path); diff them against the ledger (diff.ts). 3. Commit the
// events, their delivery jobs, the ledger entries and the new cursors in one transaction, only if
// no other poll committed since step 1 (the version check) — so two polls at once (a scheduled one
// and Poll now, or two processes) never emit the same change twice. A resource that failed keeps
// its cursor and ledger; its reason is shown on the subscription.
import { query, type JsonValue } from "jsonpath-rfc9535";
import { audit, type TActor } from "@/lib/audit";
import { strategyFor, tlsFor } from "@/lib/auth-configs/runtime";
import { getDb, type TTx } from "@/lib/db";
import { effectiveConfig, environmentRuntime, type TEnvironmentRuntime } from "@/lib/environments/runtime";
import { AppError, isAppError } from "@/lib/errors";
import { buildRequest } from "@/lib/http/build-request";
import { DEFAULT_MAX_BYTES, sendRequest } from "@/lib/http/execute";
import { maskValues } from "@/lib/http/request-parts";
import type { TAuthStrategy, TTlsOptions } from "@/lib/http/types";
import { diffPoll, readField, readItemId, type TDiffEvent, type TLedgerEntry } from "./diff";
import { expandGmtDate, parseItemDate } from "./gmt-date";
import { sendDeliverJobs, sendPollJobs } from "./jobs";
import type { TResource } from "./schema";
import { notFound, resourcesOf } from "./store";
import { capPayload } from "./payload";
import { Stragglers } from "@/lib/jobs/stragglers";

const POLL_TIMEOUT_MS = 30_000;
const LEDGER_CHUNK = 500;

export type TPollResourceResult = {
  resource: string;
  items: number;
  events: number;
  pages: number;
  /** More pages were announced after the page limit. */
  stoppedAtPageLimit: boolean;
  error: string | null;
};

export type TPollResult = {
  /** The poll's writes were committed (false: another poll committed first, or the subscription changed). */
  committed: boolean;
  events: number;
  resources: TPollResourceResult[];
  /** Why nothing was recorded, when committed is false. */
  reason: string | null;
};

type TResourceState = { cursor: string | null; lastSuccessAt: string };
type TPollState = Record<string, TResourceState>;

type TPollContext = { auth: TAuthStrategy; tls: TTlsOptions | undefined; environment: TEnvironmentRuntime | null; pageLimit: number; signal?: AbortSignal };

type TFetched = { items: unknown[]; pages: number; stoppedAtPageLimit: boolean };

type TResourceOutcome =
  | { ok: true; resource: TResource; fetched: TFetched; events: TDiffEvent[]; ledger: Map<string, TLedgerEntry>; known: Set<string>; cursor: Date | null }
  | { ok: false; resource: TResource; error: string; fetched?: TFetched };

/** Observers of poll starts (lateness against the scheduled time), for the benchmark. */
const KEY = Symbol.for("patchbay.events.pollObservers");
const g = globalThis as unknown as { [KEY]?: Set<(lateMs: number) => void> };
export function observePollLateness(fn: (lateMs: number) => void): () => void {
  const set = (g[KEY] ??= new Set());
  set.add(fn);
  return () => set.delete(fn);
}

/** The `rel="next"` target of a Link header (RFC 8288), resolved against the response URL. */
export function nextLink(header: string | undefined, base: string): string | null {
  if (!header) return null;
  for (const m of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]*)*)/g)) {
    const params = m[2] ?? "";
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const values = (rel?.[1] ?? rel?.[2] ?? "").toLowerCase().split(/\s+/);
    if (values.includes("next")) {
      try {
        return new URL(m[1]!, base).href;
      } catch {
        throw new AppError("VALIDATION", "The Link header's next page is not a valid URL.");
      }
    }
  }
  return null;
}

/** The items of one page: the top-level array, or what the Items path selects. */
export function itemsOf(body: unknown, itemsPath: string): unknown[] {
  if (!itemsPath) {
    if (!Array.isArray(body)) throw new AppError("VALIDATION", "The response is not a JSON array: set Items path to where the items are (for example $.data).");
    return body;
  }
  const nodes = query(body as JsonValue, itemsPath);
  if (nodes.length === 1 && Array.isArray(nodes[0])) return nodes[0];
  if (nodes.length > 0) return nodes;
  // "$.data[*]" on an empty array selects nothing, and that is an empty page, not a wrong path.
  const parent = /(?:\[\*\]|\.\*)$/.test(itemsPath) ? itemsPath.replace(/(?:\[\*\]|\.\*)$/, "") : null;
  if (parent && parent !== "$") {
    const p = query(body as JsonValue, parent);
    if (p.length === 1 && p[0] !== null && typeof p[0] === "object") return [];
  }
  throw new AppError("VALIDATION", `The items path ${itemsPath} selects nothing in the response.`);
}

async function fetchResource(r: TResource, previousPoll: Date, ctx: TPollContext): Promise<TFetched> {
  const url = expandGmtDate(r.url, previousPoll);
  let req = buildRequest(
    { method: "GET", urlTemplate: url, headers: [{ name: "Accept", value: "application/json" }], queryParams: [], bodyType: "NONE", formParams: [] },
    { variables: ctx.environment?.variables ?? {}, environmentName: ctx.environment?.name ?? null },
  );
  const items: unknown[] = [];
  const seenPages = new Set<string>();
  for (let page = 1; ; page++) {
    seenPages.add(req.url);
    const res = await sendRequest(req, { auth: ctx.auth, tls: ctx.tls, timeoutMs: POLL_TIMEOUT_MS, maxResponseBytes: DEFAULT_MAX_BYTES, signal: ctx.signal });
    const where = page > 1 ? ` (page ${page})` : "";
    if (res.status < 200 || res.status > 299) {
      const excerpt = res.body.subarray(0, 300).toString("utf8").replace(/\s+/g, " ").trim();
      throw new AppError("VALIDATION", `The API answered HTTP ${res.status}${where}${excerpt ? `: ${excerpt}` : ""}`);
    }
    if (res.truncated) throw new AppError("VALIDATION", `The response${where} is larger than ${DEFAULT_MAX_BYTES / 1024 / 1024} MB.`);
    let body: unknown;
    try {
      // RFC 8259 §8.1: a byte order mark may be ignored.
      body = JSON.parse(res.body.toString("utf8").replace(/^\uFEFF/, ""));
    } catch {
      const type = res.headers.find(([n]) => n.toLowerCase() === "content-type")?.[1] ?? "no content type";
      throw new AppError("VALIDATION", `The response${where} is not JSON (${type}).`);
    }
    items.push(...itemsOf(body, r.itemsPath));
    const next = nextLink(res.headers.find(([n]) => n.toLowerCase() === "link")?.[1], res.url);
    if (!next || seenPages.has(next)) return { items, pages: page, stoppedAtPageLimit: false };
    if (page >= ctx.pageLimit) return { items, pages: page, stoppedAtPageLimit: true };
    req = { method: "GET", url: next, headers: req.headers, body: null };
  }
}

function dateReader(field: string, format: string, zone: string): ((item: unknown) => Date | null) | undefined {
  if (!field) return undefined;
  return (item) => {
    const value = readField(item, field);
    return value === undefined || value === null || value === "" ? null : parseItemDate(value, format, zone);
  };
}

async function ledgerOf(subscriptionId: string, resource: string, items: unknown[], idField: string): Promise<Map<string, TLedgerEntry>> {
  const ids: string[] = [];
  for (const item of items) {
    try {
      ids.push(readItemId(item, idField));
    } catch {
      // diffPoll reports it, with the item's position.
    }
  }
  const ledger = new Map<string, TLedgerEntry>();
  for (let i = 0; i < ids.length; i += LEDGER_CHUNK) {
    const rows = await getDb().seenItem.findMany({ where: { subscriptionId, resource, itemId: { in: ids.slice(i, i + LEDGER_CHUNK) } }, select: { itemId: true, updatedAt: true, hash: true } });
    for (const row of rows) ledger.set(row.itemId, { updatedAt: row.updatedAt, hash: row.hash });
  }
  return ledger;
}

const messageOf = (e: unknown, secrets: string[]) => maskValues(isAppError(e) ? e.message : e instanceof Error ? e.message : String(e), secrets).slice(0, 1000);

type TSubscriptionRow = NonNullable<Awaited<ReturnType<typeof loadSubscriptions>>[number]>;

function loadSubscriptions(ids: string[]) {
  return getDb().eventSubscription.findMany({ where: { id: { in: ids } }, include: { service: { select: { authConfigId: true } } } });
}

/** A poll's requests and diffs done, its writes not yet committed. */
type TPrepared = {
  sub: TSubscriptionRow;
  startedAt: Date;
  state: TPollState;
  outcomes: TResourceOutcome[];
  results: TPollResourceResult[];
  failed: number;
  pollError: string | null;
};

/** A poll's scheduled job: its seq must be current (see jobs.ts). */
type TChainJob = { seq: number };

/** The next poll job to send when the poll commits. */
type TNextPoll = { subscriptionId: string; seq: number; at: Date };

const DISCARDED =
  "Another poll of this subscription was recorded while this one ran, or the subscription was changed: this poll's results were discarded (the next poll picks up whatever changed).";

/**
 * Polls the subscription once. `job`: the scheduled chain's job (does nothing unless its seq is
 * current; schedules the next poll). Returns null when there was nothing to do.
 */
export async function pollSubscription(id: string, opts: { job?: TChainJob; signal?: AbortSignal } = {}): Promise<TPollResult | null> {
  const [sub] = await loadSubscriptions([id]);
  if (!sub || !due(sub, opts.job)) return null;
  const p = await preparePoll(sub, opts);
  const committed = await commitEach([{ p, job: opts.job }]);
  return resultOf(p, committed[0]!);
}

/** Polls still running after POLL_PARTIAL_AFTER_MS go on without their batch, up to this many per process. */
const pollStragglers = new Stragglers(64);
const POLL_PARTIAL_AFTER_MS = 2_000;

/**
 * The poll worker's batch: each job's subscription polled at once, and the writes of every poll
 * done within two seconds (events, their delivery jobs, ledgers, cursors, the next poll jobs)
 * committed in one transaction. Polls still running then (an upstream paging slowly) go on without
 * the batch (lib/jobs/stragglers.ts) and commit on their own, so they do not hold up the others.
 */
export async function pollSubscriptions(jobs: Array<{ subscriptionId: string; seq: number }>, signal?: AbortSignal): Promise<void> {
  const seqsOf = new Map<string, Set<number>>();
  for (const j of jobs) seqsOf.set(j.subscriptionId, (seqsOf.get(j.subscriptionId) ?? new Set()).add(j.seq));
  const subs = (await loadSubscriptions([...seqsOf.keys()])).filter((s) => seqsOf.get(s.id)?.has(s.pollSeq) && due(s, { seq: s.pollSeq }));
  if (subs.length === 0) return;
  const done: Array<{ p: TPrepared; job: TChainJob }> = [];
  const running = new Map<string, Promise<TPrepared>>();
  for (const sub of subs) {
    const job = { seq: sub.pollSeq };
    const prepared = preparePoll(sub, { job, signal });
    running.set(sub.id, prepared);
    void prepared.then((p) => {
      running.delete(sub.id);
      done.push({ p, job });
    });
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(running.values()), new Promise((r) => (timer = setTimeout(r, POLL_PARTIAL_AFTER_MS)))]);
  clearTimeout(timer);
  await commitTogether(done.splice(0));
  if (running.size === 0) return;
  const slow = [...running.values()];
  if (pollStragglers.adopt(slow.map((prepared) => prepared.then((p) => commitEach([{ p, job: { seq: p.sub.pollSeq } }]))), "a poll")) return;
  await Promise.all(slow);
  await commitTogether(done.splice(0));
}

/** Several polls' writes in one transaction; if one of them fails, each again on its own. */
async function commitTogether(polls: Array<{ p: TPrepared; job: TChainJob }>): Promise<void> {
  if (polls.length === 0) return;
  try {
    await getDb().$transaction(
      async (tx) => {
        const next: TNextPoll[] = [];
        for (const { p, job } of polls) await commitPoll(tx, p, job, next);
        await sendPollJobs(tx, next);
      },
      { timeout: 30_000, maxWait: 30_000 },
    );
  } catch {
    // One poll's writes failed: each again on its own, so the others are not lost with it.
    await commitEach(polls);
  }
}

function due(sub: TSubscriptionRow, job: TChainJob | undefined): boolean {
  if (sub.type !== "POLLING") return false;
  return !job || (sub.pollSeq === job.seq && !sub.paused);
}

/** Each poll in a transaction of its own; a poll whose writes fail still moves its chain on, then throws. */
async function commitEach(polls: Array<{ p: TPrepared; job?: TChainJob }>): Promise<boolean[]> {
  const db = getDb();
  const out: boolean[] = [];
  let error: unknown = null;
  for (const { p, job } of polls) {
    try {
      out.push(
        await db.$transaction(async (tx) => {
          const next: TNextPoll[] = [];
          const committed = await commitPoll(tx, p, job, next);
          await sendPollJobs(tx, next);
          return committed;
        }),
      );
    } catch (e) {
      error ??= e;
      out.push(false);
      if (job) await db.$transaction((tx) => continueChain(tx, p.sub, job.seq)).catch(() => {});
    }
  }
  if (error) throw error;
  return out;
}

/** The requests and diffs of one poll, nothing written yet. */
async function preparePoll(sub: TSubscriptionRow, opts: { job?: TChainJob; signal?: AbortSignal }): Promise<TPrepared> {
  const startedAt = new Date();
  if (opts.job && sub.nextPollAt) for (const fn of g[KEY] ?? []) fn(startedAt.getTime() - sub.nextPollAt.getTime());
  const resources = resourcesOf(sub.resources);
  let state: TPollState = {};
  let outcomes: TResourceOutcome[];
  let secrets: string[] = [];
  try {
    state = JSON.parse(sub.pollState) as TPollState;
    const environment = await environmentRuntime(sub.environmentId);
    secrets = environment?.secretValues ?? [];
    const configId = sub.service.authConfigId;
    const { config, connection } = await effectiveConfig({ configId, environment });
    const auth = strategyFor(config, { configId, userId: sub.createdById, connection, environmentName: environment?.name ?? null });
    const ctx: TPollContext = { auth, tls: tlsFor(config), environment, pageLimit: sub.pageLimit, signal: opts.signal };
    outcomes = await Promise.all(resources.map((r) => pollResource(sub.id, r, state[r.name], sub.enabledAt, sub.emitExisting, startedAt, ctx, secrets)));
  } catch (e) {
    // The configuration or environment could not be resolved: every resource failed alike.
    const error = messageOf(e, secrets);
    outcomes = resources.map((resource) => ({ ok: false, resource, error }));
  }
  const results: TPollResourceResult[] = outcomes.map((o) => ({
    resource: o.resource.name,
    items: o.fetched?.items.length ?? 0,
    events: o.ok ? o.events.length : 0,
    pages: o.fetched?.pages ?? 0,
    stoppedAtPageLimit: o.fetched?.stoppedAtPageLimit ?? false,
    error: o.ok ? null : o.error,
  }));
  const failed = outcomes.filter((o) => !o.ok);
  const pollError = failed.length ? failed.map((o) => (resources.length > 1 ? `${o.resource.name}: ${o.ok ? "" : o.error}` : o.ok ? "" : o.error)).join("\n").slice(0, 2000) : null;
  return { sub, startedAt, state, outcomes, results, failed: failed.length, pollError };
}

/**
 * A poll's writes, only if no other poll committed since it read the subscription (the version
 * check); a scheduled poll also moves its chain on (in the same update when it can). Adds the next
 * poll job to `next`; returns whether the poll's results were recorded.
 */
async function commitPoll(tx: TTx, p: TPrepared, job: TChainJob | undefined, next: TNextPoll[]): Promise<boolean> {
  const { sub } = p;
  const nextState: TPollState = { ...p.state };
  for (const o of p.outcomes) if (o.ok) nextState[o.resource.name] = { cursor: o.cursor?.toISOString() ?? null, lastSuccessAt: p.startedAt.toISOString() };
  const recorded = {
    pollVersion: { increment: 1 },
    pollState: JSON.stringify(nextState),
    lastPollAt: p.startedAt,
    lastPollError: p.pollError,
    consecutiveFailures: p.failed ? { increment: 1 } : 0,
  };
  const nextAt = job ? nextPollTime(sub) : null;
  const { count } = await tx.eventSubscription.updateMany({
    where: { id: sub.id, pollVersion: sub.pollVersion, ...(job ? { pollSeq: job.seq } : {}) },
    data: job ? { ...recorded, pollSeq: job.seq + 1, nextPollAt: nextAt } : recorded,
  });
  if (count === 0) {
    // Another poll committed first (Poll now), or the subscription was changed: nothing recorded;
    // the chain still moves on if its seq is current.
    if (job) {
      const moved = await tx.eventSubscription.updateMany({ where: { id: sub.id, pollSeq: job.seq }, data: { pollSeq: job.seq + 1, nextPollAt: nextAt } });
      if (moved.count === 1) next.push({ subscriptionId: sub.id, seq: job.seq + 1, at: nextAt! });
    }
    return false;
  }
  if (job) next.push({ subscriptionId: sub.id, seq: job.seq + 1, at: nextAt! });
  const held = sub.paused || sub.deliveryDisabledReason !== null;
  for (const o of p.outcomes) {
    if (!o.ok) continue;
    await writeLedger(tx, sub.id, o.resource.name, o.ledger, o.known);
    await storeEvents(tx, sub.id, o.resource.name, o.events, held);
  }
  return true;
}

function resultOf(p: TPrepared, committed: boolean): TPollResult {
  return {
    committed,
    events: committed ? p.results.reduce((n, r) => n + r.events, 0) : 0,
    resources: p.results,
    reason: committed ? null : DISCARDED,
  };
}

async function pollResource(
  subscriptionId: string,
  r: TResource,
  st: TResourceState | undefined,
  enabledAt: Date,
  emitExisting: boolean,
  now: Date,
  ctx: TPollContext,
  secrets: string[],
): Promise<TResourceOutcome> {
  let fetched: TFetched | undefined;
  try {
    fetched = await fetchResource(r, st ? new Date(st.lastSuccessAt) : enabledAt, ctx);
    const ledger = await ledgerOf(subscriptionId, r.name, fetched.items, r.idField);
    const diff = diffPoll({
      items: fetched.items,
      resource: {
        idField: r.idField,
        updatedDate: dateReader(r.updatedDateField, r.updatedDateFormat, r.updatedDateTimeZone),
        createdDate: dateReader(r.createdDateField, r.createdDateFormat, r.createdDateTimeZone),
      },
      ledger,
      cursor: st?.cursor ? new Date(st.cursor) : null,
      now,
      emitExisting,
      firstPoll: !st,
    });
    return { ok: true, resource: r, fetched, events: diff.events, ledger: diff.ledger, known: new Set(ledger.keys()), cursor: diff.cursor };
  } catch (e) {
    if (!isAppError(e) && !(e instanceof SyntaxError)) throw e;
    return { ok: false, resource: r, error: messageOf(e, secrets), fetched };
  }
}

/** The scheduled chain's next poll: one interval after this one was due (never in the past). */
function nextPollTime(sub: Pick<TSubscriptionRow, "nextPollAt" | "refreshMinutes">): Date {
  const now = Date.now();
  return new Date(Math.max(now, (sub.nextPollAt?.getTime() ?? now) + (sub.refreshMinutes ?? 1) * 60_000));
}

/** Moves the chain on without recording a poll (its writes failed). */
async function continueChain(tx: TTx, sub: TSubscriptionRow, seq: number): Promise<void> {
  const next = nextPollTime(sub);
  const { count } = await tx.eventSubscription.updateMany({ where: { id: sub.id, pollSeq: seq }, data: { pollSeq: seq + 1, nextPollAt: next } });
  if (count === 1) await sendPollJobs(tx, [{ subscriptionId: sub.id, seq: seq + 1, at: next }]);
}

async function writeLedger(tx: TTx, subscriptionId: string, resource: string, entries: Map<string, TLedgerEntry>, known: Set<string>): Promise<void> {
  const created: Array<{ subscriptionId: string; resource: string; itemId: string; updatedAt: Date | null; hash: string }> = [];
  for (const [itemId, e] of entries) {
    if (known.has(itemId)) await tx.seenItem.update({ where: { subscriptionId_resource_itemId: { subscriptionId, resource, itemId } }, data: { updatedAt: e.updatedAt, hash: e.hash } });
    else created.push({ subscriptionId, resource, itemId, updatedAt: e.updatedAt, hash: e.hash });
  }
  for (let i = 0; i < created.length; i += LEDGER_CHUNK) await tx.seenItem.createMany({ data: created.slice(i, i + LEDGER_CHUNK) });
}

/** An event to store: its data as a value, or as JSON text kept as it came (a webhook's body). */
export type TNewEvent = { type: string; itemId: string | null; occurredAt: Date } & ({ data: unknown } | { json: string });

/** Stores events with their delivery jobs (in the caller's transaction); `held`: stored, not sent yet. */
export async function storeEvents(
  tx: TTx,
  subscriptionId: string,
  resource: string,
  events: Array<TNewEvent | TDiffEvent>,
  held: boolean,
): Promise<string[]> {
  if (events.length === 0) return [];
  const now = new Date();
  const rows = events.map((e) => {
    // JSON text as received (a webhook's body), else the item or data written as JSON.
    const json = "json" in e ? e.json : JSON.stringify(("item" in e ? e.item : e.data) ?? null);
    const { payload, truncated } = capPayload(json);
    return {
      subscriptionId,
      resource,
      type: e.type,
      itemId: e.itemId,
      payload,
      payloadTruncated: truncated,
      occurredAt: e.occurredAt,
      deliveryStatus: held ? "held" : "pending",
      nextAttemptAt: held ? null : now,
    };
  });
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += LEDGER_CHUNK) {
    const created = await tx.event.createManyAndReturn({ data: rows.slice(i, i + LEDGER_CHUNK), select: { id: true } });
    ids.push(...created.map((c) => c.id));
  }
  if (!held) await sendDeliverJobs(tx, ids.map((eventId) => ({ eventId, seq: 0 })));
  return ids;
}

/**
 * Poll now (issue 12 item 3), for the page's button and the API: one poll at once, same rules and
 * ledger as the scheduled ones, audited. A webhook subscription has nothing to poll (CONFLICT).
 */
export async function pollNow(id: string, actor: TActor, via: "ui" | "api"): Promise<TPollResult> {
  const sub = await getDb().eventSubscription.findUnique({ where: { id }, select: { name: true, type: true } });
  if (!sub) throw notFound();
  if (sub.type !== "POLLING") throw new AppError("CONFLICT", `"${sub.name}" is a webhook subscription: it receives its events at its inbound URL and has nothing to poll.`);
  const result = await pollSubscription(id);
  if (!result) throw notFound(); // deleted meanwhile
  await audit({ actor, action: "test", objectType: "EventSubscription", objectId: id, objectName: sub.name, details: { pollNow: true, events: result.events, committed: result.committed, via } });
  return result;
}
