// The body as the sender sent it, shown as text only (never as HTML): JSON indented in the JSON
// viewer, XML and other text as they are, anything else as a hex dump; always downloadable as the
// raw bytes.
import { JsonViewer } from "@/components/code/json-viewer";
import type { TBodyPreview } from "@/lib/listeners/message";
import { formatBytes } from "./format";

const KIND_LABELS: Record<TBodyPreview["kind"], string> = { json: "JSON", xml: "XML", text: "Text", binary: "Binary" };

export function MessageBody({ preview, downloadHref }: { preview: TBodyPreview; downloadHref: string }) {
  const size = `${preview.size} bytes${preview.size >= 1024 ? ` (${formatBytes(preview.size)})` : ""}`;
  return (
    <>
      <p data-testid="body-kind">
        {KIND_LABELS[preview.kind]}, {size}.{" "}
        <a className="btn small" href={downloadHref} download>Download raw</a>
      </p>
      {preview.truncated ? (
        <p className="muted" data-testid="body-truncated">
          {preview.kind === "binary" ? "Only the first 512 bytes are shown" : "Only the beginning is shown"}: download the raw body to see all of it.
        </p>
      ) : null}
      {preview.size === 0 ? (
        <p className="muted">The body is empty.</p>
      ) : preview.kind === "json" && preview.text !== undefined ? (
        <JsonViewer text={preview.text} label="Message body" testId="message-body" kind="json" />
      ) : (
        <pre className="response-text mono" data-testid="message-body" data-kind={preview.kind}>
          {preview.kind === "binary" ? preview.hex : preview.text}
        </pre>
      )}
    </>
  );
}
