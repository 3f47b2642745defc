// npm run db:generate — both Prisma clients: generated/prisma (SQLite) and generated/prisma-pg
// (PostgreSQL, from the derived schema). Each generate needs a DATABASE_URL of its own provider
// (otherwise the CLI looks for a native engine to download); no database is opened.
import { execFileSync } from "node:child_process";

const runs = [
  ["prisma/schema.prisma", "file:./data/generate.db"],
  ["prisma/postgres/schema.prisma", "postgresql://generate.invalid/patchbay"],
];
for (const [schema, url] of runs) {
  execFileSync("npx", ["prisma", "generate", "--schema", schema], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, CHECKPOINT_DISABLE: "1", DATABASE_URL: url, PATCHBAY_ROLE: "all" },
  });
}
console.log("Generated the Prisma clients (SQLite and PostgreSQL).");
