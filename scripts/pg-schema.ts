// npm run db:schema-pg — the PostgreSQL schema (SPEC §12: `DATABASE_URL=postgres://…` selects it)
// derived from prisma/schema.prisma: the same models with the provider swapped and a client of its
// own, so that there is no second copy to keep by hand. `--check` (part of npm test) fails when the
// file in the repository is not what the derivation gives — the SQLite schema changed and
// `npm run db:migration` (which writes both) was not run.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const SQLITE_SCHEMA = "prisma/schema.prisma";
export const PG_SCHEMA = "prisma/postgres/schema.prisma";

const HEADER = `// GENERATED from prisma/schema.prisma by \`npm run db:schema-pg\` (also run by \`npm run db:migration\`):
// do not edit; change prisma/schema.prisma instead. npm test fails when the two drift apart.
`;

/** The PostgreSQL schema of a SQLite schema: provider and client output swapped, the rest as it is. */
export function derivePgSchema(sqlite: string): string {
  let out = sqlite;
  const swap = (from: RegExp, to: string, what: string) => {
    if (!from.test(out)) throw new Error(`${SQLITE_SCHEMA}: ${what} not found where the derivation expects it`);
    out = out.replace(from, to);
  };
  swap(/(datasource db \{[^}]*provider\s*=\s*)"sqlite"/, '$1"postgresql"', 'datasource db { provider = "sqlite" }');
  swap(/(generator client \{[^}]*output\s*=\s*)"\.\.\/generated\/prisma"/, '$1"../../generated/prisma-pg"', 'generator client { output = "../generated/prisma" }');
  if (/@db\./.test(out.replace(/\/\/.*$/gm, ""))) throw new Error(`${SQLITE_SCHEMA} uses a native type (@db.*): keep the models portable`);
  return HEADER + out;
}

function main(): void {
  const derived = derivePgSchema(readFileSync(SQLITE_SCHEMA, "utf8"));
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(PG_SCHEMA, "utf8");
    } catch {
      // missing: reported below
    }
    if (current !== derived) {
      console.error(`${PG_SCHEMA} is not derived from ${SQLITE_SCHEMA}: run npm run db:migration -- <name> (or npm run db:schema-pg) and commit the result.`);
      process.exit(1);
    }
    console.log(`${PG_SCHEMA} matches ${SQLITE_SCHEMA}.`);
    return;
  }
  writeFileSync(PG_SCHEMA, derived);
  console.log(`Wrote ${PG_SCHEMA}.`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
