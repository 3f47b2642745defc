// Local upstream APIs for the e2e run: one HTTP port for API key, Basic, Digest, AWS SigV4 and no
// authentication, one HTTPS port that demands a client certificate signed by the private CA.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { TLSSocket } from "node:tls";
import { generateKeyPairSync, randomUUID, verify } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { makeCerts } from "./certs";
import { digestChallenge, digestValid } from "./digest";
import { UPSTREAM } from "./credentials";

const port = Number(process.env.PATCHBAY_E2E_UPSTREAM_PORT);
const tlsPort = Number(process.env.PATCHBAY_E2E_UPSTREAM_TLS_PORT);
const certDir = process.env.PATCHBAY_E2E_CERT_DIR;
if (!port || !tlsPort || !certDir) throw new Error("started by playwright.config.ts");

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

async function awsValid(req: IncomingMessage, url: URL): Promise<boolean> {
  const auth = req.headers.authorization ?? "";
  const amzDate = req.headers["x-amz-date"];
  const signed = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(";");
  if (typeof amzDate !== "string" || !signed) return false;
  const date = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  const headers: Record<string, string> = {};
  for (const name of signed) headers[name] = String(req.headers[name] ?? "");
  const query: Record<string, string | string[]> = {};
  url.searchParams.forEach((v, k) => {
    const prev = query[k];
    query[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
  });
  const signer = new SignatureV4({
    credentials: { accessKeyId: UPSTREAM.aws.accessKeyId, secretAccessKey: UPSTREAM.aws.secretAccessKey },
    region: UPSTREAM.aws.region,
    service: UPSTREAM.aws.service,
    sha256: Hash.bind(null, "sha256"),
    applyChecksum: false, // as AWS does for every service but S3
  });
  const expected = await signer.sign(
    { method: req.method ?? "GET", protocol: "http:", hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers },
    { signingDate: date },
  );
  return expected.headers.authorization === auth;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

// A 1×1 PNG, for the image preview.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

/** Requests to /hang that arrived, by their ?tag=. */
const hangs = new Map<string, number>();

async function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
  if (url.pathname.startsWith("/echo/")) {
    // Everything the server received, exactly: for comparing with the dialog's "Request sent".
    const body = await readBody(req);
    const headers: Array<[string, string]> = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
    return json(res, 200, { method: req.method, target: req.url, headers, bodyBase64: body.toString("base64") });
  }
  switch (url.pathname) {
    case "/big": {
      // 20 MB of JSON-looking text: cut at the 10 MB cap.
      res.writeHead(200, { "content-type": "application/json" });
      const row = Buffer.from(`${JSON.stringify({ id: 1, text: "x".repeat(1000) })},`);
      res.write("[");
      let sent = 1;
      const more = () => {
        while (sent < 20 * 1024 * 1024) {
          sent += row.length;
          if (!res.write(row)) return void res.once("drain", more);
        }
        res.end("{}]");
      };
      res.on("error", () => {});
      return more();
    }
    case "/big-json": {
      // ~8 MB of valid JSON (under the cap): parsed and shown as a tree.
      const items = Array.from({ length: 45_000 }, (_, i) => ({ id: i, name: `item ${i}`, text: "y".repeat(120), tags: ["a", "b"] }));
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ count: items.length, items }));
    }
    case "/hang": {
      // Never answers; counted per ?tag= so that a test can wait until the request has arrived.
      const tag = url.searchParams.get("tag") ?? "";
      hangs.set(tag, (hangs.get(tag) ?? 0) + 1);
      return;
    }
    case "/hang-count":
      return json(res, 200, { count: hangs.get(url.searchParams.get("tag") ?? "") ?? 0 });
    case "/image.png":
      res.writeHead(200, { "content-type": "image/png" });
      return res.end(PNG);
    case "/none":
      return json(res, 200, { ok: true });
    case "/text":
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
      return res.end("büsy, try later");
    case "/api-key": {
      const ok = req.headers.authorization === `Bearer ${UPSTREAM.apiKey}` || url.searchParams.get("api_key") === UPSTREAM.apiKey;
      return ok ? json(res, 200, { ok: true }) : json(res, 401, { error: "invalid api key" });
    }
    case "/basic": {
      const expected = `Basic ${Buffer.from(`${UPSTREAM.basic.username}:${UPSTREAM.basic.password}`).toString("base64")}`;
      if (req.headers.authorization === expected) return json(res, 200, { ok: true, user: UPSTREAM.basic.username });
      return json(res, 401, { error: "credentials required" }, { "www-authenticate": 'Basic realm="e2e", charset="UTF-8"' });
    }
    case "/digest": {
      const algorithm = url.searchParams.get("alg") === "SHA-256" ? "SHA-256" : "MD5";
      const realm = `e2e-${algorithm}`;
      if (digestValid({ header: req.headers.authorization, method: req.method ?? "GET", realm, ...UPSTREAM.digest })) return json(res, 200, { ok: true, algorithm });
      return json(res, 401, { error: "digest required" }, { "www-authenticate": digestChallenge(realm, algorithm) });
    }
    case "/oauth/token":
      return oauthToken(req, res, url);
    case "/oauth/api": {
      const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
      return issued.has(token) ? json(res, 200, { ok: true, grant: issued.get(token) }) : json(res, 401, { error: "invalid_token" }, { "www-authenticate": 'Bearer error="invalid_token"' });
    }
    case "/aws":
      return (await awsValid(req, url)) ? json(res, 200, { ok: true }) : json(res, 403, { message: "The request signature we calculated does not match the signature you provided." });
    default:
      return json(res, 404, { error: "no such endpoint" });
  }
}

