import "server-only";
// GET /api/v1/library (export) and POST /api/v1/library (preview, then import with per-name
// skip/rename) — admins only; the same lib/library code as the Connectors page.
import type { z } from "zod";
import { actorOf } from "@/lib/audit";
import { ZLibraryFile } from "@/lib/library/schema";
import { exportLibraryAs, importLibrary, previewImport } from "@/lib/library/store";
import { readJson } from "../body";
import type { TRoute } from "../context";
import { ZLibraryExportQuery, ZLibraryImportRequest, ZLibraryImportResponse } from "../schemas";
import { parseInput } from "../validate";

const MAX_LIBRARY = 50 * 1024 * 1024;

export const libraryRoutes: TRoute[] = [
  {
    method: "GET",
    path: "/library",
    role: "ADMIN",
    query: ZLibraryExportQuery,
    doc: { summary: "Export the connectors library (no secrets)", tags: ["Library"], response: ZLibraryFile },
    handler: async ({ query, caller }) => {
      const { ids: raw } = query as z.infer<typeof ZLibraryExportQuery>;
      const ids = raw ? raw.split(",").map((s) => s.trim()).filter(Boolean).slice(0, 10_000) : null;
      return { body: await exportLibraryAs({ ids, actor: actorOf(caller.user), via: "api" }) };
    },
  },
  {
    method: "POST",
    path: "/library",
    role: "ADMIN",
    doc: {
      summary: "Preview or import a connectors library",
      description: 'mode "preview" writes nothing and lists every item with whether its name is taken; mode "import" creates everything in one transaction, each taken name needing a decision (skip or rename).',
      tags: ["Library"],
      body: ZLibraryImportRequest,
      response: ZLibraryImportResponse,
      errors: [409, 413, 415],
    },
    handler: async ({ req, caller }) => {
      const input = parseInput(ZLibraryImportRequest, await readJson(req, MAX_LIBRARY), "body");
      if (input.mode === "preview") return { body: { mode: "preview", ...(await previewImport(input.file)) } };
      return { body: { mode: "import", ...(await importLibrary(input.file, input.decisions, actorOf(caller.user))) } };
    },
  },
];
