// The look of the CodeMirror editor and viewer. Every colour is a theme variable (app/styles/code.css
// and app/globals.css), so both follow the light and dark themes without reconfiguring the editor.
// Selectors repeat CodeMirror's base theme where it is more specific, so these rules win.
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { EditorView } from "@codemirror/view";
import { tags as t } from "@lezer/highlight";

const jsonStyle = HighlightStyle.define([
  { tag: t.propertyName, class: "cm-j-key" },
  { tag: t.string, class: "cm-j-str" },
  { tag: t.number, class: "cm-j-num" },
  { tag: [t.bool, t.null], class: "cm-j-lit" },
  { tag: [t.separator, t.squareBracket, t.brace], class: "cm-j-punct" },
]);

const selection = { backgroundColor: "var(--selection)" };

const theme = EditorView.theme({
  "&": { color: "var(--text)", backgroundColor: "var(--panel)" },
  "&.cm-focused": { outline: "none" }, // the box around the editor shows focus (code.css)
  ".cm-content": { caretColor: "var(--text)" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--text)" },
  ".cm-selectionBackground": selection,
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground": selection,
  ".cm-gutters": { backgroundColor: "var(--panel-alt)", color: "var(--muted)", borderRight: "1px solid var(--border)" },
  ".cm-foldGutter .cm-gutterElement": { cursor: "pointer" },
  ".cm-foldPlaceholder": { backgroundColor: "var(--badge-bg)", color: "var(--badge-text)", border: "1px solid var(--border)" },
  "&.cm-focused .cm-matchingBracket": { backgroundColor: "var(--code-match-bg)", outline: "1px solid var(--code-match-border)" },
  "&.cm-focused .cm-nonmatchingBracket": { backgroundColor: "var(--error-bg)", color: "var(--error-text)" },
  ".cm-lintRange-error": { backgroundImage: "none", textDecoration: "underline wavy var(--danger)", textUnderlineOffset: "3px" },
  ".cm-tooltip": { backgroundColor: "var(--panel)", color: "var(--text)", border: "1px solid var(--border)" },
  ".cm-diagnostic-error": { borderLeftColor: "var(--danger)" },
  ".cm-panels": { backgroundColor: "var(--panel-alt)", color: "var(--text)" },
  ".cm-panels-top": { borderBottom: "1px solid var(--border)" },
  ".cm-panels-bottom": { borderTop: "1px solid var(--border)" },
  ".cm-searchMatch": { backgroundColor: "var(--code-match-bg)" },
  ".cm-searchMatch-selected": { backgroundColor: "var(--selection)" },
  ".cm-textfield": { backgroundColor: "var(--panel)", color: "var(--text)", border: "1px solid var(--control-border)" },
  ".cm-button": { backgroundImage: "none", backgroundColor: "var(--panel)", color: "var(--text)", border: "1px solid var(--control-border)" },
});

export const codeLook = [theme, syntaxHighlighting(jsonStyle)];
