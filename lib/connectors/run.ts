import "server-only";
// Runs a connector once (SPEC §5.3): build the request from the definition and the inputs, apply
// the authentication configuration (the connector's, else its service's), send it through the one
// outbound request path. The Test dialog and the REST run API (§8) share it: one code path.
// Every run goes to the run log; Tests (a user's action in the UI) are audited too, API runs not.
import { audit, type TActor } from "@/lib/audit";
import { effectiveConfig, environmentRuntime, type TEnvironmentRuntime } from "@/lib/environments/runtime";
import type { TEffectiveConfig, TEnvironmentRef } from "@/lib/environments/resolve";
import { authHeaderName, strategyFor, tlsFor } from "@/lib/auth-configs/runtime";
import { withHeader } from "@/lib/auth-configs/strategies/shared";
import { TtlCache } from "@/lib/cache/ttl-cache";
import { getDb } from "@/lib/db";
import { AppError, isAppError } from "@/lib/errors";
import { buildRequest, type TFormField } from "@/lib/http/build-request";
import { toCurl, type TCurlBody } from "@/lib/http/curl";
import { maskValues } from "@/lib/http/request-parts";
import { DEFAULT_MAX_BYTES, sendRequest } from "@/lib/http/execute";
import type { TAuthStrategy, THttpResponse } from "@/lib/http/types";
import { recordRun } from "@/lib/runs/log";
import { outputsOf } from "./mapping";
import { encodeBody } from "./response-body";
import type { TConnectorInput, TRunInputs } from "./schema";

export type TRunFile = { name: string; filename: string; contentType: string; bytes: Uint8Array };

/** `outputs` when the connector has a response mapping (null per output the body does not have). */
export type TRunResult = THttpResponse & {
  curl: string;
  outputs?: Record<string, unknown>;
  encoded?: ReturnType<typeof encodeBody>;
  /** The environment the run used; null for the defaults. */
  environment: TEnvironmentRef | null;
};

// Hot path (SPEC §8): a service's configuration id and a configuration as it is in an environment
// (secrets decrypted), kept ≤ 5 s and dropped at once on this process when an admin changes the
// configuration or an environment. Decrypted secrets live only in this memory.
const serviceConfigIds = new TtlCache<string | null>({ dependsOn: ["service"], keyKind: "service" });
const effectiveConfigs = new TtlCache<TEffectiveConfig>({ dependsOn: ["authConfig", "environment"] });

function cachedEffective(configId: string, environment: TEnvironmentRuntime | null): Promise<TEffectiveConfig> {
  return effectiveConfigs.get(`${configId}\u0000${environment?.id ?? ""}`, () => effectiveConfig({ configId, environment }));
}

/** The configuration a connector uses: its own, else its service's. */
export async function authConfigIdOf(def: Pick<TConnectorInput, "authConfigId" | "serviceId">): Promise<string> {
  if (def.authConfigId) return def.authConfigId;
  const id = await serviceConfigIds.get(def.serviceId, async () => {
    const service = await getDb().service.findUnique({ where: { id: def.serviceId }, select: { authConfigId: true } });
    return service?.authConfigId ?? null;
  });
  if (!id) throw new AppError("VALIDATION", "This connector's service no longer exists.", { serviceId: ["This service no longer exists"] });
  return id;
}

/**
 * The configuration's strategy, with its header value replaced for this run when asked to, and the
 * values of secret variables masked wherever the request shows them (Request sent, cURL).
 */
function overridden(base: TAuthStrategy, header: string | null, value: string | undefined, secretValues: string[]): TAuthStrategy {
  const masked = secretValues.length ? { ...base, sensitive: { ...base.sensitive, values: [...(base.sensitive.values ?? []), ...secretValues] } } : base;
  if (!header || !value) return masked;
  return {
    sensitive: { ...masked.sensitive, headers: [...masked.sensitive.headers, header] },
    authorize: async (req) => withHeader(req, header, value),
  };
}

/** Form fields in the connector's order: text values as given, files as chosen; the rest left out. */
function formFieldsOf(def: TConnectorInput, inputs: TRunInputs, files: TRunFile[]): TFormField[] {
  const fields: TFormField[] = [];
  const known = new Set(def.formParams.map((p) => p.name));
  for (const p of def.formParams) {
    if (p.type === "file") {
      for (const f of files.filter((x) => x.name === p.name)) fields.push({ name: f.name, file: { filename: f.filename, contentType: f.contentType, bytes: f.bytes } });
    } else {
      for (const [, value] of inputs.formParams.filter(([n]) => n === p.name)) fields.push({ name: p.name, value });
    }
  }
  const unknown = [...inputs.formParams.map(([n]) => n), ...files.map((f) => f.name)].filter((n) => !known.has(n));
  if (unknown.length) throw new AppError("VALIDATION", `This connector has no form parameter ${JSON.stringify(unknown[0])}.`);
  const typeOf = new Map(def.formParams.map((p) => [p.name, p.type]));
  const textForFile = inputs.formParams.find(([n]) => typeOf.get(n) === "file");
  if (textForFile) throw new AppError("VALIDATION", `The form parameter ${JSON.stringify(textForFile[0])} takes a file, not text.`, { [`formParams.${textForFile[0]}`]: ["Send a file"] });
  const fileForText = files.find((f) => typeOf.get(f.name) === "text");
  if (fileForText) throw new AppError("VALIDATION", `The form parameter ${JSON.stringify(fileForText.name)} takes text, not a file.`, { [`formParams.${fileForText.name}`]: ["Send text"] });
  return fields;
}

