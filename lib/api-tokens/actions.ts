"use server";
// Server actions of API tokens: every signed-in user creates and revokes their own; admins may
// revoke anybody's (the store checks owner-or-admin). The created token is returned once, here only.
import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/actions/safe-action";
import { ZApiTokenId, ZCreateApiToken } from "./schema";
import { createApiToken, revokeApiToken } from "./store";

const PAGE = "/api-tokens";

export const createApiTokenAction = authedAction({ schema: ZCreateApiToken, role: "MEMBER" }, async (input, { user }) => {
  const created = await createApiToken(input, user);
  revalidatePath(PAGE);
  return created;
});

export const revokeApiTokenAction = authedAction({ schema: ZApiTokenId, role: "MEMBER" }, async ({ id }, { user }) => {
  await revokeApiToken(id, user);
  revalidatePath(PAGE);
  return null;
});
