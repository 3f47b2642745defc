import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isAppError } from "@/lib/errors";
import type { THeaderList, TOutgoingRequest } from "@/lib/http/types";
import { AWS_REGIONS, AWS_SERVICES, awsSigV4Strategy, type TAwsSigV4Settings } from "./aws-sigv4";

// AWS SigV4 test suite (fixtures/aws-sigv4/README.md: source, license). Every case is run through
// the strategy; those it cannot reproduce are skipped with the reason.
const SUITE = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "aws-sigv4");

const RAW_TARGET =
  "signs the raw request-target as the signer's input; a request here is an absolute URL, and WHATWG URL parsing (which the HTTP client also uses to send it) ";
const SKIP: Record<string, string> = {
  "get-relative-unnormalized": `normalize=false ${RAW_TARGET}removes the dot segments of "/example/.." before anything is signed or sent, so that target never reaches the wire`,
  "get-relative-relative-unnormalized": `normalize=false ${RAW_TARGET}removes the dot segments of "/example1/example2/../.." before anything is signed or sent`,
  "get-slash-dot-slash-unnormalized": `normalize=false ${RAW_TARGET}turns "/./" into "/" before anything is signed or sent`,
  "get-slash-pointless-dot-unnormalized": `normalize=false ${RAW_TARGET}turns "/./example" into "/example" before anything is signed or sent`,
  "get-space-normalized": `${RAW_TARGET}sends "/example space/" (not valid HTTP) as /example%20space/, and for a non-S3 service AWS requires that wire path to be URI-encoded again (/example%2520space/, see "non-S3 paths are URI-encoded twice"); the suite encodes the raw space once`,
  "get-utf8": `${RAW_TARGET}sends the raw UTF-8 target "/\u1234" as /%E1%88%B4, which a non-S3 service signs encoded again (/%25E1%2588%25B4); the suite encodes the raw bytes once`,
  "post-sts-header-after": "omit_session_token=true: X-Amz-Security-Token is added after signing and left out of SignedHeaders (a legacy mode of a few services); @smithy/signature-v4 always signs the session token, and so does this strategy",
};

type TParsed = { method: string; target: string; headers: THeaderList; body: string };

/** HTTP/1.1 message as the suite writes it: LF line ends, "Name:value" headers, obs-fold
 * continuation lines replaced by one space (RFC 9112 §5.2), body after the blank line. */
function parseHttp(text: string): TParsed {
  const split = text.indexOf("\n\n");
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? "" : text.slice(split + 2);
  const [requestLine, ...lines] = head.split("\n").filter((l) => l !== "");
  // The target may hold a space ("GET /example space/ HTTP/1.1"): method first, version last.
  const method = requestLine.slice(0, requestLine.indexOf(" "));
  const target = requestLine.slice(method.length + 1, requestLine.lastIndexOf(" "));
  const headers: THeaderList = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line)) headers[headers.length - 1][1] += ` ${line.trim()}`;
    else headers.push([line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()]);
  }
  return { method, target, headers, body };
}

const normalized = (h: THeaderList) => h.map(([n, v]) => `${n.toLowerCase()}: ${v}`).sort();
const header = (h: THeaderList, name: string) =>
  h.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);

