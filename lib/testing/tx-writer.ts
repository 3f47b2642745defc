// Child process for lib/sqlite-adapter.test.ts: one PrismaClient (one process, like a worker or a
// script next to the app) that runs read-then-write interactive transactions on a shared database.
//
//   node --import tsx --conditions=react-server lib/testing/tx-writer.ts <url> <count> <patchbay|plain>
//
// Prints "ready" once connected, waits for a line on stdin (so that both processes start
// together), runs <count> transactions at once and prints one JSON line: { ok, failed, errors }.
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { PrismaClient } from "@/generated/prisma/client";
import { createPrismaClient } from "@/lib/db";

const [url, countText, kind] = process.argv.slice(2);
const count = Number(countText);
if (!url || !(count > 0) || (kind !== "patchbay" && kind !== "plain")) {
  console.error("usage: tx-writer.ts <url> <count> <patchbay|plain>");
  process.exit(2);
}

const db = kind === "patchbay" ? createPrismaClient(url) : new PrismaClient({ adapter: new PrismaLibSQL({ url }) });

/** "<code>: <last line of the message>"; Prisma puts the driver's message after a code excerpt. */
function describe(e: unknown): string {
  const code = e && typeof e === "object" && "code" in e ? String(e.code) : "?";
  const lines = (e instanceof Error ? e.message : String(e)).split("\n").filter((l) => l.trim() !== "");
  return `${code}: ${lines.at(-1) ?? ""}`;
}

async function main() {
  await db.auditEntry.count(); // connect before the start signal
  process.stdout.write("ready\n");
  await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
  const results = await Promise.allSettled(
    Array.from({ length: count }, () =>
      db.$transaction(async (tx) => {
        const n = await tx.auditEntry.count();
        await tx.auditEntry.create({ data: { action: "t", objectType: "T", objectName: String(n) } });
      }),
    ),
  );
  const errors = results.flatMap((r) => (r.status === "rejected" ? [describe(r.reason)] : []));
  process.stdout.write(`${JSON.stringify({ ok: count - errors.length, failed: errors.length, errors: errors.slice(0, 3) })}\n`);
  await db.$disconnect();
  process.stdin.destroy();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
