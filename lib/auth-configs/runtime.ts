import "server-only";
// From a resolved configuration (secrets decrypted) to what a request needs: its strategy and TLS.
import type { TAuthStrategy, TTlsOptions } from "@/lib/http/types";
import type { TAuthConfigInput } from "./schema";
import { apiKeyStrategy, awsSigV4Strategy, basicStrategy, digestStrategy, noneStrategy } from "./strategies";

function assertNever(x: never): never {
  throw new Error(`unknown sub-protocol ${JSON.stringify(x)}`);
}

// Digest counts nonce uses (nc) per strategy instance: keep instances so that a server which
// reuses its nonce across requests sees nc increase instead of a replay.
const digestCache = new Map<string, TAuthStrategy>();
const DIGEST_CACHE_MAX = 200;

/** The strategy for a configuration. `cacheKey` (the configuration id) lets Digest keep its nonce state. */
export function strategyFor(config: TAuthConfigInput, cacheKey?: string): TAuthStrategy {
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
      const key = `${cacheKey}\u0000${config.username}\u0000${config.password}`;
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
    default:
      return assertNever(config);
  }
}

/** TLS material applied to every connection the configuration makes, token requests included. */
export function tlsFor(config: TAuthConfigInput): TTlsOptions | undefined {
  const t = config.tls;
  const tls: TTlsOptions = {};
  if (t.caBundlePem.trim()) tls.ca = t.caBundlePem;
  if (t.clientCertMode === "PEM") {
    tls.cert = t.clientCertPem;
    tls.key = t.clientKeyPem;
  } else if (t.clientCertMode === "PKCS12") {
    tls.pfx = Buffer.from(t.pkcs12, "base64");
    if (t.pkcs12Passphrase) tls.passphrase = t.pkcs12Passphrase;
  }
  return Object.keys(tls).length > 0 ? tls : undefined;
}

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
    case "NONE":
      return null;
    default:
      return assertNever(config);
  }
}
