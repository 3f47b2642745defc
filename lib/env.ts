// The only module that reads process.env. Every setting is validated here (README, "Configuration").
import { mkdirSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** A 256-bit key given as 64 hex characters or as base64 of 32 bytes. */
export function parseKey(text: string): Buffer | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (b.length === 32) return b;
  }
  return null;
}

const keyText = z.string().refine((v) => parseKey(v) !== null, {
  message: "must be 32 bytes as 64 hex characters or base64 (openssl rand -base64 32)",
});

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PATCHBAY_DATA_DIR: z.string().default("./data"),
  DATABASE_URL: z
    .string()
    // SQLite (embedded default) or PostgreSQL for scale-out (SPEC §12).
    .regex(/^(file:|libsql:|postgres:\/\/|postgresql:\/\/)/i, "must start with file:, libsql:, postgres:// or postgresql://")
    .optional(),
  /** Connections of this process's PostgreSQL pool (SPEC §12); SQLite uses one. */
  PATCHBAY_DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  /**
   * What this process does (SPEC §12): all = web and background work (default), web = UI,
   * /api/v1 and hooks without background work, worker = background work with only /healthz and
   * /readyz on PORT. web and worker need PostgreSQL.
   */
  PATCHBAY_ROLE: z.enum(["all", "web", "worker"]).default("all"),
  PATCHBAY_SECRET_KEY: keyText.optional(),
  PATCHBAY_SECRET_KEYS_OLD: z
    .string()
    .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(keyText))
    .default([]),
  /** Port of the server (npm start / npm run dev). */
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Address the server listens on; default every interface. */
  PATCHBAY_HOST: z.string().default("0.0.0.0"),
  /** Default: http://localhost:<PORT>. */
  PATCHBAY_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Days a run stays in the run log (SPEC §8). */
  PATCHBAY_RUN_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Polls (SPEC §9) running at the same time in one process. */
  PATCHBAY_POLL_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
  /** Event deliveries (SPEC §9) in flight at the same time in one process. */
  PATCHBAY_DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(64),
  /** How long a background job's claim lasts without renewal: work of a process that died runs again after it. On PostgreSQL (pg-boss, which does not renew) also the longest one attempt may run. */
  PATCHBAY_JOB_LEASE_SECONDS: z.coerce.number().int().min(5).max(600).default(60),
  /** Days delivered and dead-lettered events are kept (SPEC §9); pending ones are never deleted. */
  PATCHBAY_EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Listener messages (SPEC §10) handed on (forwarded, or run into a connector) at the same time in one process. */
  PATCHBAY_HANDOFF_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /** Largest body a webhook subscription's inbound URL accepts (bytes); larger ones get 413. */
  PATCHBAY_HOOK_MAX_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(1024 * 1024),
  PATCHBAY_ADMIN_EMAIL: z.email().optional(),
  PATCHBAY_ADMIN_PASSWORD: z.string().min(10, "must be at least 10 characters").optional(),
  PATCHBAY_ADMIN_NAME: z.string().default("Administrator"),
  PATCHBAY_TRUST_PROXY: bool.default(false),
  /** Comma-separated CIDRs and host names that outbound requests may reach although internal. */
  PATCHBAY_OUTBOUND_ALLOW: z.string().default(""),
  /** Name of the OAuth2 Service Account configuration that reads GCP Secret Manager references (SPEC §7). */
  PATCHBAY_GCP_SECRETS_AUTH_CONFIG: z.string().optional(),
  /** Secret Manager's REST endpoint; another value for an emulator. */
  PATCHBAY_GCP_SECRET_MANAGER_URL: z.url({ protocol: /^https?$/ }).default("https://secretmanager.googleapis.com"),
  /** Comma-separated absolute folders that file: secret references may read (Docker and Kubernetes mount secrets there). */
  PATCHBAY_SECRET_FILE_DIRS: z
    .string()
    .default("/run/secrets,/var/run/secrets")
    .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().startsWith("/", "must be absolute folders"))),
});

