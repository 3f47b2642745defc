"use server";
// Server actions of listeners (SPEC §10): admins create, edit, enable/disable, delete and replay;
// the store validates, audits and writes each change.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions/safe-action";
import { actorOf } from "@/lib/audit";
import { ZListenerInput } from "./schema";
import { createListener, deleteListener, replayMessage, setListenerEnabled, updateListener } from "./store";

const ZId = z.string().trim().min(1).max(100);

function revalidate(id?: string) {
  revalidatePath("/listeners");
  if (id) revalidatePath(`/listeners/${id}`);
}

export const createListenerAction = authedAction({ schema: ZListenerInput, role: "ADMIN" }, async (values, { user }) => {
  const created = await createListener(values, actorOf(user));
  revalidate();
  return created;
});

export const updateListenerAction = authedAction({ schema: z.object({ id: ZId, values: ZListenerInput }), role: "ADMIN" }, async ({ id, values }, { user }) => {
  await updateListener(id, values, actorOf(user));
  revalidate(id);
  return null;
});

export const deleteListenerAction = authedAction({ schema: z.object({ id: ZId }), role: "ADMIN" }, async ({ id }, { user }) => {
  await deleteListener(id, actorOf(user));
  revalidate();
  return null;
});

export const setListenerEnabledAction = authedAction({ schema: z.object({ id: ZId, enabled: z.boolean() }), role: "ADMIN" }, async ({ id, enabled }, { user }) => {
  await setListenerEnabled(id, enabled, actorOf(user));
  revalidate(id);
  return null;
});

/** Replay: the listener's target runs again for the message. */
export const replayMessageAction = authedAction({ schema: z.object({ messageId: ZId, listenerId: ZId }), role: "ADMIN" }, async ({ messageId, listenerId }, { user }) => {
  await replayMessage(messageId, actorOf(user), listenerId);
  revalidate(listenerId);
  revalidatePath(`/listeners/${listenerId}/${messageId}`);
  return null;
});
