import "server-only";
// GET /api/oauth/callback (SPEC §6, §11): the one unauthenticated route of OAuth2, checked by its
// state. Success or a provider error ends on the configuration's page with a banner; a state that
// is unknown, foreign, used or expired gets a plain page saying so (never a stack trace).
import { getCurrentUser } from "@/lib/auth/session";
import { completeConnect } from "./connect";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(status: number, title: string, message: string): Response {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · Patchbay</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2328}
[role=alert]{border:1px solid #d1242f;background:#ffebe9;padding:1rem;border-radius:6px}a{color:#0969da}</style></head>
<body><main><h1>${escape(title)}</h1><p role="alert">${escape(message)}</p><p><a href="/auth-configs">Authentication configurations</a></p></main></body></html>`;
  return new Response(html, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      "Referrer-Policy": "no-referrer",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

export async function handleCallback(request: Request): Promise<Response> {
  const params = new URL(request.url).searchParams;
  try {
    const outcome = await completeConnect(params, await getCurrentUser());
    if (outcome.kind === "refused") return page(outcome.status, outcome.title, outcome.message);
    // Relative Location: the browser stays on the origin it came back to.
    return new Response(null, { status: 303, headers: { Location: outcome.location, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } });
  } catch (e) {
    console.error("[patchbay] OAuth callback failed", e instanceof Error ? e.message : "unknown error");
    return page(500, "Connecting failed", "Something went wrong on the server while completing the authorization. The error has been logged; start again with Connect.");
  }
}
