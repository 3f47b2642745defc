"use server";
// Server actions of OAuth2 configurations: Connect (start the Authorization Code flow) and
// Disconnect (forget the caller's or the shared tokens).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions/safe-action";
import { actorOf } from "@/lib/audit";
import { startConnect } from "./connect";
import { disconnect } from "./tokens";

const ZId = z.object({ id: z.string().min(1).max(100) });

/** Every signed-in user may connect their own tokens; shared credentials need an administrator (checked inside). */
export const connectAuthConfigAction = authedAction({ schema: ZId, role: "MEMBER" }, async ({ id }, { user }) => startConnect(id, user));

export const disconnectAuthConfigAction = authedAction({ schema: ZId, role: "MEMBER" }, async ({ id }, { user }) => {
  await disconnect(id, user.id, user.role === "ADMIN", actorOf(user));
  revalidatePath(`/auth-configs/${id}`);
  return null;
});
