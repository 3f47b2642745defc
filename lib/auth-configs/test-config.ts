import "server-only";
// "Test": GET the configuration's Test URL with its strategy and TLS, without saving anything but
// the outcome of a saved configuration's test.
import { audit, type TActor } from "@/lib/audit";
import { AppError, isAppError, type TErrorLink } from "@/lib/errors";
import { tokenFacts } from "@/lib/oauth/protocol";
import { oauth2Strategy, tokenFor } from "@/lib/oauth/strategy";
import { sendRequest } from "@/lib/http/execute";
import { strategyFor, tlsFor } from "./runtime";
import { isOAuth2, type TAuthConfigInput } from "./schema";
import { isStoredAsIs, recordTestResult } from "./store";
import { effectiveConfig, environmentRuntime } from "@/lib/environments/runtime";
import type { TEnvironmentRef } from "@/lib/environments/resolve";

export type TAuthTestResult = {
  ok: boolean;
  message: string;
  status?: number;
  durationMs?: number;
  /** Start of the response body, as text, when the request did not succeed. */
  bodyExcerpt?: string;
  /** Where to fix it, e.g. the configuration's page to connect an OAuth2 account. */
  link?: TErrorLink;
  /** The environment the test ran in; null: No environment (the defaults). */
  environment: TEnvironmentRef | null;
};

const EXCERPT = 300;

function excerpt(body: Buffer): string {
  const text = body.subarray(0, EXCERPT * 4).toString("utf8").replace(/\s+/g, " ").trim();
  return text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text;
}

/**
 * Test (SPEC §3, §6): GET the Test URL with the configuration. For OAuth2, first obtain a token
 * (a new one, or a refreshed one for Authorization Code) and say when it expires and its scope;
 * the Test URL is then optional.
 */
export async function testAuthConfig(opts: { id: string | null; input?: TAuthConfigInput; actor: TActor; environmentId?: string | null }): Promise<TAuthTestResult> {
  const environment = await environmentRuntime(opts.environmentId);
  const { config, connection } = await effectiveConfig({ configId: opts.id, input: opts.input, environment });
  const envRef = environment ? { id: environment.id, name: environment.name } : null;
  const environmentName = environment?.name ?? null;
  const oauth = isOAuth2(config);
  if (!config.testUrl && !oauth) {
    throw new AppError("VALIDATION", "Enter a Test URL to test against.", { testUrl: ["Enter a Test URL to test against"] });
  }
  let result: Omit<TAuthTestResult, "environment">;
  let link: TErrorLink | undefined;
  try {
    let auth;
    let tokenLine = "";
    if (oauth) {
      // A new (or refreshed) token first: its facts are part of the result, and the Test URL gets it.
      const ctx = { configId: opts.id, name: config.name, userId: opts.actor?.id ?? null, connection, environmentName };
      const token = await tokenFor(config, ctx, { force: true });
      tokenLine = `Token obtained.${tokenFacts(token)}`;
      auth = oauth2Strategy(config, ctx, token);
    } else {
      auth = strategyFor(config, { configId: opts.id, userId: opts.actor?.id, connection, environmentName });
    }
    if (!config.testUrl) {
      result = { ok: true, message: tokenLine };
    } else {
      const res = await sendRequest(
        { method: "GET", url: config.testUrl, headers: [["accept", "application/json, text/plain;q=0.9, */*;q=0.8"]] },
        { auth, tls: tlsFor(config), maxResponseBytes: 256 * 1024 },
      );
      const ms = Math.round(res.timings.totalMs);
      const ok = res.status >= 200 && res.status < 300;
      const line = `${res.status} ${res.statusText}`.trim();
      const prefix = tokenLine ? `${tokenLine} ` : "";
      result = ok
        ? { ok, status: res.status, durationMs: ms, message: `${prefix}Success: ${line} in ${ms} ms.` }
        : { ok, status: res.status, durationMs: ms, message: `${prefix}The server answered ${line}.`, bodyExcerpt: excerpt(res.body) };
    }
  } catch (e) {
    if (!isAppError(e) || e.code === "VALIDATION" || e.code === "SECRET_UNREADABLE") throw e;
    result = { ok: false, message: e.message };
    link = e.link;
  }
  // "Last test" describes the saved configuration with its defaults: unsaved changes and tests in an
  // environment do not count.
  if (opts.id && !environment && (!opts.input || (await isStoredAsIs(opts.id, opts.input)))) await recordTestResult(opts.id, result);
  await audit({
    actor: opts.actor,
    action: "test",
    objectType: "AuthConfig",
    objectId: opts.id,
    objectName: config.name,
    details: { ok: result.ok, status: result.status ?? null, saved: Boolean(opts.id), ...(environmentName ? { environment: environmentName } : {}) },
  });
  return { ...result, environment: envRef, ...(link ? { link } : {}) };
}
