"use server";
// Server actions of event subscriptions (SPEC §9): admins create, edit, pause, delete, poll now,
// rotate keys and redeliver; the store validates, audits and writes each change with its jobs.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions/safe-action";
import { actorOf } from "@/lib/audit";
import { pollNow } from "./poll";
import { ZSubscriptionInput } from "./schema";
import { createSubscription, deleteSubscription, enableDelivery, redeliverEvent, redeliverFailedSince, rotateSigningKey, setPaused, updateSubscription } from "./store";

const ZId = z.string().trim().min(1).max(100);

function revalidate(id?: string) {
  revalidatePath("/events");
  if (id) revalidatePath(`/events/${id}`);
}

export const createSubscriptionAction = authedAction({ schema: ZSubscriptionInput, role: "ADMIN" }, async (values, { user }) => {
  const created = await createSubscription(values, actorOf(user));
  revalidate();
  return created;
});

export const updateSubscriptionAction = authedAction({ schema: z.object({ id: ZId, values: ZSubscriptionInput }), role: "ADMIN" }, async ({ id, values }, { user }) => {
  await updateSubscription(id, values, actorOf(user));
  revalidate(id);
  return null;
});

export const deleteSubscriptionAction = authedAction({ schema: z.object({ id: ZId }), role: "ADMIN" }, async ({ id }, { user }) => {
  await deleteSubscription(id, actorOf(user));
  revalidate();
  return null;
});

export const setPausedAction = authedAction({ schema: z.object({ id: ZId, paused: z.boolean() }), role: "ADMIN" }, async ({ id, paused }, { user }) => {
  await setPaused(id, paused, actorOf(user));
  revalidate(id);
  return null;
});

/** After a 410 stopped delivery. Returns how many held events are sent again. */
export const enableDeliveryAction = authedAction({ schema: z.object({ id: ZId }), role: "ADMIN" }, async ({ id }, { user }) => {
  const released = await enableDelivery(id, actorOf(user));
  revalidate(id);
  return { released };
});

/** A new key (returned once, to show); the old one keeps signing for 24 h. */
export const rotateSigningKeyAction = authedAction({ schema: z.object({ id: ZId }), role: "ADMIN" }, async ({ id }, { user }) => {
  const result = await rotateSigningKey(id, actorOf(user));
  revalidate(id);
  return result;
});

/** Poll now: one poll at once, same rules and ledger as the scheduled ones; returns its result. */
export const pollNowAction = authedAction({ schema: z.object({ id: ZId }), role: "ADMIN" }, async ({ id }, { user }) => {
  const result = await pollNow(id, actorOf(user), "ui");
  revalidate(id);
  return result;
});

export const redeliverEventAction = authedAction({ schema: z.object({ eventId: ZId, subscriptionId: ZId }), role: "ADMIN" }, async ({ eventId, subscriptionId }, { user }) => {
  await redeliverEvent(eventId, actorOf(user));
  revalidate(subscriptionId);
  revalidatePath(`/events/${subscriptionId}/${eventId}`);
  return null;
});

/** "Redeliver failed since…": events stored since the given time whose delivery is dead-lettered or retrying. */
export const redeliverFailedSinceAction = authedAction({ schema: z.object({ id: ZId, since: z.coerce.date({ message: "Enter a date and time" }) }), role: "ADMIN" }, async ({ id, since }, { user }) => {
  const count = await redeliverFailedSince(id, since, actorOf(user));
  revalidate(id);
  return { count };
});
