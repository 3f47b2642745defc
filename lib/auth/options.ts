import "server-only";
// next-auth configuration: credentials sign-in, JWT sessions carrying the user id and session
// version. Role and active state are read from the database on every request (lib/auth/session.ts),
// so a role change or deactivation takes effect at once.
import { hkdfSync } from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { loadKeyRing } from "@/lib/secrets/keyring";
import { authenticate } from "@/lib/users/sign-in";

/** The client address for per-IP rate limiting. */
export function clientIp(headers: Record<string, string | string[] | undefined> | Headers): string {
  const get = (n: string) => {
    const v = headers instanceof Headers ? headers.get(n) : headers[n];
    return Array.isArray(v) ? v.join(",") : v ?? undefined;
  };
  const forwarded = (get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  // Next.js sets X-Forwarded-For from the socket only when the request has none. Behind a proxy that
  // appends, the last entry is the address it saw; PATCHBAY_TRUST_PROXY selects the first instead
  // (README, "Configuration"). Without any proxy a client can forge it: the per-account limit
  // does not depend on it.
  const ip = env().PATCHBAY_TRUST_PROXY ? forwarded[0] : forwarded.at(-1);
  return ip ?? get("x-real-ip") ?? "unknown";
}

let options: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  if (options) return options;
  env(); // sets NEXTAUTH_URL from PATCHBAY_URL
  // Derived from the secret key, so there is one key to manage and back up.
  const secret = Buffer.from(hkdfSync("sha256", loadKeyRing().current.key, "", "patchbay next-auth session", 32)).toString("base64url");
  options = {
    secret,
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          try {
            const user = await authenticate({
              email: credentials?.email,
              password: credentials?.password,
              ip: clientIp(req?.headers ?? {}),
            });
            return { id: user.id, email: user.email, name: user.name, sv: user.sessionVersion };
          } catch (e) {
            // next-auth hands the message to signIn()'s result: only AppError messages are for users.
            if (isAppError(e)) throw new Error(e.message);
            console.error("[patchbay] sign-in failed unexpectedly", e);
            throw new Error("Sign-in is unavailable right now. The error has been logged.");
          }
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sv = (user as { sv?: number }).sv ?? 0;
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, uid: token.uid as string, sv: token.sv as number };
      },
    },
  };
  return options;
}
