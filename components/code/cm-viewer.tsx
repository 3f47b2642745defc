"use client";
// The CodeMirror 6 side of JsonViewer, loaded on demand. Read-only but focusable (tabindex 0), so
// the keyboard can scroll, select, fold (Ctrl-Shift-[ / ]) and search (Ctrl-F). CodeMirror draws
// only the lines in view and parses in idle slices, so a 10 MB document costs about one split
// into lines on the main thread; the indenting happened in a worker (use-formatted-json.ts).
import { useEffect, useRef } from "react";
import { defaultKeymap } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { foldGutter, foldKeymap } from "@codemirror/language";
import { searchKeymap } from "@codemirror/search";
import { EditorState } from "@codemirror/state";
import { drawSelection, EditorView, highlightSpecialChars, keymap, lineNumbers } from "@codemirror/view";
import { codeLook } from "./cm-theme";

export type TCmViewerProps = { text: string; label: string };

export default function CmJsonViewer({ text, label }: TCmViewerProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: text,
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
    return () => v.destroy();
  }, [text, label]);
  return <div ref={host} className="code-box" />;
}
