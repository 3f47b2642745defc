// /api/auth/* — next-auth's sign-in, sign-out, session and CSRF endpoints (credentials only).
import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";

type TCtx = { params: Promise<{ nextauth: string[] }> };

async function handler(req: Request, ctx: TCtx) {
  return NextAuth(authOptions())(req, { params: await ctx.params });
}

export { handler as GET, handler as POST };
