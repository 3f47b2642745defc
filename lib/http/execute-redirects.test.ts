import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeDispatchers } from "./dispatcher";
import { sendRequest } from "./execute";
import { parseOutboundAllow } from "./outbound-policy";
import { get, headerValues, LOCAL_POLICY, rejectsWith, startServer, type TTestServer } from "./testing/servers";
import type { TAuthStrategy } from "./types";

// A and B are different origins (ports); C listens on 127.0.0.2, outside LOCAL_POLICY.
let A: TTestServer;
let B: TTestServer;
let C: TTestServer;
const resolve = async (host: string) => (host === "intranet.test" ? ["127.0.0.2"] : ["127.0.0.1"]);
const opts = { policy: LOCAL_POLICY, resolve };

function redirectRoutes(s: TTestServer) {
  s.route("/to", (req, res) => {
    const q = new URL(req.url!, "http://x").searchParams;
    res.writeHead(Number(q.get("status") ?? 302), { location: q.get("loc")! }).end("moved");
  });
  s.route("/chain", (req, res) => {
    const n = Number(new URL(req.url!, "http://x").searchParams.get("n"));
    res.writeHead(302, { location: `/chain?n=${n + 1}` }).end();
  });
  s.route("/ok", (_req, res) => res.end("ok"));
  s.route("/guarded", (_req, res) => res.writeHead(401).end("no"));
}

before(async () => {
  [A, B, C] = await Promise.all([startServer(), startServer(), startServer({ host: "127.0.0.2" })]);
  [A, B, C].forEach(redirectRoutes);
});
after(async () => {
  await closeDispatchers();
  await Promise.all([A, B, C].map((s) => s.close()));
});

const to = (s: TTestServer, loc: string, status = 302) => `${s.origin}/to?status=${status}&loc=${encodeURIComponent(loc)}`;

describe("redirects", () => {
  for (const status of [301, 302, 303, 307, 308]) {
    test(`GET follows ${status}`, async () => {
      const res = await sendRequest(get(to(A, "/ok", status)), opts);
      assert.equal(res.status, 200);
      assert.equal(res.body.toString(), "ok");
      assert.equal(res.url, `${A.origin}/ok`);
      assert.deepEqual(res.redirects, [`${A.origin}/ok`]);
    });
  }

  test("HEAD follows", async () => {
    const res = await sendRequest({ method: "HEAD", url: to(A, "/ok"), headers: [] }, opts);
    assert.equal(res.status, 200);
    assert.equal(A.seen.at(-1)!.method, "HEAD");
  });

  test("POST gets the 3xx as is", async () => {
    const before = A.seen.length;
    const res = await sendRequest({ method: "POST", url: to(A, "/ok", 307), headers: [], body: Buffer.from("x") }, opts);
    assert.equal(res.status, 307);
    assert.equal(res.body.toString(), "moved");
    assert.deepEqual(res.redirects, []);
    assert.equal(A.seen.length, before + 1);
  });

  test("followRedirects: false returns the 3xx", async () => {
    const res = await sendRequest(get(to(A, "/ok")), { ...opts, followRedirects: false });
    assert.equal(res.status, 302);
  });

  test("at most 5 hops, then the 3xx is returned", async () => {
    const before = A.seen.length;
    const res = await sendRequest(get(`${A.origin}/chain?n=0`), opts);
    assert.equal(res.status, 302);
    assert.equal(res.redirects.length, 5);
    assert.equal(res.url, `${A.origin}/chain?n=5`);
    assert.equal(A.seen.length, before + 6);
  });

  test("an unparseable Location is an error", async () => {
    await rejectsWith(sendRequest(get(to(A, "http://[::1")), opts), "INVALID_REQUEST", /redirected/);
  });
});

