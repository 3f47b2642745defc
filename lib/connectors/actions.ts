"use server";
// Server actions of connectors: admins create, change, copy and delete them; everyone may open a
// saved one in the Test dialog.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions/safe-action";
import { actorOf } from "@/lib/audit";
import { ZConnectorInput } from "./schema";
import { authHeaderNames } from "@/lib/auth-configs/store";
import { AppError } from "@/lib/errors";
import { authConfigIdOf } from "./run";
import { copyConnector, createConnector, deleteConnector, getConnector, updateConnector } from "./store";

const ZId = z.object({ id: z.string().min(1) });

export const createConnectorAction = authedAction({ schema: ZConnectorInput, role: "ADMIN" }, async (values, { user }) => {
  const created = await createConnector(values, actorOf(user));
  revalidatePath("/connectors");
  return created;
});

export const updateConnectorAction = authedAction(
  { schema: z.object({ id: z.string().min(1), values: ZConnectorInput }), role: "ADMIN" },
  async ({ id, values }, { user }) => {
    await updateConnector(id, values, actorOf(user));
    revalidatePath("/connectors");
    return null;
  },
);

export const copyConnectorAction = authedAction({ schema: ZId, role: "ADMIN" }, async ({ id }, { user }) => {
  const copy = await copyConnector(id, actorOf(user));
  revalidatePath("/connectors");
  return copy;
});

export const deleteConnectorAction = authedAction({ schema: ZId, role: "ADMIN" }, async ({ id }, { user }) => {
  await deleteConnector(id, actorOf(user));
  revalidatePath("/connectors");
  return null;
});

/** What the Test dialog needs to open a saved connector from the list. */
export const testTargetAction = authedAction({ schema: ZId, role: "MEMBER" }, async ({ id }) => {
  const connector = await getConnector(id);
  if (!connector) throw new AppError("NOT_FOUND", "This connector no longer exists.");
  const authConfigId = await authConfigIdOf(connector);
  const authHeader = (await authHeaderNames([authConfigId]))[authConfigId] ?? null;
  return { connector, authHeader };
});
