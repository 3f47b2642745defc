// Listener input (schema.ts): defaults, the normalised path, field errors under the form's keys
// ("auth.headerName", "mapping.0.name"), and the write-only secrets.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_RETENTION_DAYS, DEFAULT_SIZE_LIMIT, missingAuthSecrets, ZListenerInput, type TListenerFormValues } from "./schema";

const base: TListenerFormValues = { name: "Orders", path: "/api/hooks/acme/orders/" };

/** Field errors keyed like react-hook-form's names. */
function errorsOf(input: unknown): Record<string, string> {
  const r = ZListenerInput.safeParse(input);
  if (r.success) return {};
  return Object.fromEntries(r.error.issues.map((i) => [i.path.join("."), i.message]));
}

describe("ZListenerInput", () => {
  test("defaults and the normalised path", () => {
    const v = ZListenerInput.parse(base);
    assert.equal(v.path, "acme/orders");
    assert.deepEqual(v.methods, ["POST"]);
    assert.equal(v.auth.mode, "NONE");
    assert.equal(v.auth.algorithm, "sha256");
    assert.equal(v.auth.encoding, "hex");
    assert.equal(v.sizeLimitBytes, DEFAULT_SIZE_LIMIT);
    assert.equal(v.retentionDays, DEFAULT_RETENTION_DAYS);
    assert.equal(v.target, "STORE");
    assert.deepEqual(v.mapping, []);
    assert.equal(v.environmentId, "");
  });

  test("methods are de-duplicated; none or an unknown one is a field error", () => {
    assert.deepEqual(ZListenerInput.parse({ ...base, methods: ["POST", "PUT", "POST"] }).methods, ["POST", "PUT"]);
    assert.equal(errorsOf({ ...base, methods: [] }).methods, "Choose at least one method");
    assert.ok(errorsOf({ ...base, methods: ["HEAD"] })["methods.0"], "HEAD is refused");
  });

  test("name, path, size and retention messages", () => {
    const e = errorsOf({ name: "  ", path: "a/../b", sizeLimitBytes: 10_485_761, retentionDays: 0 });
    assert.deepEqual(e, {
      name: "Enter a name",
      path: "Use letters, digits, -, _ and /",
      sizeLimitBytes: "At most 10 MB (10485760 bytes)",
      retentionDays: "At least 1 day",
    });
    assert.equal(errorsOf({ ...base, path: "" }).path, "Enter the path");
    assert.equal(ZListenerInput.parse({ ...base, sizeLimitBytes: "2048", retentionDays: "7" }).sizeLimitBytes, 2048, "form strings are coerced");
    assert.equal(errorsOf({ ...base, sizeLimitBytes: 1.5 }).sizeLimitBytes, "Whole bytes");
  });

  test("sender authentication: the fields each mode needs, header names as RFC 9110 tokens", () => {
    assert.deepEqual(errorsOf({ ...base, auth: { mode: "BASIC" } }), { "auth.username": "Enter the username" });
    assert.ok(errorsOf({ ...base, auth: { mode: "BASIC", username: "a:b" } })["auth.username"], "a colon in the username");
    assert.deepEqual(errorsOf({ ...base, auth: { mode: "SHARED_SECRET" } }), { "auth.headerName": "Enter the header name" });
    assert.deepEqual(errorsOf({ ...base, auth: { mode: "HMAC", headerName: "X Sig" } }), { "auth.headerName": "Use letters, digits and - (an HTTP header name)" });
    assert.deepEqual(errorsOf({ ...base, auth: { mode: "SHARED_SECRET", headerName: "X-Token", headerValue: "a\r\nb" } }), { "auth.headerValue": "Line breaks are not allowed" });
    assert.ok(errorsOf({ ...base, auth: { mode: "STANDARD_WEBHOOKS", secret: "plain" } })["auth.secret"], "not a whsec_ key");
    const hmac = ZListenerInput.parse({ ...base, auth: { mode: "HMAC", headerName: "X-Hub-Signature-256", prefix: "sha256=", secret: " s " } });
    assert.equal(hmac.auth.secret, " s ", "secrets are not trimmed");
    assert.equal(ZListenerInput.parse({ ...base, auth: { mode: "SHARED_SECRET", headerName: "X-T", headerValue: " v " } }).auth.headerValue, "v", "HTTP drops spaces around a header value");
  });

  test("targets: a callback URL for FORWARD, a connector for CONNECTOR", () => {
    assert.deepEqual(errorsOf({ ...base, target: "FORWARD" }), { callbackUrl: "Enter the callback URL" });
    assert.deepEqual(errorsOf({ ...base, target: "FORWARD", callbackUrl: "ftp://x.example" }), { callbackUrl: "Use an http or https URL" });
    assert.ok(errorsOf({ ...base, target: "FORWARD", callbackUrl: "not a url" }).callbackUrl, "not a URL");
    assert.ok(errorsOf({ ...base, target: "FORWARD", callbackUrl: "https://u:p@x.example" }).callbackUrl, "credentials in the URL");
    assert.deepEqual(errorsOf({ ...base, target: "FORWARD", callbackUrl: "https://x.example/in" }), {});
    assert.deepEqual(errorsOf({ ...base, target: "CONNECTOR" }), { connectorId: "Choose a connector" });
    assert.deepEqual(errorsOf({ ...base, target: "STORE", callbackUrl: "left over" }), {}, "fields of other targets are not checked");
    assert.ok(errorsOf({ ...base, signingKey: "nope" }).signingKey, "signing key shape");
    assert.deepEqual(errorsOf({ ...base, signingKey: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }), {});
  });

  test("mapping rows: names needed, header names are tokens, a path parameter mapped once, at most 50", () => {
    const e = errorsOf({
      ...base,
      target: "CONNECTOR",
      connectorId: "c1",
      mapping: [
        { from: "header", name: "", to: "path", param: "id" },
        { from: "header", name: "X Bad", to: "query", param: "q" },
        { from: "query", name: "order", to: "path", param: "id" },
        { from: "query", name: "a", to: "query", param: "" },
      ],
    });
    assert.equal(e["mapping.0.name"], "Enter the name");
    assert.equal(e["mapping.1.name"], "Use letters, digits and - (an HTTP header name)");
    assert.equal(e["mapping.2.param"], "id is mapped twice");
    assert.equal(e["mapping.3.param"], "Enter the connector's parameter");
    const many = Array.from({ length: 51 }, (_, i) => ({ from: "query", name: `q${i}`, to: "query", param: "p" }));
    assert.equal(errorsOf({ ...base, mapping: many }).mapping, "At most 50 mappings");
  });
});

