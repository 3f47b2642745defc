// One page of a listener's messages, newest first; each row's time opens the message.
import Link from "next/link";
import { formatUtc } from "@/components/ui/format";
import type { TMessageRow } from "@/lib/listeners/queries";
import { MessageStatusBadge } from "./badges";
import { formatBytes } from "./format";

export function MessagesTable({ messages, filtered }: { messages: TMessageRow[]; filtered: boolean }) {
  return (
    <div className="table-wrap">
      <table aria-label="Messages">
        <thead>
          <tr>
            <th scope="col">Received</th>
            <th scope="col">Method</th>
            <th scope="col">Content type</th>
            <th scope="col">Size</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {messages.length === 0 ? (
            <tr>
              <td colSpan={7} className="empty">{filtered ? "No messages match this filter." : "No messages yet: send one to the URL above (the cURL example shows how)."}</td>
            </tr>
          ) : (
            messages.map((m) => (
              <tr key={m.id} data-testid="message-row" data-message-id={m.id}>
                <td className="nowrap">
                  <Link href={`/listeners/${m.listenerId}/${m.id}`}>
                    <time dateTime={m.receivedAt.toISOString()}>{formatUtc(m.receivedAt, true)}</time>
                  </Link>
                </td>
                <td className="method">{m.method}</td>
                <td className="mono">{m.contentType ?? <span className="muted">—</span>}</td>
                <td className="nowrap">{formatBytes(m.size)}</td>
                <td><MessageStatusBadge status={m.status} /></td>
                <td>{m.attemptCount}</td>
                <td>{m.lastError && m.status !== "delivered" ? <span className="status-bad">{m.lastError}</span> : <span className="muted">—</span>}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
