// The browser's only way to call the app's own route handlers (the ESLint rule forbids fetch in
// components): a path on this origin, never another host, so no outbound policy applies.
export async function postSameOrigin(path: string, body: FormData | URLSearchParams, signal?: AbortSignal): Promise<Response> {
  return fetch(sameOriginPath(path), { method: "POST", body, signal, credentials: "same-origin", headers: { accept: "application/json" } });
}

/** GET of this app's own route, from the browser. */
export async function getSameOrigin(path: string): Promise<Response> {
  return fetch(sameOriginPath(path), { credentials: "same-origin", cache: "no-store", headers: { accept: "application/json" } });
}

function sameOriginPath(path: string): string {
  if (!path.startsWith("/") || path.startsWith("//") || path.includes("\\")) throw new Error(`Not a same-origin path: ${path}`);
  return path;
}