describe("credentials across redirects", () => {
  const strategy = (calls: string[]): TAuthStrategy => ({
    sensitive: { headers: ["x-api-key"], query: ["api_key"] },
    authorize: async (r) => {
      calls.push(r.url);
      const u = new URL(r.url);
      u.searchParams.set("api_key", "k-secret");
      return { ...r, url: u.href, headers: [...r.headers, ["authorization", "Bearer t-secret"], ["x-api-key", "k-secret"]] };
    },
    onUnauthorized: async () => assert.fail("no retry after leaving the origin"),
  });
  const callerHeaders: Array<[string, string]> = [
    ["cookie", "sid=c-secret"],
    ["proxy-authorization", "Basic p-secret"],
    ["x-trace", "t1"],
    ["accept", "application/json"],
  ];

  test("a same-origin hop is authorized again for its new URL", async () => {
    const calls: string[] = [];
    const res = await sendRequest(get(to(A, "/ok?keep=1"), callerHeaders), { ...opts, auth: strategy(calls) });
    assert.equal(res.status, 200);
    assert.deepEqual(calls, [to(A, "/ok?keep=1"), `${A.origin}/ok?keep=1`]);
    const seen = A.seen.at(-1)!;
    assert.equal(seen.url, "/ok?keep=1&api_key=k-secret");
    assert.deepEqual(headerValues(seen.rawHeaders, "authorization"), ["Bearer t-secret"]);
    assert.deepEqual(headerValues(seen.rawHeaders, "cookie"), ["sid=c-secret"]);
  });

  test("a change of origin drops every credential, for the rest of the chain", async () => {
    // A -> B -> B (same-origin hop on B) -> back to A: none of the last three carries credentials.
    const calls: string[] = [];
    const backToA = `${A.origin}/ok`;
    const onBAgain = `/to?loc=${encodeURIComponent(backToA)}`;
    const landing = `${B.origin}/to?api_key=leaked&keep=1&loc=${encodeURIComponent(onBAgain)}`;
    const res = await sendRequest(get(to(A, landing), callerHeaders), { ...opts, auth: strategy(calls) });
    assert.equal(res.status, 200);
    assert.equal(calls.length, 1, "the strategy runs for the first origin only");
    const [onB, onB2] = B.seen.slice(-2);
    assert.equal(onB.url, `/to?keep=1&loc=${encodeURIComponent(onBAgain)}`);
    const onA = A.seen.at(-1)!;
    assert.equal(onA.url, "/ok");
    for (const seen of [onB, onB2, onA]) {
      for (const h of ["authorization", "cookie", "proxy-authorization", "x-api-key"]) {
        assert.deepEqual(headerValues(seen.rawHeaders, h), [], `${h} dropped`);
      }
      // A custom header may carry a connector's token: only known-safe headers cross origins.
      assert.deepEqual(headerValues(seen.rawHeaders, "x-trace"), [], "custom headers dropped");
      assert.deepEqual(headerValues(seen.rawHeaders, "accept"), ["application/json"], "safe headers kept");
    }
    assert.deepEqual(res.redirects, [`${B.origin}/to?keep=1&loc=${encodeURIComponent(onBAgain)}`, `${B.origin}${onBAgain}`, backToA]);
    assert.ok(!JSON.stringify(res.sent).includes("secret"));
  });

  test("a 401 after leaving the origin is not retried with credentials", async () => {
    const res = await sendRequest(get(to(A, `${B.origin}/guarded`)), { ...opts, auth: strategy([]) });
    assert.equal(res.status, 401);
  });
});

describe("each hop is checked by the outbound policy", () => {
  test("a redirect from an allowed host to a blocked address is blocked at the hop", async () => {
    const before = { a: A.seen.length, c: C.seen.length };
    await rejectsWith(sendRequest(get(to(A, `${C.origin}/ok`)), opts), "OUTBOUND_BLOCKED", /127\.0\.0\.2 is a loopback address/);
    assert.equal(A.seen.length, before.a + 1, "the first hop was made");
    assert.equal(C.seen.length, before.c, "the blocked target got nothing");
  });

  test("a redirect to a name that resolves to a blocked address is blocked", async () => {
    const before = C.seen.length;
    const target = `http://intranet.test:${C.port}/ok`;
    await rejectsWith(sendRequest(get(to(A, target)), opts), "OUTBOUND_BLOCKED", /intranet\.test resolves to 127\.0\.0\.2/);
    assert.equal(C.seen.length, before);
  });

  test("the same target is reachable when allowlisted (control)", async () => {
    const policy = parseOutboundAllow("127.0.0.1, 127.0.0.2");
    const res = await sendRequest(get(to(A, `${C.origin}/ok`)), { ...opts, policy });
    assert.equal(res.status, 200);
  });

  test("a redirect to the metadata address or another scheme is blocked", async () => {
    await rejectsWith(sendRequest(get(to(A, "http://169.254.169.254/latest/meta-data/")), opts), "OUTBOUND_BLOCKED", /metadata/);
    await rejectsWith(sendRequest(get(to(A, "file:///etc/passwd")), opts), "OUTBOUND_BLOCKED", /Only http and https/);
  });
});
