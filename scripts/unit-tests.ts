// Runs every unit test (*.test.ts beside the code) with node's test runner.
// --conditions=react-server lets modules that start with `import "server-only"` load here.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

function find(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return find(p);
    return d.name.endsWith(".test.ts") ? [p] : [];
  });
}

const files = ["lib", "scripts"].flatMap(find).sort();
if (files.length === 0) {
  console.error("no unit tests found");
  process.exit(1);
}
const res = spawnSync(
  process.execPath,
  ["--import", "tsx", "--conditions=react-server", "--test", "--test-concurrency=2", ...files],
  { stdio: "inherit", env: { ...process.env, NODE_ENV: "test" } },
);
process.exit(res.status ?? 1);
