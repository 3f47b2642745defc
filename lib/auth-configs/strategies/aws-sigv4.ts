// AWS Signature Version 4, signed by the maintained signer (@smithy/signature-v4, the one the AWS
// SDK for JavaScript uses) over the final request: method, host, path, query, headers and the hash
// of the final body bytes.
//
// What is signed must be exactly what goes on the wire, so the strategy rewrites the URL into the
// form it signs instead of hoping the server reads it the same way:
// - query: decoded like URLSearchParams ("+" is a space), then re-encoded with RFC 3986 escapes in
//   the original order, so "+" vs "%20", "'" vs "%27" and the like can't be read two ways;
// - path (non-S3, the default): sent as the URL has it; the signer normalizes dot segments and
//   empty segments and URI-encodes it once more, as AWS requires for every service except S3;
// - path (S3, uriEscapePath=false): S3 signs the path encoded once and not normalized, so each
//   segment is re-encoded with RFC 3986 escapes and signed as is.
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { AppError } from "@/lib/errors";
import type { TAuthStrategy, THeaderList } from "@/lib/http/types";
import { decodeQueryComponent, parseUrl, queryPieces, rfc3986 } from "./shared";

export { AWS_REGIONS, AWS_SERVICES, type TAwsOption } from "./aws-catalog";

export type TAwsSigV4Settings = {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials (STS): sent, and signed, as X-Amz-Security-Token. */
  sessionToken?: string;
  /** Signing name, e.g. "execute-api", "s3". */
  service: string;
  region: string;
  /** Clock, injectable for tests. */
  now?: () => Date;
  /** The signer's uriEscapePath: normalize the path and URI-encode it again (every service but
   * S3). Default: true unless the service is "s3". */
  uriEscapePath?: boolean;
  /** The signer's applyChecksum: add x-amz-content-sha256 with the payload hash (S3 requires it;
   * other services don't, and the AWS SDK doesn't send it to them). Default: service is "s3". */
  applyChecksum?: boolean;
};

// The signer wants a constructor taking an optional HMAC key; this is how the AWS SDK builds it.
const Sha256 = Hash.bind(null, "sha256");

/** Headers the signer produces, with the spelling they get on the wire. */
const GENERATED: Record<string, string> = {
  "x-amz-date": "X-Amz-Date",
  "x-amz-security-token": "X-Amz-Security-Token",
  "x-amz-content-sha256": "x-amz-content-sha256",
  authorization: "Authorization",
};

function required(field: string, label: string, value: string | undefined, pattern?: RegExp): string {
  const v = (value ?? "").trim();
  if (!v) throw new AppError("VALIDATION", `${label} is required.`, { [field]: [`${label} is required.`] });
  if (pattern && !pattern.test(v)) {
    const msg = `${label} may only contain letters, digits, ".", "_" and "-".`;
    throw new AppError("VALIDATION", msg, { [field]: [msg] });
  }
  return v;
}

/** Query pairs as the signer wants them: decoded names mapping to a value or, repeated, a list. */
function toSignerQuery(pairs: Array<[string, string]>): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null);
  for (const [k, v] of pairs) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return query;
}

function splitPair(piece: string): [string, string] {
  const eq = piece.indexOf("=");
  return eq < 0
    ? [decodeQueryComponent(piece), ""]
    : [decodeQueryComponent(piece.slice(0, eq)), decodeQueryComponent(piece.slice(eq + 1))];
}

/** S3 form of a path: each segment encoded once with RFC 3986 escapes ("+" stays a plus). */
function s3Path(pathname: string): string {
  return pathname
    .split("/")
    .map((seg) => {
      try {
        return rfc3986(decodeURIComponent(seg));
      } catch {
        return seg; // malformed escape: left as sent
      }
    })
    .join("/");
}

export function awsSigV4Strategy(settings: TAwsSigV4Settings): TAuthStrategy {
  const name = /^[A-Za-z0-9._-]+$/;
  const accessKeyId = required("accessKeyId", "Access key ID", settings.accessKeyId);
  const secretAccessKey = required("secretAccessKey", "Secret access key", settings.secretAccessKey);
  const sessionToken = settings.sessionToken?.trim() || undefined;
  const service = required("service", "Service", settings.service, name);
  const region = required("region", "Region", settings.region, name);
  const isS3 = service === "s3";
  const uriEscapePath = settings.uriEscapePath ?? !isS3;
  const applyChecksum = settings.applyChecksum ?? isS3;
  const now = settings.now ?? (() => new Date());
  const signer = new SignatureV4({
    service,
    region,
    credentials: { accessKeyId, secretAccessKey, sessionToken },
    sha256: Sha256,
    uriEscapePath,
    applyChecksum,
  });

  return {
    sensitive: { headers: ["authorization", "x-amz-security-token"], query: [] },

    async authorize(req) {
      const url = parseUrl(req.url);
      const pairs = queryPieces(url.search).map(splitPair);
      url.search = pairs.map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join("&");
      if (!uriEscapePath) url.pathname = s3Path(url.pathname);

      // Headers the signer will (re)generate are dropped from the request; the rest are signed.
      const generated = new Set(["authorization", "x-amz-date"]);
      if (sessionToken) generated.add("x-amz-security-token");
      const kept: THeaderList = req.headers.filter(([n]) => !generated.has(n.toLowerCase()));
      // The signer takes one value per name: repeated headers are joined with "," as in the
      // canonical form (each value trimmed first, as AWS does); the wire keeps the separate lines.
      const headers: Record<string, string> = Object.create(null);
      for (const [n, v] of kept) {
        const k = n.toLowerCase();
        headers[k] = k in headers ? `${headers[k]},${v.trim()}` : v.trim();
      }
      // Without a Host header the client sends the URL's host (default port omitted), so sign that.
      headers.host ??= url.host;
      if (applyChecksum && !("x-amz-content-sha256" in headers)) generated.add("x-amz-content-sha256");

      const signed = await signer.sign(
        new HttpRequest({
          method: req.method,
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port ? Number(url.port) : undefined,
          path: url.pathname,
          query: toSignerQuery(pairs),
          headers,
          body: req.body ?? undefined,
        }),
        { signingDate: now() },
      );

      const out = [...kept];
      for (const [lower, wire] of Object.entries(GENERATED)) {
        const v = signed.headers[lower];
        if (generated.has(lower) && v !== undefined) out.push([wire, v]);
      }
      return { ...req, url: url.href, headers: out };
    },
  };
}
