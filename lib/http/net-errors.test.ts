import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AppError, type TErrorCode } from "@/lib/errors";
import { formatSeconds, tlsMaterialError, toAppError } from "./net-errors";

const ctx = { host: "api.example.com:443", timeoutMs: 30_000, timedOut: false, cancelled: false };
const err = (code: string, message = "", extra: object = {}) => Object.assign(new Error(message), { code }, extra);

// Errors as node:net, node:tls and undici raise them; the ones the integration tests cannot
// produce locally (expired certificates, resets, unreachable networks) are covered here.
const CASES: Array<[string, unknown, TErrorCode, RegExp]> = [
  ["expired certificate", err("CERT_HAS_EXPIRED", "certificate has expired"), "TLS_FAILURE", /certificate has expired/],
  ["not yet valid", err("CERT_NOT_YET_VALID"), "TLS_FAILURE", /not valid yet/],
  ["unknown issuer", err("UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "unable to get local issuer certificate"), "TLS_FAILURE",
    /not signed by a trusted authority \(unable to get local issuer certificate\); add its CA under Trusted server certificate/],
  ["hostname mismatch", err("ERR_TLS_CERT_ALTNAME_INVALID", "x", { reason: "Host: api.example.com. is not in the cert's altnames: DNS:other.example" }),
    "TLS_FAILURE", /not valid for api\.example\.com \(Host: api\.example\.com\. is not in the cert's altnames: DNS:other\.example\)/],
  ["handshake refused", err("ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE", "sslv3 alert handshake failure"), "TLS_FAILURE", /refused the handshake/],
  ["client certificate required", err("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"), "TLS_FAILURE", /requires a client certificate/],
  ["client certificate refused", err("ERR_SSL_TLSV1_ALERT_UNKNOWN_CA"), "TLS_FAILURE", /refused the client certificate/],
  ["not TLS", err("ERR_SSL_WRONG_VERSION_NUMBER"), "TLS_FAILURE", /did not answer with TLS/],
  ["refused", err("ECONNREFUSED"), "CONNECTION_REFUSED", /^api\.example\.com:443 refused the connection/],
  ["refused on every address (happy eyeballs)", new AggregateError([err("ECONNREFUSED"), err("ECONNREFUSED")]), "CONNECTION_REFUSED", /refused/],
  ["reset", err("ECONNRESET"), "CONNECTION_FAILED", /was reset/],
  ["closed early", err("UND_ERR_SOCKET", "other side closed"), "CONNECTION_FAILED", /closed before a complete response/],
  ["unreachable", err("ENETUNREACH"), "CONNECTION_FAILED", /unreachable/],
  ["DNS", err("ENOTFOUND"), "DNS_FAILURE", /^Could not resolve host api\.example\.com$/],
  ["TCP timeout", err("ETIMEDOUT"), "TIMEOUT", /did not answer in time/],
  ["wrapped cause", Object.assign(new TypeError("fetch failed"), { cause: err("ECONNRESET") }), "CONNECTION_FAILED", /reset/],
  ["undici argument error", err("UND_ERR_INVALID_ARG", "invalid upgrade header"), "INVALID_REQUEST", /invalid upgrade header/],
  ["other errno", err("EADDRNOTAVAIL"), "CONNECTION_FAILED", /\(EADDRNOTAVAIL\)/],
];

describe("toAppError", () => {
  for (const [name, e, code, message] of CASES) {
    test(name, () => {
      const out = toAppError(e, ctx);
      assert.equal(out.code, code, out.message);
      assert.match(out.message, message);
    });
  }

  test("an AppError in the chain is kept (policy decisions made inside the connector)", () => {
    const blocked = new AppError("OUTBOUND_BLOCKED", "10.0.0.1 is a private address");
    assert.equal(toAppError(Object.assign(new Error("x"), { cause: blocked }), ctx), blocked);
  });

  test("cancellation, then the deadline, win over whatever the abort looked like", () => {
    assert.equal(toAppError(err("ECONNRESET"), { ...ctx, cancelled: true, timedOut: true }).code, "CANCELLED");
    const t = toAppError(err("UND_ERR_ABORTED"), { ...ctx, timedOut: true });
    assert.deepEqual([t.code, t.message], ["TIMEOUT", "No response within 30 s"]);
  });

  test("what is not a network failure is rethrown as is", () => {
    const bug = new TypeError("cannot read properties of undefined");
    assert.throws(() => toAppError(bug, ctx), (e) => e === bug);
  });

  test("formatSeconds", () => {
    assert.deepEqual([30_000, 300_000, 300, 1_500].map(formatSeconds), ["30 s", "300 s", "0.3 s", "1.5 s"]);
  });
});

describe("tlsMaterialError", () => {
  const cases: Array<[string, RegExp]> = [
    ["error:11800071:PKCS12 routines::mac verify failure", /passphrase is wrong/],
    ["error:05800074:x509 certificate routines::key values mismatch", /do not belong together/],
    ["error:0480006C:PEM routines::no start line", /not valid PEM/],
    ["error:1C800064:Provider routines::bad decrypt", /could not be decrypted/],
  ];
  for (const [message, expected] of cases) {
    test(message, () => {
      const out = tlsMaterialError(new Error(message));
      assert.equal(out.code, "TLS_FAILURE");
      assert.match(out.message, expected);
    });
  }
});
