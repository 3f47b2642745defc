import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { env } from "@/lib/env";
import { closeDispatchers, type TResolve } from "./dispatcher";
import { sendRequest } from "./execute";
import { parseOutboundAllow } from "./outbound-policy";
import { get, rejectsWith, startServer, type TTestServer } from "./testing/servers";

// `outside` on 127.0.0.2 stands in for a public server (its address is allowlisted below);
// `inside` on 127.0.0.1, same port, is the internal target an attacker would like to reach.
let outside: TTestServer;
let inside: TTestServer;
const PUBLIC_STAND_IN = parseOutboundAllow("127.0.0.2");

before(async () => {
  outside = await startServer({ host: "127.0.0.2" });
  inside = await startServer({ host: "127.0.0.1", port: outside.port });
  for (const s of [outside, inside]) {
    // Connection: close makes every request open (and so resolve and check) a new connection.
    s.route("/", (_req, res) => res.writeHead(200, { connection: "close" }).end(s === outside ? "outside" : "inside"));
  }
});
after(async () => {
  await closeDispatchers();
  await Promise.all([outside.close(), inside.close()]);
});

function scripted(answers: string[][]): TResolve & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (host: string) => {
    calls.push(host);
    return answers[Math.min(calls.length - 1, answers.length - 1)];
  };
  return Object.assign(fn, { calls });
}

describe("the policy is applied at connect time, on the resolved address", () => {
  test("DNS rebinding: a name that first resolves to an allowed address and then to an internal one", async () => {
    const resolve = scripted([["127.0.0.2"], ["127.0.0.1"]]);
    const url = `http://rebind.test:${outside.port}/`;
    const first = await sendRequest(get(url), { policy: PUBLIC_STAND_IN, resolve });
    assert.equal(first.body.toString(), "outside");
    assert.deepEqual(resolve.calls, ["rebind.test"], "resolved once, by the connection itself");
    await new Promise((r) => setImmediate(r));
    const before = inside.seen.length;
    await rejectsWith(
      sendRequest(get(url), { policy: PUBLIC_STAND_IN, resolve }),
      "OUTBOUND_BLOCKED",
      /rebind\.test resolves to 127\.0\.0\.1, a loopback address; add the address or rebind\.test/,
    );
    assert.equal(resolve.calls.length, 2, "the second connection resolved again and was checked");
    assert.equal(inside.seen.length, before, "the internal server got nothing");
  });

  test("a name with one allowed and one blocked answer is blocked", async () => {
    const resolve = scripted([["127.0.0.2", "10.0.0.1"]]);
    await rejectsWith(
      sendRequest(get(`http://mixed.test:${outside.port}/`), { policy: PUBLIC_STAND_IN, resolve }),
      "OUTBOUND_BLOCKED",
      /10\.0\.0\.1, a private address/,
    );
  });

  test("a name resolving to a private address is blocked unless the name is allowlisted", async () => {
    const resolve = scripted([["127.0.0.1"]]);
    const url = `http://internal.test:${inside.port}/`;
    await rejectsWith(sendRequest(get(url), { policy: parseOutboundAllow(""), resolve }), "OUTBOUND_BLOCKED", /internal\.test/);
    const res = await sendRequest(get(url), { policy: parseOutboundAllow("internal.test"), resolve });
    assert.equal(res.body.toString(), "inside");
    assert.ok(res.timings.dnsMs !== undefined && res.timings.dnsMs >= 0, "name resolution timed");
  });

  test("an allowlisted wildcard opens subdomains", async () => {
    const resolve = scripted([["127.0.0.1"]]);
    const res = await sendRequest(get(`http://api.corp.test:${inside.port}/`), { policy: parseOutboundAllow("*.corp.test"), resolve });
    assert.equal(res.status, 200);
  });

  test("an allowlisted name does not open a metadata address", async () => {
    const resolve = scripted([["169.254.169.254"]]);
    await rejectsWith(
      sendRequest(get("http://meta.test/"), { policy: parseOutboundAllow("meta.test"), resolve }),
      "OUTBOUND_BLOCKED",
      /cloud metadata/,
    );
  });

  test("IP literals are checked too (net.connect skips lookup for them)", async () => {
    const before = inside.seen.length;
    await rejectsWith(sendRequest(get(`${inside.origin}/`), { policy: PUBLIC_STAND_IN }), "OUTBOUND_BLOCKED", /^127\.0\.0\.1 is a loopback/);
    await rejectsWith(sendRequest(get(`http://[::1]:${inside.port}/`), { policy: PUBLIC_STAND_IN }), "OUTBOUND_BLOCKED", /::1 is a loopback/);
    await rejectsWith(sendRequest(get(`http://2130706433:${inside.port}/`), { policy: PUBLIC_STAND_IN }), "OUTBOUND_BLOCKED");
    assert.equal(inside.seen.length, before);
  });

  const allowSet = env().PATCHBAY_OUTBOUND_ALLOW !== "";
  test("without an explicit policy, PATCHBAY_OUTBOUND_ALLOW (unset here) applies", { skip: allowSet && "PATCHBAY_OUTBOUND_ALLOW is set" }, async () => {
    const before = inside.seen.length;
    await rejectsWith(sendRequest(get(`${inside.origin}/`)), "OUTBOUND_BLOCKED", /loopback/);
    assert.equal(inside.seen.length, before);
  });
});
