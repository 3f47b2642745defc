// Sign-in with rate limits (lib/users/sign-in.ts) on a real database: the limits hold for
// concurrent attempts, in one process and across two (another Patchbay instance on the same
// database), on SQLite and on PostgreSQL.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import pg from "pg";
import type { TDb } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { rejectsWith } from "@/lib/testing/assert";
import { jsonLine, TestProcesses, until } from "@/lib/testing/processes";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";
import { hashPassword } from "./password";
import { MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_IP, SIGN_IN_WINDOW_MS } from "./rate-limit";
import type { TSignInAttempt, TSignInProcessSettings } from "./testing/sign-in-process";

const CHILD = "lib/users/testing/sign-in-process.ts";
const EMAIL = "alice@example.test";
const PASSWORD = "the right password 1";
const IP = "203.0.113.7";
const ACCOUNT_LIMITED = /^Too many failed sign-in attempts for this account\. Try again in \d+ minutes?\.$/;
const ADDRESS_LIMITED = /^Too many failed sign-in attempts from your address\. Try again in \d+ minutes?\.$/;

let temp: TTempDb;
let db: TDb;
let authenticate: typeof import("./sign-in").authenticate;
let WRONG_CREDENTIALS: string;
let onPostgres: boolean;
let userId: string;
const children = new TestProcesses();

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-sign-in-" }));
  ({ authenticate, WRONG_CREDENTIALS } = await import("./sign-in"));
  onPostgres = (await import("@/lib/db")).dialect() === "postgres";
  userId = (await db.user.create({ data: { email: EMAIL, name: "Alice", role: "MEMBER", passwordHash: await hashPassword(PASSWORD) } })).id;
});

after(async () => {
  await children.killAll();
  await db?.$disconnect();
  await temp?.cleanup();
});

beforeEach(async () => {
  await db.signInFailure.deleteMany();
  await db.user.update({ where: { id: userId }, data: { active: true } });
});

const attempt = (over: Partial<TSignInAttempt> = {}): TSignInAttempt => ({ email: EMAIL, password: "a wrong password", ip: IP, ...over });

/** "OK", or the AppError's code (anything else is a failure of the test). */
function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => "OK",
    (e: unknown) => {
      if (isAppError(e)) return e.code;
      throw e;
    },
  );
}

function tally(outcomes: string[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const o of outcomes) t[o] = (t[o] ?? 0) + 1;
  return t;
}

const failuresOf = (key: string) => db.signInFailure.count({ where: { key } });

describe("one attempt at a time", () => {
  test("a wrong password, an unknown email and a deactivated account get the same message, and each counts once", async () => {
    for (const a of [attempt(), attempt({ email: "nobody@example.test" })]) {
      assert.equal((await rejectsWith(authenticate(a), "UNAUTHENTICATED")).message, WRONG_CREDENTIALS);
    }
    await db.user.update({ where: { id: userId }, data: { active: false } });
    assert.equal((await rejectsWith(authenticate(attempt({ password: PASSWORD })), "UNAUTHENTICATED")).message, WRONG_CREDENTIALS);
    assert.equal(await failuresOf(`account:${EMAIL}`), 2);
    assert.equal(await failuresOf("account:nobody@example.test"), 1);
    assert.equal(await failuresOf(`ip:${IP}`), 3);
  });

  test("the right password signs in and forgives the account's failures; the address keeps its others", async () => {
    for (let i = 1; i < MAX_FAILURES_PER_ACCOUNT; i++) await rejectsWith(authenticate(attempt()), "UNAUTHENTICATED");
    const user = await authenticate(attempt({ password: PASSWORD }));
    assert.equal(user.id, userId);
    assert.equal(await failuresOf(`account:${EMAIL}`), 0);
    assert.equal(await failuresOf(`ip:${IP}`), MAX_FAILURES_PER_ACCOUNT - 1, "the successful attempt's own reservation is gone");
    assert.ok((await db.user.findUniqueOrThrow({ where: { id: userId } })).lastSignInAt, "lastSignInAt set");
  });

  test("after the limit, the right password is refused too, and refusals leave nothing behind", async () => {
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) await rejectsWith(authenticate(attempt()), "UNAUTHENTICATED");
    await rejectsWith(authenticate(attempt({ password: PASSWORD })), "RATE_LIMITED", ACCOUNT_LIMITED);
    await rejectsWith(authenticate(attempt({ ip: "198.51.100.1" })), "RATE_LIMITED", ACCOUNT_LIMITED);
    assert.equal(await failuresOf(`account:${EMAIL}`), MAX_FAILURES_PER_ACCOUNT);
    assert.equal(await failuresOf(`ip:${IP}`), MAX_FAILURES_PER_ACCOUNT);
    assert.equal(await failuresOf("ip:198.51.100.1"), 0);
  });

  test("failures older than the window neither count nor stay", async () => {
    const old = new Date(Date.now() - SIGN_IN_WINDOW_MS - 60_000);
    await db.signInFailure.createMany({ data: Array.from({ length: MAX_FAILURES_PER_ACCOUNT }, () => ({ key: `account:${EMAIL}`, at: old })) });
    await rejectsWith(authenticate(attempt()), "UNAUTHENTICATED");
    assert.equal(await db.signInFailure.count({ where: { at: old } }), 0);
    assert.equal(await failuresOf(`account:${EMAIL}`), 1);
  });
});

