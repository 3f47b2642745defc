"use server";
// Server actions of OAuth2 configurations: Connect (start the Authorization Code flow) and
// Disconnect (forget the caller's or the shared tokens), each in an environment (SPEC §7: an
// environment that overrides the client, URLs, scope or credentials is a separate connection).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authedAction } from "@/lib/actions/safe-action";
import { actorOf } from "@/lib/audit";
import { connectionKeyById, environmentRuntime } from "@/lib/environments/runtime";
import { startConnect } from "./connect";
import { disconnect } from "./tokens";

const ZInput = z.object({ id: z.string().min(1).max(100), environmentId: z.string().min(1).max(100).nullable().default(null) });

/** Every signed-in user may connect their own tokens; shared credentials need an administrator (checked inside). */
export const connectAuthConfigAction = authedAction({ schema: ZInput, role: "MEMBER" }, async ({ id, environmentId }, { user }) => startConnect(id, user, environmentId));

export const disconnectAuthConfigAction = authedAction({ schema: ZInput, role: "MEMBER" }, async ({ id, environmentId }, { user }) => {
  const connection = await connectionKeyById(id, await environmentRuntime(environmentId));
  await disconnect(id, connection, user.id, user.role === "ADMIN", actorOf(user));
  revalidatePath(`/auth-configs/${id}`);
  return null;
});
