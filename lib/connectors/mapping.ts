// Response mapping (SPEC §5.2, §8): named outputs picked from a JSON response body with RFC 9535
// JSONPath (jsonpath-rfc9535: a parser and evaluator, nothing that evaluates code). Pure.
import { query, type JsonValue } from "jsonpath-rfc9535";
import { z } from "zod";

export const OUTPUT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The problem with a JSONPath expression, or null when it is valid RFC 9535. */
export function jsonPathProblem(path: string): string | null {
  if (!path.startsWith("$")) return "A JSONPath starts with $ (for example $.data.id)";
  // match() and search() run a regular expression against upstream data with a backtracking
  // engine: a pattern like (a|a)* freezes the process on a long string. Not offered.
  if (/\b(?:match|search)\s*\(/.test(path)) return "match() and search() are not supported in response mappings (regular expressions over upstream data)";
  try {
    query({}, path);
    return null;
  } catch (e) {
    return `Not a valid JSONPath (RFC 9535): ${e instanceof Error ? e.message : String(e)}`.slice(0, 300);
  }
}

export const ZMappingRow = z.object({
  name: z.string().trim().min(1, "Enter the output name").max(100, "At most 100 characters").regex(OUTPUT_NAME, "Use letters, digits and _ (not starting with a digit)"),
  path: z
    .string()
    .trim()
    .min(1, "Enter the JSON path")
    .max(1000, "At most 1000 characters")
    .superRefine((v, ctx) => {
      const problem = jsonPathProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
});
export type TMappingRow = z.infer<typeof ZMappingRow>;

/** Rows with unique names (field errors on the repeated ones). */
export const ZResponseMapping = z
  .array(ZMappingRow)
  .max(100)
  .superRefine((rows, ctx) => {
    const seen = new Set<string>();
    rows.forEach((r, i) => {
      if (seen.has(r.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `"${r.name}" is used twice` });
      seen.add(r.name);
    });
  });

/**
 * The outputs of a response body: for each row, the one value when its path selects one node, an
 * array of the values when it selects several, null when none (or when the body is not JSON).
 */
export function outputsOf(rows: readonly TMappingRow[], body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of rows) {
    if (body === undefined) {
      out[row.name] = null;
      continue;
    }
    let nodes: JsonValue[];
    try {
      nodes = query(body as JsonValue, row.path);
    } catch {
      nodes = [];
    }
    out[row.name] = nodes.length === 0 ? null : nodes.length === 1 ? nodes[0] : nodes;
  }
  return out;
}
