"use server";
// Server actions of the users domain; every one is built with authedAction/publicAction.
import { revalidatePath } from "next/cache";
import { authedAction, publicAction } from "@/lib/actions/safe-action";
import {
  changeOwnPassword,
  changeRole,
  createUser,
  deleteUser,
  resetPassword,
  setActive,
  setupFirstAdmin,
} from "./manage";
import { ZChangePassword, ZChangeRole, ZCreateUser, ZSetActive, ZSetupAdmin, ZUserId } from "./schema";

export const setupAdminAction = publicAction(ZSetupAdmin, async (input) => {
  await setupFirstAdmin(input);
  return { email: input.email };
});

export const createUserAction = authedAction({ schema: ZCreateUser, role: "ADMIN" }, async (input, { user }) => {
  const created = await createUser(input, user);
  revalidatePath("/users");
  return created;
});

export const changeRoleAction = authedAction({ schema: ZChangeRole, role: "ADMIN" }, async (input, { user }) => {
  await changeRole(input, user);
  revalidatePath("/users");
  return null;
});

export const setActiveAction = authedAction({ schema: ZSetActive, role: "ADMIN" }, async (input, { user }) => {
  await setActive(input, user);
  revalidatePath("/users");
  return null;
});

export const deleteUserAction = authedAction({ schema: ZUserId, role: "ADMIN" }, async (input, { user }) => {
  await deleteUser(input, user);
  revalidatePath("/users");
  return null;
});

export const resetPasswordAction = authedAction({ schema: ZUserId, role: "ADMIN" }, async (input, { user }) => {
  return resetPassword(input, user);
});

export const changeOwnPasswordAction = authedAction(
  { schema: ZChangePassword, role: "MEMBER", allowPasswordChangePending: true },
  async (input, { user }) => {
    await changeOwnPassword(input, user);
    return null;
  },
);