describe("missingAuthSecrets", () => {
  const none = { hasPassword: false, hasHeaderValue: false, hasSecret: false };
  const parse = (auth: object) => ZListenerInput.parse({ ...base, auth });

  test("on create each mode names its secret", () => {
    assert.deepEqual(missingAuthSecrets(parse({ mode: "NONE" }), none), []);
    assert.deepEqual(missingAuthSecrets(parse({ mode: "BASIC", username: "u" }), none), [{ field: "auth.password", message: "Enter the password" }]);
    assert.deepEqual(missingAuthSecrets(parse({ mode: "SHARED_SECRET", headerName: "X-T" }), none).map((m) => m.field), ["auth.headerValue"]);
    assert.deepEqual(missingAuthSecrets(parse({ mode: "HMAC", headerName: "X-S" }), none).map((m) => m.field), ["auth.secret"]);
    assert.deepEqual(missingAuthSecrets(parse({ mode: "STANDARD_WEBHOOKS" }), none).map((m) => m.field), ["auth.secret"]);
  });

  test("on edit a blank secret keeps the stored one; entering one is always enough", () => {
    assert.deepEqual(missingAuthSecrets(parse({ mode: "BASIC", username: "u" }), { ...none, hasPassword: true }), []);
    assert.deepEqual(missingAuthSecrets(parse({ mode: "HMAC", headerName: "X-S" }), { ...none, hasSecret: true }), []);
    assert.deepEqual(missingAuthSecrets(parse({ mode: "SHARED_SECRET", headerName: "X-T", headerValue: "v" }), none), []);
    // A stored secret of another kind does not count (switching from Basic to HMAC needs a secret).
    assert.equal(missingAuthSecrets(parse({ mode: "HMAC", headerName: "X-S" }), { ...none, hasPassword: true }).length, 1);
  });
});
