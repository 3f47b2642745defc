import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "@/lib/errors";
import { closeDispatchers } from "./dispatcher";
import { sendRequest } from "./execute";
import { get, headerValues, LOCAL_POLICY, rejectsWith, startServer, type TTestServer } from "./testing/servers";
import { MASK, type TAuthStrategy, type TOutgoingRequest } from "./types";

let srv: TTestServer;
const opts = { policy: LOCAL_POLICY };

before(async () => {
  srv = await startServer();
  srv.route("/echo", (req, res, body) => {
    res.statusMessage = "Made It";
    res.setHeader("set-cookie", ["a=1", "b=2"]);
    res.setHeader("x-method", req.method!);
    res.writeHead(201).end(body);
  });
  srv.route("/big", (_req, res) => res.end(Buffer.alloc(100_000, 0x61)));
  srv.route("/exact", (_req, res) => res.end(Buffer.alloc(1000, 0x62)));
  srv.route("/hang", () => {}); // never answers
  srv.route("/slow", (_req, res) => setTimeout(() => res.end("late"), 2_000).unref());
  srv.route("/guarded", (req, res) => {
    const ok = req.headers.authorization === "Token second";
    res.writeHead(ok ? 200 : 401, { "www-authenticate": "Token" }).end(ok ? "in" : "denied");
  });
});

after(async () => {
  await closeDispatchers();
  await srv.close();
});

describe("sendRequest round trip", () => {
  test("status, status text, headers and body go both ways; repeated names keep their order", async () => {
    const res = await sendRequest(
      {
        method: "POST",
        url: `${srv.origin}/echo?x=1`,
        headers: [["x-multi", "one"], ["content-type", "text/plain"], ["x-multi", "two"], ["X-Multi", "three"]],
        body: Buffer.from("hello body"),
      },
      opts,
    );
    assert.equal(res.status, 201);
    assert.equal(res.statusText, "Made It");
    assert.equal(res.body.toString(), "hello body");
    assert.equal(res.truncated, false);
    assert.deepEqual(res.headers.filter(([n]) => n.toLowerCase() === "set-cookie").map(([, v]) => v), ["a=1", "b=2"]);
    assert.equal(res.url, `${srv.origin}/echo?x=1`);
    const seen = srv.seen.at(-1)!;
    assert.equal(seen.method, "POST");
    assert.equal(seen.url, "/echo?x=1");
    assert.equal(seen.body.toString(), "hello body");
    assert.deepEqual(headerValues(seen.rawHeaders, "x-multi"), ["one", "two", "three"]);
  });

  test('"Request sent" lists every header the server received, in order, including those undici adds', async () => {
    for (const [method, body] of [["GET", null], ["POST", null], ["PUT", Buffer.from("12345")], ["DELETE", null], ["PATCH", Buffer.from("x")]] as const) {
      const res = await sendRequest({ method, url: `${srv.origin}/echo?m=${method}`, headers: [["X-Trace", "t1"], ["accept", "*/*"]], body }, opts);
      const raw = srv.seen.at(-1)!.rawHeaders;
      const received: Array<[string, string]> = [];
      for (let i = 0; i < raw.length; i += 2) received.push([raw[i], raw[i + 1]]);
      assert.deepEqual(res.sent.headers, received, method);
    }
  });

  test("timings are measured; a second request reuses the pooled connection", async () => {
    await closeDispatchers();
    const first = await sendRequest(get(`${srv.origin}/echo`), opts);
    // undici marks the connection idle in a microtask after the body ends.
    await new Promise((resolve) => setImmediate(resolve));
    const second = await sendRequest(get(`${srv.origin}/echo`), opts);
    assert.ok(first.timings.connectMs !== undefined && first.timings.connectMs >= 0, "new connection measured");
    assert.equal(first.timings.dnsMs, undefined, "an IP literal is not resolved");
    assert.ok(first.timings.firstByteMs > 0 && first.timings.totalMs >= first.timings.firstByteMs);
    assert.equal(second.timings.connectMs, undefined, "no new connection");
    const [a, b] = srv.seen.slice(-2);
    assert.equal(a.remotePort, b.remotePort, "same client socket");
  });
});

