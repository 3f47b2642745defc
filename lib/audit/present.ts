// How the Audit page presents an entry: where its object lives in the admin UI, and readable
// labels for the keys of its details. Pure: the page and its tests call it directly.

/** The object types the code records (grep `objectType:` in lib/) that have a page of their own. */
// Maps, not object literals: a recorded type such as "constructor" must not find Object's members.
const PAGE_OF = new Map<string, string>([
  ["AuthConfig", "/auth-configs/"],
  ["Service", "/services/"],
  ["Connector", "/connectors/"],
  ["Environment", "/environments/"],
  ["EventSubscription", "/events/"],
  ["Listener", "/listeners/"],
]);

/** Types without a page per object: their list is where they are managed. */
const LIST_OF = new Map<string, string>([
  ["User", "/users"],
  ["ApiToken", "/api-tokens"],
]);

/**
 * The admin page of an audit entry's object, or null when there is none to go to: unknown types,
 * entries without an object id, and deletions (the object is gone; its name stays as text).
 */
export function auditObjectHref(entry: { objectType: string; objectId: string | null; action: string }): string | null {
  if (entry.action === "delete") return null;
  const list = LIST_OF.get(entry.objectType);
  if (list) return list;
  const base = PAGE_OF.get(entry.objectType);
  return base && entry.objectId ? base + encodeURIComponent(entry.objectId) : null;
}

/** "secretsReplaced" → "Secrets replaced", "token_sets" → "Token sets", "TTL" stays "TTL". */
export function detailLabel(key: string): string {
  const words = key
    .replace(/[_-]+/g, " ")
    .replace(/([a-z\d])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .trim()
    .split(/\s+/)
    .map((w, i) => (w === w.toUpperCase() && w.length > 1 ? w : i === 0 ? w.charAt(0).toUpperCase() + w.slice(1).toLowerCase() : w.toLowerCase()));
  return words.join(" ") || key;
}

/** An ISO 8601 UTC time as the audit code writes them (Date#toISOString). */
export const isIsoTime = (value: string): boolean => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value);
