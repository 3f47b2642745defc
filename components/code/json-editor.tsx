"use client";
// A labelled JSON field edited with CodeMirror 6: colours, bracket matching, folding, history and
// inline lint of invalid JSON. CodeMirror is fetched when the field first appears; until then (and
// on the server) a plain textarea with the same label holds the text, so the field works at once.
import { useEffect, useId, useImperativeHandle, useMemo, useRef, useState, type ComponentType, type ReactNode, type Ref } from "react";
import type { TCmEditorProps } from "./cm-editor";
import { jsonProblem } from "./json-text";

let loaded: ComponentType<TCmEditorProps> | null = null;
let loading: Promise<ComponentType<TCmEditorProps>> | null = null;
const loadEditor = () => (loading ??= import("./cm-editor").then((m) => (loaded = m.default)));

export type TJsonEditorProps = {
  label: string;
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  /** A problem found on submit (shown as an alert); otherwise the live JSON check is shown. */
  error?: string;
  hint?: ReactNode;
  /** Said under an empty field (e.g. "Empty: no body is sent."). */
  emptyHint?: string;
  ref?: Ref<{ focus(): void }>;
};

export function JsonEditor({ label, value, onChange, onBlur, error, hint, emptyHint = "Empty.", ref }: TJsonEditorProps) {
  const id = useId();
  const [Editor, setEditor] = useState(() => loaded);
  const fallback = useRef<HTMLTextAreaElement>(null);
  const focusEditor = useRef<(() => void) | null>(null);
  const [handoff, setHandoff] = useState(false);
  useEffect(() => {
    if (Editor) return;
    let live = true;
    void loadEditor().then((c) => {
      if (!live) return;
      setHandoff(document.activeElement === fallback.current);
      setEditor(() => c);
    });
    return () => {
      live = false;
    };
  }, [Editor]);
  useImperativeHandle(ref, () => ({ focus: () => (focusEditor.current ? focusEditor.current() : fallback.current?.focus()) }), []);

  const problem = useMemo(() => jsonProblem(value), [value]);
  const shownError = error ?? problem ?? undefined;
  const describedBy = [hint ? `${id}-hint` : null, `${id}-status`].filter(Boolean).join(" ");

  return (
    <div className="field code-field">
      <label id={`${id}-label`} htmlFor={Editor ? undefined : `${id}-input`} onClick={() => focusEditor.current?.()}>
        {label}
      </label>
      {Editor ? (
        <Editor
          value={value}
          onChange={onChange}
          onBlur={onBlur}
          labelledBy={`${id}-label`}
          describedBy={describedBy}
          invalid={shownError !== undefined}
          focusOnMount={handoff}
          onReady={(f) => (focusEditor.current = f)}
        />
      ) : (
        <div className="code-box">
          <textarea
            ref={fallback}
            id={`${id}-input`}
            className="code-fallback mono"
            rows={8}
            value={value}
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
            aria-invalid={shownError ? true : undefined}
            aria-describedby={describedBy}
            onBlur={onBlur}
            onChange={(e) => onChange(e.target.value)}
          />
        </div>
      )}
      {hint ? <p className="field-hint" id={`${id}-hint`}>{hint}</p> : null}
      {error ? (
        <p className="field-error" id={`${id}-status`} role="alert">{error}</p>
      ) : problem ? (
        <p className="field-error" id={`${id}-status`}>{problem}</p>
      ) : (
        <p className="field-hint" id={`${id}-status`}>{value.trim() ? "Valid JSON." : emptyHint}</p>
      )}
    </div>
  );
}
