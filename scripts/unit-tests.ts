// Runs every unit test (*.test.ts beside the code) with node's test runner.
// --conditions=react-server lets modules that start with `import "server-only"` load here.
//
//   tsx scripts/unit-tests.ts              every test on the embedded SQLite (*.pg.test.ts aside)
//   tsx scripts/unit-tests.ts --postgres   the database tests again on PostgreSQL: every file that
//                                          makes a temporary database (lib/testing/temp-db.ts), and
//                                          the PostgreSQL-only *.pg.test.ts; PATCHBAY_TEST_PG_URL
//                                          names the cluster (npm test starts a throw-away one;
//                                          without it each test file starts its own)
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** Tests of the embedded SQLite runtime itself, which PostgreSQL deployments do not use. */
const SQLITE_ONLY = new Set(["lib/sqlite-adapter.test.ts", "lib/jobs/embedded.test.ts", "lib/jobs/crash.test.ts"]);

function find(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return find(p);
    return d.name.endsWith(".test.ts") ? [p] : [];
  });
}

const postgres = process.argv.includes("--postgres");
const usesDatabase = (file: string) => /testing\/temp-db"/.test(readFileSync(file, "utf8"));
const files = ["lib", "scripts", "components"]
  .flatMap(find)
  .sort()
  .filter((f) => (postgres ? f.endsWith(".pg.test.ts") || (usesDatabase(f) && !SQLITE_ONLY.has(f)) : !f.endsWith(".pg.test.ts")));
if (files.length === 0) {
  console.error("no unit tests found");
  process.exit(1);
}
const env = { ...process.env, NODE_ENV: "test" as const, PATCHBAY_TEST_DATABASE: postgres ? "postgres" : "sqlite" };
console.log(`${files.length} test files on ${postgres ? "PostgreSQL" : "SQLite"}`);
const res = spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", "--test", "--test-concurrency=2", ...files], { stdio: "inherit", env });
process.exit(res.status ?? 1);
