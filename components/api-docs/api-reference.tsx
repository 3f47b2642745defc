"use client";
// The API reference: Swagger UI (swagger-ui-dist, served by this app) rendering the OpenAPI
// document the page generated, plus a download of that document. The page needs no token; "Try it
// out" sends the one the user enters under Authorize, from this browser.
import Script from "next/script";
import { useCallback, useState } from "react";
import { Button } from "@/components/ui/button";
import { AlertMessage } from "@/components/ui/messages";

type TSwaggerUIBundle = ((options: Record<string, unknown>) => unknown) & { presets: { apis: unknown } };

declare global {
  interface Window {
    SwaggerUIBundle?: TSwaggerUIBundle;
  }
}

const DOM_ID = "swagger-ui";

function download(spec: object): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(spec, null, 2)], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = "patchbay-openapi.json";
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ApiReference({ spec, assets }: { spec: object; assets: { script: string; stylesheet: string } }) {
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");

  // onReady runs once the script has loaded, and again on every later visit of the page.
  const mount = useCallback(() => {
    const bundle = window.SwaggerUIBundle;
    if (!bundle) return setState("failed");
    bundle({
      spec,
      dom_id: `#${DOM_ID}`,
      presets: [bundle.presets.apis],
      layout: "BaseLayout",
      // Nothing leaves for another host: no online validator badge, no remote spec.
      validatorUrl: null,
      deepLinking: false,
      docExpansion: "list",
      defaultModelsExpandDepth: 0,
      persistAuthorization: false,
      tryItOutEnabled: false,
    });
    setState("ready");
  }, [spec]);

  return (
    <section aria-labelledby="api-reference-title">
      <link rel="stylesheet" href={assets.stylesheet} precedence="default" />
      <Script src={assets.script} strategy="lazyOnload" onReady={mount} onError={() => setState("failed")} />
      <div className="page-header">
        <h2 id="api-reference-title">Reference</h2>
        <div className="actions">
          <Button onClick={() => download(spec)}>Download OpenAPI document</Button>
        </div>
      </div>
      {state === "loading" ? <p className="muted">Loading the API reference…</p> : null}
      {state === "failed" ? <AlertMessage testId="api-reference-error">The API reference could not be loaded. Reload the page.</AlertMessage> : null}
      <div id={DOM_ID} data-testid="api-reference" />
    </section>
  );
}
