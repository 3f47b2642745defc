import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AuthConfigForm } from "@/components/auth-configs/auth-config-form";
import { EnvironmentProvenance } from "@/components/auth-configs/environment-provenance";
import { OAuthConnection } from "@/components/auth-configs/oauth-connection";
import { PageHeader } from "@/components/ui/page-header";
import { getAuthConfigView } from "@/lib/auth-configs/store";
import { isOAuth2 } from "@/lib/auth-configs/schema";
import { formValuesOf } from "@/lib/auth-configs/view";
import { requireUser } from "@/lib/auth/session";
import { connectionKeyIn, environmentRuntime } from "@/lib/environments/runtime";
import { selectedEnvironment } from "@/lib/environments/store";
import { provenanceOf, type TProvenance } from "@/lib/environments/view";
import { isAppError } from "@/lib/errors";
import { connectionOf, connectOutcome, redirectUrl } from "@/lib/oauth/connect";
import { needsReconnectOf, ownerKeyOf } from "@/lib/oauth/tokens";

export const metadata: Metadata = { title: "Authentication configuration" };

export default async function AuthConfigPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ connect?: string }> }) {
  const { id } = await params;
  const { connect } = await searchParams;
  const user = await requireUser();
  // The view carries no secret values: only whether each one is set.
  const view = await getAuthConfigView(id);
  if (!view) notFound();
  const used = [...view.usage.services.map((s) => `service ${s}`), ...view.usage.connectors.map((c) => `connector ${c}`)];
  const config = formValuesOf(view);

  // The header's switcher: the page shows this environment's provenance, Test and Connect act in it.
  let environment = await selectedEnvironment(user.id);
  let provenance: TProvenance | null = null;
  if (environment) {
    try {
      provenance = await provenanceOf(view, environment.id);
    } catch (e) {
      // Deleted since it was chosen: the defaults apply.
      if (!isAppError(e) || e.code !== "NOT_FOUND") throw e;
      environment = null;
    }
  }

  const oauth = isOAuth2(config) ? config : null;
  let oauthProps = null;
  if (oauth) {
    // Whose tokens, in which connection: the environment's own when it overrides the client, URLs,
    // scope or credentials, else the default one. Only ids, states and facts reach the client.
    const sharedInEnv = provenance?.sharedCredentials ?? null;
    const effective = oauth.subProtocol === "OAUTH2_AUTH_CODE" && sharedInEnv !== null ? { ...oauth, sharedCredentials: sharedInEnv } : oauth;
    const ownerKey = ownerKeyOf(effective, user.id);
    const connectionKey = environment ? connectionKeyIn(view.id, view.subProtocol, await environmentRuntime(environment.id)) : "";
    const shared = effective.subProtocol !== "OAUTH2_AUTH_CODE" || effective.sharedCredentials;
    const reason = environment ? await needsReconnectOf(view.id, connectionKey) : view.needsReconnect ? (view.needsReconnectReason ?? "") : null;
    oauthProps = {
      shared,
      ownerKey,
      separateConnection: connectionKey !== "",
      connection: ownerKey ? await connectionOf(view.id, ownerKey, connectionKey) : null,
      needsReconnect: reason === null ? null : { reason },
    };
  }

  return (
    <>
      <PageHeader
        title={view.name}
        description={used.length ? `Used by ${used.join(", ")}.` : "Not used by any service or connector yet."}
      />
      <EnvironmentProvenance environment={environment} rows={provenance?.rows ?? []} canEdit={user.role === "ADMIN"} />
      {oauth && oauthProps?.connection ? (
        <OAuthConnection
          configId={view.id}
          authCode={oauth.subProtocol === "OAUTH2_AUTH_CODE"}
          shared={oauthProps.shared}
          canConnect={!oauthProps.shared || user.role === "ADMIN"}
          connection={oauthProps.connection}
          needsReconnect={oauthProps.needsReconnect}
          environment={environment}
          separateConnection={oauthProps.separateConnection}
          outcome={typeof connect === "string" ? await connectOutcome(connect, view.id, user.id) : null}
        />
      ) : null}
      {environment ? (
        <p className="muted" data-testid="form-edits-defaults">
          {user.role === "ADMIN"
            ? `The form below edits the defaults (No environment), not the overrides of ${environment.name}. Test runs in ${environment.name}.`
            : `The form below shows the defaults (No environment). Test runs in ${environment.name}.`}
        </p>
      ) : null}
      <AuthConfigForm
        key={view.id}
        view={view}
        canEdit={user.role === "ADMIN"}
        redirectUrl={redirectUrl()}
        environment={environment}
        overridden={provenance?.overridden ?? []}
      />
    </>
  );
}
