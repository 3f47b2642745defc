import "server-only";
// /api/library for the Connectors page: GET downloads the library file, POST previews or runs an
// import (multipart: "file", "decisions" JSON, "mode" preview|import). Admins only. Route handlers
// rather than server actions: a library with logos is larger than the actions' body limit.
import { z } from "zod";
import { actorOf, audit } from "@/lib/audit";
import { assertSameOrigin } from "@/lib/auth/same-origin";
import { getCurrentUser, type TSessionUser } from "@/lib/auth/session";
import { AppError, GENERIC_ERROR_MESSAGE, isAppError, type TErrorCode } from "@/lib/errors";
import { exportLibrary, importLibrary, previewImport, type TImportPreview, type TImportResult } from "./store";

export type TLibraryResponse =
  | { ok: true; mode: "preview"; preview: TImportPreview }
  | { ok: true; mode: "import"; result: TImportResult }
  | { ok: false; code: TErrorCode | "INTERNAL"; error: string; fieldErrors?: Record<string, string[]> };

const MAX_FILE = 50 * 1024 * 1024;
const STATUS: Partial<Record<TErrorCode, number>> = { VALIDATION: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 };
const ZDecisions = z.record(z.string().max(500), z.discriminatedUnion("action", [z.object({ action: z.literal("skip") }), z.object({ action: z.literal("rename"), name: z.string().max(500) })]));

async function requireAdminCaller(): Promise<TSessionUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
  if (user.mustChangePassword) throw new AppError("FORBIDDEN", "Replace your temporary password first.");
  if (user.role !== "ADMIN") throw new AppError("FORBIDDEN", "Only administrators can export or import the library.");
  return user;
}

function failure(e: unknown): Response {
  if (isAppError(e)) return Response.json({ ok: false, code: e.code, error: e.message, fieldErrors: e.fieldErrors } satisfies TLibraryResponse, { status: STATUS[e.code] ?? 400 });
  console.error("[patchbay] library request failed", e);
  return Response.json({ ok: false, code: "INTERNAL", error: GENERIC_ERROR_MESSAGE } satisfies TLibraryResponse, { status: 500 });
}

export async function handleExport(request: Request): Promise<Response> {
  try {
    const user = await requireAdminCaller();
    const raw = new URL(request.url).searchParams.get("ids");
    const ids = raw ? raw.split(",").filter(Boolean).slice(0, 10_000) : null;
    const file = await exportLibrary(ids);
    await audit({ actor: actorOf(user), action: "export", objectType: "Library", objectName: ids ? `${ids.length} selected connectors` : "all connectors", details: { connectors: file.connectors.length, services: file.services.length, authConfigs: file.authConfigs.length } });
    const stamp = new Date().toISOString().slice(0, 10);
    return new Response(JSON.stringify(file, null, 2), {
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Disposition": `attachment; filename="patchbay-library-${stamp}.json"`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch (e) {
    return failure(e);
  }
}

export async function handleImport(request: Request): Promise<Response> {
  try {
    const user = await requireAdminCaller();
    assertSameOrigin(request);
    if (Number(request.headers.get("content-length") ?? Infinity) > MAX_FILE) throw new AppError("VALIDATION", "The file is larger than 50 MB.");
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      throw new AppError("VALIDATION", "The import could not be read (expected multipart/form-data with a file).");
    }
    const file = form.get("file");
    if (!file || typeof file === "string") throw new AppError("VALIDATION", "Choose a library file.", { file: ["Choose a library file"] });
    let raw: unknown;
    try {
      raw = JSON.parse(await file.text());
    } catch (e) {
      throw new AppError("VALIDATION", `The file is not JSON: ${e instanceof Error ? e.message : String(e)}`, { file: ["Not a JSON file"] });
    }
    if (form.get("mode") !== "import") return Response.json({ ok: true, mode: "preview", preview: await previewImport(raw) } satisfies TLibraryResponse);
    let rawDecisions: unknown;
    try {
      rawDecisions = JSON.parse(String(form.get("decisions") ?? "{}"));
    } catch {
      rawDecisions = null;
    }
    const decisions = ZDecisions.safeParse(rawDecisions);
    if (!decisions.success) throw new AppError("VALIDATION", "The choices for the conflicts could not be read.");
    const result = await importLibrary(raw, decisions.data, actorOf(user));
    return Response.json({ ok: true, mode: "import", result } satisfies TLibraryResponse);
  } catch (e) {
    return failure(e);
  }
}
