// Runs once when the server starts: validates the configuration (a readable error stops the start),
// loads or generates the secret key, and creates the first admin from the environment if asked to.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return; // `next build` opens nothing
  const { env } = await import("@/lib/env");
  const { parseOutboundAllow } = await import("@/lib/http/outbound-policy");
  parseOutboundAllow(env().PATCHBAY_OUTBOUND_ALLOW); // a bad entry stops the start, naming it
  const { loadKeyRing } = await import("@/lib/secrets/keyring");
  loadKeyRing();
  const { bootstrapAdminFromEnv } = await import("@/lib/users/manage");
  await bootstrapAdminFromEnv();
}
