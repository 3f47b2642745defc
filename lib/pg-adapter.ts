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

/** A pg pool whose clients map the internal types (also for code that uses pg directly). */
export function createPgPool(url: string, opts: { max?: number; application?: string } = {}): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.application ?? "patchbay",
    Client: MappingClient,
  } as pg.PoolConfig);
}

/** Prisma's PostgreSQL adapter over such a pool. */
export function createPgAdapter(url: string, opts: { max?: number; application?: string } = {}): PrismaPg {
  return new PrismaPg(createPgPool(url, opts), { disposeExternalPool: true });
}
