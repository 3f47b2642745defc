import "server-only";
// /api/library for the Connectors page: GET downloads the library file, POST previews or runs an
// import (multipart: "file", "decisions" JSON, "mode" preview|import). Admins only. Route handlers
// rather than server actions: a library with logos is larger than the actions' body limit.
import { z } from "zod";
import { actorOf } from "@/lib/audit";
import { assertSameOrigin } from "@/lib/auth/same-origin";
import { requireCaller } from "@/lib/auth/session";
import { failure, failureStatus, type TFailure } from "@/lib/actions/safe-action";
import { AppError } from "@/lib/errors";
import { exportLibraryAs, importLibrary, previewImport, type TImportPreview, type TImportResult } from "./store";

export type TLibraryResponse =
  | { ok: true; mode: "preview"; preview: TImportPreview }
  | { ok: true; mode: "import"; result: TImportResult }
  | TFailure;

const MAX_FILE = 50 * 1024 * 1024;
const ZDecisions = z.record(z.string().max(500), z.discriminatedUnion("action", [z.object({ action: z.literal("skip") }), z.object({ action: z.literal("rename"), name: z.string().max(500) })]));

function fail(e: unknown): Response {
  const f = failure(e);
  return Response.json(f satisfies TLibraryResponse, { status: failureStatus(f, 400) });
}

export async function handleExport(request: Request): Promise<Response> {
  try {
    const user = await requireCaller({ role: "ADMIN" });
    const raw = new URL(request.url).searchParams.get("ids");
    const ids = raw ? raw.split(",").filter(Boolean).slice(0, 10_000) : null;
    const file = await exportLibraryAs({ ids, actor: actorOf(user), via: "ui" });
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
    return fail(e);
  }
}

export async function handleImport(request: Request): Promise<Response> {
  try {
    const user = await requireCaller({ role: "ADMIN" });
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
    return fail(e);
  }
}
