// HTTP Basic authentication, RFC 7617. Credentials are "user-id:password" encoded as UTF-8 (the
// only charset RFC 7617 §2.1 lets a server ask for, and what every current client sends), then
// base64. Preemptive (default): sent on the first request. Otherwise only in answer to a Basic
// challenge, once: a second 401 means the credentials are wrong.
import { AppError } from "@/lib/errors";
import type { TAuthStrategy } from "@/lib/http/types";
import { withHeader } from "./shared";
import { challengesFromHeaders } from "./www-authenticate";

export type TBasicSettings = {
  username: string;
  password: string;
  /** Send credentials without waiting for a 401 challenge. Default true. */
  preemptive?: boolean;
};

/** The Authorization header value for these credentials. */
export function basicCredentials(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

export function basicStrategy({ username, password, preemptive = true }: TBasicSettings): TAuthStrategy {
  // RFC 7617 §2: the user-id cannot hold a colon, the server would split it there.
  if (username.includes(":")) {
    throw new AppError("VALIDATION", "The username of Basic authentication cannot contain a colon.", {
      username: ["A colon is not allowed in the username."],
    });
  }
  const value = basicCredentials(username, password);

  return {
    sensitive: { headers: ["authorization"], query: [] },

    async authorize(req) {
      return preemptive ? withHeader(req, "Authorization", value) : req;
    },

    async onUnauthorized(req, res, attempt) {
      // Preemptive credentials were already rejected; otherwise answer the first challenge only,
      // and only when the server offers Basic (it may list several schemes).
      if (preemptive || attempt !== 1 || res.status !== 401) return null;
      const offersBasic = challengesFromHeaders(res.headers).some((c) => c.scheme === "basic");
      return offersBasic ? withHeader(req, "Authorization", value) : null;
    },
  };
}
