// The Test route's successful answer on the wire: one line of JSON (what happened) and then the
// upstream's body as it came, byte for byte. A 10 MB body as base64 inside JSON cost the browser a
// 14 MB JSON.parse and a base64 decode on its main thread (npm run bench:ui); raw bytes cost neither.
// JSON.stringify escapes every control character, so the first newline ends the metadata.
import type { TFailure } from "@/lib/actions/safe-action";

export const TEST_RESULT_TYPE = "application/vnd.patchbay.test-result";

/** What the dialog learns about a run besides the body. */
export type TTestResultMeta = {
  ok: true;
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  bodyBytes: number;
  truncated: boolean;
  url: string;
  redirects: string[];
  timings: { dnsMs?: number; connectMs?: number; firstByteMs: number; totalMs: number };
  sent: { method: string; url: string; headers: Array<[string, string]>; bodyBytes: number; bodyPreview?: string };
  curl: string;
  /** The response mapping's outputs, when the connector has one (SPEC §8). */
  outputs?: Record<string, unknown>;
  /** The environment the test ran in; null: No environment (the defaults). */
  environment: { id: string; name: string } | null;
};

/** A run as the dialog holds it: the metadata and the body's bytes, or why there was none. */
export type TTestOutcome = (TTestResultMeta & { body: Uint8Array }) | TFailure;

const NEWLINE = 0x0a;

export function encodeTestResult(meta: TTestResultMeta, body: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(JSON.stringify(meta));
  const out = new Uint8Array(head.length + 1 + body.length);
  out.set(head, 0);
  out[head.length] = NEWLINE;
  out.set(body, head.length + 1);
  return out;
}

/** The metadata and a view of the body (no copy); throws on anything that is not such an answer. */
export function decodeTestResult(bytes: Uint8Array): { meta: TTestResultMeta; body: Uint8Array } {
  const end = bytes.indexOf(NEWLINE);
  if (end < 0) throw new Error("The test result has no metadata line.");
  const meta = JSON.parse(new TextDecoder().decode(bytes.subarray(0, end))) as TTestResultMeta;
  if (meta?.ok !== true || typeof meta.status !== "number") throw new Error("The test result's metadata is not a result.");
  return { meta, body: bytes.subarray(end + 1) };
}
