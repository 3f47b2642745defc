"use server";
// Server actions of authentication configurations. Admins manage them; every signed-in user may
// Test a saved one (members cannot supply their own values).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions/safe-action";
import { actorOf } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { ZAuthConfigInput } from "./schema";
import { createAuthConfig, deleteAuthConfig, updateAuthConfig } from "./store";
import { testAuthConfig } from "./test-config";

export const createAuthConfigAction = authedAction({ schema: ZAuthConfigInput, role: "ADMIN" }, async (values, { user }) => {
  const created = await createAuthConfig(values, actorOf(user));
  revalidatePath("/auth-configs");
  return created;
});

export const updateAuthConfigAction = authedAction(
  { schema: z.object({ id: z.string().min(1), values: ZAuthConfigInput }), role: "ADMIN" },
  async ({ id, values }, { user }) => {
    await updateAuthConfig(id, values, actorOf(user));
    revalidatePath("/auth-configs");
    return null;
  },
);

export const deleteAuthConfigAction = authedAction({ schema: z.object({ id: z.string().min(1) }), role: "ADMIN" }, async ({ id }, { user }) => {
  await deleteAuthConfig(id, actorOf(user));
  revalidatePath("/auth-configs");
  return null;
});

export const testAuthConfigAction = authedAction(
  { schema: z.object({ id: z.string().min(1).nullable(), values: ZAuthConfigInput.optional(), environmentId: z.string().min(1).max(100).nullable().default(null) }), role: "MEMBER" },
  async ({ id, values, environmentId }, { user }) => {
    if (user.role !== "ADMIN" && (values || !id)) {
      throw new AppError("FORBIDDEN", "Only administrators can test unsaved settings.");
    }
    const result = await testAuthConfig({ id, input: user.role === "ADMIN" ? values : undefined, actor: actorOf(user), environmentId });
    if (id) revalidatePath("/auth-configs");
    return result;
  },
);