describe("limits", () => {
  test("the response is cut at the cap and marked truncated", async () => {
    const res = await sendRequest(get(`${srv.origin}/big`), { ...opts, maxResponseBytes: 10_000 });
    assert.equal(res.body.length, 10_000);
    assert.equal(res.truncated, true);
  });

  test("a response exactly at the cap is not truncated", async () => {
    const res = await sendRequest(get(`${srv.origin}/exact`), { ...opts, maxResponseBytes: 1000 });
    assert.equal(res.body.length, 1000);
    assert.equal(res.truncated, false);
  });

  test("a request body over the cap is refused before sending", async () => {
    const before = srv.seen.length;
    const req: TOutgoingRequest = { method: "POST", url: `${srv.origin}/echo`, headers: [], body: Buffer.alloc(11) };
    await rejectsWith(sendRequest(req, { ...opts, maxRequestBytes: 10 }), "PAYLOAD_TOO_LARGE", /request body/);
    assert.equal(srv.seen.length, before);
  });

  test("the timeout covers the exchange", { timeout: 5_000 }, async () => {
    const t0 = performance.now();
    await rejectsWith(sendRequest(get(`${srv.origin}/hang`), { ...opts, timeoutMs: 300 }), "TIMEOUT", /^No response within 0\.3 s$/);
    assert.ok(performance.now() - t0 < 2_000);
  });

  test("the timeout also covers a body that arrives too late", { timeout: 5_000 }, async () => {
    await rejectsWith(sendRequest(get(`${srv.origin}/slow`), { ...opts, timeoutMs: 500 }), "TIMEOUT");
  });

  test("the timeout applies when the caller also passes a signal", { timeout: 5_000 }, async () => {
    const ac = new AbortController();
    await rejectsWith(sendRequest(get(`${srv.origin}/hang`), { ...opts, signal: ac.signal, timeoutMs: 300 }), "TIMEOUT");
    assert.equal(ac.signal.aborted, false);
  });

  test("the caller's signal cancels", { timeout: 5_000 }, async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await rejectsWith(sendRequest(get(`${srv.origin}/hang`), { ...opts, signal: ac.signal }), "CANCELLED");
  });
});

describe("network errors in plain words", () => {
  test("connection refused", async () => {
    const gone = await startServer();
    await gone.close();
    await rejectsWith(sendRequest(get(`${gone.origin}/`), opts), "CONNECTION_REFUSED", /127\.0\.0\.1:\d+ refused the connection/);
  });

  test("DNS failure names the host", async () => {
    await rejectsWith(
      sendRequest(get("http://no-such-host.invalid/"), { policy: LOCAL_POLICY }),
      "DNS_FAILURE",
      /^Could not resolve host no-such-host\.invalid$/,
    );
  });

  test("a host the injected resolver cannot answer is a DNS failure", async () => {
    const resolve = async () => {
      throw Object.assign(new Error("nope"), { code: "ENOTFOUND" });
    };
    await rejectsWith(sendRequest(get("http://api.example.test/"), { ...opts, resolve }), "DNS_FAILURE", /api\.example\.test/);
  });

  test("other schemes and credentials in the URL are refused", async () => {
    await rejectsWith(sendRequest(get("file:///etc/passwd"), opts), "OUTBOUND_BLOCKED");
    await rejectsWith(sendRequest(get(`http://u:p@127.0.0.1:${srv.port}/echo`), opts), "OUTBOUND_BLOCKED");
  });
});

describe("header validation", () => {
  const bad: Array<[string, [string, string]]> = [
    ["CR/LF in a value", ["x-note", "a\r\nX-Injected: 1"]],
    ["LF alone", ["x-note", "a\nb"]],
    ["NUL", ["x-note", "a\0b"]],
    ["a space in the name", ["x note", "a"]],
    ["a colon in the name", ["x-note:", "a"]],
    ["an empty name", ["", "a"]],
  ];
  for (const [what, header] of bad) {
    test(`refuses ${what} and sends nothing`, async () => {
      const before = srv.seen.length;
      await rejectsWith(sendRequest(get(`${srv.origin}/echo`, [header]), opts), "INVALID_REQUEST");
      assert.equal(srv.seen.length, before);
    });
  }
  test("refuses a strategy that injects a line break", async () => {
    const auth: TAuthStrategy = {
      sensitive: { headers: [], query: [] },
      authorize: async (r) => ({ ...r, headers: [...r.headers, ["authorization", "x\r\nevil: 1"]] }),
    };
    await rejectsWith(sendRequest(get(`${srv.origin}/echo`), { ...opts, auth }), "INVALID_REQUEST", /authorization/);
  });
});

