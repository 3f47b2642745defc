import "server-only";
// Authentication configurations as the REST API lists them (SPEC §8): non-secret settings, and
// each secret field only as "set" / "not set" — never a value, not even encrypted.
import { decodeCursor, pageOf } from "@/lib/api/paging";
import { SECRET_FIELDS, TLS_SECRET_FIELDS } from "./schema";
import { listAuthConfigs } from "./store";

export async function authConfigsPage(opts: { limit: number; cursor?: string }) {
  const after = opts.cursor ? decodeCursor(opts.cursor) : null;
  // Configurations are few (tens): paged in memory, in the same (name, id) order as the other lists.
  const all = (await listAuthConfigs()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
  const rest = after ? all.filter((c) => c.name > after.k || (c.name === after.k && c.id > after.id)) : all;
  const page = pageOf(rest.slice(0, opts.limit + 1), opts.limit, (c) => c.name);
  return {
    items: page.items.map((c) => {
      const tls = (c.settings.tls ?? {}) as { clientCertMode?: string };
      const fields = [...SECRET_FIELDS[c.subProtocol].map((f) => f.name), ...TLS_SECRET_FIELDS.filter((f) => f.mode === tls.clientCertMode).map((f) => `tls.${f.name}`)];
      return {
        id: c.id,
        name: c.name,
        protocol: c.protocol,
        subProtocol: c.subProtocol,
        testUrl: c.testUrl || null,
        settings: c.settings,
        secrets: Object.fromEntries(fields.map((f) => [f, c.secretsSet[f] ? "set" : "not set"])) as Record<string, "set" | "not set">,
        needsReconnect: c.needsReconnect,
        needsReconnectReason: c.needsReconnectReason,
        lastTest: c.lastTest,
        usedBy: c.usage,
      };
    }),
    nextCursor: page.nextCursor,
  };
}
