// The PostgreSQL adapter's two repairs, on a real cluster: catalogue columns of internal types
// (name, "char") read as text, and U+0000 — which PostgreSQL's text and jsonb refuse — stored as
// U+FFFD instead of failing the statement.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createPrismaClient, type TDb } from "@/lib/db";
import { testPgCluster } from "@/lib/testing/pg-cluster";
import { createPgTestDatabase } from "@/lib/testing/temp-db";
import { withoutNul } from "./pg-adapter";

let db: TDb;
let drop: () => Promise<void>;

before(async () => {
  const made = await createPgTestDatabase(await testPgCluster(), "patchbay_adapter_");
  drop = made.drop;
  db = createPrismaClient(made.url);
});
after(async () => {
  await db.$disconnect();
  await drop();
});

test("withoutNul: NUL characters in text, \\u0000 escapes in JSON, nothing else", () => {
  assert.equal(withoutNul("a\u0000b", false), "a\uFFFDb");
  assert.equal(withoutNul("no nul", false), "no nul");
  assert.equal(withoutNul('{"a":"x\\u0000y"}', true), '{"a":"x\\ufffdy"}');
  // An escaped backslash followed by the letters u0000 is text, not a NUL.
  assert.equal(withoutNul('{"a":"\\\\u0000"}', true), '{"a":"\\\\u0000"}');
  assert.equal(withoutNul('{"a":"\\\\\\u0000"}', true), '{"a":"\\\\\\ufffd"}');
  // In a text column the six characters \u0000 are kept as they are.
  assert.equal(withoutNul("\\u0000", false), "\\u0000");
  assert.deepEqual(withoutNul(["a\u0000", 1], false), ["a\uFFFD", 1]);
  assert.equal(withoutNul(7, false), 7);
});

test("NUL in a text column and in a Json column is stored as U+FFFD", async () => {
  const user = await db.user.create({ data: { email: "nul@example.com", name: "a\u0000b", role: "ADMIN", passwordHash: "x" } });
  assert.equal((await db.user.findUniqueOrThrow({ where: { id: user.id } })).name, "a\uFFFDb");
  const entry = await db.auditEntry.create({ data: { action: "test", objectType: "User", details: { said: "x\u0000y", kept: "\\u0000" } } });
  assert.deepEqual((await db.auditEntry.findUniqueOrThrow({ where: { id: entry.id } })).details, { said: "x\uFFFDy", kept: "\\u0000" });
  // Inside a transaction too.
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { name: "c\u0000d" } });
  });
  assert.equal((await db.user.findUniqueOrThrow({ where: { id: user.id } })).name, "c\uFFFDd");
});

test("catalogue queries returning name and \"char\" columns are read as text", async () => {
  const rows = await db.$queryRawUnsafe<Array<{ relname: string; relkind: string; names: string[] }>>(
    `SELECT c.relname, c.relkind, ARRAY[c.relname, c.relname]::name[] AS names FROM pg_class c WHERE c.relname = 'User'`,
  );
  assert.deepEqual(rows, [{ relname: "User", relkind: "r", names: ["User", "User"] }]);
});
