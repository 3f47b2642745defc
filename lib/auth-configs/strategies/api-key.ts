// API key sent on every request: as a header ("<prefix> <key>", e.g. "Authorization: Bearer k")
// or as a query parameter. Surrounding whitespace of the key, prefix and names is dropped: it is
// almost always a copy-paste accident, and inside a header value it would be trimmed on the wire
// anyway.
import { AppError } from "@/lib/errors";
import type { TAuthStrategy } from "@/lib/http/types";
import { assertHeaderValue, isToken, parseUrl, pieceName, queryPieces, rfc3986, withHeader } from "./shared";

export type TApiKeySettings = {
  apiKey: string;
  placement: "header" | "query";
  /** Header placement: the header name. Default (also when blank) "Authorization". */
  headerName?: string;
  /** Header placement: text before the key, joined with one space. Default "Bearer"; "" for none. */
  prefix?: string;
  /** Query placement: the parameter name (required). */
  queryParamName?: string;
};

function invalid(field: string, message: string): AppError {
  return new AppError("VALIDATION", message, { [field]: [message] });
}

export function apiKeyStrategy(settings: TApiKeySettings): TAuthStrategy {
  const apiKey = settings.apiKey.trim();
  if (!apiKey) throw invalid("apiKey", "The API key is required.");

  if (settings.placement === "query") {
    const name = (settings.queryParamName ?? "").trim();
    if (!name) throw invalid("queryParamName", "The query parameter name is required.");
    const piece = `${rfc3986(name)}=${rfc3986(apiKey)}`;
    return {
      sensitive: { headers: [], query: [name] },
      async authorize(req) {
        // Edit the raw query rather than re-serializing it through URLSearchParams, which would
        // re-encode the other parameters (spaces as "+", etc.) behind the connector's back.
        const url = parseUrl(req.url);
        const kept = queryPieces(url.search).filter((p) => pieceName(p) !== name);
        url.search = [...kept, piece].join("&");
        return { ...req, url: url.href };
      },
    };
  }

  const headerName = (settings.headerName ?? "").trim() || "Authorization";
  if (!isToken(headerName)) throw invalid("headerName", "The header name is not a valid HTTP header name.");
  const prefix = (settings.prefix ?? "Bearer").trim();
  assertHeaderValue("prefix", prefix);
  assertHeaderValue("apiKey", apiKey);
  const value = prefix ? `${prefix} ${apiKey}` : apiKey;
  return {
    sensitive: { headers: [headerName.toLowerCase()], query: [] },
    async authorize(req) {
      return withHeader(req, headerName, value);
    },
  };
}
