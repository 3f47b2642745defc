// The one table (STYLE 16): a list describes its columns, this draws them. Sorting and paging are
// links (the state is in the URL: see data-table-model.ts), so it renders on the server or inside
// a client list alike. Row actions sit in a column pinned to the right edge, so they stay in view
// when the other columns scroll inside the table's keyboard-focusable region.
import Link from "next/link";
import type { ReactNode } from "react";
import { cn } from "./cn";
import { pageOf, sortRows, tableHref, type TSearchParams, type TSortDir, type TSortValue, type TTableState } from "./data-table-model";

export type TColumn<T> = {
  /** The column's name in the URL's sort parameter. */
  key: string;
  header: string;
  cell: (row: T) => ReactNode;
  /** Sortable here, in memory, by this value. */
  sortValue?: (row: T) => TSortValue;
  /** Sortable by the page's query (the rows arrive sorted by `state`). */
  serverSort?: boolean;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
  nowrap?: boolean;
  /** The cell names the row for screen readers (`<th scope="row">`). */
  rowHeader?: boolean;
  /** Hidden header text (e.g. a column of icons); the header is still read out. */
  hideHeader?: boolean;
  className?: string;
};

export type TSelection<T> = {
  selected: readonly string[];
  onChange: (ids: string[]) => void;
  /** The row's name in "Select <name>". */
  name: (row: T) => string;
};

export type TDataTableProps<T> = {
  /** What the table lists: its caption and the name of its scroll region. */
  label: string;
  columns: TColumn<T>[];
  /** Every row (paged here), or with `total` set, this page's rows (paged by the query). */
  rows: readonly T[];
  rowKey: (row: T) => string;
  rowTestId?: (row: T) => string;
  /** Row actions: buttons and links named after the row ("Edit Orders"). */
  actions?: (row: T) => ReactNode;
  /** Shown instead of the table when there are no rows: say what to do next. */
  empty: ReactNode;
  /** The URL's state (readTableState) and how to link to another. */
  state: TTableState;
  path: string;
  params: TSearchParams;
  /** Prefix for the URL parameters when a page shows more than one table. */
  prefix?: string;
  pageSize?: number;
  /** Rows counted by the query when `rows` is already one page of them. */
  total?: number;
  /** Footer words: ["connector", "connectors"]. */
  noun?: readonly [string, string];
  /** Checkboxes for lists with bulk actions (client lists only: it takes a callback). */
  selection?: TSelection<T>;
  testId?: string;
};

const ARIA_SORT = { asc: "ascending", desc: "descending" } as const;
const ARROW = { asc: "▲", desc: "▼" } as const;

export function DataTable<T>(props: TDataTableProps<T>) {
  const { columns, state, path, params, prefix = "", pageSize = 50, selection } = props;
  const serverPaged = props.total !== undefined;
  const total = props.total ?? props.rows.length;
  const page = pageOf(total, pageSize, state.page);
  const sortColumn = columns.find((c) => c.key === state.sort && (c.sortValue || c.serverSort));
  const sorted = serverPaged || !sortColumn?.sortValue ? [...props.rows] : sortRows(props.rows, sortColumn.sortValue, state.dir);
  const rows = serverPaged ? sorted : sorted.slice((page.page - 1) * pageSize, page.page * pageSize);
  const link = (s: Partial<TTableState>) => tableHref(path, params, prefix, s);
  const [one, many] = props.noun ?? ["row", "rows"];

  if (total === 0) {
    return (
      <div className="data-table-empty panel" data-testid={props.testId}>
        {props.empty}
      </div>
    );
  }

  const ids = rows.map(props.rowKey);
  const allSelected = selection ? ids.every((id) => selection.selected.includes(id)) : false;
  return (
    <div className="data-table" data-testid={props.testId}>
      {/* The region scrolls sideways on narrow screens; it takes focus so keys can scroll it. */}
      <div className="data-table-scroll" role="region" aria-label={props.label} tabIndex={0}>
        <table>
          {/* The table's name; the sorted column says so itself (aria-sort). */}
          <caption className="visually-hidden">{props.label}</caption>
          <thead>
            <tr>
              {selection ? (
                <th scope="col" className="dt-select">
                  <input
                    type="checkbox"
                    aria-label="Select all on this page"
                    checked={allSelected}
                    onChange={(e) =>
                      selection.onChange(
                        e.target.checked ? [...new Set([...selection.selected, ...ids])] : selection.selected.filter((id) => !ids.includes(id)),
                      )
                    }
                  />
                </th>
              ) : null}
              {columns.map((c) => {
                const sortable = Boolean(c.sortValue || c.serverSort);
                const current = sortColumn?.key === c.key;
                const next: TSortDir = current && state.dir === "asc" ? "desc" : "asc";
                return (
                  <th key={c.key} scope="col" className={cn(c.numeric && "num", c.className)} aria-sort={current ? ARIA_SORT[state.dir] : undefined}>
                    {sortable ? (
                      <Link className="dt-sort" href={link({ sort: c.key, dir: next, page: 1 })} aria-label={`Sort by ${c.header}, ${ARIA_SORT[next]}`} scroll={false}>
                        {c.header}
                        <span aria-hidden="true" className={current ? "dt-arrow on" : "dt-arrow"}>{current ? ARROW[state.dir] : "↕"}</span>
                      </Link>
                    ) : c.hideHeader ? (
                      <span className="visually-hidden">{c.header}</span>
                    ) : (
                      c.header
                    )}
                  </th>
                );
              })}
              {props.actions ? (
                <th scope="col" className="dt-actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={ids[i]} data-testid={props.rowTestId?.(row)}>
                {selection ? (
                  <td className="dt-select">
                    <input
                      type="checkbox"
                      aria-label={`Select ${selection.name(row)}`}
                      checked={selection.selected.includes(ids[i])}
                      onChange={(e) => selection.onChange(e.target.checked ? [...selection.selected, ids[i]] : selection.selected.filter((x) => x !== ids[i]))}
                    />
                  </td>
                ) : null}
                {columns.map((c) => {
                  const className = cn(c.numeric && "num", c.nowrap && "nowrap", c.className) || undefined;
                  return c.rowHeader ? (
                    <th key={c.key} scope="row" className={className}>{c.cell(row)}</th>
                  ) : (
                    <td key={c.key} className={className}>{c.cell(row)}</td>
                  );
                })}
                {props.actions ? (
                  <td className="dt-actions">
                    <div className="actions">{props.actions(row)}</div>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label={`Pages of ${props.label}`}>
        <span className="muted">
          {page.pages > 1 ? `${page.from}–${page.to} of ${total} ${many} · page ${page.page} of ${page.pages}` : `${total} ${total === 1 ? one : many}`}
        </span>
        {page.page > 1 ? (
          <Link className="btn small" href={link({ sort: state.sort, dir: state.dir, page: page.page - 1 })}>Previous</Link>
        ) : null}
        {page.page < page.pages ? (
          <Link className="btn small" href={link({ sort: state.sort, dir: state.dir, page: page.page + 1 })}>Next</Link>
        ) : null}
      </nav>
    </div>
  );
}
