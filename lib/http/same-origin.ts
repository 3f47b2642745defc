// The browser's only way to call the app's own route handlers (the ESLint rule forbids fetch in
// components): a path on this origin, never another host, so no outbound policy applies.
export async function postSameOrigin(path: string, body: FormData, signal?: AbortSignal): Promise<Response> {
  if (!path.startsWith("/") || path.startsWith("//") || path.includes("\\")) throw new Error(`Not a same-origin path: ${path}`);
  return fetch(path, { method: "POST", body, signal, credentials: "same-origin", headers: { accept: "application/json" } });
}
