import "server-only";
// POST /api/v1/connectors/{id}/run — the hot path (SPEC §8): JSON, or multipart with a "request"
// part and one part per file Form parameter. The same runConnector as the Test dialog.
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { DEFAULT_MAX_BYTES } from "@/lib/http/execute";
import { getConnectorCached } from "@/lib/connectors/queries";
import { headersObject, encodeBody } from "@/lib/connectors/response-body";
import { runConnector, type TRunFile } from "@/lib/connectors/run";
import { recordRun } from "@/lib/runs/log";
import type { TConnectorInput, TRunInputs } from "@/lib/connectors/schema";
import { isJsonType, mediaType, parseJson, parseMultipart, readBody, unsupported } from "../body";
import type { TApiContext, TRoute } from "../context";
import { ApiError, notFound, toApiError } from "../errors";
import { RUN_ERRORS } from "../openapi";
import { ZRunRequest, ZRunResponse, type TRunRequest, type TRunResponse } from "../schemas";
import { parseInput } from "../validate";

/** Files and JSON framing of one run: the request body cap plus room for the rest. */
const MAX_RUN_BODY = DEFAULT_MAX_BYTES + 1024 * 1024;

async function readRunRequest(ctx: TApiContext): Promise<{ request: TRunRequest; files: TRunFile[] }> {
  const type = mediaType(ctx.req);
  const bytes = await readBody(ctx.req, MAX_RUN_BODY);
  if (bytes.length === 0) return { request: {}, files: [] };
  if (isJsonType(type)) return { request: parseInput(ZRunRequest, parseJson(bytes), "body"), files: [] };
  if (type !== "multipart/form-data") throw unsupported(["application/json", "multipart/form-data"]);
  const form = await parseMultipart(String(ctx.req.headers["content-type"]), bytes);
  const part = form.get("request");
  const json = part === null ? {} : parseJson(typeof part === "string" ? Buffer.from(part, "utf8") : Buffer.from(await part.arrayBuffer()));
  const files: TRunFile[] = [];
  for (const [key, value] of form.entries()) {
    if (key === "request") continue;
    if (typeof value === "string") throw new ApiError(400, "VALIDATION", `The part ${JSON.stringify(key.slice(0, 100))} is not a file: send text Form parameters in the "request" part's formParams.`);
    files.push({ name: key, filename: value.name || "file", contentType: value.type || "application/octet-stream", bytes: new Uint8Array(await value.arrayBuffer()) });
  }
  return { request: parseInput(ZRunRequest, json, "body"), files };
}

const pairs = (rec: Record<string, string | string[]> | undefined): Array<[string, string]> =>
  Object.entries(rec ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v] as [string, string]]));

/** The API's inputs as the run's; a body the connector does not take is refused. */
function runInputs(def: TConnectorInput, r: TRunRequest, files: TRunFile[]): TRunInputs {
  const fail = (field: string, message: string) => new ApiError(400, "VALIDATION", message, { fields: { [field]: [message] } });
  if (r.body !== undefined && def.bodyType !== "JSON") {
    throw fail("body", def.bodyType === "FORM" ? "This connector sends a form: give formParams (and files as multipart parts), not body." : "This connector sends no body (Body type None).");
  }
  if ((r.formParams || files.length) && def.bodyType !== "FORM") throw fail("formParams", "This connector does not send a form (Body type is not Form).");
  return {
    pathParams: r.pathParams ?? {},
    queryParams: pairs(r.queryParams),
    headers: r.headers ?? {},
    body: r.body === undefined ? undefined : typeof r.body === "string" ? r.body : JSON.stringify(r.body),
    formParams: pairs(r.formParams),
  };
}

async function run(ctx: TApiContext) {
  const def = await getConnectorCached(ctx.params.id);
  if (!def) throw notFound("No connector with this id.");
  const started = performance.now();
  let prepared: { request: TRunRequest; files: TRunFile[]; inputs: TRunInputs };
  try {
    const { request, files } = await readRunRequest(ctx);
    prepared = { request, files, inputs: runInputs(def, request, files) };
  } catch (e) {
    // A run refused before it was built (bad JSON, unknown fields, too large...) is a run too.
    recordRun({
      at: new Date(),
      source: "api",
      connectorId: def.id,
      connectorName: def.name,
      userId: ctx.caller.user.id,
      tokenId: ctx.caller.tokenId,
      environmentId: null,
      status: null,
      errorCode: toApiError(e).code,
      durationMs: Math.round(performance.now() - started),
      requestBytes: Number(ctx.req.headers["content-length"]) || 0,
      responseBytes: 0,
    });
    throw e;
  }
  const { files, inputs, request } = prepared;
  try {
    const res = await runConnector({ def, connectorId: def.id, name: def.name, inputs, files, environment: request.environment ?? null, actor: { id: ctx.caller.user.id, email: ctx.caller.user.email }, action: "run", tokenId: ctx.caller.tokenId, signal: ctx.signal });
    const { body, bodyEncoding } = res.encoded ?? encodeBody(res.headers, res.body, res.truncated);
    const reply: TRunResponse = {
      status: res.status,
      statusText: res.statusText,
      headers: headersObject(res.headers),
      body,
      bodyEncoding,
      durationMs: Math.round(res.timings.totalMs),
      truncated: res.truncated,
      ...(res.outputs ? { outputs: res.outputs } : {}),
    };
    return { body: reply };
  } catch (e) {
    // "Connect first": the link points at the configuration page, absolute for a caller outside the app.
    if (isAppError(e) && e.link && (e.code === "OAUTH_NOT_CONNECTED" || e.code === "OAUTH_RECONNECT")) {
      throw new ApiError(409, e.code, e.message, { link: { href: new URL(e.link.href, env().PATCHBAY_URL).href, label: e.link.label } });
    }
    throw e;
  }
}

export const runRoutes: TRoute[] = [
  {
    method: "POST",
    path: "/connectors/{id}/run",
    role: "MEMBER",
    handler: run,
    doc: {
      summary: "Run a connector",
      description:
        "Builds the connector's request from the inputs, applies its authentication configuration and sends it. An upstream that answers, with any status, is a 200 with that status inside; no answer is a 502 (DNS_FAILURE, CONNECTION_REFUSED, CONNECTION_FAILED, TLS_FAILURE, OUTBOUND_BLOCKED, OAUTH_ERROR) or 504 (UPSTREAM_TIMEOUT). OAuth2 without shared credentials runs with the token owner's tokens; 409 OAUTH_NOT_CONNECTED with a link when they have not connected.",
      tags: ["Connectors"],
      body: ZRunRequest,
      multipart: 'A "request" part with the JSON body, and one part per file Form parameter (the part name is the parameter name).',
      response: ZRunResponse,
      errors: RUN_ERRORS,
    },
  },
];