describe("concurrent attempts", () => {
  test("20 wrong passwords at once from two instances: exactly 5 are checked, then the right one is refused", async () => {
    const resultFile = path.join(temp.dir, "child-result.json");
    const theirs = Array.from({ length: 10 }, () => attempt());
    const settings: TSignInProcessSettings = { url: temp.url, dataDir: temp.dir, attempts: theirs, resultFile };
    const child = await children.start("other instance", CHILD, settings, jsonLine);
    child.proc.kill("SIGUSR2");
    const ours = await Promise.all(Array.from({ length: 10 }, () => outcome(authenticate(attempt()))));
    assert.deepEqual(await child.exited, { code: 0, signal: null }, child.output());
    const outcomes = [...ours, ...(JSON.parse(await readFile(resultFile, "utf8")) as string[])];

    assert.deepEqual(tally(outcomes), { UNAUTHENTICATED: MAX_FAILURES_PER_ACCOUNT, RATE_LIMITED: 20 - MAX_FAILURES_PER_ACCOUNT }, `outcomes: ${outcomes.join(", ")}`);
    assert.equal(await failuresOf(`account:${EMAIL}`), MAX_FAILURES_PER_ACCOUNT, "only the checked attempts are recorded");
    assert.equal(await failuresOf(`ip:${IP}`), MAX_FAILURES_PER_ACCOUNT);
    await rejectsWith(authenticate(attempt({ password: PASSWORD })), "RATE_LIMITED", ACCOUNT_LIMITED);
  });

  test("15 unknown emails at once from an address 3 failures short of its limit: exactly 3 are checked", async () => {
    const left = 3;
    await db.signInFailure.createMany({ data: Array.from({ length: MAX_FAILURES_PER_IP - left }, () => ({ key: `ip:${IP}` })) });
    const outcomes = await Promise.all(Array.from({ length: 15 }, (_, i) => outcome(authenticate(attempt({ email: `guess${i}@example.test` })))));
    assert.deepEqual(tally(outcomes), { UNAUTHENTICATED: left, RATE_LIMITED: 15 - left }, `outcomes: ${outcomes.join(", ")}`);
    assert.equal(await failuresOf(`ip:${IP}`), MAX_FAILURES_PER_IP);
    await rejectsWith(authenticate(attempt({ email: "guess99@example.test" })), "RATE_LIMITED", ADDRESS_LIMITED);
  });

  test("PostgreSQL: an attempt waits for another instance's reservation and counts it", async (t) => {
    if (!onPostgres) return t.skip("PostgreSQL only: on SQLite the write lock serializes reservations");
    // Another instance in the middle of reserving: it holds the account's lock (sign-in.ts's key)
    // and has inserted the limit's worth of failures, not yet committed, so invisible to others.
    const other = new pg.Client({ connectionString: temp.url });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`patchbay.sign-in:account:${EMAIL}`]);
      const at = new Date().toISOString().replace("Z", "");
      for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) {
        await other.query(`INSERT INTO "SignInFailure" (id, key, at) VALUES ($1, $2, $3::timestamp)`, [`other-${i}`, `account:${EMAIL}`, at]);
      }
      const signIn = outcome(authenticate(attempt({ password: PASSWORD })));
      await until("the sign-in waiting for the account's lock", async () => (await advisoryWaiters(other)) > 0);
      await other.query("COMMIT");
      // Had it counted without waiting, it would have found no failure and signed in.
      assert.equal(await signIn, "RATE_LIMITED");
    } finally {
      await other.end();
    }
    assert.equal(await failuresOf(`account:${EMAIL}`), MAX_FAILURES_PER_ACCOUNT);
  });
});

/** Backends of the test database waiting for an advisory lock. */
async function advisoryWaiters(c: pg.Client): Promise<number> {
  const { rows } = await c.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
  );
  return rows[0].n;
}
