// GET /api/services/{id}/logo — the service's logo for signed-in users, served with the type found
// in its bytes (PNG, JPEG or WebP), never sniffed by the browser, never run as a document.
import { getCurrentUser } from "@/lib/auth/session";
import { getServiceLogo } from "@/lib/services/store";

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  if (!(await getCurrentUser())) return new Response("Sign in first.", { status: 401 });
  const { id } = await ctx.params;
  const logo = await getServiceLogo(id);
  if (!logo) return new Response("No logo.", { status: 404 });
  return new Response(Buffer.from(logo.bytes), {
    headers: {
      "Content-Type": logo.contentType,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Content-Disposition": "inline",
      "Cache-Control": "private, max-age=86400",
    },
  });
}
