// GET /api-docs/assets/{file} — swagger-ui-dist's script and stylesheet for the API page, from
// node_modules: signed-in users only, two names only, never sniffed, cached (versioned URLs).
// (Not under /api/v1: the lean API server answers every path there.)
import { isAssetName, readAsset } from "@/lib/api-docs/assets";
import { requireCaller } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

const text = (status: number, message: string) =>
  new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } });

export async function GET(request: Request, ctx: { params: Promise<{ file: string }> }) {
  try {
    await requireCaller({ role: "MEMBER" });
  } catch (e) {
    if (isAppError(e)) return text(e.code === "FORBIDDEN" ? 403 : 401, e.message);
    throw e;
  }
  const { file } = await ctx.params;
  if (!isAssetName(file)) return text(404, "No such file.");
  const asset = await readAsset(file);
  const headers = {
    "Content-Type": asset.contentType,
    "X-Content-Type-Options": "nosniff",
    // private: the files are only for signed-in users, so no shared cache keeps them.
    "Cache-Control": "private, max-age=31536000, immutable",
    ETag: asset.etag,
  };
  if (request.headers.get("if-none-match") === asset.etag) return new Response(null, { status: 304, headers });
  return new Response(asset.bytes, { headers });
}
