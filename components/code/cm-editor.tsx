"use client";
// The CodeMirror 6 side of JsonEditor, loaded on demand (json-editor.tsx imports it dynamically,
// so no page's first-load JavaScript carries CodeMirror). Tab is left to the browser — only
// CodeMirror's default keymap is bound, which has no Tab binding — so focus never gets trapped.
import { useEffect, useRef } from "react";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json, jsonParseLinter } from "@codemirror/lang-json";
import { bracketMatching, foldGutter, foldKeymap, indentOnInput } from "@codemirror/language";
import { linter } from "@codemirror/lint";
import { Compartment, EditorState } from "@codemirror/state";
import { drawSelection, EditorView, highlightSpecialChars, keymap, lineNumbers } from "@codemirror/view";
import { codeLook } from "./cm-theme";

export type TCmEditorProps = {
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  labelledBy: string;
  describedBy: string;
  invalid: boolean;
  /** The fallback textarea had focus when CodeMirror arrived: keep typing where it left off. */
  focusOnMount: boolean;
  /** Receives the editor's focus function (react-hook-form focuses the first invalid field). */
  onReady: (focus: (() => void) | null) => void;
};

const ariaAttrs = (p: Pick<TCmEditorProps, "labelledBy" | "describedBy" | "invalid">) =>
  EditorView.contentAttributes.of({ "aria-labelledby": p.labelledBy, "aria-describedby": p.describedBy, "aria-invalid": p.invalid ? "true" : "false" });

export default function CmJsonEditor(props: TCmEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const aria = useRef(new Compartment());
  // The latest props for the editor's callbacks, and the text the editor last reported: a value
  // prop equal to it is the editor's own change coming back, not a reset from outside.
  const latest = useRef(props);
  const reported = useRef(props.value);
  useEffect(() => {
    latest.current = props;
  });

  useEffect(() => {
    const p = latest.current;
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: p.value,
        extensions: [
          lineNumbers(),
          foldGutter(),
          highlightSpecialChars(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          closeBrackets(),
          json(),
          linter(jsonParseLinter(), { delay: 300 }),
          codeLook,
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...foldKeymap]),
          aria.current.of(ariaAttrs(p)),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged) return;
            reported.current = u.state.doc.toString();
            latest.current.onChange(reported.current);
          }),
          EditorView.domEventHandlers({ blur: () => latest.current.onBlur?.() }),
        ],
      }),
    });
    view.current = v;
    if (p.focusOnMount) {
      v.dispatch({ selection: { anchor: v.state.doc.length } });
      v.focus();
    }
    p.onReady(() => v.focus());
    return () => {
      latest.current.onReady(null);
      view.current = null;
      v.destroy();
    };
  }, []);

  // A value from outside (a reset, a new target) replaces the document.
  useEffect(() => {
    const v = view.current;
    if (!v || props.value === reported.current) return;
    reported.current = props.value;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: props.value } });
  }, [props.value]);

  const { labelledBy, describedBy, invalid } = props;
  useEffect(() => {
    view.current?.dispatch({ effects: aria.current.reconfigure(ariaAttrs({ labelledBy, describedBy, invalid })) });
  }, [labelledBy, describedBy, invalid]);

  return <div ref={host} className="code-box" />;
}
