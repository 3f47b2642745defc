// The registry reachable here lacks some platform builds that packages list as optional
// dependencies (next's macOS/Windows @next/swc-*, unrs-resolver's @unrs/resolver-binding-* at the
// wanted version). npm leaves them out of a lockfile written here, and `npm ci` on a fresh machine
// then fails with "Missing: <name> from lock file". This adds each missing one as an optional,
// platform-bound entry (os/cpu/libc read from its name), which every other platform skips.
// Run after every `npm install`; `--check` only reports (npm test runs it).
import { readFileSync, writeFileSync } from "node:fs";

const OS = ["darwin", "linux", "win32", "freebsd", "android", "openharmony", "sunos", "aix", "netbsd", "openbsd"];
const CPU = { arm64: "arm64", x64: "x64", ia32: "ia32", arm: "arm", loong64: "loong64", ppc64: "ppc64", riscv64: "riscv64", s390x: "s390x" };

/** os, cpu and libc of a platform package, from names like "@next/swc-linux-x64-musl". */
function platformOf(name) {
  const tokens = name.split("/").pop().split("-");
  const os = tokens.find((t) => OS.includes(t));
  const cpu = tokens.map((t) => CPU[t]).find(Boolean);
  if (!os || !cpu) return null;
  const entry = { os: [os], cpu: [cpu] };
  if (os === "linux") {
    if (tokens.some((t) => t.startsWith("musl"))) entry.libc = ["musl"];
    else if (tokens.some((t) => t.startsWith("gnu"))) entry.libc = ["glibc"];
  }
  return entry;
}

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const missing = [];
for (const [key, pkg] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    if (lock.packages[`node_modules/${name}`] || lock.packages[`${key}/node_modules/${name}`]) continue;
    missing.push({ name, version, from: key || "(root)" });
  }
}

if (process.argv.includes("--check")) {
  if (missing.length > 0) {
    console.error(`package-lock.json lacks ${missing.length} optional platform entries (${missing.map((m) => m.name).join(", ")}): run node scripts/fix-lockfile.mjs`);
    process.exit(1);
  }
  console.log("lockfile: every optional platform package has an entry");
  process.exit(0);
}

for (const { name, version, from } of missing) {
  const platform = platformOf(name);
  if (!platform) {
    console.error(`fix-lockfile: cannot tell the platform of ${name} (optional dependency of ${from}); add its entry by hand`);
    process.exit(1);
  }
  if (!/^\d+\.\d+\.\d+/.test(version)) {
    console.error(`fix-lockfile: ${name} is wanted as "${version}" by ${from}; an exact version is needed`);
    process.exit(1);
  }
  lock.packages[`node_modules/${name}`] = { version, optional: true, ...platform };
}
if (missing.length === 0) {
  console.log("fix-lockfile: nothing to add");
  process.exit(0);
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b, "en"))),
);
writeFileSync("package-lock.json", JSON.stringify(lock, null, 2) + "\n");
console.log(`fix-lockfile: added ${missing.length} entries: ${missing.map((m) => m.name).join(", ")}`);
