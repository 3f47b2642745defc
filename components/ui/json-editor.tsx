"use client";
// A JSON text editor: a real <textarea> (keyboard, undo, screen readers) over a highlighted copy
// of its text, both in one grid cell so they grow together. Invalid JSON is flagged as you type.
import { useId, useMemo, type ReactNode } from "react";

const TOKENS = /("(?:\\.|[^"\\\n])*"(?=\s*:))|("(?:\\.|[^"\\\n])*")|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
const HIGHLIGHT_MAX = 100_000; // beyond this, plain text: re-highlighting on each key would lag

function highlight(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKENS)) {
    const at = m.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    const cls = m[1] ? "j-key" : m[2] ? "j-str" : m[3] ? (m[3] === "null" ? "j-null" : "j-bool") : "j-num";
    out.push(<span key={at} className={cls}>{m[0]}</span>);
    last = at + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

/** null when `text` is empty or valid JSON, else the parser's complaint. */
export function jsonProblem(text: string): string | null {
  if (text.trim() === "") return null;
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    return `Not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
}

export function JsonEditor(props: { label: string; value: string; onChange: (v: string) => void; error?: string; hint?: ReactNode }) {
  const id = useId();
  const problem = useMemo(() => jsonProblem(props.value), [props.value]);
  const error = props.error ?? problem ?? undefined;
  const shown = useMemo(() => (props.value.length > HIGHLIGHT_MAX ? props.value : highlight(props.value)), [props.value]);
  const described = [props.hint ? `${id}-hint` : null, error ? `${id}-error` : `${id}-ok`].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <div className="json-editor-scroll">
        <div className="json-editor mono">
          <pre aria-hidden="true">{shown}{"\n"}</pre>
          <textarea
            id={id}
            value={props.value}
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={described}
            onChange={(e) => props.onChange(e.target.value)}
          />
        </div>
      </div>
      {props.hint ? <p className="field-hint" id={`${id}-hint`}>{props.hint}</p> : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>{error}</p>
      ) : (
        <p className="field-hint" id={`${id}-ok`}>{props.value.trim() ? "Valid JSON." : "Empty: no body is sent."}</p>
      )}
    </div>
  );
}
