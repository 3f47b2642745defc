// POST /api/connectors/test — the Test Connector dialog (lib/connectors/test-route.ts).
import { handleTestRequest } from "@/lib/connectors/test-route";

export const dynamic = "force-dynamic";

export function POST(request: Request) {
  return handleTestRequest(request);
}
