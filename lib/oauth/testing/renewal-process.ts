// Child process for lib/oauth/tokens.pg.test.ts: another Patchbay instance on the test's database
// that asks for one configuration's shared access token `lookups` times at once, as that many
// concurrent runs would, once it receives SIGUSR2 (so that every process starts at the same time).
//
//   node --import tsx --conditions=react-server lib/oauth/testing/renewal-process.ts '<settings JSON>'
//
// Settings: url (the database), dataDir (the test's: the secret key lives there), configId,
// lookups, resultFile. Prints {"ready":true} once the configuration is loaded; after the lookups it
// writes {"tokens": [access token or null per lookup], "errors": [message per failed lookup]} to
// resultFile and exits 0.
import { writeFile } from "node:fs/promises";
import { setEnvForTests } from "@/lib/env";

export type TRenewalProcessSettings = { url: string; dataDir: string; configId: string; lookups: number; resultFile: string };
export type TRenewalResult = { tokens: Array<string | null>; errors: string[] };

const settings = JSON.parse(process.argv[2] ?? "{}") as TRenewalProcessSettings;
if (!settings.url || !settings.dataDir || !settings.configId || !settings.resultFile) {
  console.error("renewal-process: url, dataDir, configId and resultFile are required");
  process.exit(2);
}

setEnvForTests({
  NODE_ENV: "test",
  DATABASE_URL: settings.url,
  PATCHBAY_DATA_DIR: settings.dataDir,
  PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1",
  PATCHBAY_SECRET_KEY: undefined,
  PATCHBAY_SECRET_KEYS_OLD: undefined,
  PATCHBAY_ADMIN_EMAIL: undefined,
  PATCHBAY_ADMIN_PASSWORD: undefined,
});

const keepAlive = setInterval(() => {}, 1 << 30);

async function main() {
  const { resolveAuthConfig } = await import("@/lib/auth-configs/store");
  const { tokenFor } = await import("@/lib/oauth/strategy");
  const { getDb } = await import("@/lib/db");
  const config = (await resolveAuthConfig(settings.configId)) as import("@/lib/auth-configs/schema").TOAuth2Input;
  await getDb().$queryRaw`SELECT 1`; // the pool is open before the go
  process.once("SIGUSR2", () => {
    void (async () => {
      const outcomes = await Promise.allSettled(Array.from({ length: settings.lookups }, () => tokenFor(config, { configId: settings.configId, name: config.name, userId: null })));
      const result: TRenewalResult = {
        tokens: outcomes.map((o) => (o.status === "fulfilled" ? o.value.accessToken : null)),
        errors: outcomes.flatMap((o) => (o.status === "rejected" ? [String((o.reason as Error)?.message ?? o.reason)] : [])),
      };
      await writeFile(settings.resultFile, JSON.stringify(result));
      await getDb().$disconnect();
      clearInterval(keepAlive);
      process.exit(0);
    })();
  });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
}

main().catch((e) => {
  console.error("renewal-process failed", e);
  process.exit(1);
});
