// GET /listeners/{id}/{messageId}/raw — a stored message's body exactly as received, for signed-in
// users, always as a download: never sniffed, never rendered in Patchbay's origin.
import { getCurrentUser } from "@/lib/auth/session";
import { bodyExtension } from "@/lib/listeners/message";
import { getMessage } from "@/lib/listeners/queries";

export const dynamic = "force-dynamic";

export async function GET(_req: Request, ctx: { params: Promise<{ id: string; messageId: string }> }) {
  const user = await getCurrentUser();
  if (!user) return new Response("Sign in first.", { status: 401 });
  if (user.mustChangePassword) return new Response("Replace your temporary password first.", { status: 403 });
  const { id, messageId } = await ctx.params;
  const m = await getMessage(messageId);
  if (!m || m.listenerId !== id) return new Response("No such message.", { status: 404 });
  // Safe in a quoted filename: message ids are cuids (letters and digits), checked anyway.
  const name = /^[A-Za-z0-9_-]+$/.test(m.id) ? m.id : "body";
  return new Response(new Uint8Array(m.body), {
    headers: {
      "Content-Type": "application/octet-stream",
      "Content-Disposition": `attachment; filename="message-${name}.${bodyExtension(m.contentType)}"`,
      "Content-Length": String(m.body.byteLength),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "no-store",
    },
  });
}
