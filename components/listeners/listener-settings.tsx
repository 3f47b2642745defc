// A listener's settings as facts: who may send, what happens to each message, how much and how
// long is kept. Secrets only as "set" / "not set".
import Link from "next/link";
import { formatUtc } from "@/components/ui/format";
import { HMAC_ALGORITHM_LABELS, LISTENER_TARGET_LABELS, SENDER_AUTH_LABELS } from "@/lib/listeners/schema";
import type { TListenerDetail } from "@/lib/listeners/store";
import { formatBytes } from "./format";

const setOrNot = (set: boolean, what: string) => `${what} ${set ? "set" : "not set"}`;

function senderDetail(a: TListenerDetail["auth"]): string | null {
  switch (a.mode) {
    case "NONE":
      return "anyone who knows the URL can send";
    case "BASIC":
      return `username ${a.username}; ${setOrNot(a.hasPassword, "password")}`;
    case "SHARED_SECRET":
      return `header ${a.headerName}; ${setOrNot(a.hasHeaderValue, "value")}`;
    case "HMAC":
      return `${HMAC_ALGORITHM_LABELS[a.algorithm]}, ${a.encoding}, in ${a.headerName}${a.prefix ? ` after "${a.prefix}"` : ""}; ${setOrNot(a.hasSecret, "secret")}`;
    case "STANDARD_WEBHOOKS":
      return setOrNot(a.hasSecret, "secret");
  }
}

export function ListenerSettings({ listener: l }: { listener: TListenerDetail }) {
  return (
    <dl className="facts" data-testid="listener-settings">
      <dt>Path</dt>
      <dd className="mono">{l.path}</dd>
      <dt>Allowed methods</dt>
      <dd>{l.methods.map((m) => <span key={m} className="method">{m} </span>)}</dd>
      <dt>Sender authentication</dt>
      <dd data-testid="sender-authentication">
        {SENDER_AUTH_LABELS[l.auth.mode]}
        <span className="muted"> — {senderDetail(l.auth)}</span>
      </dd>
      <dt>Size limit</dt>
      <dd>{l.sizeLimitBytes} bytes ({formatBytes(l.sizeLimitBytes)})</dd>
      <dt>Target</dt>
      <dd data-testid="listener-target">{LISTENER_TARGET_LABELS[l.target]}</dd>
      {l.target === "FORWARD" ? (
        <>
          <dt>Callback URL</dt>
          <dd className="mono">{l.callbackUrl}</dd>
          <dt>Signature key</dt>
          <dd>{l.hasSigningKey ? "A key is set" : "None: forwards are not signed"}</dd>
        </>
      ) : null}
      {l.target === "CONNECTOR" ? (
        <>
          <dt>Connector</dt>
          <dd>{l.connectorId && l.connectorName ? <Link href={`/connectors/${l.connectorId}`}>{l.connectorName}</Link> : <span className="status-bad">Missing</span>}</dd>
          <dt>Environment</dt>
          <dd>{l.environmentName ?? "No environment (defaults)"}</dd>
          <dt>Parameter mapping</dt>
          <dd>
            {l.mapping.length === 0 ? (
              <span className="muted">None</span>
            ) : (
              <ul>
                {l.mapping.map((m, i) => (
                  <li key={i}>
                    {m.from === "header" ? "Header" : "Query parameter"} <span className="mono">{m.name}</span> → {m.to === "path" ? "path parameter" : "query parameter"}{" "}
                    <span className="mono">{m.to === "path" ? `{${m.param}}` : m.param}</span>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </>
      ) : null}
      <dt>Retention</dt>
      <dd>{l.retentionDays} day{l.retentionDays === 1 ? "" : "s"}</dd>
      <dt>Messages (24 h)</dt>
      <dd>{l.messages24h}</dd>
      <dt>Last received</dt>
      <dd>{l.lastReceivedAt ? <time dateTime={l.lastReceivedAt.toISOString()}>{formatUtc(l.lastReceivedAt, true)}</time> : <span className="muted">—</span>}</dd>
      <dt>Failing</dt>
      <dd data-testid="listener-failing">{l.failing > 0 ? <span className="status-bad">{l.failing}</span> : 0}</dd>
      <dt>Created</dt>
      <dd><time dateTime={l.createdAt.toISOString()}>{formatUtc(l.createdAt)}</time></dd>
    </dl>
  );
}
