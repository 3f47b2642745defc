// What arrived and what became of it: time, method, path and query, sender's address, content
// type, size, hand-off status.
import Link from "next/link";
import { formatUtc } from "@/components/ui/format";
import type { TMessageDetail } from "@/lib/listeners/queries";
import { MessageStatusBadge } from "./badges";
import { formatBytes } from "./format";

const when = (d: Date | null) => (d ? <time dateTime={d.toISOString()}>{formatUtc(d, true)}</time> : <span className="muted">—</span>);

export function MessageFacts({ message: m }: { message: TMessageDetail }) {
  return (
    <dl className="facts" data-testid="message-facts">
      <dt>ID</dt>
      <dd className="mono" data-testid="message-id">{m.id}</dd>
      <dt>Listener</dt>
      <dd><Link href={`/listeners/${m.listenerId}`}>{m.listenerName}</Link></dd>
      <dt>Received</dt>
      <dd>{when(m.receivedAt)}</dd>
      <dt>Method</dt>
      <dd className="method">{m.method}</dd>
      <dt>Path</dt>
      <dd className="mono" data-testid="message-path">{m.path}{m.query ? `?${m.query}` : ""}</dd>
      <dt>Remote address</dt>
      <dd className="mono">{m.remoteAddress ?? <span className="muted">—</span>}</dd>
      <dt>Content type</dt>
      <dd className="mono">{m.contentType ?? <span className="muted">None given</span>}</dd>
      <dt>Size</dt>
      <dd>{m.size} bytes{m.size >= 1024 ? ` (${formatBytes(m.size)})` : ""}</dd>
      <dt>Status</dt>
      <dd>
        <MessageStatusBadge status={m.status} />
        {m.handedOnAt ? <> {when(m.handedOnAt)}</> : null}
      </dd>
      <dt>Attempts</dt>
      <dd>{m.attemptCount}</dd>
      <dt>Last error</dt>
      <dd data-testid="last-error">{m.lastError ? <span className="status-bad">{m.lastError}</span> : <span className="muted">—</span>}</dd>
      <dt>Next attempt</dt>
      <dd>{m.status === "pending" || m.status === "retrying" ? when(m.nextAttemptAt) : <span className="muted">—</span>}</dd>
    </dl>
  );
}