function curlBody(def: TConnectorInput, inputs: TRunInputs, fields: TFormField[], bodyBytes: number): TCurlBody {
  if (bodyBytes === 0) return { kind: "none" };
  if (def.bodyType === "JSON" && inputs.body !== undefined) return { kind: "text", text: inputs.body };
  if (def.bodyType === "FORM") {
    return { kind: "form", fields: fields.map((f) => ("file" in f ? { name: f.name, filename: f.file.filename, contentType: f.file.contentType || "application/octet-stream" } : f)) };
  }
  return { kind: "binary", bytes: bodyBytes };
}

/**
 * Runs `def` once. `action` "test" is the Test dialog (audited), "run" the REST API (`tokenId` set).
 * Throws AppError for what stopped the run (VALIDATION, OUTBOUND_BLOCKED, TIMEOUT, ...); an
 * upstream that answers, with any status, is a result.
 */
export async function runConnector(opts: {
  def: TConnectorInput;
  connectorId: string | null;
  name: string;
  inputs: TRunInputs;
  files?: TRunFile[];
  actor: NonNullable<TActor>;
  action: "test" | "run";
  tokenId?: string | null;
  /** Id or name of the environment to run in; null or absent: the defaults. */
  environment?: string | null;
  /** The body is a message from outside: sent as it is, without {{VAR}} expansion (see buildRequest). */
  bodyVerbatim?: boolean;
  signal?: AbortSignal;
}): Promise<TRunResult> {
  const { def, inputs } = opts;
  const started = performance.now();
  let result: TRunResult | undefined;
  let failure: string | undefined;
  let requestBytes = 0;
  // Tests that were sent are audited; a request refused while building (validation) sent nothing.
  let sending = false;
  let environment: TEnvironmentRuntime | null = null;
  try {
    environment = await environmentRuntime(opts.environment);
    const authConfigId = await authConfigIdOf(def);
    const { config, connection } = await cachedEffective(authConfigId, environment);
    const formFields = def.bodyType === "FORM" ? formFieldsOf(def, inputs, opts.files ?? []) : [];
    const req = buildRequest(def, {
      pathParams: inputs.pathParams,
      queryParams: inputs.queryParams,
      headers: inputs.headers,
      body: inputs.body,
      bodyVerbatim: opts.bodyVerbatim,
      formFields,
      variables: environment?.variables ?? {},
      environmentName: environment?.name ?? null,
    });
    requestBytes = req.body?.byteLength ?? 0;
    const strategy = strategyFor(config, { configId: authConfigId, userId: opts.actor.id, connection, environmentName: environment?.name ?? null });
    const auth = overridden(strategy, authHeaderName(config), inputs.authHeader, environment?.secretValues ?? []);
    sending = true;
    const res = await sendRequest(req, { auth, tls: tlsFor(config), timeoutMs: def.timeoutMs, maxResponseBytes: DEFAULT_MAX_BYTES, signal: opts.signal });
    const mapping = def.responseMapping;
    let outputs: Record<string, unknown> | undefined;
    let encoded: TRunResult["encoded"];
    if (mapping.length) {
      // Kept for the API's answer, so a large body is parsed once.
      encoded = encodeBody(res.headers, res.body, res.truncated);
      outputs = outputsOf(mapping, encoded.bodyEncoding === "json" ? encoded.body : undefined);
    }
    // The cURL text is for the Test dialog; the API does not return it.
    const curl = opts.action === "test" ? maskValues(toCurl(res.sent, curlBody(def, inputs, formFields, res.sent.bodyBytes)), environment?.secretValues ?? []) : "";
    const ref = environment ? { id: environment.id, name: environment.name } : null;
    result = { ...res, curl, environment: ref, ...(outputs ? { outputs, encoded } : {}) };
    return result;
  } catch (e) {
    failure = isAppError(e) ? e.code : "INTERNAL";
    throw e;
  } finally {
    recordRun({
      at: new Date(),
      source: opts.action === "test" ? "test" : "api",
      connectorId: opts.connectorId,
      connectorName: opts.name,
      userId: opts.actor.id,
      tokenId: opts.tokenId ?? null,
      environmentId: environment?.id ?? null,
      status: result?.status ?? null,
      errorCode: result ? null : (failure ?? null),
      durationMs: Math.round(performance.now() - started),
      requestBytes: result?.sent.bodyBytes ?? requestBytes,
      responseBytes: result?.body.length ?? 0,
    });
    if (opts.action === "test" && sending) await audit({
      actor: opts.actor,
      action: opts.action,
      objectType: "Connector",
      objectId: opts.connectorId,
      objectName: opts.name,
      details: {
        ...(result ? { status: result.status, truncated: result.truncated } : { error: failure ?? null }),
        saved: Boolean(opts.connectorId),
        ...(environment ? { environment: environment.name } : {}),
      },
    });
  }
}
