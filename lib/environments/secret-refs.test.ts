// Secret references: the format check, mounted files (newline, size, empty, missing, 60 s cache with
// an injected clock) and GCP Secret Manager against a local Secret Manager and token endpoint, with a
// real Service Account configuration stored in a temporary database.
import { generateKeyPairSync } from "node:crypto";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import type { TAuthConfigInput } from "@/lib/auth-configs/schema";
import type { TDb } from "@/lib/db";
import { headerValues, startServer, type TTestServer } from "@/lib/http/testing/servers";
import { rejectsWith } from "@/lib/testing/assert";
import { useTempAppDatabase, type TTempDb } from "@/lib/testing/temp-db";

let refs: typeof import("./secret-refs");
let temp: TTempDb;
let db: TDb;
let srv: TTestServer;
let dir: string;

const SA_NAME = "GCP secrets";
const TOKEN = "ya29.sa-token-1";
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();

const tokenServer = { requests: 0 };

before(async () => {
  ({ temp, db } = await useTempAppDatabase({ prefix: "patchbay-secret-refs-", env: { PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1" } }));
  refs = await import("./secret-refs");
  const store = await import("@/lib/auth-configs/store");
  const { ZAuthConfigInput } = await import("@/lib/auth-configs/schema");
  dir = await mkdtemp(path.join(os.tmpdir(), "patchbay-secret-files-"));
  srv = await startServer();
  srv.route("/token", (_req, res, body) => {
    tokenServer.requests++;
    const p = new URLSearchParams(body.toString());
    if (p.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer" || !p.get("assertion")) return reply(res, 400, { error: "invalid_grant" });
    reply(res, 200, { access_token: TOKEN, token_type: "Bearer", expires_in: 3600 });
  });
  await store.createAuthConfig(
    ZAuthConfigInput.parse({
      protocol: "OAUTH2",
      subProtocol: "OAUTH2_SERVICE_ACCOUNT",
      name: SA_NAME,
      clientEmail: "secrets-reader@my-project.iam.gserviceaccount.com",
      privateKeyId: "kid-1",
      privateKey: pem,
      tokenUrl: `${srv.origin}/token`,
      scope: "https://www.googleapis.com/auth/cloud-platform",
    }),
    null,
  );
  await store.createAuthConfig(ZAuthConfigInput.parse({ protocol: "HTTP", subProtocol: "BASIC", name: "Plain basic", username: "u", password: "p" }), null);
});

after(async () => {
  await srv?.close();
  const { closeDispatchers } = await import("@/lib/http/dispatcher");
  await closeDispatchers();
  await db?.$disconnect();
  await temp?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(() => refs.clearSecretReferenceCache());

function reply(res: ServerResponse, status: number, body: unknown, statusText?: string) {
  res.writeHead(status, statusText, { "content-type": "application/json" }).end(JSON.stringify(body));
}

describe("parseSecretReference", () => {
  const good: Array<[string, unknown]> = [
    ["file:/run/secrets/api-key", { kind: "file", path: "/run/secrets/api-key" }],
    ["file:/var/run/secrets/kubernetes.io/x y/..data/token", { kind: "file", path: "/var/run/secrets/kubernetes.io/x y/..data/token" }],
    ["projects/my-project/secrets/db_password/versions/3", { kind: "gcp", project: "my-project", secret: "db_password", version: "3" }],
    ["projects/123456789012/secrets/API-key/versions/latest", { kind: "gcp", project: "123456789012", secret: "API-key", version: "latest" }],
    ["projects/abcdef/secrets/s/versions/10", { kind: "gcp", project: "abcdef", secret: "s", version: "10" }],
    [`projects/p${"a".repeat(28)}1/secrets/${"S".repeat(255)}/versions/1`, { kind: "gcp", project: `p${"a".repeat(28)}1`, secret: "S".repeat(255), version: "1" }],
  ];
  for (const [ref, want] of good) {
    test(`accepts ${ref.slice(0, 60)}`, () => assert.deepEqual(refs.parseSecretReference(ref), want));
  }

  const bad: Array<[string, string, RegExp]> = [
    ["empty string", "", /empty/],
    ["relative path", "file:run/secrets/x", /absolute path/],
    ["dot-relative path", "file:./x", /absolute path/],
    ["file: without a path", "file:", /absolute path/],
    ["path with NUL", "file:/run/secrets/a\u0000b", /NUL/],
    ["missing version", "projects/p-1234/secrets/s/versions/", /version/],
    ["no versions part", "projects/p-1234/secrets/s", /projects\/<project>\/secrets/],
    ["leading zero version", "projects/p-1234/secrets/s/versions/01", /version/],
    ["version 0", "projects/p-1234/secrets/s/versions/0", /version/],
    ["version word", "projects/p-1234/secrets/s/versions/newest", /version/],
    ["version LATEST", "projects/p-1234/secrets/s/versions/LATEST", /version/],
    ["bad char in secret", "projects/p-1234/secrets/s.x/versions/1", /secret id/],
    ["secret too long", `projects/p-1234/secrets/${"s".repeat(256)}/versions/1`, /secret id/],
    ["uppercase project", "projects/My-Project/secrets/s/versions/1", /project/],
    ["project too short", "projects/abc/secrets/s/versions/1", /project/],
    ["project ends with hyphen", "projects/abcdef-/secrets/s/versions/1", /project/],
    ["project starting with a digit but not a number", "projects/1abcdef/secrets/s/versions/1", /project/],
    ["extra path segment", "projects/p-1234/secrets/s/versions/1/x", /projects\/<project>/],
    ["wrong prefix", "project/p-1234/secrets/s/versions/1", /file:<absolute path> or projects/],
    ["another scheme", "vault:secret/data/x", /file:<absolute path> or projects/],
    ["a pasted secret value", "hunter2-CANARY", /file:<absolute path> or projects/],
    ["surrounding spaces", " file:/run/secrets/x", /spaces/],
    ["too long", `file:/${"a".repeat(5000)}`, /longer than/],
  ];
  for (const [name, ref, why] of bad) {
    test(`rejects ${name}`, () => {
      assert.throws(
        () => refs.parseSecretReference(ref),
        (e: unknown) => {
          assert.ok(e instanceof Error && "code" in e, String(e));
          assert.equal((e as { code: string }).code, "VALIDATION");
          assert.match(e.message, /^Invalid secret reference: /);
          assert.match(e.message, why);
          // The reference itself is not echoed: it may be a secret pasted into the wrong field.
          assert.ok(!e.message.includes("CANARY"));
          return true;
        },
      );
    });
  }
});

test("crc32c: known answers (Castagnoli)", () => {
  assert.equal(refs.crc32c(Buffer.from("123456789")), 0xe3069283);
  assert.equal(refs.crc32c(new Uint8Array(0)), 0);
  assert.equal(refs.crc32c(new Uint8Array(32)), 0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
  assert.equal(refs.crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43); // RFC 3720 B.4: 32 bytes of 0xff
});

// ---- file: ------------------------------------------------------------------------------------

const noGcp = { loadAuthConfigByName: async () => null, gcpAuthConfigName: undefined, gcpBaseUrl: "https://secretmanager.googleapis.com", fileDirs: [os.tmpdir()] };

async function secretFile(name: string, content: string | Buffer): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, content);
  return p;
}

describe("file: references", () => {
  test("one trailing newline (\\n or \\r\\n) is stripped, nothing else", async () => {
    const cases: Array<[string, string]> = [
      ["s3cret\n", "s3cret"],
      ["s3cret\r\n", "s3cret"],
      ["s3cret", "s3cret"],
      ["s3cret\n\n", "s3cret\n"],
      ["  s3 cret \t\n", "  s3 cret \t"],
      ["line1\nline2\n", "line1\nline2"],
      ["s3cret\r", "s3cret\r"],
      ["ünïcødé🔑\n", "ünïcødé🔑"],
    ];
    for (const [i, [content, want]] of cases.entries()) {
      const p = await secretFile(`nl-${i}`, content);
      assert.equal(await refs.resolveSecretReference(`file:${p}`, noGcp), want, JSON.stringify(content));
    }
  });

  test("only files inside PATCHBAY_SECRET_FILE_DIRS are read, symbolic links followed", async () => {
    const p = await secretFile("allowed", "ok\n");
    const only = (dirs: string[]) => ({ ...noGcp, fileDirs: dirs });
    assert.equal(await refs.resolveSecretReference(`file:${p}`, only([dir])), "ok");
    refs.clearSecretReferenceCache();
    await rejectsWith(refs.resolveSecretReference(`file:${p}`, only(["/run/secrets"])), "VALIDATION", /outside the folders secret files may be read from/);
    // A link inside an allowed folder that points outside it is refused too.
    const inner = await mkdtemp(path.join(dir, "allowed-dir-"));
    await symlink(p, path.join(inner, "link"));
    await rejectsWith(refs.resolveSecretReference(`file:${path.join(inner, "link")}`, only([inner])), "VALIDATION", /outside the folders/);
    await rejectsWith(refs.resolveSecretReference("file:/etc/hostname", only([inner])), "VALIDATION", /outside the folders/);
  });

  test("a missing file: VALIDATION naming the reference", async () => {
    const ref = `file:${path.join(dir, "nope")}`;
    const e = await rejectsWith(refs.resolveSecretReference(ref, noGcp), "VALIDATION", /does not exist/);
    assert.ok(e.message.includes(ref));
  });

  test("an empty file, or one holding only a newline, is an error, never an empty secret", async () => {
    for (const content of ["", "\n", "\r\n"]) {
      const p = await secretFile(`empty-${content.length}`, content);
      await rejectsWith(refs.resolveSecretReference(`file:${p}`, noGcp), "VALIDATION", /is empty/);
    }
  });

  test("at most 64 KiB: the limit is accepted, one byte more is refused without showing the content", async () => {
    const max = await secretFile("max", "C".repeat(64 * 1024));
    assert.equal((await refs.resolveSecretReference(`file:${max}`, noGcp)).length, 64 * 1024);
    const big = await secretFile("big", "CANARY".repeat(12_000));
    const e = await rejectsWith(refs.resolveSecretReference(`file:${big}`, noGcp), "VALIDATION", /larger than 64 KiB/);
    assert.ok(e.message.includes(`file:${big}`));
    assert.ok(!e.message.includes("CANARY"));
  });

  test("a directory, a relative path and bytes that are not UTF-8 are refused", async () => {
    const sub = path.join(dir, "a-dir");
    await mkdir(sub, { recursive: true });
    await rejectsWith(refs.resolveSecretReference(`file:${sub}`, noGcp), "VALIDATION", /directory/);
    await rejectsWith(refs.resolveSecretReference("file:secrets/x", noGcp), "VALIDATION", /^Invalid secret reference/);
    const bin = await secretFile("bin", Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    await rejectsWith(refs.resolveSecretReference(`file:${bin}`, noGcp), "VALIDATION", /not UTF-8/);
  });

  test("cached for 60 s: a changed file shows its new value only after that", async () => {
    let t = 1_000_000;
    const deps = { ...noGcp, now: () => t };
    const p = await secretFile("rotating", "old\n");
    const ref = `file:${p}`;
    assert.equal(await refs.resolveSecretReference(ref, deps), "old");
    await writeFile(p, "new\n");
    t += 59_999;
    assert.equal(await refs.resolveSecretReference(ref, deps), "old");
    t += 1;
    assert.equal(await refs.resolveSecretReference(ref, deps), "new");
    // A vanished file is an error again once the cached value has expired; errors are not cached.
    await rm(p);
    assert.equal(await refs.resolveSecretReference(ref, deps), "new");
    t += 60_000;
    await rejectsWith(refs.resolveSecretReference(ref, deps), "VALIDATION", /does not exist/);
    await writeFile(p, "back");
    assert.equal(await refs.resolveSecretReference(ref, deps), "back");
  });
});

// ---- GCP Secret Manager ----------------------------------------------------------------------

async function loadAuthConfigByName(name: string): Promise<{ id: string; config: TAuthConfigInput } | null> {
  const row = await db.authConfig.findUnique({ where: { name } });
  if (!row) return null;
  const { resolveAuthConfig } = await import("@/lib/auth-configs/store");
  return { id: row.id, config: await resolveAuthConfig(row.id) };
}

const gcpDeps = (over: Partial<Parameters<typeof refs.resolveSecretReference>[1]> = {}) => ({
  loadAuthConfigByName,
  gcpAuthConfigName: SA_NAME,
  gcpBaseUrl: srv.origin,
  fileDirs: [],
  ...over,
});

/** A Secret Manager version at `ref`: answers `payload` to the right token, counts accesses. */
function secretVersion(ref: string, value: string | (() => string), opts: { crc?: "right" | "wrong" | "none" } = {}) {
  const seen = { count: 0, auth: [] as string[] };
  srv.route(`/v1/${ref}:access`, (req, res) => {
    seen.count++;
    seen.auth.push(...headerValues(req.rawHeaders, "authorization"));
    if (req.method !== "GET") return reply(res, 405, { error: { code: 405, message: "GET only" } });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return reply(res, 401, { error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" } });
    const bytes = Buffer.from(typeof value === "function" ? value() : value, "utf8");
    const crc = opts.crc ?? "right";
    const payload: Record<string, string> = { data: bytes.toString("base64") };
    if (crc !== "none") payload.dataCrc32c = String(crc === "right" ? refs.crc32c(bytes) : (refs.crc32c(bytes) ^ 1) >>> 0);
    reply(res, 200, { name: ref.replace(/latest$/, "7"), payload });
  });
  return seen;
}

describe("GCP Secret Manager references", () => {
  test("GET …/versions/<v>:access with the service account's Bearer token; payload decoded and checksum verified", async () => {
    const ref = "projects/my-project/secrets/db-password/versions/3";
    const seen = secretVersion(ref, "pä$$wörd 🔐");
    const tokensBefore = tokenServer.requests;
    assert.equal(await refs.resolveSecretReference(ref, gcpDeps()), "pä$$wörd 🔐");
    assert.equal(seen.count, 1);
    assert.deepEqual(seen.auth, [`Bearer ${TOKEN}`]);
    const last = srv.seen.at(-1)!;
    assert.equal(last.method, "GET");
    assert.equal(last.url, `/v1/${ref}:access`);
    // The token came from the configuration's token endpoint, at most once (then stored).
    assert.ok(tokenServer.requests - tokensBefore <= 1);
  });

  test("a base URL with a trailing slash or a path prefix (emulators) is joined without doubling slashes", async () => {
    const ref = "projects/123456789/secrets/prefixed/versions/1";
    secretVersion(ref, "v");
    assert.equal(await refs.resolveSecretReference(ref, gcpDeps({ gcpBaseUrl: `${srv.origin}/` })), "v");
    assert.equal(srv.seen.at(-1)!.url, `/v1/${ref}:access`);
  });

  test("an answer without dataCrc32c is accepted; a wrong one is refused", async () => {
    const plain = "projects/my-project/secrets/no-crc/versions/1";
    secretVersion(plain, "no checksum", { crc: "none" });
    assert.equal(await refs.resolveSecretReference(plain, gcpDeps()), "no checksum");
    const bad = "projects/my-project/secrets/bad-crc/versions/1";
    secretVersion(bad, "CANARY-corrupted", { crc: "wrong" });
    const e = await rejectsWith(refs.resolveSecretReference(bad, gcpDeps()), "VALIDATION", /checksum \(CRC32C\) does not match/);
    assert.ok(e.message.startsWith(`Secret reference ${bad} could not be resolved`));
    assert.ok(!e.message.includes("CANARY"));
  });

  test("an empty secret is an error", async () => {
    const ref = "projects/my-project/secrets/empty/versions/1";
    secretVersion(ref, "");
    await rejectsWith(refs.resolveSecretReference(ref, gcpDeps()), "VALIDATION", /the secret is empty/);
  });

  test("403: the status and Google's message, truncated to 200 characters", async () => {
    const ref = "projects/my-project/secrets/forbidden/versions/latest";
    const message = "Permission 'secretmanager.versions.access' denied for resource 'projects/my-project/secrets/forbidden/versions/latest' (or it may not exist).";
    srv.route(`/v1/${ref}:access`, (_req, res) => reply(res, 403, { error: { code: 403, message, status: "PERMISSION_DENIED" } }, "Forbidden"));
    await rejectsWith(
      refs.resolveSecretReference(ref, gcpDeps()),
      "VALIDATION",
      new RegExp(`^Secret reference ${ref} could not be resolved: Secret Manager answered 403 Forbidden: ${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`),
    );
    const long = "projects/my-project/secrets/long-message/versions/1";
    srv.route(`/v1/${long}:access`, (_req, res) => reply(res, 404, { error: { code: 404, message: `Secret not found ${"x".repeat(500)}` } }, "Not Found"));
    const e = await rejectsWith(refs.resolveSecretReference(long, gcpDeps()), "VALIDATION", /Secret Manager answered 404 Not Found: Secret not found x+…$/);
    assert.equal(e.message.split("Not Found: ")[1].length, 200);
    const noJson = "projects/my-project/secrets/html-error/versions/1";
    srv.route(`/v1/${noJson}:access`, (_req, res) => res.writeHead(502, "Bad Gateway", { "content-type": "text/html" }).end("<h1>oops</h1>"));
    await rejectsWith(refs.resolveSecretReference(noJson, gcpDeps()), "VALIDATION", /Secret Manager answered 502 Bad Gateway$/);
  });

  test("cached for 60 s, `latest` too: a new version shows only after that", async () => {
    const ref = "projects/my-project/secrets/rotating/versions/latest";
    let current = "v1";
    const seen = secretVersion(ref, () => current);
    let t = 5_000_000;
    const deps = gcpDeps({ now: () => t });
    assert.equal(await refs.resolveSecretReference(ref, deps), "v1");
    current = "v2";
    t += 59_999;
    assert.equal(await refs.resolveSecretReference(ref, deps), "v1");
    assert.equal(seen.count, 1);
    t += 1;
    assert.equal(await refs.resolveSecretReference(ref, deps), "v2");
    assert.equal(seen.count, 2);
  });

  test("concurrent resolutions of one reference share a single request", async () => {
    const ref = "projects/my-project/secrets/popular/versions/2";
    const seen = secretVersion(ref, "shared");
    const values = await Promise.all(Array.from({ length: 20 }, () => refs.resolveSecretReference(ref, gcpDeps())));
    assert.deepEqual(new Set(values), new Set(["shared"]));
    assert.equal(seen.count, 1);
  });

  test("PATCHBAY_GCP_SECRETS_AUTH_CONFIG not set: says what to set", async () => {
    const ref = "projects/my-project/secrets/any/versions/1";
    for (const name of [undefined, "", "  "]) {
      await rejectsWith(
        refs.resolveSecretReference(ref, gcpDeps({ gcpAuthConfigName: name })),
        "VALIDATION",
        /^GCP secret references need PATCHBAY_GCP_SECRETS_AUTH_CONFIG: the name of an OAuth2 Service Account configuration/,
      );
    }
  });

  test("the setting must name an existing OAuth2 Service Account configuration", async () => {
    const ref = "projects/my-project/secrets/any/versions/1";
    await rejectsWith(refs.resolveSecretReference(ref, gcpDeps({ gcpAuthConfigName: "Plain basic" })), "VALIDATION", /"Plain basic", a Basic configuration: .*need an OAuth2 Service Account configuration/);
    await rejectsWith(refs.resolveSecretReference(ref, gcpDeps({ gcpAuthConfigName: "Nobody" })), "VALIDATION", /"Nobody", but there is no authentication configuration with that name/);
  });

  test("the request goes through the outbound policy: an internal address not allowed is blocked", async () => {
    const ref = "projects/my-project/secrets/blocked/versions/1";
    const e = await rejectsWith(refs.resolveSecretReference(ref, gcpDeps({ gcpBaseUrl: "http://10.1.2.3:8080" })), "OUTBOUND_BLOCKED");
    assert.ok(e.message.startsWith(`Secret reference ${ref} could not be resolved: `), e.message);
  });

  test("an aborted signal cancels the caller", async () => {
    const ref = "projects/my-project/secrets/cancelled/versions/1";
    secretVersion(ref, "x");
    const ac = new AbortController();
    ac.abort();
    await rejectsWith(refs.resolveSecretReference(ref, gcpDeps({ signal: ac.signal })), "CANCELLED");
  });
});
