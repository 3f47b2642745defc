"use client";
// "Call from another system": the connector's run as a cURL command with the token left as a shell
// variable, a Copy button, and where its typed OpenAPI document is. Built from the connector's
// description (lib/connectors/queries describeConnector) by the same code as that document's example.
import { useId } from "react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { useCopy } from "@/components/ui/copy";
import { connectorOpenApiPath, runCurl, TOKEN_PLACEHOLDER, type TRunExampleConnector } from "@/lib/api/run-example";

export type TCallFromAnotherSystemProps = {
  /** The connector as describeConnector gives it (these fields are enough). */
  connector: TRunExampleConnector;
  /** PATCHBAY_URL (env().PATCHBAY_URL), without /api/v1. */
  baseUrl: string;
};

export function CallFromAnotherSystem({ connector, baseUrl }: TCallFromAnotherSystemProps) {
  const id = useId();
  const { copy, message } = useCopy("the command");
  const curl = runCurl({ connector, baseUrl });
  const openApiPath = connectorOpenApiPath(connector.id);
  const multipart = connector.body.type === "FORM" && connector.formParams.some((f) => f.type === "file");

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Call from another system</h2>
      <p>
        Run this connector through the REST API with an <Link href="/api-tokens">API token</Link> in <code>{TOKEN_PLACEHOLDER}</code>. Replace the{" "}
        <code>&lt;…&gt;</code> placeholders{multipart ? " and the file paths" : ""}; see the <Link href="/api">API reference</Link> for the answer&apos;s
        format.
      </p>
      <pre className="response-text mono" aria-label="cURL command" data-testid="call-curl">
        {curl}
      </pre>
      <div className="form-actions">
        <Button size="small" onClick={() => copy(curl)}>
          Copy
        </Button>
        {message}
      </div>
      <p className="field-hint">
        Its typed OpenAPI document (for generating a client; send the token with it too):{" "}
        <a href={openApiPath} className="mono">
          {baseUrl}
          {openApiPath}
        </a>
      </p>
    </section>
  );
}
