// Test support for lib/server (never used by the app): Prisma's migration table written as
// `prisma migrate deploy` writes it (the test databases of lib/testing/temp-db.ts get the schema
// without it, and the real CLI takes 10-15 s per run), and server.ts started as a real process
// (`npm start` after its migration step) with its configuration in the environment.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { createClient } from "@libsql/client";
import pg from "pg";
import { isPostgresUrl } from "@/lib/env";
import { migrationsFolder, type TDialect } from "./schema-version";

// Prisma's own DDL for the table (read from databases `prisma migrate deploy` made).
const TABLE: Record<TDialect, string> = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" ("id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`,
  postgres: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`,
};

export type TMigrationRow = { name: string; state?: "applied" | "rolled-back" | "failed" };

/** Writes _prisma_migrations rows (created if missing) into the database at `url`, as the CLI does. */
export async function recordMigrations(url: string, rows: TMigrationRow[]): Promise<void> {
  const dialect: TDialect = isPostgresUrl(url) ? "postgres" : "sqlite";
  const values = await Promise.all(
    rows.map(async ({ name, state = "applied" }) => {
      const sql = await readFile(path.join(migrationsFolder(dialect), name, "migration.sql"), "utf8").catch(() => name);
      const now = new Date().toISOString();
      return [randomUUID(), createHash("sha256").update(sql).digest("hex"), state === "failed" ? null : now, name, state === "rolled-back" ? now : null, now, state === "failed" ? 0 : 1];
    }),
  );
  const insert = (p: (i: number) => string) => `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "rolled_back_at", "started_at", "applied_steps_count") VALUES (${[1, 2, 3, 4, 5, 6, 7].map(p).join(", ")})`;
  if (dialect === "postgres") {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(TABLE.postgres);
      for (const v of values) await client.query(insert((i) => `$${i}`), v);
    } finally {
      await client.end();
    }
  } else {
    const client = createClient({ url });
    try {
      await client.execute(TABLE.sqlite);
      for (const v of values) await client.execute({ sql: insert(() => "?"), args: v });
    } finally {
      client.close();
    }
  }
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

// A resolve hook that fails every import of Next: a process started with it proves it never loads Next.
const BLOCK_NEXT = `import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(${JSON.stringify(`export async function resolve(s, c, n) {
  if (s === "next" || s.startsWith("next/")) throw new Error("this process must not load Next (import of " + s + ")");
  return n(s, c);
}`)}));`;

export type TServerExit = { code: number | null; signal: NodeJS.Signals | null };

export type TServerProcess = {
  proc: ChildProcess;
  /** Resolves when it listens (true) or ends first (false). */
  listening: Promise<boolean>;
  exited: Promise<TServerExit>;
  /** Everything it printed, stdout and stderr. */
  output: () => string;
};

/**
 * Starts server.ts as `npm start` does after `prisma migrate deploy`, with `settings` in its
 * environment (added to this process's, through env(1), so lib/env.ts stays the only reader of
 * the environment; the secret key and admin settings of the caller's shell are removed). `blockNext`
 * makes any import of Next fail.
 */
export function startServer(settings: Record<string, string>, opts: { blockNext?: boolean } = {}): TServerProcess {
  const unset = ["PATCHBAY_SECRET_KEY", "PATCHBAY_SECRET_KEYS_OLD", "PATCHBAY_ADMIN_EMAIL", "PATCHBAY_ADMIN_PASSWORD", "PATCHBAY_ROLE", "PATCHBAY_URL"].flatMap((k) => ["-u", k]);
  const vars = Object.entries({ NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", PATCHBAY_HOST: "127.0.0.1", ...settings }).map(([k, v]) => `${k}=${v}`);
  const node = [process.execPath, "--import", "tsx", "--import", "./lib/server/register.mjs", ...(opts.blockNext ? ["--import", `data:text/javascript,${encodeURIComponent(BLOCK_NEXT)}`] : []), "server.ts"];
  const proc = spawn("env", [...unset, ...vars, ...node], { cwd: process.cwd(), stdio: ["ignore", "pipe", "pipe"] });
  const chunks: string[] = [];
  const exited = new Promise<TServerExit>((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
  const listening = new Promise<boolean>((resolve) => {
    proc.stdout!.on("data", (d: Buffer) => {
      chunks.push(d.toString());
      if (chunks.join("").includes("[patchbay] listening on")) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  proc.stderr!.on("data", (d: Buffer) => chunks.push(d.toString()));
  return { proc, listening, exited, output: () => chunks.join("") };
}

/** Waits for the process to end, killing it (SIGKILL) after `ms`. */
export async function waitForExit(p: TServerProcess, ms = 30_000): Promise<TServerExit> {
  const timer = setTimeout(() => p.proc.kill("SIGKILL"), ms);
  try {
    return await p.exited;
  } finally {
    clearTimeout(timer);
  }
}
