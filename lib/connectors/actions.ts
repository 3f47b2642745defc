"use server";
// Server actions of connectors: admins create, change, copy and delete them.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions/safe-action";
import { actorOf } from "@/lib/audit";
import { ZConnectorInput } from "./schema";
import { copyConnector, createConnector, deleteConnector, updateConnector } from "./store";

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
