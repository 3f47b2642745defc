"use client";
// The Response view of the Test dialog: status, time, size, headers, the response mapping's
// outputs, the body shown by kind, and the "Request sent" tab with Copy as cURL. Upstream bodies are
// shown as text or via <img> of a sniffed raster type, never as HTML (SPEC §11).
import { useEffect, useMemo, useState, type KeyboardEvent } from "react";
import { JsonViewer, preloadJsonViewer } from "@/components/code/json-viewer";
import { useFormattedJson } from "@/components/code/use-formatted-json";
import { bytesToBase64 } from "@/components/ui/base64";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import type { TTestOutcome } from "@/lib/connectors/test-wire";
import { bodyKind, formatSize } from "@/lib/http/body-kind";

type TOk = Extract<TTestOutcome, { ok: true }>;
const TEXT_SHOWN = 256 * 1024;
// A path like $..* can pick most of a 10 MB body: an output's text is cut where it stops being readable.
const OUTPUT_SHOWN = 64 * 1024;

function header(headers: Array<[string, string]>, name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

function download(bytes: Uint8Array, name: string): void {
  // octet-stream: the browser saves it and never renders it in this origin.
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: "application/octet-stream" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function ms(n: number | undefined): string | null {
  return n === undefined ? null : `${Math.round(n)} ms`;
}

function Body({ bytes, contentType, truncated }: { bytes: Uint8Array; contentType?: string; truncated: boolean }) {
  const kind = useMemo(() => bodyKind(bytes, contentType), [bytes, contentType]);
  const imageSrc = useMemo(() => (kind.kind === "image" ? `data:${kind.mime};base64,${bytesToBase64(bytes)}` : ""), [kind, bytes]);
  if (kind.kind === "empty") return <p className="muted">No body.</p>;
  if (kind.kind === "image") {
    // A data: URL of a type sniffed from the bytes (PNG/JPEG/GIF/WebP only): <img> never runs
    // script, and next/image has nothing to optimize in a one-off response.
    // eslint-disable-next-line @next/next/no-img-element
    return <img className="response-image" src={imageSrc} alt={`Response image (${kind.mime}, ${formatSize(bytes.byteLength)})`} />;
  }
  if (kind.kind === "binary") return <p data-testid="response-binary">binary ({bytes.byteLength} bytes)</p>;
  // A truncated body is not JSON any more: shown as text straight away.
  if (kind.kind === "json" && !truncated) return <JsonBody bytes={bytes} />;
  return <TextBody bytes={bytes} truncated={truncated} />;
}

/** JSON indented (a large body in a worker, so the dialog keeps answering), then the viewer. */
function JsonBody({ bytes }: { bytes: Uint8Array }) {
  const formatted = useFormattedJson(bytes);
  useEffect(() => preloadJsonViewer(), []);
  if (formatted.state === "pending") return <p className="muted" role="status">Formatting {formatSize(bytes.byteLength)} of JSON…</p>;
  if (formatted.state === "ok") return <JsonViewer text={formatted.text} label="Response body" />;
  return <TextBody bytes={bytes} truncated={false} />;
}

function TextBody({ bytes, truncated }: { bytes: Uint8Array; truncated: boolean }) {
  const shown = bytes.byteLength > TEXT_SHOWN;
  const text = new TextDecoder().decode(shown ? bytes.subarray(0, TEXT_SHOWN) : bytes);
  return (
    <>
      {shown ? <p className="muted">Showing the first {formatSize(TEXT_SHOWN)} of {formatSize(bytes.byteLength)}{truncated ? " (truncated)" : ""}; Download raw has all of it.</p> : null}
      <pre className="response-text" data-testid="response-text">{text}</pre>
    </>
  );
}

export function ResponseView({ result, name }: { result: TOk; name: string }) {
  const toast = useToast();
  const [tab, setTab] = useState<"response" | "sent">("response");
  const bytes = result.body;
  const t = result.timings;
  const parts = [ms(t.dnsMs) && `DNS ${ms(t.dnsMs)}`, ms(t.connectMs) && `connect ${ms(t.connectMs)}`, `first byte ${ms(t.firstByteMs)}`].filter(Boolean).join(" · ");
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") setTab(tab === "response" ? "sent" : "response");
  };
  const tabs = [
    { id: "response", label: "Response" },
    { id: "sent", label: "Request sent" },
  ] as const;

  return (
    <section className="response" aria-label="Response">
      <p className="response-summary">
        <strong data-testid="response-status" className={result.status < 400 ? "status-ok" : "status-bad"}>{result.status} {result.statusText}</strong>
        <span data-testid="response-time">{ms(t.totalMs)} ({parts})</span>
        <span data-testid="response-size">{formatSize(result.bodyBytes)}</span>
        <span data-testid="response-environment">{result.environment ? `Ran in environment ${result.environment.name}` : "Ran in No environment (defaults)"}</span>
      </p>
      {result.truncated ? (
        <div role="alert" className="message error">Response too large: only the first {formatSize(result.bodyBytes)} were kept (truncated).</div>
      ) : null}
      <div role="tablist" aria-label="Response details" className="tabs">
        {tabs.map((x) => (
          <button key={x.id} type="button" role="tab" id={`tab-${x.id}`} aria-controls={`panel-${x.id}`} aria-selected={tab === x.id} tabIndex={tab === x.id ? 0 : -1} onKeyDown={onKey} onClick={() => setTab(x.id)}>
            {x.label}
          </button>
        ))}
      </div>
      {tab === "response" ? (
        <div role="tabpanel" id="panel-response" aria-labelledby="tab-response" className="tabpanel">
          <details>
            <summary>Response headers ({result.headers.length})</summary>
            <HeaderTable headers={result.headers} testId="response-headers" />
          </details>
          {result.outputs && Object.keys(result.outputs).length > 0 ? <Outputs outputs={result.outputs} /> : null}
          <div className="response-body-head">
            <h3>Body</h3>
            <Button size="small" onClick={() => download(bytes, `${name.replace(/[^\w.-]+/g, "_") || "response"}-response.bin`)}>Download raw</Button>
          </div>
          <Body bytes={bytes} contentType={header(result.headers, "content-type")} truncated={result.truncated} />
        </div>
      ) : (
        <div role="tabpanel" id="panel-sent" aria-labelledby="tab-sent" className="tabpanel">
          <p className="mono sent-line" data-testid="sent-line"><strong>{result.sent.method}</strong> {result.sent.url}</p>
          {result.redirects.length ? <p className="muted">After {result.redirects.length} redirect{result.redirects.length > 1 ? "s" : ""}.</p> : null}
          <HeaderTable headers={result.sent.headers} testId="sent-headers" />
          <p className="muted" data-testid="sent-body">
            {result.sent.bodyBytes === 0 ? "No body." : `Body: ${formatSize(result.sent.bodyBytes)}${result.sent.bodyPreview === undefined ? " (binary or multipart with files)" : ""}`}
          </p>
          {result.sent.bodyPreview ? <pre className="response-text">{result.sent.bodyPreview}</pre> : null}
          <div className="response-body-head">
            <h3>cURL</h3>
            <Button
              size="small"
              onClick={() =>
                navigator.clipboard.writeText(result.curl).then(
                  () => toast.success("Copied the cURL command (secrets masked)."),
                  () => toast.error("The browser refused the clipboard: select the command below and copy it."),
                )
              }
            >
              Copy as cURL
            </Button>
          </div>
          <pre className="response-text" data-testid="curl">{result.curl}</pre>
        </div>
      )}
    </section>
  );
}

/** Each output of the response mapping with its value as JSON text (null: the path found nothing). */
function Outputs({ outputs }: { outputs: Record<string, unknown> }) {
  return (
    <section aria-label="Outputs">
      <div className="response-body-head">
        <h3>Outputs</h3>
      </div>
      <table className="header-table" data-testid="response-outputs">
        <tbody>
          {Object.entries(outputs).map(([name, value]) => {
            const text = JSON.stringify(value) ?? "null";
            return (
              <tr key={name}>
                <th scope="row" className="mono">{name}</th>
                <td className="mono">
                  {text.length > OUTPUT_SHOWN ? `${text.slice(0, OUTPUT_SHOWN)}… (${text.length} characters in all)` : text}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function HeaderTable({ headers, testId }: { headers: Array<[string, string]>; testId: string }) {
  return (
    <table className="header-table" data-testid={testId}>
      <tbody>
        {headers.map(([n, v], i) => (
          <tr key={i}>
            <th scope="row" className="mono">{n}</th>
            <td className="mono">{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