/** PATCHBAY_URL without a trailing slash; unset, it follows PORT (not always :3000). */
export function publicUrlOf(url: string | undefined, port: number): string {
  return (url ?? `http://localhost:${port}`).replace(/\/+$/, "");
}

export type TEnv = Omit<z.infer<typeof ZEnv>, "PATCHBAY_URL"> & { PATCHBAY_URL: string };

let cached: TEnv | undefined;

/** Validated configuration. Throws one readable error listing every invalid setting. */
export function env(): TEnv {
  if (cached) return cached;
  // Treat empty strings as unset, as container tooling often passes VAR= for "no value".
  const raw = Object.fromEntries(
    Object.keys(ZEnv.shape).map((k) => [k, process.env[k] === "" ? undefined : process.env[k]]),
  );
  const parsed = ZEnv.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid Patchbay configuration:\n${lines.join("\n")}\nSee the README, "Configuration".`);
  }
  if (parsed.data.PATCHBAY_ADMIN_EMAIL && !parsed.data.PATCHBAY_ADMIN_PASSWORD) {
    throw new Error(
      "Invalid Patchbay configuration:\n  PATCHBAY_ADMIN_PASSWORD: required when PATCHBAY_ADMIN_EMAIL is set",
    );
  }
  if (parsed.data.PATCHBAY_ROLE !== "all" && !isPostgresUrl(parsed.data.DATABASE_URL ?? "")) {
    throw new Error(
      `Invalid Patchbay configuration:\n  PATCHBAY_ROLE: ${parsed.data.PATCHBAY_ROLE} needs PostgreSQL (DATABASE_URL=postgres://…); the embedded SQLite database runs one process with PATCHBAY_ROLE=all`,
    );
  }
  // Without PATCHBAY_URL the base URL (and the OAuth2 Redirect URL) follows PORT.
  cached = { ...parsed.data, PATCHBAY_URL: publicUrlOf(parsed.data.PATCHBAY_URL, parsed.data.PORT) };
  // Libraries that read their own variables get them from here: Prisma's schema needs DATABASE_URL
  // (without it the CLI tries to download an engine), next-auth needs its public URL.
  process.env.DATABASE_URL = databaseUrlFor(cached);
  process.env.NEXTAUTH_URL = cached.PATCHBAY_URL;
  return cached;
}

/**
 * Settings of the test tooling (lib/testing), never of the app: the throw-away PostgreSQL cluster
 * (PATCHBAY_TEST_PG_URL) and which database temporary test databases use (PATCHBAY_TEST_DATABASE:
 * postgres or sqlite; unset, PostgreSQL when a cluster is named). Read here, as every setting is.
 */
export function testTooling(): { pgUrl: string | undefined; database: "postgres" | "sqlite" } {
  const pgUrl = process.env.PATCHBAY_TEST_PG_URL || undefined;
  const chosen = process.env.PATCHBAY_TEST_DATABASE;
  return { pgUrl, database: chosen ? (chosen === "postgres" ? "postgres" : "sqlite") : pgUrl ? "postgres" : "sqlite" };
}

/**
 * For tests only: sets (or, with undefined, removes) variables before anything reads the
 * configuration. Refuses once env() has run, since the values are read once per process.
 */
export function setEnvForTests(vars: Record<string, string | undefined>): void {
  if (cached) throw new Error("setEnvForTests() after the configuration was read: call it first");
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

function databaseUrlFor(e: TEnv): string {
  return e.DATABASE_URL ?? `file:${path.join(e.PATCHBAY_DATA_DIR, "patchbay.db")}`;
}

export function dataDir(): string {
  return path.resolve(env().PATCHBAY_DATA_DIR);
}

export function ensureDataDir(): string {
  const dir = dataDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export function databaseUrl(): string {
  return databaseUrlFor(env());
}

/** postgres:// and postgresql:// select PostgreSQL (SPEC §12); file: and libsql: the embedded SQLite. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

