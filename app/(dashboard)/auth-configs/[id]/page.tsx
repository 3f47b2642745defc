import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AuthConfigForm } from "@/components/auth-configs/auth-config-form";
import { OAuthConnection } from "@/components/auth-configs/oauth-connection";
import { PageHeader } from "@/components/ui/page-header";
import { getAuthConfigView } from "@/lib/auth-configs/store";
import { isOAuth2 } from "@/lib/auth-configs/schema";
import { formValuesOf } from "@/lib/auth-configs/view";
import { requireUser } from "@/lib/auth/session";
import { connectionOf, connectOutcome, redirectUrl } from "@/lib/oauth/connect";
import { ownerKeyOf } from "@/lib/oauth/tokens";

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
  const oauth = isOAuth2(config) ? config : null;
  const ownerKey = oauth ? ownerKeyOf(oauth, user.id) : null;
  const shared = oauth?.subProtocol !== "OAUTH2_AUTH_CODE" || oauth.sharedCredentials;
  return (
    <>
      <PageHeader
        title={view.name}
        description={used.length ? `Used by ${used.join(", ")}.` : "Not used by any service or connector yet."}
      />
      {oauth && ownerKey ? (
        <OAuthConnection
          configId={view.id}
          authCode={oauth.subProtocol === "OAUTH2_AUTH_CODE"}
          shared={shared}
          canConnect={!shared || user.role === "ADMIN"}
          connection={await connectionOf(view.id, ownerKey)}
          needsReconnect={view.needsReconnect ? { reason: view.needsReconnectReason ?? "" } : null}
          outcome={typeof connect === "string" ? await connectOutcome(connect, view.id, user.id) : null}
        />
      ) : null}
      <AuthConfigForm key={view.id} view={view} canEdit={user.role === "ADMIN"} redirectUrl={redirectUrl()} />
    </>
  );
}
