// The JSON editor moved to components/code (CodeMirror 6); kept so existing imports keep working.
export { JsonEditor } from "@/components/code/json-editor";
export { jsonProblem } from "@/components/code/json-text";
