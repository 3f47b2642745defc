import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "@/lib/errors";
import { ZAuthConfigInput, type TAuthConfigInput } from "@/lib/auth-configs/schema";
import { extensibleField, extensibleFields } from "./fields";
import { connectionKeyOf, resolveEffective } from "./resolve";

const staging = { id: "env-staging", name: "Staging" };

const basic = ZAuthConfigInput.parse({ name: "Basic", protocol: "HTTP", subProtocol: "BASIC", username: "dev", password: "dev-pw", testUrl: "https://dev.example/ping" });
const clientCredentials = ZAuthConfigInput.parse({
  name: "CC",
  protocol: "OAUTH2",
  subProtocol: "OAUTH2_CLIENT_CREDENTIALS",
  tokenUrl: "https://idp.example/token",
  clientId: "dev-client",
  clientSecret: "dev-secret",
  tokenParams: [{ name: "resource", value: "dev" }],
});

function validation(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof AppError && e.code === "VALIDATION", String(e));
    return e;
  }
  assert.fail("expected a VALIDATION error");
}

describe("resolveEffective", () => {
  test("no environment, or one without overrides: the defaults, unchanged, on the default connection", () => {
    assert.deepEqual(resolveEffective(basic, null, []), { config: basic, environment: null, provenance: {}, connection: "" });
    const none = resolveEffective(basic, staging, []);
    assert.equal(none.config, basic);
    assert.equal(none.connection, "");
  });

  test("single fields are overridden, secrets and TLS included; each knows where it came from", () => {
    const r = resolveEffective(basic, staging, [
      { fieldId: "username", state: "value", value: "stage" },
      { fieldId: "password", state: "value", value: "stage-pw" },
      { fieldId: "preemptive", state: "value", value: false },
      { fieldId: "tls.caBundlePem", state: "value", value: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----" },
    ]);
    const c = r.config as Extract<TAuthConfigInput, { subProtocol: "BASIC" }>;
    assert.equal(c.username, "stage");
    assert.equal(c.password, "stage-pw");
    assert.equal(c.preemptive, false);
    assert.match(c.tls.caBundlePem, /BEGIN CERTIFICATE/);
    assert.equal(c.testUrl, "https://dev.example/ping", "not overridden: the default");
    assert.deepEqual(r.provenance, { username: "override", password: "override", preemptive: "override", "tls.caBundlePem": "override" });
    assert.equal((basic as { username: string }).username, "dev", "the defaults are not modified");
  });

  test("an override of the client, URLs, scope or credentials is a separate connection; Header name, Prefix and Test URL are not", () => {
    assert.equal(resolveEffective(clientCredentials, staging, [{ fieldId: "clientId", state: "value", value: "stage-client" }]).connection, staging.id);
    assert.equal(resolveEffective(clientCredentials, staging, [{ fieldId: "tokenParams", state: "value", value: [{ name: "resource", value: "stage" }] }]).connection, staging.id);
    const cosmetic = resolveEffective(clientCredentials, staging, [
      { fieldId: "prefix", state: "value", value: "Token" },
      { fieldId: "testUrl", state: "value", value: "https://stage.example/ping" },
    ]);
    assert.equal(cosmetic.connection, "");
    assert.equal(connectionKeyOf(clientCredentials, null, ["clientId"]), "");
  });

  test("custom properties replace the whole list", () => {
    const r = resolveEffective(clientCredentials, staging, [{ fieldId: "tokenParams", state: "value", value: [{ name: "audience2", value: "x" }] }]);
    assert.deepEqual((r.config as { tokenParams: unknown }).tokenParams, [{ name: "audience2", value: "x" }]);
  });

  test("an override that still needs a value refuses the request, naming the field and the environment", () => {
    const e = validation(() => resolveEffective(basic, staging, [{ fieldId: "password", state: "needs-value" }]));
    assert.match(e.message, /In the environment "Staging", "Basic" overrides Password but has no value for it yet/);
    assert.deepEqual(Object.keys(e.fieldErrors ?? {}), ["password"]);
  });

  test("an override that leaves the configuration invalid is refused, naming the environment", () => {
    const e = validation(() => resolveEffective(clientCredentials, staging, [{ fieldId: "tokenUrl", state: "value", value: "" }]));
    assert.match(e.message, /^In the environment "Staging", "CC" is not valid: tokenUrl: /);
  });

  test("an override stored for another sub-protocol is ignored (the configuration changed since)", () => {
    const r = resolveEffective(basic, staging, [{ fieldId: "clientId", state: "value", value: "x" }]);
    assert.deepEqual(r.config, basic);
    assert.deepEqual(r.provenance, {});
  });
});

describe("extensible fields", () => {
  test("every setting, secret, the Test URL and the TLS material — never Name, Protocol or Sub-protocol", () => {
    const ids = extensibleFields("OAUTH2_AUTH_CODE").map((f) => f.id);
    for (const id of ["authorizationUrl", "tokenUrl", "refreshUrl", "clientId", "clientSecret", "scope", "audience", "authParams", "tokenParams", "pkce", "clientAuth", "sharedCredentials", "headerName", "prefix", "testUrl", "tls.clientCertMode", "tls.clientCertPem", "tls.clientKeyPem", "tls.pkcs12", "tls.pkcs12Passphrase", "tls.caBundlePem"]) {
      assert.ok(ids.includes(id), id);
    }
    for (const id of ["name", "protocol", "subProtocol", "clearSecrets", "tls"]) assert.ok(!ids.includes(id), id);
  });
  test("kinds and encryption follow the configuration schema", () => {
    assert.deepEqual(extensibleField("BASIC", "password"), { id: "password", label: "Password", kind: "text", encrypted: true, identity: true });
    assert.equal(extensibleField("BASIC", "preemptive")?.kind, "boolean");
    assert.deepEqual(extensibleField("API_KEY", "placement")?.options, ["HEADER", "QUERY"]);
    assert.equal(extensibleField("OAUTH2_PASSWORD", "tokenParams")?.kind, "pairs");
    assert.equal(extensibleField("AWS_SIGV4", "tls.pkcs12")?.kind, "file");
    assert.equal(extensibleField("AWS_SIGV4", "tls.pkcs12")?.encrypted, true);
    assert.equal(extensibleField("BASIC", "clientId"), null);
  });
});
