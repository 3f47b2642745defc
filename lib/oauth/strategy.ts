import "server-only";
// OAuth2 as an authentication strategy (SPEC §6): the owner's access token in "Header name" with
// "Prefix"; renewed before it expires, and once more when the API answers 401 (the request is then
// retried once with the new token).
import { withHeader } from "@/lib/auth-configs/strategies/shared";
import type { TOAuth2Input } from "@/lib/auth-configs/schema";
import { AppError } from "@/lib/errors";
import type { TAuthStrategy } from "@/lib/http/types";
import { requestToken } from "./grants";
import { tokenHeaderValue, type TTokenSet } from "./protocol";
import { accessTokenFor, notConnected, ownerKeyOf } from "./tokens";

export type TOAuth2Context = {
  /** The saved configuration's id; null for unsaved form values (tokens are then not stored). */
  configId: string | null;
  name: string;
  /** The calling user, whose tokens are used when credentials are not shared. */
  userId: string | null;
  /** "" (the defaults) or the environment whose connection's tokens are used (lib/environments). */
  connection?: string;
  /** The environment the request runs in, for messages. */
  environmentName?: string | null;
};

/** Without a saved configuration there is nowhere to keep tokens: get one per use. */
async function unsavedToken(config: TOAuth2Input): Promise<TTokenSet> {
  if (config.subProtocol === "OAUTH2_AUTH_CODE") {
    throw new AppError("VALIDATION", "Save the configuration and connect it first: Authorization Code needs the provider's consent.");
  }
  return requestToken(config, { kind: "own" });
}

/** Fetches the token a request needs (see accessTokenFor), whatever the configuration is saved or not. */
export async function tokenFor(config: TOAuth2Input, ctx: TOAuth2Context, opts: { refused?: string; force?: boolean; signal?: AbortSignal } = {}): Promise<TTokenSet> {
  if (!ctx.configId) return unsavedToken(config);
  const ownerKey = ownerKeyOf(config, ctx.userId);
  if (!ownerKey) throw notConnected({ configId: ctx.configId, name: ctx.name, ownerKey, environmentName: ctx.environmentName });
  return accessTokenFor({ configId: ctx.configId, connection: ctx.connection ?? "", ownerKey, config, name: ctx.name, environmentName: ctx.environmentName, ...opts });
}

/** `first`: a token already obtained (Test), used for the first request instead of asking again. */
export function oauth2Strategy(config: TOAuth2Input, ctx: TOAuth2Context, first?: TTokenSet): TAuthStrategy {
  let used: string | null = null;
  let initial = first;
  const apply = (req: Parameters<TAuthStrategy["authorize"]>[0], token: TTokenSet) => {
    used = token.accessToken;
    return withHeader(req, config.headerName, tokenHeaderValue(config.prefix, token.accessToken));
  };
  return {
    sensitive: { headers: [config.headerName.toLowerCase()], query: [] },

    async authorize(req) {
      const token = initial ?? (await tokenFor(config, ctx));
      initial = undefined;
      return apply(req, token);
    },

    async onUnauthorized(req, res, attempt) {
      if (attempt !== 1 || res.status !== 401 || used === null || !ctx.configId) return null;
      const renewed = await tokenFor(config, ctx, { refused: used });
      // The same token again: renewing did not help, the 401 goes to the caller.
      if (renewed.accessToken === used) return null;
      return apply(req, renewed);
    },
  };
}
