"use client";
// A read-only JSON viewer (CodeMirror 6: colours, folding, line numbers, its own scroll). CodeMirror
// is fetched when a viewer first appears; until then (and on the server) the text's beginning is
// shown as plain text with the same label.
import { useEffect, useState, type ComponentType } from "react";
import type { TCmViewerProps } from "./cm-viewer";
import { textHead, type TJsonText } from "./json-text";

let loaded: ComponentType<TCmViewerProps> | null = null;
let loading: Promise<ComponentType<TCmViewerProps>> | null = null;
const loadViewer = () => (loading ??= import("./cm-viewer").then((m) => (loaded = m.default)));

/** Starts fetching CodeMirror early, e.g. while a large body is still being formatted. */
export function preloadJsonViewer(): void {
  void loadViewer();
}

/** Enough text to fill the box while CodeMirror loads; a 10 MB document is not put in the DOM. */
const FALLBACK_CHARS = 20_000;

export function JsonViewer({ text, label, testId = "json-tree", kind }: { text: TJsonText; label: string; testId?: string; kind?: string }) {
  const [Viewer, setViewer] = useState(() => loaded);
  useEffect(() => {
    if (Viewer) return;
    let live = true;
    void loadViewer().then((c) => live && setViewer(() => c));
    return () => {
      live = false;
    };
  }, [Viewer]);
  return (
    <div className="code-viewer" data-testid={testId} data-kind={kind}>
      {Viewer ? (
        <Viewer text={text} label={label} />
      ) : (
        <pre className="code-box code-fallback mono" tabIndex={0} role="region" aria-label={label}>
          {textHead(text, FALLBACK_CHARS)}
        </pre>
      )}
    </div>
  );
}
