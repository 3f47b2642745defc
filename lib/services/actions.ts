"use server";
// Server actions of services: admins only.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions/safe-action";
import { actorOf } from "@/lib/audit";
import { ZServiceInput } from "./schema";
import { createService, deleteService, updateService } from "./store";

export const createServiceAction = authedAction({ schema: ZServiceInput, role: "ADMIN" }, async (values, { user }) => {
  const created = await createService(values, actorOf(user));
  revalidatePath("/services");
  return created;
});

export const updateServiceAction = authedAction(
  { schema: z.object({ id: z.string().min(1), values: ZServiceInput }), role: "ADMIN" },
  async ({ id, values }, { user }) => {
    await updateService(id, values, actorOf(user));
    revalidatePath("/services");
    return null;
  },
);

export const deleteServiceAction = authedAction({ schema: z.object({ id: z.string().min(1) }), role: "ADMIN" }, async ({ id }, { user }) => {
  await deleteService(id, actorOf(user));
  revalidatePath("/services");
  return null;
});
