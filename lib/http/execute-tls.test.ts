import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import tls from "node:tls";
import { closeDispatchers, trustedCAs } from "./dispatcher";
import { sendRequest } from "./execute";
import { makeTestCerts, type TTestCerts } from "./testing/certs";
import { get, LOCAL_POLICY, rejectsWith, startServer, type TTestServer } from "./testing/servers";

let certs: TTestCerts;
let selfSigned: TTestServer; // self-signed, valid for localhost and 127.0.0.1
let caSigned: TTestServer; // signed by the test CA, valid for localhost only
let mutual: TTestServer; // requires a client certificate signed by the test CA
const resolve = async () => ["127.0.0.1"];
const opts = { policy: LOCAL_POLICY, resolve };

before(async () => {
  certs = makeTestCerts();
  selfSigned = await startServer({ tls: { cert: certs.selfCert, key: certs.selfKey } });
  caSigned = await startServer({ tls: { cert: certs.serverCert, key: certs.serverKey } });
  mutual = await startServer({
    tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.caCert, requestCert: true, rejectUnauthorized: true },
  });
  for (const s of [selfSigned, caSigned, mutual]) s.route("/", (_req, res) => res.end("secure"));
});
after(async () => {
  await closeDispatchers();
  await Promise.all([selfSigned, caSigned, mutual].map((s) => s.close()));
});

describe("server certificates", () => {
  test("a self-signed server is refused without its CA, naming the trust problem", async () => {
    await rejectsWith(
      sendRequest(get(`${selfSigned.origin}/`), opts),
      "TLS_FAILURE",
      /not signed by a trusted authority \(self-signed certificate\); add its CA under Trusted server certificate/,
    );
  });

  test("a self-signed server is accepted with its certificate as the trusted CA", async () => {
    const res = await sendRequest(get(`${selfSigned.origin}/`), { ...opts, tls: { ca: certs.selfCert } });
    assert.equal(res.body.toString(), "secure");
    assert.ok(res.timings.connectMs !== undefined, "TLS connect measured");
  });

  test("a trusted certificate for another name is a hostname mismatch", async () => {
    await rejectsWith(
      sendRequest(get(`https://127.0.0.1:${caSigned.port}/`), { ...opts, tls: { ca: certs.caCert } }),
      "TLS_FAILURE",
      /certificate is not valid for 127\.0\.0\.1/,
    );
  });

  test("the same server by the name in its certificate works (control)", async () => {
    const res = await sendRequest(get(`https://localhost:${caSigned.port}/`), { ...opts, tls: { ca: certs.caCert } });
    assert.equal(res.status, 200);
  });

  test("the configured CA is added to the public roots, not put in their place", () => {
    const bundle = trustedCAs(certs.caCert)!;
    assert.equal(bundle.length, tls.rootCertificates.length + 1);
    assert.equal(bundle[0], tls.rootCertificates[0]);
    assert.equal(bundle.at(-1), certs.caCert);
    assert.equal(trustedCAs(undefined), undefined, "no CA: Node's defaults");
  });

  test("an unrelated CA does not make the server trusted", async () => {
    await rejectsWith(
      sendRequest(get(`https://localhost:${caSigned.port}/`), { ...opts, tls: { ca: certs.selfCert } }),
      "TLS_FAILURE",
      /not signed by a trusted authority/,
    );
  });
});

describe("client certificates", () => {
  const url = () => `https://localhost:${mutual.port}/`;

  test("without a client certificate the server's demand is reported", async () => {
    await rejectsWith(sendRequest(get(url()), { ...opts, tls: { ca: certs.caCert } }), "TLS_FAILURE", /requires a client certificate/);
  });

  test("PEM certificate and key", async () => {
    const tls = { ca: certs.caCert, cert: certs.clientCert, key: certs.clientKey };
    const res = await sendRequest(get(url()), { ...opts, tls });
    assert.equal(res.body.toString(), "secure");
  });

  test("PKCS#12 with its passphrase", async () => {
    const tls = { ca: certs.caCert, pfx: new Uint8Array(certs.clientPfx), passphrase: certs.pfxPassphrase };
    const res = await sendRequest(get(url()), { ...opts, tls });
    assert.equal(res.body.toString(), "secure");
  });

  test("PKCS#12 with a wrong passphrase says so, without echoing it", async () => {
    const tls = { ca: certs.caCert, pfx: certs.clientPfx, passphrase: "not-the-passphrase" };
    await assert.rejects(sendRequest(get(url()), { ...opts, tls }), (e: Error) => {
      assert.match(e.message, /passphrase is wrong/);
      assert.ok(!e.message.includes("not-the-passphrase"));
      return true;
    });
  });

  test("a certificate with a key that does not match is reported", async () => {
    const tls = { ca: certs.caCert, cert: certs.clientCert, key: certs.serverKey };
    await rejectsWith(sendRequest(get(url()), { ...opts, tls }), "TLS_FAILURE", /do not belong together/);
  });

  test("plain http to a TLS client is refused in words (https to a plain port)", async () => {
    const plain = await startServer();
    try {
      await rejectsWith(sendRequest(get(`https://127.0.0.1:${plain.port}/`), opts), "TLS_FAILURE", /did not answer with TLS/);
    } finally {
      await plain.close();
    }
  });
});
