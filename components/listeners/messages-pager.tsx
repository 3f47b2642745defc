// "Newer" / "Older" through a listener's messages. The list pages forward only (an opaque cursor
// per page), so the address carries the cursors of the pages before this one (?back=a.b): Newer
// pops one, Older pushes the current one. A trail that does not look like cursors is dropped.
import Link from "next/link";

const CURSOR = /^[A-Za-z0-9_-]{1,2000}$/;
const MAX_TRAIL = 100;

/** The cursors of the pages before the current one, oldest first. */
export function trailOf(back: string | undefined): string[] {
  if (!back) return [];
  const parts = back.split(".");
  return parts.length <= MAX_TRAIL && parts.every((p) => CURSOR.test(p)) ? parts : [];
}

export function messagesHref(listenerId: string, opts: { status?: string; cursor?: string; back?: string[] }): string {
  const q = new URLSearchParams();
  if (opts.status) q.set("status", opts.status);
  if (opts.cursor) q.set("cursor", opts.cursor);
  if (opts.cursor && opts.back?.length) q.set("back", opts.back.join("."));
  return `/listeners/${listenerId}${q.size ? `?${q}` : ""}`;
}

export function MessagesPager(props: { listenerId: string; status?: string; cursor?: string; back: string[]; nextCursor: string | null }) {
  const { listenerId, status, cursor, back, nextCursor } = props;
  // Newer: the page before (the first page has no cursor).
  const newer = cursor ? messagesHref(listenerId, { status, cursor: back.at(-1), back: back.slice(0, -1) }) : null;
  const older = nextCursor ? messagesHref(listenerId, { status, cursor: nextCursor, back: cursor ? [...back, cursor].slice(-MAX_TRAIL) : [] }) : null;
  if (!newer && !older) return null;
  return (
    <nav className="pager" aria-label="Message pages">
      {newer ? <Link className="btn small" href={newer}>Newer</Link> : null}
      {older ? <Link className="btn small" href={older}>Older</Link> : null}
    </nav>
  );
}
