// Cache invalidation across instances on PostgreSQL (SPEC §12, issue 14): this process's
// invalidate() reaches another instance's LISTEN connection, another instance's NOTIFY reaches this
// process's caches, this process skips its own messages, a LISTEN connection ended by the server
// comes back and drops everything, and two copies of lib/ in one process share one connection.
// "Another instance" is a LISTEN connection or a plain client of its own: the messages travel
// through PostgreSQL as between processes. PostgreSQL only: npm test's cluster, or one started here.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, beforeEach, test } from "node:test";
import pg from "pg";
import type { TDb } from "@/lib/db";
import { setEnvForTests } from "@/lib/env";
import { testPgCluster } from "@/lib/testing/pg-cluster";
import { until } from "@/lib/testing/processes";
import { createPgTestDatabase } from "@/lib/testing/temp-db";
import type { TCacheKind } from "./invalidation";
import { PgChannelListener } from "./notify";

type TSeen = Array<[TCacheKind, string | null]>;

let dataDir: string;
let url: string;
let drop: () => Promise<void>;
let db: TDb;
let inv: typeof import("./invalidation");
/** Another instance: its own LISTEN connection, and a client that publishes as that instance would. */
let other: PgChannelListener;
let otherClient: pg.Client;
const otherSeen: Array<{ kind: string; id: string | null; origin: string }> = [];
/** What this process's listeners were told. */
const seen: TSeen = [];

const APP_LISTENER = "patchbay-all-invalidation";

before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "patchbay-invalidation-"));
  ({ url, drop } = await createPgTestDatabase(await testPgCluster(), "patchbay_invalidation_"));
  setEnvForTests({ DATABASE_URL: url, PATCHBAY_DATA_DIR: dataDir, PATCHBAY_ROLE: undefined });
  db = (await import("@/lib/db")).getDb();
  inv = await import("./invalidation");
  inv.onInvalidate((kind, id) => seen.push([kind, id]));
  await inv.startInvalidationListener();
  other = new PgChannelListener({
    url,
    channel: inv.INVALIDATION_CHANNEL,
    application: "other-instance",
    onMessage: (p) => {
      if (p.startsWith("{")) otherSeen.push(JSON.parse(p));
    },
    onReconnect: () => {},
  });
  await other.start();
  otherClient = new pg.Client({ connectionString: url });
  await otherClient.connect();
});

after(async () => {
  await inv?.stopInvalidationListener();
  await other?.stop();
  await otherClient?.end();
  await db?.$disconnect();
  await drop?.();
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
  otherSeen.length = 0;
});

/** Publishes as another instance would (its own origin). */
const publishAsOther = (kind: string, id: string | null) =>
  otherClient.query("SELECT pg_notify($1, $2)", [inv.INVALIDATION_CHANNEL, JSON.stringify({ kind, id, origin: "other-instance" })]);

/** Backends listening for this process, by application name. */
async function appListeners(): Promise<Array<{ pid: number }>> {
  const { rows } = await otherClient.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1", [APP_LISTENER]);
  return rows;
}

test("invalidate() here reaches another instance; its own message does not come back to this process", async () => {
  inv.invalidate("apiToken", "token-1");
  assert.deepEqual(seen, [["apiToken", "token-1"]], "this process's caches at once");
  await until("the other instance saw the change", () => otherSeen.some((m) => m.kind === "apiToken" && m.id === "token-1"));
  // Notifications reach a listener in commit order: once a later one from elsewhere arrived here,
  // this process's own message would have arrived before it.
  await publishAsOther("service", "marker");
  await until("the marker arrived", () => seen.some(([k, id]) => k === "service" && id === "marker"));
  assert.deepEqual(seen, [["apiToken", "token-1"], ["service", "marker"]]);
});

test("another instance's change drops this process's cached copy", async () => {
  const { TtlCache } = await import("./ttl-cache");
  const cache = new TtlCache<string>({ dependsOn: ["connector"], keyKind: "connector", ttlMs: 3_600_000 });
  let n = 0;
  const load = async () => `v${++n}`;
  assert.equal(await cache.get("c1", load), "v1");
  assert.equal(await cache.get("c1", load), "v1");
  await publishAsOther("connector", "c1");
  await until("the change arrived", () => seen.some(([k, id]) => k === "connector" && id === "c1"));
  assert.equal(await cache.get("c1", load), "v2");
  // Kind-wide: null ids.
  await publishAsOther("connector", null);
  await until("the kind-wide change arrived", () => seen.some(([k, id]) => k === "connector" && id === null));
  assert.equal(await cache.get("c1", load), "v3");
});

test("malformed messages are ignored", async () => {
  await otherClient.query("SELECT pg_notify($1, $2)", [inv.INVALIDATION_CHANNEL, "not json"]);
  await otherClient.query("SELECT pg_notify($1, $2)", [inv.INVALIDATION_CHANNEL, JSON.stringify({ kind: "nope", id: "x", origin: "o" })]);
  await publishAsOther("user", "after-bad-ones");
  await until("the valid message arrived", () => seen.length > 0);
  assert.deepEqual(seen, [["user", "after-bad-ones"]]);
});

test("a LISTEN connection ended by the server comes back and drops every kind; later changes arrive again", async () => {
  const [before] = await appListeners();
  assert.ok(before, "this process listens on a connection of its own");
  const { rows } = await otherClient.query<{ ended: boolean }>("SELECT pg_terminate_backend($1) AS ended", [before.pid]);
  assert.equal(rows[0].ended, true);
  await until("everything was dropped after the reconnect", () => inv.CACHE_KINDS.every((k) => seen.some(([kind, id]) => kind === k && id === null)));
  const [afterReconnect] = await appListeners();
  assert.ok(afterReconnect && afterReconnect.pid !== before.pid, "a new connection listens");
  await publishAsOther("listener", "l1");
  await until("a change after the reconnect arrived", () => seen.some(([k, id]) => k === "listener" && id === "l1"));
});

test("a second copy of this module in the process (Next's bundle) shares the listeners and the one LISTEN connection", async () => {
  const copy = (await import(`./invalidation.ts?copy=${Date.now()}`)) as typeof import("./invalidation");
  assert.notEqual(copy.invalidate, inv.invalidate, "a separate module instance");
  await copy.startInvalidationListener();
  await inv.startInvalidationListener();
  assert.equal((await appListeners()).length, 1);
  copy.invalidate("environment", "e1");
  assert.deepEqual(seen, [["environment", "e1"]], "the copy's change reached this copy's listeners");
  await until("the other instance saw the copy's change", () => otherSeen.some((m) => m.kind === "environment" && m.id === "e1"));
});
