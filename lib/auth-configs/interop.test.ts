// Interop: our strategies and outbound path against lighttpd, an independent implementation of
// Basic, Digest (RFC 7616, MD5 and SHA-256) and TLS client-certificate authentication.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sendRequest } from "@/lib/http/execute";
import { parseOutboundAllow } from "@/lib/http/outbound-policy";
import { INTEROP_USER, P12_PASSPHRASE, startLighttpd, type TLighttpd } from "@/lib/testing/lighttpd";
import { basicStrategy, digestStrategy } from "./strategies";

const policy = parseOutboundAllow("127.0.0.1");
let server: TLighttpd;

before(async () => {
  server = await startLighttpd();
});
after(async () => {
  await server?.stop();
});

const get = (url: string, opts: Parameters<typeof sendRequest>[1] = {}) =>
  sendRequest({ method: "GET", url, headers: [] }, { policy, timeoutMs: 10_000, ...opts });

describe("Basic against lighttpd", () => {
  test("no credentials: 401 with lighttpd's Basic challenge", async () => {
    const res = await get(`${server.http}/basic/ok.txt`);
    assert.equal(res.status, 401);
    assert.match(res.headers.find(([n]) => n.toLowerCase() === "www-authenticate")?.[1] ?? "", /^Basic realm="interop"/);
  });
  for (const preemptive of [true, false]) {
    test(`right credentials, preemptive ${preemptive}`, async () => {
      const res = await get(`${server.http}/basic/ok.txt`, { auth: basicStrategy({ ...INTEROP_USER, preemptive }) });
      assert.equal(res.status, 200);
      assert.equal(res.body.toString(), "hello from basic\n");
    });
  }
  test("wrong password: 401", async () => {
    const res = await get(`${server.http}/basic/ok.txt`, { auth: basicStrategy({ username: INTEROP_USER.username, password: "nope", preemptive: true }) });
    assert.equal(res.status, 401);
  });
});

describe("Digest against lighttpd", () => {
  for (const area of ["digest-md5", "digest-sha256"]) {
    test(`${area}: right credentials answer the challenge`, async () => {
      const auth = digestStrategy(INTEROP_USER);
      const res = await get(`${server.http}/${area}/ok.txt?q=a%20b`, { auth });
      assert.equal(res.status, 200, res.body.toString());
      assert.equal(res.body.toString(), `hello from ${area}\n`);
      // The same strategy again: a fresh challenge or the next nonce count, accepted either way.
      const again = await get(`${server.http}/${area}/ok.txt`, { auth });
      assert.equal(again.status, 200);
    });
    test(`${area}: wrong password stays 401`, async () => {
      const res = await get(`${server.http}/${area}/ok.txt`, { auth: digestStrategy({ username: INTEROP_USER.username, password: "wrong" }) });
      assert.equal(res.status, 401);
    });
  }
});

describe("TLS client certificate against lighttpd (private CA)", () => {
  test("without trusting the private CA: TLS failure that names the trust problem", async () => {
    await assert.rejects(get(`${server.https}/ok.txt`), (e: Error & { code?: string }) => e.code === "TLS_FAILURE" && /trusted|authority|CA/i.test(e.message));
  });
  test("trusted CA but no client certificate: refused by the server", async () => {
    await assert.rejects(get(`${server.https}/ok.txt`, { tls: { ca: server.certs.ca } }), (e: Error & { code?: string }) => ["TLS_FAILURE", "CONNECTION_FAILED"].includes(e.code ?? "") && /certificate|handshake|TLS/i.test(e.message));
  });
  test("PEM certificate and key", async () => {
    const res = await get(`${server.https}/ok.txt`, { tls: { ca: server.certs.ca, cert: server.certs.clientCert, key: server.certs.clientKey } });
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), "hello over mutual TLS\n");
  });
  test("PKCS#12 with passphrase", async () => {
    const res = await get(`${server.https}/ok.txt`, { tls: { ca: server.certs.ca, pfx: server.certs.pfx, passphrase: P12_PASSPHRASE } });
    assert.equal(res.status, 200);
  });
});
