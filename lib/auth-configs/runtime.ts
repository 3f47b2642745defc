import "server-only";
// From a resolved configuration (secrets decrypted) to what a request needs: its strategy and TLS.
import type { TAuthStrategy } from "@/lib/http/types";
import type { TAuthConfigInput } from "./schema";
import { oauth2Strategy } from "@/lib/oauth/strategy";
import { tlsFor } from "./tls";
import { apiKeyStrategy, awsSigV4Strategy, basicStrategy, digestStrategy, noneStrategy } from "./strategies";

function assertNever(x: never): never {
  throw new Error(`unknown sub-protocol ${JSON.stringify(x)}`);
}

// Digest counts nonce uses (nc) per strategy instance: keep instances so that a server which
// reuses its nonce across requests sees nc increase instead of a replay.
const digestCache = new Map<string, TAuthStrategy>();
const DIGEST_CACHE_MAX = 200;

export type TStrategyContext = {
  /** The saved configuration's id: lets Digest keep its nonce state and OAuth2 store its tokens. */
  configId?: string | null;
  /** The calling user: OAuth2 without shared credentials uses this user's tokens. */
  userId?: string | null;
  /** OAuth2: the connection whose tokens are used ("" for the defaults; see lib/environments/resolve.ts). */
  connection?: string;
  /** The environment the request runs in, for messages. */
  environmentName?: string | null;
};

/** The strategy for a configuration (secrets resolved). */
export function strategyFor(config: TAuthConfigInput, ctx: TStrategyContext = {}): TAuthStrategy {
  const cacheKey = ctx.configId ?? undefined;
  switch (config.subProtocol) {
    case "API_KEY":
      return apiKeyStrategy({
        headerName: config.headerName,
        prefix: config.prefix,
        apiKey: config.apiKey,
        placement: config.placement === "QUERY" ? "query" : "header",
        queryParamName: config.queryParamName,
      });
    case "BASIC":
      return basicStrategy({ username: config.username, password: config.password, preemptive: config.preemptive });
    case "DIGEST": {
      if (!cacheKey) return digestStrategy({ username: config.username, password: config.password });
      const key = `${cacheKey}\u0000${ctx.connection ?? ""}\u0000${config.username}\u0000${config.password}`;
      let strategy = digestCache.get(key);
      if (!strategy) {
        strategy = digestStrategy({ username: config.username, password: config.password });
        if (digestCache.size >= DIGEST_CACHE_MAX) digestCache.delete(digestCache.keys().next().value!);
        digestCache.set(key, strategy);
      }
      return strategy;
    }
    case "NONE":
      return noneStrategy();
    case "AWS_SIGV4":
      return awsSigV4Strategy({
        accessKeyId: config.accessKeyId,
        secretAccessKey: config.secretAccessKey,
        sessionToken: config.sessionToken || undefined,
        service: config.service,
        region: config.region,
      });
    case "OAUTH2_AUTH_CODE":
    case "OAUTH2_CLIENT_CREDENTIALS":
    case "OAUTH2_PASSWORD":
    case "OAUTH2_SERVICE_ACCOUNT":
      return oauth2Strategy(config, { configId: ctx.configId ?? null, name: config.name, userId: ctx.userId ?? null, connection: ctx.connection ?? "", environmentName: ctx.environmentName ?? null });
    default:
      return assertNever(config);
  }
}

export { tlsFor };

/**
 * The header that carries the credentials, which the Test dialog lets the user overwrite for one
 * run; null when they travel elsewhere (query) or there are none.
 */
export function authHeaderName(config: TAuthConfigInput): string | null {
  switch (config.subProtocol) {
    case "API_KEY":
      return config.placement === "QUERY" ? null : config.headerName;
    case "BASIC":
    case "DIGEST":
    case "AWS_SIGV4":
      return "Authorization";
    case "OAUTH2_AUTH_CODE":
    case "OAUTH2_CLIENT_CREDENTIALS":
    case "OAUTH2_PASSWORD":
    case "OAUTH2_SERVICE_ACCOUNT":
      return config.headerName;
    case "NONE":
      return null;
    default:
      return assertNever(config);
  }
}
