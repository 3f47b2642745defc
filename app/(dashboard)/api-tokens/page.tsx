import type { Metadata } from "next";
import Link from "next/link";
import { ApiTokensTable } from "@/components/api-tokens/api-tokens-table";
import { CreateApiTokenDialog } from "@/components/api-tokens/create-api-token-dialog";
import { readTableState, type TSearchParams } from "@/components/ui/data-table-model";
import { PageHeader } from "@/components/ui/page-header";
import { listApiTokens } from "@/lib/api-tokens/store";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "API tokens" };

export default async function ApiTokensPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  const user = await requireUser();
  const params = await searchParams;
  const tokens = await listApiTokens(user);
  return (
    <>
      <PageHeader
        title="API tokens"
        description={user.role === "ADMIN" ? "Tokens for the REST API. As an admin you see everybody's tokens and may revoke any of them." : "Your tokens for the REST API."}
        actions={<CreateApiTokenDialog />}
      />
      <section className="panel" aria-labelledby="api-tokens-usage">
        <h2 id="api-tokens-usage">Using a token</h2>
        <p>
          Send the token in the <code>Authorization</code> header of each request to <code>/api/v1</code>:{" "}
          <code>Authorization: Bearer &lt;token&gt;</code>. A token acts as the user who created it, with that user&apos;s
          current role; it stops working when it expires, is revoked, or its user is deactivated. The{" "}
          <Link href="/api">API reference</Link> lists every endpoint.
        </p>
      </section>
      <ApiTokensTable tokens={tokens} showOwner={user.role === "ADMIN"} params={params} state={readTableState(params, "", { sort: "created", dir: "desc" })} />
    </>
  );
}
