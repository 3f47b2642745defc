import type { Metadata } from "next";
import Link from "next/link";
import { ApiReference } from "@/components/api-docs/api-reference";
import { PageHeader } from "@/components/ui/page-header";
import { assetUrl } from "@/lib/api-docs/assets";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { ROUTES } from "@/lib/api/routes";
import { requireUser } from "@/lib/auth/session";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "API reference" };

export default async function ApiPage() {
  await requireUser();
  const baseUrl = env().PATCHBAY_URL;
  // The same document as GET /api/v1/openapi.json, generated here: the page itself needs no token.
  const spec = buildOpenApiDocument({ routes: ROUTES, baseUrl });
  return (
    <>
      <PageHeader title="API reference" description="The REST API for other systems: discover connectors and run them, with an API token." />
      <section className="panel" aria-labelledby="api-intro">
        <h2 id="api-intro">Calling the API</h2>
        <ul>
          <li>
            Base URL: <code>{baseUrl}/api/v1</code>. Create a token under <Link href="/api-tokens">API tokens</Link> and send it with every
            request: <code>Authorization: Bearer &lt;token&gt;</code>. It acts as you, with your role.
          </li>
          <li>
            Errors are JSON: <code>{`{ "error": { "code", "message", "details"?, "requestId" } }`}</code> with a 4xx or 5xx status; every answer
            carries the same id in <code>X-Request-Id</code>.
          </li>
          <li>
            Lists are paged: <code>limit</code> (1–200, default 50) and <code>cursor</code>; pass the answer&apos;s <code>nextCursor</code> back as{" "}
            <code>cursor</code> until it is <code>null</code>.
          </li>
          <li>
            To try an endpoint below, choose <strong>Authorize</strong>, paste a token, then <strong>Try it out</strong>. Each connector also has a typed
            document of its own run: <code>GET /api/v1/connectors/&#123;id&#125;/openapi.json</code>.
          </li>
        </ul>
      </section>
      <ApiReference spec={spec} assets={{ script: assetUrl("swagger-ui-bundle.js"), stylesheet: assetUrl("swagger-ui.css") }} />
    </>
  );
}
