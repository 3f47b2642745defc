// The shapes every outbound request passes through: built (connectors, auth tests, token requests,
// polling, deliveries), authorized by a strategy, sent by lib/http/execute.ts. Pure types.

/** Ordered header list; repeated names are allowed and kept in order. */
export type THeaderList = Array<[name: string, value: string]>;

/** A request ready to send: absolute http(s) URL (query included) and the final body bytes. */
export type TOutgoingRequest = {
  method: string;
  url: string;
  headers: THeaderList;
  body?: Uint8Array | null;
};

/** TLS material of an authentication configuration, applied to every connection it makes. */
export type TTlsOptions = {
  /** PEM CA bundle trusted in addition to the public authorities. */
  ca?: string;
  /** Client certificate: PEM certificate + PEM private key ... */
  cert?: string;
  key?: string;
  /** ... or a PKCS#12 bundle with its passphrase. */
  pfx?: Uint8Array;
  passphrase?: string;
};

/** What a strategy reports as secret in the requests it authorizes, for masking "Request sent". */
export type TSensitive = {
  headers: string[];
  query: string[];
  /** Secret values (an environment's secret variables) masked wherever they appear: URL, header values, body preview. */
  values?: string[];
};

/**
 * Applies one authentication configuration to requests (one file per sub-protocol under
 * lib/auth-configs/strategies/). `authorize` runs before the first send; `onUnauthorized` gets a 401
 * and returns the request to retry, or null to give the 401 to the caller.
 */
export interface TAuthStrategy {
  authorize(req: TOutgoingRequest): Promise<TOutgoingRequest>;
  onUnauthorized?(
    req: TOutgoingRequest,
    res: { status: number; headers: THeaderList },
    attempt: number,
  ): Promise<TOutgoingRequest | null>;
  sensitive: TSensitive;
}

export type TTimings = {
  /** Name resolution, when a name was resolved. */
  dnsMs?: number;
  /** TCP connect (and TLS handshake for https), when a new connection was made. */
  connectMs?: number;
  /** From sending the request to the response headers. */
  firstByteMs: number;
  totalMs: number;
};

/** The request as it went over the wire on the final hop, secrets masked. */
export type TSentRequest = {
  method: string;
  url: string;
  headers: THeaderList;
  bodyBytes: number;
  bodyPreview?: string;
};

export type THttpResponse = {
  status: number;
  statusText: string;
  headers: THeaderList;
  body: Buffer;
  /** The body was cut at the response cap. */
  truncated: boolean;
  /** URL of the final hop (after redirects). */
  url: string;
  redirects: string[];
  timings: TTimings;
  sent: TSentRequest;
};

export const MASK = "••••••";
