// The parts of oidc-provider v9 (which ships no type declarations) that e2e/oauth/provider.ts uses.
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    grant_types?: string[];
    response_types?: string[];
    redirect_uris?: string[];
    token_endpoint_auth_method?: string;
    scope?: string;
    [key: string]: unknown;
  }

  export interface Client {
    clientId: string;
    clientAuthMethod: string;
    grantTypeAllowed(type: string): boolean;
  }

  export interface Account {
    accountId: string;
    claims(): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  /** An access token, client credentials token, refresh token or authorization code. */
  export interface Token {
    jti: string;
    kind: string;
    clientId?: string;
    accountId?: string;
    scope?: string;
    grantId?: string;
    exp?: number;
    iat?: number;
    consumed?: number;
    readonly isValid: boolean;
    readonly isExpired: boolean;
    destroy(): Promise<void>;
  }

  export interface TokenModel {
    find(value: string, options?: { ignoreExpiration?: boolean }): Promise<Token | undefined>;
  }

  export interface OidcContext {
    oidc?: {
      route?: string;
      params?: Record<string, unknown>;
      client?: Client;
    };
  }

  export interface OidcError extends Error {
    error?: string;
    error_description?: string;
    statusCode?: number;
  }

  type TTL = number | ((ctx: OidcContext, token: Token, client: Client) => number);

  export interface Configuration {
    clients?: ClientMetadata[];
    cookies?: { keys?: string[]; long?: Record<string, unknown>; short?: Record<string, unknown> };
    features?: Record<string, { enabled: boolean; [key: string]: unknown }>;
    scopes?: string[];
    responseTypes?: string[];
    pkce?: { required?: (ctx: OidcContext, client: Client) => boolean };
    issueRefreshToken?: (ctx: OidcContext, client: Client, code: Token) => boolean | Promise<boolean>;
    rotateRefreshToken?: boolean | ((ctx: OidcContext) => boolean | Promise<boolean>);
    expiresWithSession?: (ctx: OidcContext, code: Token) => boolean | Promise<boolean>;
    findAccount?: (ctx: OidcContext, sub: string, token?: Token) => Account | undefined | Promise<Account | undefined>;
    clientBasedCORS?: (ctx: OidcContext, origin: string, client: Client) => boolean;
    ttl?: Record<string, TTL>;
    [key: string]: unknown;
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    readonly AccessToken: TokenModel;
    readonly ClientCredentials: TokenModel;
    readonly RefreshToken: TokenModel;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    on(event: "grant.success", listener: (ctx: OidcContext) => void): this;
    on(event: "grant.error" | "server_error" | "authorization.error", listener: (ctx: OidcContext, err: OidcError) => void): this;
    on(event: `${string}.saved` | `${string}.destroyed` | `${string}.consumed`, listener: (token: Token) => void): this;
  }
  export { Provider };
}
