// "No Authentication": requests go out as built (custom connector headers may still carry a token,
// which the connector, not this strategy, declares).
import type { TAuthStrategy } from "@/lib/http/types";

export function noneStrategy(): TAuthStrategy {
  return {
    sensitive: { headers: [], query: [] },
    async authorize(req) {
      return req;
    },
  };
}
