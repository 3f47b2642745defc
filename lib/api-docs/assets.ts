import "server-only";
// The two files of swagger-ui-dist that the API page needs, served by this app from node_modules
// (never from a CDN): an allowlist of names, read once per process.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";

const TYPES = {
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
} as const;

export type TAssetName = keyof typeof TYPES;
export type TAsset = { bytes: Uint8Array<ArrayBuffer>; contentType: string; etag: string };

export function isAssetName(name: string): name is TAssetName {
  return Object.hasOwn(TYPES, name);
}

// Literal paths, so that the build's file tracing keeps exactly these files.
function fileOf(name: TAssetName): string {
  switch (name) {
    case "swagger-ui-bundle.js":
      return path.join(process.cwd(), "node_modules/swagger-ui-dist/swagger-ui-bundle.js");
    case "swagger-ui.css":
      return path.join(process.cwd(), "node_modules/swagger-ui-dist/swagger-ui.css");
  }
}

const cache = new Map<TAssetName, Promise<TAsset>>();

export function readAsset(name: TAssetName): Promise<TAsset> {
  let hit = cache.get(name);
  if (!hit) {
    hit = readFile(fileOf(name)).then((file) => ({
      bytes: new Uint8Array(file),
      contentType: TYPES[name],
      etag: `"${createHash("sha256").update(file).digest("base64url").slice(0, 27)}"`,
    }));
    hit.catch(() => cache.delete(name)); // a failed read is tried again next time
    cache.set(name, hit);
  }
  return hit;
}

let version: string | null = null;

/** The asset's URL with swagger-ui-dist's version: cached for a year, a new version is a new URL. */
export function assetUrl(name: TAssetName): string {
  if (version === null) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(process.cwd(), "node_modules/swagger-ui-dist/package.json"), "utf8")) as { version?: unknown };
      version = typeof pkg.version === "string" ? pkg.version : "0";
    } catch {
      version = "0";
    }
  }
  return `/api-docs/assets/${name}?v=${encodeURIComponent(version)}`;
}
