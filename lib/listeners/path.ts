// Listener paths (SPEC §10, issue 13 "Bad input"): what an admin may store, and how the lean
// server reads one from a raw request target. Pure. The request target is never decoded or
// dot-normalised: anything that would need it (%2F, .., //, \) is refused, so no spelling of a
// URL can reach a listener other than the one it literally names.

export const HOOKS_PREFIX = "/api/hooks/";
export const MAX_PATH_LENGTH = 200;

/** One or more segments of letters, digits, - and _ — no dots at all, so no "." or ".." segments. */
const LISTENER_PATH = /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*$/;

/**
 * The path as stored: trimmed, without a leading "/", a pasted "api/hooks/" or a trailing "/".
 * Returns the reason (a field error) when it is not a valid listener path.
 */
export function normalizeListenerPath(input: string): string | { error: string } {
  let p = input.trim();
  if (p.startsWith("/")) p = p.slice(1);
  if (/^api\/hooks\//i.test(p)) p = p.slice("api/hooks/".length);
  if (p.endsWith("/")) p = p.slice(0, -1);
  if (p === "") return { error: "Enter the path" };
  if (p.length > MAX_PATH_LENGTH) return { error: `At most ${MAX_PATH_LENGTH} characters` };
  if (p.includes("//") || p.startsWith("/") || p.endsWith("/")) return { error: "Remove the empty segment (//)" };
  if (!LISTENER_PATH.test(p)) return { error: "Use letters, digits, -, _ and /" };
  return p;
}

/**
 * What uniqueness is checked on: "Orders" and "orders" are one path, so a sender (or an attacker)
 * changing the case cannot land on a different listener than the admin meant.
 */
export function pathKey(path: string): string {
  return path.toLowerCase();
}

/**
 * The listener path named by a raw request target (`req.url`, e.g. "/api/hooks/acme/orders?x=1"),
 * exactly as sent, or null when it is not one a listener could have: outside the prefix, or
 * containing "%", "..", "." segments, "//", "\" or any other character a stored path cannot.
 * One trailing "/" is tolerated. Case is kept: the lookup decides (by `pathKey`).
 */
export function hookPathOf(rawUrl: string, prefix: string = HOOKS_PREFIX): string | null {
  const end = rawUrl.search(/[?#]/);
  const target = end < 0 ? rawUrl : rawUrl.slice(0, end);
  if (!target.startsWith(prefix)) return null;
  let p = target.slice(prefix.length);
  if (p.endsWith("/")) p = p.slice(0, -1);
  return p.length <= MAX_PATH_LENGTH && LISTENER_PATH.test(p) ? p : null;
}