describe("auth strategies", () => {
  const strategy = (retry: (attempt: number) => string | null, calls: number[]): TAuthStrategy => ({
    sensitive: { headers: ["authorization"], query: [] },
    authorize: async (r) => ({ ...r, headers: [...r.headers, ["authorization", "Token first"]] }),
    onUnauthorized: async (r, res, attempt) => {
      assert.equal(res.status, 401);
      calls.push(attempt);
      const token = retry(attempt);
      if (!token) return null;
      return { ...r, headers: r.headers.filter(([n]) => n !== "authorization").concat([["authorization", token]]) };
    },
  });

  test("a 401 is handed to onUnauthorized and its request is sent", async () => {
    const calls: number[] = [];
    const res = await sendRequest(get(`${srv.origin}/guarded`), { ...opts, auth: strategy(() => "Token second", calls) });
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), "in");
    assert.deepEqual(calls, [1]);
    assert.deepEqual(res.sent.headers, [["host", new URL(srv.origin).host], ["connection", "keep-alive"], ["authorization", MASK]]);
  });

  test("at most three retries, then the 401 with its body", async () => {
    const calls: number[] = [];
    const res = await sendRequest(get(`${srv.origin}/guarded`), { ...opts, auth: strategy(() => "Token wrong", calls) });
    assert.equal(res.status, 401);
    assert.equal(res.body.toString(), "denied");
    assert.deepEqual(calls, [1, 2, 3]);
  });

  test("onUnauthorized returning null gives the 401 to the caller", async () => {
    const calls: number[] = [];
    const res = await sendRequest(get(`${srv.origin}/guarded`), { ...opts, auth: strategy(() => null, calls) });
    assert.equal(res.status, 401);
    assert.equal(res.body.toString(), "denied");
    assert.deepEqual(calls, [1]);
  });

  test("an AppError thrown by the strategy reaches the caller unchanged", async () => {
    const auth: TAuthStrategy = {
      sensitive: { headers: [], query: [] },
      authorize: async (r) => r,
      onUnauthorized: async () => {
        throw new AppError("VALIDATION", "Reconnect the OAuth2 configuration");
      },
    };
    await rejectsWith(sendRequest(get(`${srv.origin}/guarded`), { ...opts, auth }), "VALIDATION", /^Reconnect/);
  });

  test("sent shows the final request with the strategy's secrets masked; the server got them", async () => {
    const auth: TAuthStrategy = {
      sensitive: { headers: ["x-api-key"], query: ["api_key"] },
      authorize: async (r) => ({ ...r, url: `${r.url}&api_key=k-secret`, headers: [...r.headers, ["X-Api-Key", "h-secret"]] }),
    };
    const body = Buffer.from('{"hello":"world"}');
    const req: TOutgoingRequest = { method: "PUT", url: `${srv.origin}/echo?q=1`, headers: [["content-type", "application/json"]], body };
    const res = await sendRequest(req, { ...opts, auth });
    assert.deepEqual(res.sent, {
      method: "PUT",
      url: `${srv.origin}/echo?q=1&api_key=${MASK}`,
      headers: [["host", new URL(srv.origin).host], ["connection", "keep-alive"], ["content-type", "application/json"], ["X-Api-Key", MASK], ["content-length", String(body.length)]],
      bodyBytes: body.length,
      bodyPreview: '{"hello":"world"}',
    });
    assert.equal(res.url, `${srv.origin}/echo?q=1&api_key=${MASK}`);
    const seen = srv.seen.at(-1)!;
    assert.equal(seen.url, "/echo?q=1&api_key=k-secret");
    assert.deepEqual(headerValues(seen.rawHeaders, "x-api-key"), ["h-secret"]);
  });
});
