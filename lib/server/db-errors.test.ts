// Which errors mean "the database is unavailable" (503, not 500), their one-line reasons, and
// where a database URL points without its password. Errors come from real clients where one can be
// made to fail here (a closed port, a bad query on SQLite); PostgreSQL's own shutdown and a cut
// connection are in db-down.pg.test.ts; the remaining shapes are the drivers' documented ones.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { createPrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { ApiError } from "@/lib/api/errors";
import { createTempDatabase } from "@/lib/testing/temp-db";
import { toApiError } from "@/lib/api/errors";
import { DatabaseTimeoutError, databaseErrorReason, describeDatabaseUrl, isDatabaseUnavailable } from "./db-errors";

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

test("PostgreSQL on a closed port: raw and model queries are unavailable, with a reason and no password", async () => {
  const port = await closedPort();
  const db = createPrismaClient(`postgresql://patchbay:s3cret-pw@127.0.0.1:${port}/patchbay`);
  try {
    const raw = await db.$queryRawUnsafe("SELECT 1").then(() => null, (e: unknown) => e);
    const model = await db.user.findFirst().then(() => null, (e: unknown) => e);
    const tx = await db.$transaction(async (t) => t.user.count()).then(() => null, (e: unknown) => e);
    for (const [what, e] of [["raw", raw], ["model", model], ["transaction", tx]] as const) {
      assert.ok(e, `${what}: fails`);
      assert.ok(isDatabaseUnavailable(e), `${what}: unavailable (${String(e)})`);
      const reason = databaseErrorReason(e);
      assert.match(reason, /no database server answers there/, what);
      assert.ok(!reason.includes("s3cret") && !reason.includes("\n"), `${what}: one line, no password: ${reason}`);
    }
  } finally {
    await db.$disconnect().catch(() => {});
  }
});

test("query errors, constraint violations and the app's own errors are not unavailability", async () => {
  const temp = await createTempDatabase("patchbay-dberr-");
  try {
    const syntax = await temp.db.$queryRawUnsafe("SELEC nothing").then(() => null, (e: unknown) => e);
    assert.ok(syntax && !isDatabaseUnavailable(syntax), `a syntax error is a bug, not an outage: ${String(syntax)}`);
    const data = { email: "dup@example.test", name: "d", role: "ADMIN", passwordHash: "scrypt$x", active: true, mustChangePassword: false } as const;
    await temp.db.user.create({ data });
    const dup = await temp.db.user.create({ data }).then(() => null, (e: unknown) => e);
    assert.ok(dup && !isDatabaseUnavailable(dup), "a unique violation is a conflict");
    const missing = await temp.db.user.update({ where: { id: "nope" }, data: { name: "x" } }).then(() => null, (e: unknown) => e);
    assert.ok(missing && !isDatabaseUnavailable(missing), "a missing row is not an outage");
  } finally {
    await temp.cleanup();
  }
  assert.equal(isDatabaseUnavailable(new AppError("CONNECTION_REFUSED", "upstream refused")), false, "an upstream's refusal is the upstream's");
  assert.equal(isDatabaseUnavailable(new ApiError(502, "CONNECTION_REFUSED", "x")), false);
  assert.equal(isDatabaseUnavailable(new Error("something else")), false);
  assert.equal(isDatabaseUnavailable(null), false);
  assert.equal(isDatabaseUnavailable("ECONNREFUSED"), false);
});

