// The PostgreSQL driver adapter (SPEC §12: DATABASE_URL=postgres://… selects it), used by the app,
// the Prisma CLI (prisma.config.ts) and the scripts and tests alike.
//
// @prisma/adapter-pg 6.19.3 cannot read columns of PostgreSQL's internal types "char" (OID 18),
// name (19) and their arrays (1002, 1003): every query returning one fails with "Column type … could
// not be deserialized" (prisma/orm#27403) — and the schema engine's own catalogue queries return
// them, so `prisma migrate deploy` fails. The pool's clients report those columns as text and text[]
// instead (STACK-NOTES), which is what they are to Patchbay.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

const TEXT = 25;
const TEXT_ARRAY = 1009;
const AS_TEXT = new Set([18, 19]);
const AS_TEXT_ARRAY = new Set([1002, 1003]);
const parseTextArray = pg.types.getTypeParser(TEXT_ARRAY as Parameters<typeof pg.types.getTypeParser>[0], "text") as (v: string) => string[];

type TResult = { fields?: Array<{ dataTypeID: number }>; rows?: unknown[] };

/** Rewrites the internal-type columns of a result as text / text[] (in place). */
export function mapInternalTypes(result: TResult): void {
  const fields = result?.fields;
  if (!fields) return;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    if (AS_TEXT.has(f.dataTypeID)) f.dataTypeID = TEXT;
    else if (AS_TEXT_ARRAY.has(f.dataTypeID)) {
      f.dataTypeID = TEXT_ARRAY;
      const name = (fields[i] as { name?: string }).name;
      for (const row of result.rows ?? []) {
        // rowMode "array" (the adapter) or objects (everything else).
        const key = Array.isArray(row) ? i : name;
        if (key === undefined) continue;
        const r = row as Record<string | number, unknown>;
        if (typeof r[key] === "string") r[key] = parseTextArray(r[key] as string);
      }
    }
  }
}

class MappingClient extends pg.Client {
  // pg's query() has callback, promise and submittable forms; results pass through mapInternalTypes.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (err: Error | null, res: TResult) => {
        if (!err && res) mapInternalTypes(res);
        last(err, res);
      };
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return (super.query as any)(...args);
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const out = (super.query as any)(...args);
    if (out && typeof out.then === "function") {
      return out.then((res: TResult) => {
        mapInternalTypes(res);
        return res;
      });
    }
    return out;
  }
}

/** A database host that drops packets: fail (503, readyz) instead of waiting for TCP's timeout. */
export const CONNECT_TIMEOUT_MS = 5_000;

/** A pg pool whose clients map the internal types (also for code that uses pg directly: pg-boss). */
export function createPgPool(url: string, opts: { max?: number; application?: string; allowExitOnIdle?: boolean } = {}): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    allowExitOnIdle: opts.allowExitOnIdle ?? false,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: opts.application ?? "patchbay",
    Client: MappingClient,
  } as pg.PoolConfig);
}

type TQuery = { sql: string; args: unknown[]; argTypes: Array<{ scalarType?: string } | undefined> };

const NUL = /\u0000/g;
/** A JSON text's \u0000 escapes (not an escaped backslash followed by "u0000"). */
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

/**
 * PostgreSQL's text and jsonb cannot hold U+0000 (SQLite can): a parameter holding one fails the
 * whole statement ("invalid byte sequence for encoding UTF8: 0x00"), and with it, say, the record
 * of a hand-off whose upstream answered with a NUL in its error text. Such characters are stored
 * as U+FFFD, the replacement character, in text and in JSON alike.
 */
export function withoutNul(value: unknown, json: boolean): unknown {
  if (typeof value === "string") {
    const text = value.includes("\u0000") ? value.replace(NUL, "\uFFFD") : value;
    return json && text.includes("\\u0000") ? text.replace(NUL_ESCAPE, "$1\\ufffd") : text;
  }
  if (Array.isArray(value)) return value.map((v) => withoutNul(v, json));
  return value;
}

function sanitized(q: TQuery): TQuery {
  let args: unknown[] | undefined;
  q.args.forEach((a, i) => {
    const clean = withoutNul(a, q.argTypes[i]?.scalarType === "json");
    if (clean !== a) (args ??= [...q.args])[i] = clean;
  });
  return args ? { ...q, args } : q;
}

/** The adapter (or a transaction of it) with every statement's parameters passed through withoutNul. */
function nulSafe<T extends object>(target: T): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver);
      if (prop === "queryRaw" || prop === "executeRaw") return (q: TQuery) => (value as (q: TQuery) => unknown).call(t, sanitized(q));
      if (prop === "startTransaction") return async (...a: unknown[]) => nulSafe(await (value as (...a: unknown[]) => Promise<object>).apply(t, a));
      return typeof value === "function" ? value.bind(t) : value;
    },
  });
}

/** Prisma's PostgreSQL adapter over such a pool. */
export function createPgAdapter(url: string, opts: { max?: number; application?: string } = {}): PrismaPg {
  const factory = new PrismaPg(createPgPool(url, opts), { disposeExternalPool: true });
  const connect = factory.connect.bind(factory);
  factory.connect = async () => nulSafe(await connect());
  return factory;
}