describe("AWS SigV4 test suite (header signing)", () => {
  const cases = readdirSync(SUITE, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

  test("the fixture holds the whole suite (control)", () => {
    assert.equal(cases.length, 38);
    for (const name of Object.keys(SKIP)) assert.ok(cases.includes(name), `skip entry for unknown case ${name}`);
  });

  for (const name of cases) {
    test(name, SKIP[name] ? { skip: SKIP[name] } : {}, async () => {
      const file = (f: string) => readFileSync(path.join(SUITE, name, f), "utf8");
      const ctx = JSON.parse(file("context.json"));
      const req = parseHttp(file("request.txt"));
      const want = parseHttp(file("header-signed-request.txt"));
      const host = header(req.headers, "host")[0];
      const url = `https://${host}${req.target}`;

      const strategy = awsSigV4Strategy({
        accessKeyId: ctx.credentials.access_key_id,
        secretAccessKey: ctx.credentials.secret_access_key,
        sessionToken: ctx.credentials.token,
        service: ctx.service,
        region: ctx.region,
        now: () => new Date(ctx.timestamp),
        // normalize=false is the S3 path mode (no normalization, no second encoding); sign_body
        // adds x-amz-content-sha256 (the S3 default).
        uriEscapePath: ctx.normalize,
        applyChecksum: ctx.sign_body,
      });
      const out = await strategy.authorize({
        method: req.method,
        url,
        headers: req.headers,
        body: req.body ? new TextEncoder().encode(req.body) : null,
      });

      const detail = `expected canonical request:\n${file("header-canonical-request.txt")}`;
      assert.deepEqual(header(out.headers, "authorization"), header(want.headers, "authorization"), detail);
      assert.deepEqual(normalized(out.headers), normalized(want.headers));
      // These targets are already in canonical form: the URL goes out as the WHATWG URL has it.
      assert.equal(out.url, new URL(url).href);
    });
  }
});

const AKID = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const at2013 = () => new Date("2013-05-24T00:00:00Z");
const s3 = (extra: Partial<TAwsSigV4Settings> = {}) =>
  awsSigV4Strategy({ accessKeyId: AKID, secretAccessKey: SECRET, service: "s3", region: "us-east-1", now: at2013, ...extra });
const svc = (extra: Partial<TAwsSigV4Settings> = {}) =>
  awsSigV4Strategy({ accessKeyId: AKID, secretAccessKey: SECRET, service: "execute-api", region: "eu-west-1", now: at2013, ...extra });
const request = (url: string, more: Partial<TOutgoingRequest> = {}): TOutgoingRequest => ({ method: "GET", url, headers: [], ...more });
const auth = async (s: ReturnType<typeof svc>, r: TOutgoingRequest) => header((await s.authorize(r)).headers, "authorization")[0];

describe("awsSigV4Strategy: S3 examples of the AWS documentation (Signature Version 4, single chunk)", () => {
  test("GET Object with Range", async () => {
    const out = await s3().authorize(request("https://examplebucket.s3.amazonaws.com/test.txt", { headers: [["Range", "bytes=0-9"]] }));
    assert.deepEqual(header(out.headers, "authorization"), [
      `AWS4-HMAC-SHA256 Credential=${AKID}/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41`,
    ]);
    assert.deepEqual(header(out.headers, "x-amz-content-sha256"), ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]);
  });

  test("GET Bucket (list objects) with a query", async () => {
    const a = await auth(s3(), request("https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J"));
    assert.match(a, /SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7$/);
  });
});

