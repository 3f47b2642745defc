// GET /api/oauth/callback — where OAuth2 providers send the user back (lib/oauth/callback-route.ts).
import { handleCallback } from "@/lib/oauth/callback-route";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return handleCallback(request);
}
