// The one resolution point (SPEC §7, STYLE 15): (configuration, environment) → the effective
// configuration every request path uses — connector Test, configuration Test, the run API, OAuth2
// token requests and Connect. Pure: the overrides come in already decrypted (and secret references
// already fetched) from lib/environments/runtime.ts, which is the only reader of stored overrides.
import { AppError } from "@/lib/errors";
import { ZAuthConfigInput, type TAuthConfigInput } from "@/lib/auth-configs/schema";
import { extensibleField } from "./fields";

export type TPair = { name: string; value: string };

/** One override as the resolution needs it: its value (secrets decrypted), or none yet. */
export type TOverrideValue =
  | { fieldId: string; state: "value"; value: string | boolean | TPair[] }
  /** A secret override copied or imported without its value: the request is refused, not sent with the default. */
  | { fieldId: string; state: "needs-value" };

export type TEnvironmentRef = { id: string; name: string };

export type TProvenance = "default" | "override";

export type TEffectiveConfig = {
  config: TAuthConfigInput;
  environment: TEnvironmentRef | null;
  /** Field id → where its effective value came from; fields not listed are defaults. */
  provenance: Record<string, TProvenance>;
  /**
   * Which OAuth2 token set this configuration uses: "" for the defaults, else the environment's id
   * when it overrides a field of the connection's identity (client, URLs, scope, credentials, TLS).
   */
  connection: string;
};

/** "" or the environment id: the connection whose tokens a configuration uses in an environment. */
export function connectionKeyOf(config: Pick<TAuthConfigInput, "subProtocol">, environment: TEnvironmentRef | null, overriddenFieldIds: Iterable<string>): string {
  if (!environment) return "";
  for (const id of overriddenFieldIds) if (extensibleField(config.subProtocol, id)?.identity) return environment.id;
  return "";
}

function set(target: TAuthConfigInput, fieldId: string, value: unknown): TAuthConfigInput {
  if (fieldId.startsWith("tls.")) return { ...target, tls: { ...target.tls, [fieldId.slice(4)]: value } } as TAuthConfigInput;
  return { ...target, [fieldId]: value } as TAuthConfigInput;
}

/**
 * Applies an environment's overrides of one configuration to its defaults (`base`, secrets
 * decrypted). Throws VALIDATION naming the environment when an override has no value yet, belongs
 * to another sub-protocol, or leaves the configuration invalid (e.g. an empty Token URL).
 */
export function resolveEffective(base: TAuthConfigInput, environment: TEnvironmentRef | null, overrides: TOverrideValue[]): TEffectiveConfig {
  if (!environment || overrides.length === 0) return { config: base, environment, provenance: {}, connection: "" };
  const where = `the environment "${environment.name}"`;
  let config = base;
  const provenance: Record<string, TProvenance> = {};
  const missing: string[] = [];
  for (const o of overrides) {
    const field = extensibleField(base.subProtocol, o.fieldId);
    // Stored for a sub-protocol the configuration no longer has: the default applies.
    if (!field) continue;
    provenance[o.fieldId] = "override";
    if (o.state === "needs-value") missing.push(o.fieldId);
    else config = set(config, o.fieldId, o.value);
  }
  if (missing.length > 0) {
    const labels = missing.map((id) => extensibleField(base.subProtocol, id)!.label);
    throw new AppError(
      "VALIDATION",
      `In ${where}, "${base.name}" overrides ${labels.join(", ")} but has no value for it yet: enter it under Environments → ${environment.name}.`,
      Object.fromEntries(missing.map((id) => [id, [`Needs a value in ${where}`]])),
    );
  }
  const parsed = ZAuthConfigInput.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.join(".");
    throw new AppError("VALIDATION", `In ${where}, "${base.name}" is not valid: ${path ? `${path}: ` : ""}${issue.message}.`, { [path || "config"]: [issue.message] });
  }
  return { config: parsed.data, environment, provenance, connection: connectionKeyOf(base, environment, Object.keys(provenance)) };
}

/** Variables of an environment for {{VAR}}: name → value, null when it still needs a value. */
export type TVariables = Record<string, string | null>;