test("the drivers' other unavailable shapes: server shutdown, failover, pool exhaustion, locked SQLite, dropped sockets", () => {
  const adapter = (cause: Record<string, unknown>, code = "P2010") => Object.assign(new Error("Invalid invocation"), { code, meta: { driverAdapterError: { name: "DriverAdapterError", cause } } });
  const unavailable = [
    adapter({ kind: "postgres", code: "57P01", originalCode: "57P01", originalMessage: "terminating connection due to administrator command", severity: "FATAL" }),
    adapter({ kind: "postgres", code: "57P03", originalMessage: "the database system is starting up" }),
    adapter({ kind: "postgres", code: "08006", originalMessage: "connection failure" }),
    adapter({ kind: "TooManyConnections", cause: "sorry, too many clients already" }),
    adapter({ kind: "ConnectionClosed" }),
    adapter({ kind: "SocketTimeout" }), // libsql: SQLITE_BUSY
    Object.assign(new Error("Timed out fetching a new connection from the connection pool."), { code: "P2024" }),
    Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED", syscall: "connect", errno: -111 }),
    new Error("Connection terminated unexpectedly"),
    new Error("timeout exceeded when trying to connect"),
    new DatabaseTimeoutError(2000),
  ];
  for (const e of unavailable) assert.ok(isDatabaseUnavailable(e), `unavailable: ${JSON.stringify((e as { meta?: unknown }).meta ?? e.message)}`);
  const notUnavailable = [
    adapter({ kind: "UniqueConstraintViolation", constraint: { fields: ["email"] } }, "P2002"),
    adapter({ kind: "postgres", code: "42601", originalMessage: "syntax error at or near \"SELEC\"" }),
    adapter({ kind: "postgres", code: "40P01", originalMessage: "deadlock detected" }),
    adapter({ kind: "TableDoesNotExist", table: "x" }),
  ];
  for (const e of notUnavailable) assert.equal(isDatabaseUnavailable(e), false, `not unavailable: ${JSON.stringify(e.meta)}`);
  assert.equal(databaseErrorReason(unavailable[0]), "terminating connection due to administrator command");
  assert.equal(databaseErrorReason(new DatabaseTimeoutError(2000)), "no answer within 2 s");
  assert.equal(databaseErrorReason(adapter({ kind: "AuthenticationFailed", user: "app" })), 'authentication failed for user "app"');
  assert.equal(databaseErrorReason(new Error("\nInvalid `prisma.$queryRawUnsafe()` invocation:\n\n\nRaw query failed. Code: `N/A`. Message: `Can't reach database server at db:5432`")), "Can't reach database server at db:5432");
  assert.equal(databaseErrorReason(new Error("could not connect to postgres://app:pw@db:5432/x")), "could not connect to postgres://db:5432/x", "a URL's credentials are cut out");
});

test("the API's answer: 503 UNAVAILABLE with Retry-After, for an unreachable database only", () => {
  const e = toApiError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }));
  assert.equal(e.status, 503);
  assert.equal(e.code, "UNAVAILABLE");
  assert.equal(e.message, "The database is unavailable; try again shortly.");
  assert.deepEqual(e.headers, { "Retry-After": "5" });
  assert.equal(toApiError(new Error("syntax error")).status, 500, "any other fault stays a 500");
});

test("where a database is, without user, password or parameters", () => {
  assert.equal(describeDatabaseUrl("postgresql://app:pw@db.internal:6543/patchbay?sslmode=require"), "db.internal:6543/patchbay");
  assert.equal(describeDatabaseUrl("postgres://app:pw@db.internal/patch%20bay"), "db.internal:5432/patch bay");
  assert.equal(describeDatabaseUrl("postgresql://app@/patchbay?host=/run/postgresql"), "/run/postgresql:5432/patchbay");
  assert.equal(describeDatabaseUrl("postgresql://app:p@ss/w@rd@db:5432/patchbay"), "db:5432/patchbay", "an unencoded @ in the password");
  assert.equal(describeDatabaseUrl("postgres://app:pw@h1:5432,h2:5433/patchbay"), "h1:5432,h2:5433/patchbay");
  assert.equal(describeDatabaseUrl("postgres://app:pw@[::1]:5433/patchbay"), "[::1]:5433/patchbay");
  assert.equal(describeDatabaseUrl("postgresql:///patchbay"), "localhost:5432/patchbay");
  assert.equal(describeDatabaseUrl("file:./data/patchbay.db"), "./data/patchbay.db");
  assert.equal(describeDatabaseUrl("libsql://db.example.test/x?authToken=secret"), "db.example.test/x");
});
