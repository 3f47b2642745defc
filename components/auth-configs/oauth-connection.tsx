"use client";
// The OAuth2 connection of a configuration (SPEC §6): whose tokens, until when, what scope; the
// Connect/Reconnect button of Authorization Code; "Needs reconnect" with the provider's reason. All of
// it in the environment chosen in the header (SPEC §7): an environment that overrides the client,
// URLs, scope or credentials has its own connection and tokens, any other uses the default one.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { formatUtc } from "@/components/ui/format";
import { AlertMessage, StatusMessage } from "@/components/ui/messages";
import type { TConnection } from "@/lib/oauth/connect";
import { connectAuthConfigAction, disconnectAuthConfigAction } from "@/lib/oauth/actions";

type TProps = {
  configId: string;
  /** Authorization Code: the user connects; the other grants get tokens by themselves. */
  authCode: boolean;
  shared: boolean;
  canConnect: boolean;
  connection: TConnection;
  needsReconnect: { reason: string } | null;
  /** The header's environment, in which Connect, Reconnect and Disconnect act; null: No environment. */
  environment: { id: string; name: string } | null;
  /** The environment has its own connection (it overrides an identity field), else the default one. */
  separateConnection: boolean;
  /** The banner after coming back from the provider. */
  outcome: { ok: boolean; message: string } | null;
};

export function OAuthConnection(p: TProps) {
  const router = useRouter();
  const [pending, setPending] = useState<"connect" | "disconnect" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { connection } = p;
  const environmentId = p.environment?.id ?? null;
  const where = p.environment ? `in ${p.environment.name}` : "with the defaults (No environment)";
  const whose = p.shared ? "Shared credentials: one connection for everybody." : "Each user connects their own account; this is yours.";

  const connect = async () => {
    setError(null);
    setPending("connect");
    try {
      const res = await connectAuthConfigAction({ id: p.configId, environmentId });
      if (!res.ok) {
        setError(res.error);
        setPending(null);
        return;
      }
      // Off to the provider; it sends the browser back to /api/oauth/callback.
      window.location.assign(res.data.url);
    } catch {
      setError("The server could not be reached. Check your connection and try again.");
      setPending(null);
    }
  };

  const disconnect = async () => {
    setError(null);
    setPending("disconnect");
    try {
      const res = await disconnectAuthConfigAction({ id: p.configId, environmentId });
      if (!res.ok) setError(res.error);
      else router.refresh();
    } catch {
      setError("The server could not be reached. Check your connection and try again.");
    } finally {
      setPending(null);
    }
  };

  return (
    <section className="panel" aria-labelledby="oauth-connection-title">
      <h2 id="oauth-connection-title">Connection</h2>
      <p data-testid="connection-environment">
        {p.environment
          ? p.separateConnection
            ? `Environment ${p.environment.name} has its own connection with its own tokens: it overrides the client, URLs, scope, credentials or TLS settings.`
            : `Environment ${p.environment.name} uses the default connection: no client/URL/credential overrides.`
          : "No environment: the default connection."}
      </p>
      {p.outcome ? p.outcome.ok ? <StatusMessage>{p.outcome.message}</StatusMessage> : <AlertMessage testId="connect-error">{p.outcome.message}</AlertMessage> : null}
      {p.needsReconnect ? (
        <div role="alert" className="message error" data-testid="needs-reconnect">
          <strong>Needs reconnect.</strong> {p.needsReconnect.reason}
        </div>
      ) : null}
      {p.authCode ? <p className="muted">{whose}</p> : null}
      <p data-testid="connection-state">
        {connection.connected ? (
          <>
            <span className="badge ok">{p.authCode ? "Connected" : "Token cached"}</span>{" "}
            {connection.expiresAt ? <>Access token expires {formatUtc(connection.expiresAt)}.</> : <>The provider did not say when the access token expires.</>}
            {connection.scope ? <> Scope: {connection.scope}.</> : null}
            {p.authCode ? <> {connection.hasRefreshToken ? "Refreshed automatically." : "No refresh token: reconnect when it expires."}</> : null}
          </>
        ) : (
          <>
            <span className="badge off">{p.authCode ? "Not connected" : "No token yet"}</span>{" "}
            {p.authCode ? (p.shared ? "Connect once for everybody." : "Connect your account to use this configuration.") : "A token is fetched when first needed (or with Test)."}
          </>
        )}
      </p>
      <AlertMessage testId="connection-error">{error}</AlertMessage>
      {p.authCode && p.canConnect ? (
        <div className="form-actions">
          <Button variant="primary" onClick={connect} pending={pending === "connect"}>{connection.connected || p.needsReconnect ? "Reconnect" : "Connect"}</Button>
          {connection.connected ? <Button onClick={disconnect} pending={pending === "disconnect"}>Disconnect</Button> : null}
          <span className="muted" data-testid="connect-environment">
            {connection.connected ? `Reconnect or disconnect ${where}` : `${p.needsReconnect ? "Reconnect" : "Connect"} ${where}`}
          </span>
        </div>
      ) : p.authCode ? (
        <p className="muted">An administrator connects shared credentials.</p>
      ) : null}
    </section>
  );
}
