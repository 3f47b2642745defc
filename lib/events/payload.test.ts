// What an event keeps of its data and how its delivery body is built (payload.ts): the cap and its
// mark, and a delivery body that is always valid JSON with the stored JSON inside it unchanged.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { capPayload, deliveryBody, PAYLOAD_CAP } from "./payload";

const event = (over: Partial<Parameters<typeof deliveryBody>[0]> = {}) => ({
  id: "cm1event0000000000000000",
  subscriptionId: "cm1sub000000000000000000",
  resource: "orders",
  type: "CREATED",
  occurredAt: new Date("2026-05-06T07:08:09.010Z"),
  payload: `{"id":1,"name":"Ada"}`,
  payloadTruncated: false,
  ...over,
});

describe("capPayload", () => {
  test("up to the cap: kept as it is, not marked", () => {
    assert.deepEqual(capPayload(`{"a":1}`), { payload: `{"a":1}`, truncated: false });
    assert.deepEqual(capPayload(""), { payload: "", truncated: false });
    const exact = `"${"x".repeat(PAYLOAD_CAP - 2)}"`;
    const r = capPayload(exact);
    assert.equal(r.truncated, false);
    assert.equal(r.payload, exact);
  });

  test("beyond the cap: cut to the cap and marked", () => {
    const long = `"${"x".repeat(PAYLOAD_CAP)}"`;
    const r = capPayload(long);
    assert.equal(r.truncated, true);
    assert.equal(r.payload.length, PAYLOAD_CAP);
    assert.ok(long.startsWith(r.payload), "the beginning is kept");
  });

  test("a webhook body at the default 1 MB limit fits, also as a JSON string of escaped text", () => {
    const text = "<x>\n</x>".repeat((1024 * 1024) / 8);
    assert.equal(capPayload(JSON.stringify({ contentType: "application/xml", text })).truncated, false);
  });
});

describe("deliveryBody", () => {
  test("{id, type: <resource>.<type>, subscriptionId, resource, occurredAt, data}, valid JSON, data as stored", () => {
    const body = deliveryBody(event());
    assert.deepEqual(JSON.parse(body), {
      id: "cm1event0000000000000000",
      type: "orders.created",
      subscriptionId: "cm1sub000000000000000000",
      resource: "orders",
      occurredAt: "2026-05-06T07:08:09.010Z",
      data: { id: 1, name: "Ada" },
    });
    assert.deepEqual(Object.keys(JSON.parse(body)), ["id", "type", "subscriptionId", "resource", "occurredAt", "data"]);
    assert.ok(body.endsWith(`"data":{"id":1,"name":"Ada"}}`), "the stored JSON text is embedded unchanged");
  });

  test("every type, and any JSON value as data", () => {
    for (const [type, expected] of [["CREATED", "orders.created"], ["UPDATED", "orders.updated"], ["RECEIVED", "orders.received"]]) {
      assert.equal((JSON.parse(deliveryBody(event({ type }))) as { type: string }).type, expected);
    }
    for (const payload of ["null", "42", `"text"`, "[1,2,{}]", `{"nested":{"deep":[true,false,null]},"unicode":"é ✓ \\u2028"}`, ` { "spaced" : 1 } `]) {
      assert.deepEqual((JSON.parse(deliveryBody(event({ payload }))) as { data: unknown }).data, JSON.parse(payload), payload);
    }
  });

  test("a truncated payload is not sent cut: data null and dataTruncated true, still valid JSON", () => {
    const body = deliveryBody(event({ payload: `{"a":"xxxxx`, payloadTruncated: true }));
    const parsed = JSON.parse(body) as Record<string, unknown>;
    assert.equal(parsed.data, null);
    assert.equal(parsed.dataTruncated, true);
    assert.equal(parsed.type, "orders.created");
  });

  test("names with characters JSON escapes stay valid", () => {
    const body = deliveryBody(event({ resource: `we"ird\\name`, id: "a\u2028b" }));
    const parsed = JSON.parse(body) as Record<string, unknown>;
    assert.equal(parsed.resource, `we"ird\\name`);
    assert.equal(parsed.type, `we"ird\\name.created`);
    assert.equal(parsed.id, "a\u2028b");
  });
});
