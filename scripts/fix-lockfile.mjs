// The registry reachable here answers 404 for next's macOS/Windows @next/swc-* packages, so a
// lockfile written here lacks their entries and `npm ci` on a fresh machine then fails with
// "Missing: @next/swc-darwin-arm64 from lock file". Add them as optional, platform-bound
// entries (Linux skips them). Run after every `npm install`; `--check` only reports (used by npm test).
import { readFileSync, writeFileSync } from "node:fs";

const platforms = {
  "darwin-arm64": { os: ["darwin"], cpu: ["arm64"] },
  "darwin-x64": { os: ["darwin"], cpu: ["x64"] },
  "win32-arm64-msvc": { os: ["win32"], cpu: ["arm64"] },
  "win32-x64-msvc": { os: ["win32"], cpu: ["x64"] },
};

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const next = lock.packages["node_modules/next"];
let added = 0;
for (const [suffix, { os, cpu }] of Object.entries(platforms)) {
  const name = `@next/swc-${suffix}`;
  const key = `node_modules/${name}`;
  const version = next.optionalDependencies?.[name];
  if (!version || lock.packages[key]) continue;
  lock.packages[key] = { version, cpu, license: "MIT", optional: true, os, engines: { node: ">= 10" } };
  added++;
}
if (process.argv.includes("--check")) {
  if (added > 0) {
    console.error(`package-lock.json lacks ${added} @next/swc platform entries: run node scripts/fix-lockfile.mjs`);
    process.exit(1);
  }
  process.exit(0);
}
if (added === 0) {
  console.log("fix-lockfile: nothing to add");
  process.exit(0);
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
writeFileSync("package-lock.json", JSON.stringify(lock, null, 2) + "\n");
console.log(`fix-lockfile: added ${added} @next/swc platform entries`);
