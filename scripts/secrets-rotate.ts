// npm run secrets:rotate — re-encrypts every stored secret under the current key.
// Rotation: move the current key into PATCHBAY_SECRET_KEYS_OLD, set the new one as
// PATCHBAY_SECRET_KEY, restart the app, run this, then drop the old key once it reports 0 left.
import { createPrismaClient } from "../lib/db";
import { databaseUrl, env } from "../lib/env";
import { loadKeyRing } from "../lib/secrets/keyring";
import { rotateSecrets } from "../lib/secrets/rotate";

env();
const ring = loadKeyRing();
const db = createPrismaClient(databaseUrl());
try {
  const report = await rotateSecrets(db, ring);
  console.log(
    `Rotated ${report.rotated} of ${report.examined} stored secrets to key ${ring.current.id}.` +
      (ring.old.length ? ` Old keys in the ring: ${ring.old.map((k) => k.id).join(", ")}.` : ""),
  );
} catch (e) {
  console.error(`Rotation stopped: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}
