"use server";
// Server actions of environments (SPEC §7): admins create, rename, copy and delete environments and
// write their variables and extensions; every signed-in user picks their environment in the header's
// switcher. The store validates, audits (field names, never values) and writes in one transaction.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions/safe-action";
import { actorOf } from "@/lib/audit";
import { ZExtensionsUpdate } from "./extensions";
import { ZEnvironmentInput, ZVariablesInput } from "./schema";
import { copyEnvironment, createEnvironment, deleteEnvironment, selectEnvironment, setVariables, updateEnvironment, updateExtensions } from "./store";

const ZId = z.string().trim().min(1).max(100);

function revalidate(id?: string) {
  revalidatePath("/environments");
  if (id) revalidatePath(`/environments/${id}`);
}

export const createEnvironmentAction = authedAction({ schema: ZEnvironmentInput, role: "ADMIN" }, async (values, { user }) => {
  const created = await createEnvironment(values, actorOf(user));
  revalidate();
  return created;
});

export const updateEnvironmentAction = authedAction({ schema: z.object({ id: ZId, values: ZEnvironmentInput }), role: "ADMIN" }, async ({ id, values }, { user }) => {
  await updateEnvironment(id, values, actorOf(user));
  // The switcher in every page's header shows the name.
  revalidatePath("/", "layout");
  return null;
});

/** "Copy of <name>": secret values are not copied; those fields and variables need a value. */
export const copyEnvironmentAction = authedAction({ schema: z.object({ id: ZId }), role: "ADMIN" }, async ({ id }, { user }) => {
  const created = await copyEnvironment(id, actorOf(user));
  revalidatePath("/", "layout");
  return created;
});

/** Deletes the environment with its variables, overrides and OAuth2 tokens. */
export const deleteEnvironmentAction = authedAction({ schema: z.object({ id: ZId }), role: "ADMIN" }, async ({ id }, { user }) => {
  await deleteEnvironment(id, actorOf(user));
  revalidatePath("/", "layout");
  return null;
});

/** Replaces the variables; a secret row with an empty value keeps its stored value. */
export const setVariablesAction = authedAction({ schema: z.object({ id: ZId, variables: ZVariablesInput }), role: "ADMIN" }, async ({ id, variables }, { user }) => {
  await setVariables(id, variables, actorOf(user));
  revalidate(id);
  return null;
});

/**
 * PATCH of the extensions document (only the fields sent change), as the API's PATCH. Returns
 * nothing: the page reloads the document, which never carries a secret value anyway.
 */
export const updateExtensionsAction = authedAction({ schema: z.object({ id: ZId, doc: ZExtensionsUpdate }), role: "ADMIN" }, async ({ id, doc }, { user }) => {
  await updateExtensions(id, doc, "PATCH", actorOf(user));
  revalidate(id);
  return null;
});

/** The header's switcher: remembered per user; null is No environment (the defaults). */
export const selectEnvironmentAction = authedAction({ schema: z.object({ environmentId: ZId.nullable() }), role: "MEMBER" }, async ({ environmentId }, { user }) => {
  await selectEnvironment(user.id, environmentId);
  revalidatePath("/", "layout");
  return null;
});
