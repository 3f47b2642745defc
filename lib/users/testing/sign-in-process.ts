// Child process for lib/users/sign-in.test.ts: another Patchbay instance on the test's database
// that makes the given sign-in attempts all at once, once it receives SIGUSR2 (so that both
// instances start at the same time).
//
//   node --import tsx --conditions=react-server lib/users/testing/sign-in-process.ts '<settings JSON>'
//
// Settings: url (the database), dataDir, attempts, resultFile. Prints {"ready":true} once its
// database connection is open; after the attempts it writes one outcome per attempt ("OK" or the
// AppError's code; anything else thrown as its message) to resultFile as JSON and exits 0.
import { writeFile } from "node:fs/promises";
import { setEnvForTests } from "@/lib/env";

export type TSignInAttempt = { email: string; password: string; ip: string };
export type TSignInProcessSettings = { url: string; dataDir: string; attempts: TSignInAttempt[]; resultFile: string };

const settings = JSON.parse(process.argv[2] ?? "{}") as TSignInProcessSettings;
if (!settings.url || !settings.dataDir || !Array.isArray(settings.attempts) || !settings.resultFile) {
  console.error("sign-in-process: url, dataDir, attempts and resultFile are required");
  process.exit(2);
}

setEnvForTests({
  NODE_ENV: "test",
  DATABASE_URL: settings.url,
  PATCHBAY_DATA_DIR: settings.dataDir,
  PATCHBAY_SECRET_KEY: undefined,
  PATCHBAY_SECRET_KEYS_OLD: undefined,
  PATCHBAY_ADMIN_EMAIL: undefined,
  PATCHBAY_ADMIN_PASSWORD: undefined,
});

const keepAlive = setInterval(() => {}, 1 << 30);

async function main() {
  const { authenticate } = await import("@/lib/users/sign-in");
  const { isAppError } = await import("@/lib/errors");
  const { getDb } = await import("@/lib/db");
  await getDb().signInFailure.count(); // the connection is open before the go
  process.once("SIGUSR2", () => {
    void (async () => {
      const outcomes = await Promise.allSettled(settings.attempts.map((a) => authenticate(a)));
      const result = outcomes.map((o) => (o.status === "fulfilled" ? "OK" : isAppError(o.reason) ? o.reason.code : String((o.reason as Error)?.message ?? o.reason)));
      await writeFile(settings.resultFile, JSON.stringify(result));
      await getDb().$disconnect();
      clearInterval(keepAlive);
      process.exit(0);
    })();
  });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
}

main().catch((e) => {
  console.error("sign-in-process failed", e);
  process.exit(1);
});
