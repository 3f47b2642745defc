// GET /api/library — download the connectors library; POST — preview or run an import
// (lib/library/route.ts).
import { handleExport, handleImport } from "@/lib/library/route";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  return handleExport(request);
}

export function POST(request: Request) {
  return handleImport(request);
}