describe("awsSigV4Strategy", () => {
  test("non-S3 paths are URI-encoded twice: /a%20b is signed as /a%2520b", async () => {
    const twice = await auth(svc(), request("https://h.example/example%20space/"));
    const asIs = await auth(svc({ uriEscapePath: false }), request("https://h.example/example%2520space/"));
    const once = await auth(svc({ uriEscapePath: false }), request("https://h.example/example%20space/"));
    assert.equal(twice, asIs);
    assert.notEqual(twice, once);
  });

  test("S3 paths are encoded once with RFC 3986 escapes, on the wire and in the signature", async () => {
    const out = await s3().authorize(request("https://b.s3.amazonaws.com/a'b(c)!$/x+y//z%20w"));
    assert.equal(new URL(out.url).pathname, "/a%27b%28c%29%21%24/x%2By//z%20w");
    const same = await auth(s3(), request("https://b.s3.amazonaws.com/a%27b%28c%29%21%24/x%2By//z%20w"));
    assert.equal(header(out.headers, "authorization")[0], same);
  });

  test("query: re-encoded on the wire in its order; signed sorted, with repeated keys", async () => {
    const out = await svc().authorize(request("https://h.example/p?b=2&a=1&a=0&sp=a+b&q=x%20y&r=it's&e&u=%C3%BC"));
    assert.equal(new URL(out.url).search, "?b=2&a=1&a=0&sp=a%20b&q=x%20y&r=it%27s&e=&u=%C3%BC");
    const reordered = await auth(svc(), request("https://h.example/p?u=ü&e=&r=it%27s&q=x+y&sp=a%20b&a=0&a=1&b=2"));
    assert.equal(header(out.headers, "authorization")[0], reordered);
    const changed = await auth(svc(), request("https://h.example/p?b=2&a=1&a=0&sp=a%2Bb&q=x%20y&r=it's&e&u=%C3%BC"));
    assert.notEqual(header(out.headers, "authorization")[0], changed, "a literal + is not a space");
  });

  test("the payload hash covers the final body", async () => {
    const body = (s: string) => request("https://h.example/p", { method: "POST", body: new TextEncoder().encode(s) });
    assert.notEqual(await auth(svc(), body('{"a":1}')), await auth(svc(), body('{"a":2}')));
    const out = await s3().authorize(body("Welcome to Amazon S3."));
    const sha = createHash("sha256").update("Welcome to Amazon S3.").digest("hex");
    assert.deepEqual(header(out.headers, "x-amz-content-sha256"), [sha]);
  });

  test("x-amz-content-sha256 only for S3 unless asked; a given one is kept (e.g. UNSIGNED-PAYLOAD)", async () => {
    assert.deepEqual(header((await svc().authorize(request("https://h.example/"))).headers, "x-amz-content-sha256"), []);
    const given = await s3().authorize(request("https://b.s3.amazonaws.com/k", { headers: [["X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"]] }));
    assert.deepEqual(header(given.headers, "x-amz-content-sha256"), ["UNSIGNED-PAYLOAD"]);
  });

  test("session token: X-Amz-Security-Token sent and signed", async () => {
    const out = await svc({ sessionToken: " tok/en= " }).authorize(request("https://h.example/", { headers: [["X-Amz-Security-Token", "stale"]] }));
    assert.deepEqual(header(out.headers, "x-amz-security-token"), ["tok/en="]);
    assert.match(header(out.headers, "authorization")[0], /SignedHeaders=host;x-amz-date;x-amz-security-token,/);
  });

  test("host: the URL's host (with a non-default port) when no Host header is given", async () => {
    const implicit = await auth(svc(), request("https://h.example:8443/"));
    assert.equal(implicit, await auth(svc(), request("https://h.example:8443/", { headers: [["Host", "h.example:8443"]] })));
    assert.notEqual(implicit, await auth(svc(), request("https://h.example/")));
    assert.equal(await auth(svc(), request("https://h.example:443/")), await auth(svc(), request("https://h.example/")));
  });

  test("previous Authorization and X-Amz-Date are replaced; other headers kept, unsignable ones unsigned", async () => {
    const input = request("https://h.example/", {
      headers: [
        ["Authorization", "Bearer x"],
        ["x-amz-date", "19990101T000000Z"],
        ["User-Agent", "patchbay"],
        ["X-Multi", "1"],
        ["X-Multi", "2"],
      ],
    });
    const copy = structuredClone(input);
    const out = await svc().authorize(input);
    assert.deepEqual(input, copy, "input not mutated");
    assert.deepEqual(out.headers.slice(0, 3), [["User-Agent", "patchbay"], ["X-Multi", "1"], ["X-Multi", "2"]]);
    assert.deepEqual(header(out.headers, "x-amz-date"), ["20130524T000000Z"]);
    assert.match(header(out.headers, "authorization")[0], /SignedHeaders=host;x-amz-date;x-multi,/);
  });

  test("validation: required fields and scope-safe service and region", () => {
    const isValidation = (e: unknown) => isAppError(e) && e.code === "VALIDATION";
    assert.throws(() => svc({ accessKeyId: " " }), isValidation);
    assert.throws(() => svc({ secretAccessKey: "" }), isValidation);
    assert.throws(() => svc({ service: "" }), isValidation);
    assert.throws(() => svc({ region: "us-east-1/evil" }), isValidation);
  });

  test("sensitive: Authorization and X-Amz-Security-Token", () => {
    assert.deepEqual(svc().sensitive, { headers: ["authorization", "x-amz-security-token"], query: [] });
  });

  test("dropdown lists: unique values, the common services and current regions", () => {
    for (const list of [AWS_SERVICES, AWS_REGIONS]) {
      assert.equal(new Set(list.map((o) => o.value)).size, list.length);
      for (const o of list) assert.ok(o.label.includes(o.value));
    }
    for (const s of ["execute-api", "s3", "sts", "lambda", "dynamodb", "sqs", "sns", "es"]) {
      assert.ok(AWS_SERVICES.some((o) => o.value === s), s);
    }
    for (const r of ["us-east-1", "eu-west-1", "ap-southeast-7", "mx-central-1"]) {
      assert.ok(AWS_REGIONS.some((o) => o.value === r), r);
    }
  });
});
