// npm run db:copy from the embedded SQLite to PostgreSQL and back, as a user runs it (the script as
// a child process): every row arrives, secrets as the same ciphertext (the app opens them), bytes,
// times and flags unchanged, the queue's own tables left out; a non-empty target is refused.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPrismaClient, type TDb } from "@/lib/db";
import { decryptSecret, encryptSecret, makeKeyRing } from "@/lib/secrets/crypto";
import { testPgCluster } from "@/lib/testing/pg-cluster";
import { createPgTestDatabase } from "@/lib/testing/temp-db";
import { modelsInCopyOrder } from "./db-copy";

const KEY = "a".repeat(64);
const dir = mkdtempSync(path.join(os.tmpdir(), "patchbay-copy-"));
const sqliteUrl = `file:${path.join(dir, "source.db")}`;
const backUrl = `file:${path.join(dir, "back.db")}`;
let pg: { url: string; drop: () => Promise<void> };
const clients: TDb[] = [];
const open = (url: string) => {
  const c = createPrismaClient(url);
  clients.push(c);
  return c;
};

const env = (extra: Record<string, string>) => ({ ...process.env, PATCHBAY_DATA_DIR: dir, PATCHBAY_SECRET_KEY: KEY, PATCHBAY_ROLE: "all", CHECKPOINT_DISABLE: "1", ...extra });
const copy = (from: string, to: string) =>
  spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/db-copy.ts", "--from", from, "--to", to], { encoding: "utf8", env: env({ DATABASE_URL: from }) });

before(async () => {
  // A migrated source as `npm start` leaves it (with _prisma_migrations), and an empty PostgreSQL database.
  execFileSync("npx", ["prisma", "migrate", "deploy"], { stdio: "ignore", env: env({ DATABASE_URL: sqliteUrl }) });
  pg = await createPgTestDatabase(await testPgCluster(), "patchbay_copy_", { empty: true });
});

after(async () => {
  await Promise.all(clients.map((c) => c.$disconnect()));
  await pg?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const ring = makeKeyRing(Buffer.from(KEY, "hex"));

test("the copy order puts every model after the ones it references", () => {
  const order = modelsInCopyOrder(readFileSync("prisma/schema.prisma", "utf8")).map((m) => m.name);
  const at = (n: string) => order.indexOf(n);
  assert.ok(at("Service") < at("Connector"), `Service before Connector: ${order.join(", ")}`);
  assert.ok(at("Listener") < at("InboundMessage") && at("InboundMessage") < at("MessageAttempt"), `listener chain in order: ${order.join(", ")}`);
  assert.ok(at("EventSubscription") < at("Event") && at("Event") < at("DeliveryAttempt"), `event chain in order: ${order.join(", ")}`);
  assert.ok(at("Environment") < at("User"), `User references Environment: ${order.join(", ")}`);
});

test("SQLite → PostgreSQL → SQLite keeps every row, secret, byte and time", async () => {
  const src = open(sqliteUrl);
  const user = await src.user.create({ data: { email: "ada@example.com", name: "Ada", role: "ADMIN", passwordHash: "scrypt$hash" } });
  const slot = { model: "AuthConfig", field: "apiKey", recordId: "cfg-1" };
  const sealed = encryptSecret(ring, "s3cret", slot);
  await src.authConfig.create({ data: { id: "cfg-1", name: "Key", protocol: "API_KEY", subProtocol: "HEADER", settings: { header: "X-Key" }, secrets: { apiKey: sealed } } });
  const listener = await src.listener.create({ data: { name: "Orders", path: "orders", pathKey: "orders", methods: "POST" } });
  const body = Buffer.from([0, 1, 2, 250, 255]);
  const receivedAt = new Date("2026-11-30T10:11:12.345Z");
  await src.inboundMessage.create({ data: { listenerId: listener.id, method: "POST", path: "/api/hooks/orders", headers: "{}", contentType: "application/octet-stream", body, size: body.length, receivedAt, status: "stored" } });
  await src.job.create({ data: { name: "events.sweep", data: "null" } });

  const there = copy(sqliteUrl, pg.url);
  assert.equal(there.status, 0, `copy to PostgreSQL failed:\n${there.stdout}\n${there.stderr}`);
  const dst = open(pg.url);
  const cfg = await dst.authConfig.findUniqueOrThrow({ where: { id: "cfg-1" }, omit: { secrets: false } });
  const copied = (cfg.secrets as { apiKey: string }).apiKey;
  assert.equal(copied, sealed, "the secret arrives as the same ciphertext");
  assert.equal(decryptSecret(ring, copied, slot), "s3cret", "and opens with the same key");
  const msg = await dst.inboundMessage.findFirstOrThrow({ omit: { body: false } });
  assert.deepEqual(Buffer.from(msg.body), body, "the body's bytes are unchanged");
  assert.equal(msg.receivedAt.toISOString(), receivedAt.toISOString(), "times keep their milliseconds");
  assert.equal((await dst.user.findUniqueOrThrow({ where: { id: user.id }, omit: { passwordHash: false } })).passwordHash, "scrypt$hash");
  assert.equal(await dst.job.count(), 0, "the queue's own tables are not copied");

  const again = copy(sqliteUrl, pg.url);
  assert.notEqual(again.status, 0, "a second copy into the same target is refused");
  assert.match(again.stderr, /target is not empty/);

  const back = copy(pg.url, backUrl);
  assert.equal(back.status, 0, `copy back to SQLite failed:\n${back.stdout}\n${back.stderr}`);
  const b = open(backUrl);
  const backMsg = await b.inboundMessage.findFirstOrThrow({ omit: { body: false } });
  assert.deepEqual(Buffer.from(backMsg.body), body);
  assert.equal(backMsg.receivedAt.toISOString(), receivedAt.toISOString());
  assert.deepEqual((await b.authConfig.findUniqueOrThrow({ where: { id: "cfg-1" }, omit: { secrets: false } })).secrets, { apiKey: sealed });
});
