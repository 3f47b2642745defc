import "server-only";
// GET /api/v1/environments and GET|PUT|PATCH /api/v1/environments/{id}/extensions (SPEC §7, seed
// 001): the same lib/environments store as the Environments page. Writes are admins only; a
// document the planner refuses is a 400 naming each field at fault (AppError fieldErrors →
// details.fields), and nothing is written.
import type { z } from "zod";
import { actorOf } from "@/lib/audit";
import { ZExtensionsUpdate } from "@/lib/environments/extensions";
import { getExtensions, listEnvironments, updateExtensions, type TEnvironmentRow } from "@/lib/environments/store";
import { readJson } from "../body";
import type { TApiContext, TRoute } from "../context";
import { ApiError } from "../errors";
import { decodeCursor, pageOf } from "../paging";
import { ZEnvironmentsPage, ZEnvironmentsQuery, ZExtensionsDocument, ZExtensionsQuery } from "../schemas-environments";
import { parseInput } from "../validate";

/** A document with every PEM and PKCS#12 of several configurations stays well below this. */
const MAX_EXTENSIONS_BODY = 10 * 1024 * 1024;

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One page of environments in (name, id) order. Environments are few (Development, Test,
 * Production...): the counts come from listEnvironments and the page is cut here, with the same
 * comparison for the order and for the cursor.
 */
export function environmentsPage(rows: TEnvironmentRow[], opts: { limit: number; cursor?: string }) {
  const sorted = [...rows].sort((a, b) => cmp(a.name, b.name) || cmp(a.id, b.id));
  const after = opts.cursor ? decodeCursor(opts.cursor) : null;
  const rest = after ? sorted.filter((r) => r.name > after.k || (r.name === after.k && r.id > after.id)) : sorted;
  const page = pageOf(rest.slice(0, opts.limit + 1), opts.limit, (r) => r.name);
  return {
    items: page.items.map((r) => ({ id: r.id, name: r.name, description: r.description, overrideCount: r.overrideCount, variableCount: r.variableCount, needsValueCount: r.needsValueCount })),
    nextCursor: page.nextCursor,
  };
}

async function readExtensions({ params, query }: TApiContext) {
  const { authConfigId } = query as z.infer<typeof ZExtensionsQuery>;
  const doc = await getExtensions(params.id, authConfigId ? { configIds: [authConfigId] } : {});
  if (authConfigId && doc.connections.length === 0) {
    throw new ApiError(400, "VALIDATION", `No authentication configuration has the id ${JSON.stringify(authConfigId)}.`, { fields: { authConfigId: ["No such authentication configuration"] } });
  }
  return { body: doc };
}

const update =
  (mode: "PUT" | "PATCH") =>
  async ({ req, params, caller }: TApiContext) => {
    const doc = parseInput(ZExtensionsUpdate, await readJson(req, MAX_EXTENSIONS_BODY), "body");
    return { body: await updateExtensions(params.id, doc, mode, actorOf(caller.user)) };
  };

const RULES = [
  "Each field: `useDefault: false` with `value` overrides (`value: \"\"` overrides with an empty value); `useDefault: true` reverts to the configuration's own value.",
  "Without `useDefault` (the legacy form) a non-empty `value` overrides and an absent or empty one reverts.",
  "Encrypted fields (`usesEncryption: true` in GET) take a `value` only with `usesEncryption: true`, or a `secretReference` (`file:<absolute path>` or `projects/<p>/secrets/<s>/versions/<v>`); their values never come back, `encryptedValueSet` says whether an override is stored.",
  "Custom properties fields are replaced as a whole list (`customProperties.properties`); keys must be non-empty and distinct; an encrypted pair sent without a value keeps its stored value.",
  "`properties` are the environment variables. Field values are checked by the configuration form's rules and stored as it stores them (text trimmed).",
  "One transaction: on any problem nothing is written and the answer is a 400 naming each field at fault in details.fields.",
].join("\n\n");

export const environmentRoutes: TRoute[] = [
  {
    method: "GET",
    path: "/environments",
    role: "MEMBER",
    query: ZEnvironmentsQuery,
    doc: { summary: "List environments", tags: ["Environments"], response: ZEnvironmentsPage },
    handler: async ({ query }) => ({ body: environmentsPage(await listEnvironments(), query as z.infer<typeof ZEnvironmentsQuery>) }),
  },
  {
    method: "GET",
    path: "/environments/{id}/extensions",
    role: "MEMBER",
    query: ZExtensionsQuery,
    doc: {
      summary: "Get an environment's extensions",
      description:
        "Every extensible field of every authentication configuration. An overridden field has `useDefault: false` and its value; a field that is not overridden has `useDefault: true` and no value. Encrypted fields never carry a value: `encryptedValueSet` says whether an override is stored. `properties` are the environment variables (secret ones without their value).",
      tags: ["Environments"],
      response: ZExtensionsDocument,
    },
    handler: readExtensions,
  },
  {
    method: "PUT",
    path: "/environments/{id}/extensions",
    role: "ADMIN",
    doc: {
      summary: "Replace an environment's extensions (complete update)",
      description: `Every field not sent reverts to its default, except encrypted fields sent with \`encryptedValueSet: true\`, which keep their stored override. With \`properties\`, the variables are replaced by the list (a secret one sent back without a value keeps it); without, they stay as they are. Send back what GET gave, changed where needed.\n\n${RULES}`,
      tags: ["Environments"],
      body: ZExtensionsUpdate,
      response: ZExtensionsDocument,
      errors: [409, 413, 415],
    },
    handler: update("PUT"),
  },
  {
    method: "PATCH",
    path: "/environments/{id}/extensions",
    role: "ADMIN",
    doc: {
      summary: "Update some of an environment's extensions (partial update)",
      description: `Only the fields and variables sent change; everything else stays as it is.\n\n${RULES}`,
      tags: ["Environments"],
      body: ZExtensionsUpdate,
      response: ZExtensionsDocument,
      errors: [409, 413, 415],
    },
    handler: update("PATCH"),
  },
];