// OAuth2 Password and Service Account grants (oidc-provider, the e2e authorization server, supports
// neither): the Password grant checks client and user credentials; the JWT bearer grant verifies the
// RS256 assertion with node:crypto against the key written to <cert dir>/service-account.json.
const saKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const SA_KEY_ID = "e2e-key-1";
const SA_EMAIL = "robot@e2e-project.iam.example.test";
mkdirSync(certDir, { recursive: true });
writeFileSync(
  path.join(certDir, "service-account.json"),
  JSON.stringify({ type: "service_account", client_email: SA_EMAIL, private_key_id: SA_KEY_ID, private_key: saKeys.privateKey.export({ type: "pkcs8", format: "pem" }), token_uri: `http://127.0.0.1:${port}/oauth/token` }, null, 2),
);
const issued = new Map<string, string>();
let tokenCount = 0;

function assertionError(assertion: string, tokenUrl: string): string | null {
  const [h, p, sig] = assertion.split(".");
  if (!h || !p || !sig) return "not a JWS";
  if (!verify("RSA-SHA256", Buffer.from(`${h}.${p}`), saKeys.publicKey, Buffer.from(sig, "base64url"))) return "bad signature";
  const header = JSON.parse(Buffer.from(h, "base64url").toString());
  const c = JSON.parse(Buffer.from(p, "base64url").toString());
  const now = Math.floor(Date.now() / 1000);
  if (header.alg !== "RS256" || header.kid !== SA_KEY_ID) return "bad header";
  if (c.iss !== SA_EMAIL || c.sub !== SA_EMAIL || c.aud !== tokenUrl) return "bad iss/sub/aud";
  if (!(c.iat <= now + 60 && c.exp > now && c.exp - c.iat <= 3600) || typeof c.jti !== "string") return "bad iat/exp/jti";
  return null;
}

async function oauthToken(req: IncomingMessage, res: ServerResponse, url: URL) {
  const p = new URLSearchParams((await readBody(req)).toString());
  const { oauthPassword: pw } = UPSTREAM;
  const grant = p.get("grant_type");
  if (grant === "password") {
    const basic = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString();
    if (basic !== `${pw.clientId}:${pw.clientSecret}`) return json(res, 401, { error: "invalid_client" });
    if (p.get("username") !== pw.username || p.get("password") !== pw.password) return json(res, 400, { error: "invalid_grant", error_description: "wrong username or password" });
  } else if (grant === "urn:ietf:params:oauth:grant-type:jwt-bearer") {
    const why = assertionError(p.get("assertion") ?? "", `${url.origin}/oauth/token`);
    if (why) return json(res, 400, { error: "invalid_grant", error_description: why });
  } else {
    return json(res, 400, { error: "unsupported_grant_type" });
  }
  const token = `e2e-${grant === "password" ? "pw" : "sa"}-token-${++tokenCount}-${randomUUID()}`;
  issued.set(token, grant);
  return json(res, 200, { access_token: token, token_type: "Bearer", expires_in: 1800, scope: p.get("scope") ?? "sa.read" });
}

const certs = makeCerts(certDir);
createServer((req, res) => void handle(req, res).catch((e) => json(res, 500, { error: String(e) }))).listen(port, "127.0.0.1");
createHttpsServer({ key: certs.serverKey, cert: certs.serverCert, ca: certs.ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
  const cn = (req.socket as TLSSocket).getPeerCertificate()?.subject?.CN;
  json(res, 200, { ok: true, client: cn });
}).listen(tlsPort, "127.0.0.1");
console.log(`e2e upstream on http://127.0.0.1:${port} and https://127.0.0.1:${tlsPort}`);
