// Loads the key ring: PATCHBAY_SECRET_KEY (current) + PATCHBAY_SECRET_KEYS_OLD, or, when no key is
// configured, a key generated on first start into <data>/secret.key (mode 0600).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { ensureDataDir, env, parseKey } from "@/lib/env";
import { makeKeyRing, type TKeyRing } from "./crypto";

let cached: TKeyRing | undefined;

export function keyFilePath(): string {
  return path.join(ensureDataDir(), "secret.key");
}

function readKeyFile(file: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  const key = parseKey(text);
  if (!key) throw new Error(`${file} does not hold a 32-byte key (hex or base64). Restore it from your backup.`);
  return key;
}

function generateKeyFile(file: string): Buffer {
  const key = randomBytes(32);
  try {
    // "wx": never overwrite a key another process has just written.
    writeFileSync(file, key.toString("base64") + "\n", { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return readKeyFile(file)!;
    throw e;
  }
  console.warn(
    `[patchbay] PATCHBAY_SECRET_KEY is not set: generated a new secret key in ${file} (mode 0600). ` +
      "Back it up: without it the stored secrets cannot be decrypted.",
  );
  return key;
}

/** The key ring in force. Cached for the life of the process. */
export function loadKeyRing(): TKeyRing {
  if (cached) return cached;
  const e = env();
  const old = e.PATCHBAY_SECRET_KEYS_OLD.map((k) => parseKey(k)!);
  const file = keyFilePath();
  if (e.PATCHBAY_SECRET_KEY) {
    // A key file left from the embedded default still decrypts what was written with it.
    const fileKey = readKeyFile(file);
    cached = makeKeyRing(parseKey(e.PATCHBAY_SECRET_KEY)!, fileKey ? [...old, fileKey] : old);
  } else {
    cached = makeKeyRing(readKeyFile(file) ?? generateKeyFile(file), old);
  }
  return cached;
}
