import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TOutgoingRequest } from "@/lib/http/types";
import { isAppError } from "@/lib/errors";
import { basicStrategy } from "./basic";

const req = (headers: TOutgoingRequest["headers"] = [["Accept", "application/json"]]): TOutgoingRequest => ({
  method: "GET",
  url: "https://api.example.com/v1/items",
  headers,
});
const challenge = (...values: string[]) => ({
  status: 401,
  headers: values.map((v): [string, string] => ["WWW-Authenticate", v]),
});

describe("basicStrategy", () => {
  test("RFC 7617 §2 example: Aladdin / open sesame", async () => {
    const out = await basicStrategy({ username: "Aladdin", password: "open sesame" }).authorize(req());
    assert.deepEqual(out.headers, [
      ["Accept", "application/json"],
      ["Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="],
    ]);
  });

  test("RFC 7617 §2.1 example: UTF-8 credentials (test / 123£)", async () => {
    const out = await basicStrategy({ username: "test", password: "123\u00A3" }).authorize(req([]));
    assert.deepEqual(out.headers, [["Authorization", "Basic dGVzdDoxMjPCow=="]]);
  });

  test("non-Latin credentials and a colon in the password round-trip through UTF-8 base64", async () => {
    const out = await basicStrategy({ username: "用户", password: "pa:ss wörd 🔑" }).authorize(req([]));
    const [, value] = out.headers[0];
    const decoded = Buffer.from(value.replace(/^Basic /, ""), "base64").toString("utf8");
    assert.equal(decoded, "用户:pa:ss wörd 🔑");
  });

  test("an existing Authorization header (any case) is replaced", async () => {
    const out = await basicStrategy({ username: "a", password: "b" }).authorize(
      req([
        ["authorization", "Bearer connector-token"],
        ["X-Other", "1"],
      ]),
    );
    assert.deepEqual(out.headers, [
      ["X-Other", "1"],
      ["Authorization", "Basic YTpi"],
    ]);
  });

  test("the input request is not mutated", async () => {
    const original = req();
    await basicStrategy({ username: "a", password: "b" }).authorize(original);
    assert.deepEqual(original, req());
  });

  test("a colon in the username is rejected (RFC 7617 §2)", () => {
    assert.throws(
      () => basicStrategy({ username: "a:b", password: "c" }),
      (e) => isAppError(e) && e.code === "VALIDATION",
    );
  });

  test("preemptive: a 401 is final", async () => {
    const s = basicStrategy({ username: "a", password: "b" });
    assert.equal(await s.onUnauthorized!(req(), challenge('Basic realm="x"'), 1), null);
  });

  describe("not preemptive", () => {
    const s = () => basicStrategy({ username: "Aladdin", password: "open sesame", preemptive: false });

    test("the first request goes out without credentials", async () => {
      assert.deepEqual(await s().authorize(req()), req());
    });

    test("answers a Basic challenge once", async () => {
      const out = await s().onUnauthorized!(req(), challenge('Basic realm="api", charset="UTF-8"'), 1);
      assert.deepEqual(out?.headers.at(-1), ["Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="]);
      assert.equal(await s().onUnauthorized!(out!, challenge('Basic realm="api"'), 2), null);
    });

    test("finds Basic among several challenges in one header or across headers, any case", async () => {
      const oneHeader = challenge('Digest realm="d, e", nonce="n", BASIC realm="b"');
      assert.ok(await s().onUnauthorized!(req(), oneHeader, 1));
      const twoHeaders = challenge('Bearer realm="x"', 'basic realm="b"');
      assert.ok(await s().onUnauthorized!(req(), twoHeaders, 1));
    });

    test("no Basic challenge (or \"Basic\" only inside a quoted value): null", async () => {
      assert.equal(await s().onUnauthorized!(req(), challenge('Bearer realm="Basic realm"'), 1), null);
      assert.equal(await s().onUnauthorized!(req(), challenge('Digest realm="r", nonce="n"'), 1), null);
      assert.equal(await s().onUnauthorized!(req(), { status: 401, headers: [] }, 1), null);
    });
  });

  test("sensitive: the Authorization header", () => {
    assert.deepEqual(basicStrategy({ username: "a", password: "b" }).sensitive, { headers: ["authorization"], query: [] });
  });
});
