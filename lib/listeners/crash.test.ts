// Crash safety of inbound listeners (issue 13, "Tests: Integration"), proven with real processes:
// the app's inbound side (lib/testing/app-process.ts: /api/hooks/* served by handleInboundRequest
// as server.ts serves it, and the job runtime) runs on this test's own database while 64 senders
// post messages to it at once; it is killed with SIGKILL mid-stream, another process is started on
// the same database and port, and the senders keep going a little. Counted, never timed:
// - store only: every message answered 202 is stored exactly once, with the id it was answered
//   with; 202s ≤ stored ≤ posted (a message committed whose 202 the kill cut off may be stored:
//   the sender could not know, and that is allowed); no row half-written (size = body length, the
//   body byte-exact, headers that parse).
// - forward: additionally, every stored message is handed on at least once after the restart (the
//   dead process's claims once their lease ran out), every forward verifies with the Standard
//   Webhooks reference library, and a message forwarded twice carries the same webhook-id and body.
// The one wait is the claim lease (PATCHBAY_JOB_LEASE_SECONDS, shortened to LEASE_SECONDS); on
// PostgreSQL also pg-boss's maintenance interval and the retry delay.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { dialect, type TDb } from "@/lib/db";
import { generateSigningKey } from "@/lib/events/signing";
import { startReceiver, type TReceived } from "@/lib/events/testing/receiver";
import { findJobs } from "@/lib/jobs/testing/find-jobs";
import { jsonLine, TestProcesses, until, type TTestProcess } from "@/lib/testing/processes";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { LISTENER_JOB } from "./jobs";
import { ZListenerInput } from "./schema";
import type { TAppProcessReady, TAppProcessSettings } from "@/lib/testing/app-process";

const CHILD = path.join(process.cwd(), "lib", "testing", "app-process.ts");
/** The claim lease, shortened (the mechanism is the same at any length; the app's minimum). */
const LEASE_SECONDS = 5;
const SENDERS = 64;
/** 202s to see before the kill, and after the restart before the senders stop. */
const KILL_AFTER_ACCEPTED = 200;
const THEN_ACCEPTED = 100;
/** How long the forward receiver takes to answer: hand-offs are in flight at the kill. */
const RECEIVER_DELAY_MS = 100;

type TChild = TTestProcess<TAppProcessReady> & { origin: string };

let temp: TTempDb;
let db: TDb;
let actor: { id: string; email: string };
const processes = new TestProcesses();

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-listeners-crash-", env: { PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1", PATCHBAY_JOB_LEASE_SECONDS: String(LEASE_SECONDS) } }));
  const user = await db.user.create({ data: { email: "c@example.test", name: "c", role: "ADMIN", passwordHash: "scrypt$x", active: true, mustChangePassword: false } });
  actor = { id: user.id, email: user.email };
});

after(async () => {
  await processes.killAll();
  await temp?.cleanup();
});

async function startChild(label: string, opts: { port?: number; background: boolean }): Promise<TChild> {
  const settings: TAppProcessSettings = { url: temp.url, dataDir: temp.dir, label, serve: true, port: opts.port, background: opts.background, leaseSeconds: LEASE_SECONDS };
  const c = await processes.start(label, CHILD, settings, jsonLine<TAppProcessReady>);
  return { ...c, origin: c.ready.origin! };
}

const sigkill = (c: TChild) => processes.signal(c, "SIGKILL");

async function createListener(v: Record<string, unknown>): Promise<string> {
  const store = await import("./store");
  return (await store.createListener(ZListenerInput.parse(v), actor)).id;
}

/** Message n: every third one binary (all byte values), the others JSON of varying length. */
function messageOf(n: number, binaryToo: boolean): { contentType: string; body: Buffer } {
  if (binaryToo && n % 3 === 0) return { contentType: "application/octet-stream", body: Buffer.from(Array.from({ length: 64 + ((n * 37) % 3000) }, (_, i) => (i * 31 + n) % 256)) };
  return { contentType: "application/json", body: Buffer.from(JSON.stringify({ n, pad: "é".repeat(n % 700) })) };
}

type TPost = { n: number; status: number | null; id: string | null; phase: "first" | "second" };

