// The one table's state (SPEC §13, STYLE 16): sort and page live in the URL so a list can be
// linked, reloaded and used without JavaScript. Pure functions, shared by server and client lists.

export type TSortDir = "asc" | "desc";
export type TTableState = { sort: string | null; dir: TSortDir; page: number };
/** The page's current search parameters, as Next passes them (or from useSearchParams). */
export type TSearchParams = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** Reads `<prefix>sort`, `<prefix>dir` and `<prefix>page`; anything unreadable falls back to the default. */
export function readTableState(params: TSearchParams, prefix = "", fallback?: { sort: string; dir?: TSortDir }): TTableState {
  const sort = first(params[`${prefix}sort`]) || fallback?.sort || null;
  const dirParam = first(params[`${prefix}dir`]);
  const dir: TSortDir = dirParam === "desc" || dirParam === "asc" ? dirParam : (fallback?.dir ?? "asc");
  const page = Number.parseInt(first(params[`${prefix}page`]) ?? "1", 10);
  return { sort, dir, page: Number.isFinite(page) && page >= 1 ? page : 1 };
}

/** A link to `path` with the same search parameters except the table's own, which become `state`. */
export function tableHref(path: string, params: TSearchParams, prefix: string, state: Partial<TTableState>): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (k === `${prefix}sort` || k === `${prefix}dir` || k === `${prefix}page`) continue;
    for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) out.append(k, one);
  }
  if (state.sort) out.set(`${prefix}sort`, state.sort);
  if (state.sort && state.dir) out.set(`${prefix}dir`, state.dir);
  if (state.page && state.page > 1) out.set(`${prefix}page`, String(state.page));
  const s = out.toString();
  return s ? `${path}?${s}` : path;
}

export type TSortValue = string | number | boolean | Date | null | undefined;

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/** Compares two sort values; empty values sort last in both directions. */
export function compareValues(a: TSortValue, b: TSortValue, dir: TSortDir): number {
  const emptyA = a === null || a === undefined || a === "";
  const emptyB = b === null || b === undefined || b === "";
  if (emptyA || emptyB) return emptyA === emptyB ? 0 : emptyA ? 1 : -1;
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  const c = typeof x === "string" && typeof y === "string" ? collator.compare(x, y) : x! < y! ? -1 : x! > y! ? 1 : 0;
  return dir === "desc" ? -c : c;
}

/** A stable sort of `rows` by `value` (rows keep their given order among equals). */
export function sortRows<T>(rows: readonly T[], value: ((row: T) => TSortValue) | undefined, dir: TSortDir): T[] {
  if (!value) return [...rows];
  return rows
    .map((row, i) => ({ row, i, v: value(row) }))
    .sort((p, q) => compareValues(p.v, q.v, dir) || p.i - q.i)
    .map((x) => x.row);
}

export type TPage = { page: number; pages: number; from: number; to: number };

/** Clamps `page` to the pages `total` rows make; from/to are 1-based and inclusive (0/0 when empty). */
export function pageOf(total: number, pageSize: number, page: number): TPage {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const p = Math.min(Math.max(1, page), pages);
  const from = total === 0 ? 0 : (p - 1) * pageSize + 1;
  return { page: p, pages, from, to: Math.min(total, p * pageSize) };
}
