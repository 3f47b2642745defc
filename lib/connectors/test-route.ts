import "server-only";
// POST /api/connectors/test: the Test Connector dialog's request. Multipart: a "request" part
// (ZTestRequest as JSON) and one "file:<form parameter>" part per chosen file. A route handler
// rather than a server action so that files need no base64, the response can be 10 MB, and
// closing the dialog (Cancel) aborts the upstream request through request.signal.
import { actorOf } from "@/lib/audit";
import { assertSameOrigin } from "@/lib/auth/same-origin";
import { requireCaller } from "@/lib/auth/session";
import { fieldErrorsOf } from "@/lib/actions/field-errors";
import { failure, failureStatus, type TFailure } from "@/lib/actions/safe-action";
import { AppError } from "@/lib/errors";
import { formatSize } from "@/lib/http/body-kind";
import { DEFAULT_MAX_BYTES } from "@/lib/http/execute";
import { runConnector, type TRunFile } from "./run";
import { ZTestRequest } from "./schema";
import { encodeTestResult, TEST_RESULT_TYPE, type TTestResultMeta } from "./test-wire";
import { getConnector } from "./store";

/** A failure's JSON; a result travels as test-wire.ts encodes it (metadata line, raw body). */
export type TTestResponse = TFailure;

// The files plus the JSON and the multipart framing.
const MAX_UPLOAD = DEFAULT_MAX_BYTES + 1024 * 1024;

function reply(body: TTestResponse, status = 200): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

function replyResult(meta: TTestResultMeta, body: Uint8Array): Response {
  return new Response(encodeTestResult(meta, body) as BodyInit, { status: 200, headers: { "Content-Type": TEST_RESULT_TYPE, "Cache-Control": "no-store" } });
}

function fail(e: unknown): Response {
  const f = failure(e);
  // Upstream outcomes (timeout, DNS, policy...) are results of the test, not errors of this call.
  return reply(f, failureStatus(f, 200));
}

async function readForm(request: Request): Promise<{ json: unknown; files: TRunFile[] }> {
  const length = Number(request.headers.get("content-length") ?? NaN);
  if (!Number.isFinite(length)) throw new AppError("VALIDATION", "Send the test as a form upload with a Content-Length.");
  if (length > MAX_UPLOAD) throw new AppError("VALIDATION", `The files are too large: at most ${formatSize(DEFAULT_MAX_BYTES)} in all.`);
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new AppError("VALIDATION", "The test request could not be read (expected multipart/form-data).");
  }
  const raw = form.get("request");
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === "string" ? raw : "");
  } catch {
    throw new AppError("VALIDATION", 'The "request" part is missing or is not JSON.');
  }
  const files: TRunFile[] = [];
  for (const [key, value] of form.entries()) {
    if (!key.startsWith("file:") || typeof value === "string") continue;
    files.push({ name: key.slice(5), filename: value.name || "file", contentType: value.type || "application/octet-stream", bytes: new Uint8Array(await value.arrayBuffer()) });
  }
  return { json, files };
}

export async function handleTestRequest(request: Request): Promise<Response> {
  try {
    const user = await requireCaller({ role: "MEMBER" });
    assertSameOrigin(request);
    const { json, files } = await readForm(request);
    const parsed = ZTestRequest.safeParse(json);
    if (!parsed.success) throw new AppError("VALIDATION", "Some fields need attention.", fieldErrorsOf(parsed.error));
    const { connectorId, connector, inputs, environmentId } = parsed.data;
    // Members run saved connectors as they are; only admins try out unsaved definitions.
    if (connector && user.role !== "ADMIN") throw new AppError("FORBIDDEN", "Only administrators can test unsaved connectors.");
    let def = connector;
    let name = connector?.name ?? "";
    if (connectorId) {
      const saved = await getConnector(connectorId);
      if (!saved && !connector) throw new AppError("NOT_FOUND", "This connector no longer exists.");
      def ??= saved ?? undefined;
      if (saved && !connector) name = saved.name;
    }
    const res = await runConnector({ def: def!, connectorId: connectorId ?? null, name, inputs, files, environment: environmentId, actor: actorOf(user), action: "test", signal: request.signal });
    const meta: TTestResultMeta = {
      ok: true,
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
      bodyBytes: res.body.length,
      truncated: res.truncated,
      url: res.url,
      redirects: res.redirects,
      timings: res.timings,
      sent: res.sent,
      curl: res.curl,
      outputs: res.outputs,
      environment: res.environment,
    };
    return replyResult(meta, res.body);
  } catch (e) {
    return fail(e);
  }
}
