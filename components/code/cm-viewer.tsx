"use client";
// The CodeMirror 6 side of JsonViewer, loaded on demand. Read-only but focusable (tabindex 0), so
// the keyboard can scroll, select, fold (Ctrl-Shift-[ / ]) and search (Ctrl-F). CodeMirror draws
// only the lines in view and parses in idle slices; a large document arrives from the worker
// already split into lines (use-formatted-json.ts), and its tree is built a few chunks per task.
import { useEffect, useRef } from "react";
import { defaultKeymap } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { foldGutter, foldKeymap } from "@codemirror/language";
import { searchKeymap } from "@codemirror/search";
import { EditorState, Text } from "@codemirror/state";
import { drawSelection, EditorView, highlightSpecialChars, keymap, lineNumbers } from "@codemirror/view";
import { codeLook } from "./cm-theme";
import type { TJsonText } from "./json-text";

export type TCmViewerProps = { text: TJsonText; label: string };

/** Work per task while joining chunks: well under the 50 ms of a long task. */
const SLICE_MS = 8;

/** One Text of the worker's chunks, yielding to the page between slices; null when no longer wanted. */
async function joinChunks(chunks: string[][], live: () => boolean): Promise<Text | null> {
  let doc = Text.of(chunks[0] ?? [""]);
  let start = performance.now();
  for (const lines of chunks.slice(1)) {
    if (performance.now() - start > SLICE_MS) {
      await new Promise((r) => setTimeout(r, 0));
      if (!live()) return null;
      start = performance.now();
    }
    // append joins the document's last line with the first one it adds: "" keeps them apart.
    doc = doc.append(Text.of(["", ...lines]));
  }
  return doc;
}

export default function CmJsonViewer({ text, label }: TCmViewerProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let view: EditorView | null = null;
    let live = true;
    const show = (doc: string | Text) => {
      view = new EditorView({
        parent: host.current!,
        state: EditorState.create({
          doc,
          extensions: [
            lineNumbers(),
            foldGutter(),
            highlightSpecialChars(),
            drawSelection(),
            json(),
            codeLook,
            EditorState.readOnly.of(true),
            EditorView.editable.of(false),
            EditorView.contentAttributes.of({ tabindex: "0", "aria-label": label }),
            keymap.of([...defaultKeymap, ...foldKeymap, ...searchKeymap]),
          ],
        }),
      });
    };
    if (typeof text === "string") show(text);
    else void joinChunks(text.chunks, () => live).then((doc) => live && doc && show(doc));
    return () => {
      live = false;
      view?.destroy();
    };
  }, [text, label]);
  return <div ref={host} className="code-box" />;
}
