// The listeners: name (link to its page), full URL, allowed methods, target, state, messages of the
// last 24 hours, last message and the messages whose hand-off is failing.
import Link from "next/link";
import { formatUtc } from "@/components/ui/format";
import { LISTENER_TARGET_LABELS } from "@/lib/listeners/schema";
import type { TListenerRow } from "@/lib/listeners/store";
import { EnabledBadge } from "./badges";
import { targetDetail } from "./format";

export function ListenersTable({ rows, canEdit }: { rows: TListenerRow[]; canEdit: boolean }) {
  if (rows.length === 0) {
    return (
      <p className="empty panel">
        No listeners yet.{" "}
        {canEdit ? (
          <>
            <Link href="/listeners/new">Create one</Link> to give a partner or another application a URL to send its messages to: each one is stored
            before it is acknowledged, then kept, forwarded to your callback URL or run through a connector.
          </>
        ) : (
          "An administrator can create one."
        )}
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Path</th>
            <th scope="col">Methods</th>
            <th scope="col">Target</th>
            <th scope="col">Status</th>
            <th scope="col">Messages (24 h)</th>
            <th scope="col">Last received</th>
            <th scope="col">Failing</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((l) => {
            const detail = targetDetail(l);
            return (
              <tr key={l.id} data-testid={`listener-row-${l.name}`}>
                <td><Link href={`/listeners/${l.id}`}>{l.name}</Link></td>
                <td className="url-cell" title={l.url}><code className="mono">{l.url}</code></td>
                <td className="nowrap">{l.methods.map((m) => <span key={m} className="method">{m} </span>)}</td>
                <td>
                  {LISTENER_TARGET_LABELS[l.target]}
                  {detail ? <> · <span className={l.target === "FORWARD" ? "mono" : undefined}>{detail}</span></> : null}
                </td>
                <td><EnabledBadge enabled={l.enabled} /></td>
                <td>{l.messages24h}</td>
                <td>{l.lastReceivedAt ? <time className="nowrap" dateTime={l.lastReceivedAt.toISOString()}>{formatUtc(l.lastReceivedAt)}</time> : <span className="muted">—</span>}</td>
                <td data-testid="listener-failing">{l.failing > 0 ? <span className="status-bad">{l.failing}</span> : 0}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
