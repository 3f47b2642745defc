import "server-only";
// Route handlers that change or send things refuse cross-site posts. SameSite=Lax already keeps
// the session cookie off them; this says so explicitly, like server actions do.
import { AppError } from "@/lib/errors";

export function assertSameOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  if (!origin) return;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  let from: string | null = null;
  try {
    from = new URL(origin).host;
  } catch {
    // "null" (sandboxed frames, file:) is cross-site too
  }
  if (from !== host) throw new AppError("FORBIDDEN", "Cross-site requests are not accepted.");
}