/**
 * SENDERS concurrent senders posting to `url()` until stopped; each message a new n (a sender
 * whose request was cut off cannot know whether it was stored; it goes on with the next).
 */
function startSenders(url: () => string, binaryToo: boolean, phase: () => TPost["phase"]) {
  const posts: TPost[] = [];
  let next = 0;
  let stop = false;
  const sender = async () => {
    while (!stop) {
      const p: TPost = { n: next++, status: null, id: null, phase: phase() };
      posts.push(p);
      const m = messageOf(p.n, binaryToo);
      try {
        const res = await fetch(url(), { method: "POST", headers: { "content-type": m.contentType, "x-n": String(p.n) }, body: new Uint8Array(m.body) });
        p.status = res.status;
        if (res.status === 202) p.id = ((await res.json()) as { id: string }).id;
        else await res.arrayBuffer();
      } catch {
        // Cut off by the kill, or nobody listening yet: wait a little for the next process.
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  const running = Array.from({ length: SENDERS }, sender);
  return {
    posts,
    accepted: (ph?: TPost["phase"]) => posts.filter((p) => p.status === 202 && (!ph || p.phase === ph)).length,
    stop: async () => {
      stop = true;
      await Promise.all(running);
    },
  };
}

type TRow = { id: string; size: number; body: Uint8Array; headers: string; contentType: string | null; status: string };

/** Asserts the intake invariants over the listener's rows; returns the rows by n. */
function assertIntake(posts: TPost[], rows: TRow[], binaryToo: boolean): Map<number, TRow> {
  const byN = new Map<number, TRow>();
  for (const r of rows) {
    // Not half-written: the size is the body's, the headers parse, the body is the one sent, byte for byte.
    assert.equal(r.size, r.body.length, `row ${r.id}: size ${r.size}, body ${r.body.length} bytes`);
    let headers: Array<[string, string]>;
    try {
      headers = JSON.parse(r.headers) as Array<[string, string]>;
    } catch {
      assert.fail(`row ${r.id}: the headers do not parse: ${r.headers.slice(0, 200)}`);
    }
    assert.ok(Array.isArray(headers) && headers.every((h) => Array.isArray(h) && h.length === 2), `row ${r.id}: headers are [name, value] pairs`);
    const xn = headers.find(([name]) => name === "x-n")?.[1];
    assert.ok(xn !== undefined, `row ${r.id}: the x-n header is stored`);
    const n = Number(xn);
    const expected = messageOf(n, binaryToo);
    assert.ok(Buffer.from(r.body).equals(expected.body), `row ${r.id}: the body of message ${n} byte for byte`);
    assert.equal(r.contentType, expected.contentType, `row ${r.id}: content type`);
    assert.ok(!byN.has(n), `message ${n} stored twice (rows ${byN.get(n)?.id} and ${r.id})`);
    byN.set(n, r);
  }
  const accepted = posts.filter((p) => p.status === 202);
  const ids = new Set(rows.map((r) => r.id));
  for (const p of accepted) {
    assert.ok(ids.has(p.id!), `message ${p.n} got 202 with id ${p.id}, which is not stored`);
    assert.equal(byN.get(p.n)?.id, p.id, `message ${p.n} is stored under the id it was answered with`);
  }
  assert.ok(posts.every((p) => p.status === 202 || p.status === null), `unexpected answers: ${[...new Set(posts.filter((p) => p.status !== 202 && p.status !== null).map((p) => p.status))].join(", ")}`);
  const posted = new Set(posts.map((p) => p.n));
  assert.ok([...byN.keys()].every((n) => posted.has(n)), "only posted messages are stored");
  assert.ok(accepted.length <= rows.length && rows.length <= posts.length, `${accepted.length} accepted, ${rows.length} stored, ${posts.length} posted`);
  return byN;
}

const rowsOf = (listenerId: string): Promise<TRow[]> =>
  db.inboundMessage.findMany({ where: { listenerId }, select: { id: true, size: true, body: true, headers: true, contentType: true, status: true } });

describe("listeners survive SIGKILL mid-intake", { timeout: 90_000 }, () => {
  test("store only: every 202 is stored exactly once, nothing half-written", async (t) => {
    const started = Date.now();
    const listenerId = await createListener({ name: "Crash store", path: "crash/store", target: "STORE" });
    const a = await startChild("A", { background: true });
    let url = `${a.origin}/api/hooks/crash/store`;
    let phase: TPost["phase"] = "first";
    const senders = startSenders(() => url, true, () => phase);
    try {
      await until(`${KILL_AFTER_ACCEPTED} messages accepted`, () => senders.accepted() >= KILL_AFTER_ACCEPTED, 30_000, [a]);
      const exit = await sigkill(a);
      assert.deepEqual(exit, { code: null, signal: "SIGKILL" });
      const atKill = { accepted: senders.accepted(), posted: senders.posts.length, stored: await db.inboundMessage.count({ where: { listenerId } }) };
      phase = "second";
      const b = await startChild("B", { port: Number(new URL(a.origin).port), background: true });
      url = `${b.origin}/api/hooks/crash/store`;
      await until(`${THEN_ACCEPTED} more messages accepted by the second process`, () => senders.accepted("second") >= THEN_ACCEPTED, 30_000, [b]);
      await senders.stop();
      const rows = await rowsOf(listenerId);
      const cutOff = senders.posts.filter((p) => p.status === null && p.phase === "first").length;
      t.diagnostic(
        `at the kill: ${atKill.accepted} answered 202 of ${atKill.posted} posted, ${atKill.stored} stored; in all ${senders.accepted()} answered 202, ${rows.length} stored, ` +
          `${senders.posts.length} posted (${cutOff} cut off or refused around the kill); stored without their 202 (allowed): ${rows.length - senders.accepted()}; ${Date.now() - started} ms`,
      );
      assert.ok(cutOff > 0, "some messages were cut off by the kill");
      assertIntake(senders.posts, rows, true);
      assert.ok(rows.every((r) => r.status === "stored"), "store only: every message is stored, none handed on");
      assert.equal((await findJobs(db, { name: LISTENER_JOB.handOff, data: { messageId: rows[0]!.id } })).length, 0, "no hand-off job for a store-only message");
    } finally {
      await senders.stop();
      await processes.killAll();
    }
  });

  test("forward: every stored message is handed on after the restart; repeats share webhook-id and body; every forward verifies", async (t) => {
    const started = Date.now();
    const key = generateSigningKey();
    const receiver = await startReceiver({
      secret: key,
      respond: async () => {
        await new Promise((r) => setTimeout(r, RECEIVER_DELAY_MS));
        return { status: 200, body: "ok" };
      },
    });
    const listenerId = await createListener({ name: "Crash forward", path: "crash/forward", target: "FORWARD", callbackUrl: receiver.url, signingKey: key });
    const c = await startChild("C", { background: true });
    const marks: string[] = [`C ready ${Date.now() - started} ms`];
    let url = `${c.origin}/api/hooks/crash/forward`;
    let phase: TPost["phase"] = "first";
    const senders = startSenders(() => url, false, () => phase);
    let d: TChild | undefined;
    try {
      await until(
        `${KILL_AFTER_ACCEPTED} messages accepted and forwards under way`,
        async () => senders.accepted() >= KILL_AFTER_ACCEPTED && (await db.inboundMessage.count({ where: { listenerId, status: "delivered" } })) >= 20,
        30_000,
        [c],
      );
      const exit = await sigkill(c);
      assert.deepEqual(exit, { code: null, signal: "SIGKILL" });
      const killedAt = Date.now();
      marks.push(`killed ${killedAt - started} ms`);

      // What the dead process left: every message still to hand on has its job (sent in the same
      // transaction as the message), and its claims end within a lease.
      const open = await db.inboundMessage.findMany({ where: { listenerId, status: { in: ["pending", "retrying"] } }, select: { id: true, targetSeq: true } });
      const jobsLeft = await findJobs(db, { name: LISTENER_JOB.handOff, states: ["created", "active"] });
      const waiting = new Set(jobsLeft.map((j) => j.singletonKey));
      assert.deepEqual(open.filter((m) => !waiting.has(`${m.id}:${m.targetSeq}`)).map((m) => m.id), [], "messages without their hand-off job right after the kill");
      const claimed = jobsLeft.filter((j) => j.state === "active");
      assert.ok(claimed.length > 0, "the kill landed while the dead process held hand-offs");
      for (const j of claimed) assert.ok(j.leaseUntil!.getTime() - killedAt <= LEASE_SECONDS * 1000, `a claim ends ${j.leaseUntil!.getTime() - killedAt} ms after the kill, beyond the lease`);
      const receivedAtKill = receiver.received.length;
      const deliveredAtKill = await db.inboundMessage.count({ where: { listenerId, status: "delivered" } });

      const deliveredBeforeKill = new Set((await db.inboundMessage.findMany({ where: { listenerId, status: "delivered" }, select: { id: true } })).map((m) => m.id));

      phase = "second";
      d = await startChild("D", { port: Number(new URL(c.origin).port), background: true });
      url = `${d.origin}/api/hooks/crash/forward`;
      marks.push(`D ready ${Date.now() - started} ms`);
      await until(`${THEN_ACCEPTED} more messages accepted by the second process`, () => senders.accepted("second") >= THEN_ACCEPTED, 30_000, [d]);
      await senders.stop();
      marks.push(`senders stopped ${Date.now() - started} ms`);
      await until(
        "every stored message handed on",
        async () => (await db.inboundMessage.count({ where: { listenerId, status: { not: "delivered" } } })) === 0,
        // On PostgreSQL a dead worker's job comes back later: after its lease, pg-boss's next
        // maintenance run (up to 15 s) and its retry delay (5-10 s). Only the outcome is asserted.
        LEASE_SECONDS * 1000 + (dialect() === "postgres" ? 60_000 : 30_000),
        [d],
      );
      // Forwards still in flight when the last one was recorded have been answered by now.
      await new Promise((r) => setTimeout(r, RECEIVER_DELAY_MS * 3));

      const rows = await rowsOf(listenerId);
      const byN = assertIntake(senders.posts, rows, false);
      const received = receiver.received;
      const byId = new Map<string, TReceived[]>();
      for (const r of received) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
      const repeats = [...byId.values()].filter((l) => l.length > 1).length;
      t.diagnostic(
        `at the kill: ${deliveredAtKill} delivered, ${claimed.length} hand-offs claimed by the dead process, ${receivedAtKill} forwards received; in all ${senders.accepted()} answered 202, ` +
          `${rows.length} stored, ${received.length} forwards received for ${byId.size} messages (${repeats} forwarded more than once); ${marks.join(", ")}, all handed on ${Date.now() - started} ms`,
      );
      assert.ok(received.every((r) => r.verified), `unverified forwards: ${received.filter((r) => !r.verified).map((r) => r.id).join(", ")}`);
      assert.deepEqual([...byId.keys()].sort(), rows.map((r) => r.id).sort(), "the webhook-ids received are exactly the stored messages");
      for (const r of rows) {
        const list = byId.get(r.id)!;
        assert.ok(list.every((x) => x.body === Buffer.from(r.body).toString("utf8")), `every forward of ${r.id} carries its stored body`);
      }
      assert.ok(byN.size === rows.length, "one row per message");
      // A hand-off the dead process held was made again only once its lease ran out.
      for (const j of claimed) {
        const id = j.singletonKey!.split(":", 1)[0]!;
        if (deliveredBeforeKill.has(id)) continue; // recorded before the kill; only the job's completion was cut off
        const late = (byId.get(id) ?? []).filter((x) => x.at > killedAt);
        assert.ok(late.length >= 1, `message ${id}, claimed at the kill, was forwarded again`);
        assert.ok(late.every((x) => x.at >= j.leaseUntil!.getTime()), `message ${id} forwarded again before its lease ended`);
      }
      const attempts = await db.messageAttempt.groupBy({ by: ["messageId"], where: { message: { listenerId } }, _count: { _all: true } });
      assert.equal(attempts.length, rows.length, "every message has its attempt recorded");
    } finally {
      await senders.stop();
      await processes.killAll();
      await receiver.close();
    }
  });
});
