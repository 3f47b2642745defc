// npm run db:copy -- --to <DATABASE_URL> [--from <DATABASE_URL>]
// Copies Patchbay's data from one database to another — typically from the embedded SQLite file to
// PostgreSQL when scaling out (README, "Scale-out"), or back. --from defaults to DATABASE_URL.
//
// - The target is migrated first (prisma migrate deploy with its provider's migrations) and must be
//   empty; the source must have every migration of this build applied (the same schema).
// - Rows are copied model by model in foreign-key order, in batches, as they are: secrets stay
//   encrypted with the same key (their ciphertext is bound to model, field and row id, which are
//   kept), so the target deployment needs the same PATCHBAY_SECRET_KEY (or data folder key file).
// - The background queue's own tables (Job, JobSchedule) are not copied: on PostgreSQL pg-boss
//   keeps its own, schedules are registered at start, and the minute sweeps restart polls,
//   deliveries and hand-offs that have no job (lib/events/worker.ts, lib/listeners/worker.ts).
// - At the end every copied table's row count is compared; a difference fails the copy.
// Stop the app (every instance) while copying: rows written meanwhile would be missed.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DEFAULT_OMIT, createPrismaClient, type TDb } from "../lib/db";
import { databaseUrl, env, isPostgresUrl } from "../lib/env";
import { describeDatabaseUrl } from "../lib/server/db-errors";
import { appliedMigrations, compareMigrations, schemaProblem, shippedMigrations } from "../lib/server/schema-version";

const SKIPPED = new Set(["Job", "JobSchedule"]);
const BATCH = 500;

type TModel = { name: string; dependsOn: string[]; idFields: string[] };

/** Models of prisma/schema.prisma in an order where every model comes after those it references. */
export function modelsInCopyOrder(schema: string): TModel[] {
  const models: TModel[] = [];
  for (const m of schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const [, name, body] = m;
    const dependsOn = [...body.matchAll(/^\s+\w+\s+(\w+)\??\s+@relation\([^)]*fields:/gm)].map((r) => r[1]).filter((t) => t !== name);
    const compound = /@@id\(\[([^\]]+)\]\)/.exec(body);
    const idFields = compound ? compound[1].split(",").map((s) => s.trim()) : [...body.matchAll(/^\s+(\w+)\s+\w+\s+@id\b/gm)].map((r) => r[1]);
    if (idFields.length === 0) throw new Error(`model ${name} has no @id the copy can page by`);
    models.push({ name, dependsOn, idFields });
  }
  const byName = new Map(models.map((m) => [m.name, m]));
  const ordered: TModel[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (m: TModel) => {
    if (state.get(m.name) === "done") return;
    if (state.get(m.name) === "visiting") throw new Error(`relation cycle through ${m.name}: the copy needs an order`);
    state.set(m.name, "visiting");
    for (const d of m.dependsOn) visit(byName.get(d)!);
    state.set(m.name, "done");
    ordered.push(m);
  };
  for (const m of models) visit(m);
  return ordered;
}

const delegate = (db: TDb, model: string) =>
  (db as unknown as Record<string, { count: () => Promise<number>; findMany: (q: object) => Promise<object[]>; createMany: (q: object) => Promise<{ count: number }> }>)[
    model[0].toLowerCase() + model.slice(1)
  ];

/** Every field, secrets and bodies included (DEFAULT_OMIT hides them from ordinary queries). */
const withEverything = (model: string) => {
  const omitted = (DEFAULT_OMIT as Record<string, Record<string, boolean>>)[model[0].toLowerCase() + model.slice(1)] ?? {};
  return Object.fromEntries(Object.keys(omitted).map((k) => [k, false]));
};

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** Where a database is, never its credentials (the readyz and start-up wording). */
const redact = (url: string) => describeDatabaseUrl(url);

async function main() {
  env();
  const from = arg("from") ?? databaseUrl();
  const to = arg("to");
  if (!to) {
    console.error("usage: npm run db:copy -- --to <DATABASE_URL> [--from <DATABASE_URL>]   (--from defaults to DATABASE_URL)");
    process.exit(2);
  }
  for (const u of [from, to]) {
    if (!/^(file:|libsql:|postgres(ql)?:\/\/)/i.test(u)) throw new Error("--from and --to take database URLs starting with file:, libsql:, postgres:// or postgresql://");
  }
  if (from === to) throw new Error("--from and --to are the same database");

  console.log(`Migrating the target ${redact(to)} ...`);
  execFileSync("npx", ["prisma", "migrate", "deploy"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, DATABASE_URL: to, PATCHBAY_ROLE: "all", CHECKPOINT_DISABLE: "1" } });

  const source = createPrismaClient(from, { poolSize: 2, application: "patchbay-copy" });
  const target = createPrismaClient(to, { poolSize: 2, application: "patchbay-copy" });
  try {
    // The source must hold this build's schema (the readyz check; the target was just migrated).
    const kind = isPostgresUrl(from) ? "postgres" : "sqlite";
    const verdict = compareMigrations(await shippedMigrations(kind), await appliedMigrations(source, kind));
    if (!verdict.ok) throw new Error(`the source ${redact(from)} does not match this build (${schemaProblem(verdict)}): run npm run db:deploy against it, or use the build it belongs to`);
    const models = modelsInCopyOrder(readFileSync("prisma/schema.prisma", "utf8")).filter((m) => !SKIPPED.has(m.name));
    for (const m of models) {
      const n = await delegate(target, m.name).count();
      if (n > 0) throw new Error(`the target is not empty (${m.name}: ${n} rows): copy into a new database`);
    }
    for (const m of models) {
      const src = delegate(source, m.name);
      const dst = delegate(target, m.name);
      const orderBy = m.idFields.map((f) => ({ [f]: "asc" }));
      // Paged by key (WHERE id > last), so a table of millions of runs is not read with ever larger
      // offsets; a compound key (SeenItem) pages by offset, ordered by all of it.
      const single = m.idFields.length === 1 ? m.idFields[0] : null;
      let copied = 0;
      let last: unknown = undefined;
      for (;;) {
        const page = single
          ? { where: last === undefined ? {} : { [single]: { gt: last } }, orderBy, take: BATCH }
          : { orderBy, skip: copied, take: BATCH };
        const batch = (await src.findMany({ omit: withEverything(m.name), ...page })) as Array<Record<string, unknown>>;
        if (batch.length === 0) break;
        await dst.createMany({ data: batch });
        copied += batch.length;
        if (single) last = batch[batch.length - 1][single];
      }
      const [a, b] = await Promise.all([src.count(), dst.count()]);
      if (a !== b) throw new Error(`${m.name}: ${a} rows in the source but ${b} copied (was the app running?)`);
      console.log(`  ${m.name}: ${b}`);
    }
    console.log(`Copied to ${redact(to)}. Start Patchbay there with the same PATCHBAY_SECRET_KEY (or the same data folder key).`);
  } finally {
    await Promise.all([source.$disconnect(), target.$disconnect()]);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(`db:copy failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
