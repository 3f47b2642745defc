import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { ApiError } from "./errors";
import { AppError } from "@/lib/errors";
import { beforeTimeCursor, decodeCursor, encodeCursor, pageOf, ZLimit } from "./paging";

test("limit: 1–200, default 50; anything else is refused", () => {
  assert.equal(ZLimit.parse(undefined), 50);
  assert.equal(ZLimit.parse("200"), 200);
  for (const bad of ["0", "201", "-1", "1.5", "abc", "1e9", ""]) assert.equal(ZLimit.safeParse(bad).success, false, bad);
});

test("a cursor round-trips; tampered cursors are a VALIDATION ApiError", () => {
  const c = { k: "Name with ünïcode", id: "ck123" };
  assert.deepEqual(decodeCursor(encodeCursor(c)), c);
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (s) => {
      try {
        decodeCursor(s);
        return true; // a string that happens to decode to a valid cursor is fine
      } catch (e) {
        return e instanceof ApiError && e.status === 400 && e.code === "VALIDATION";
      }
    }),
  );
  assert.throws(() => decodeCursor(Buffer.from('{"v":2,"k":"a","id":"b"}').toString("base64url")), ApiError);
});

test("pageOf gives a next cursor only when there is more", () => {
  const rows = [{ id: "a" }, { id: "b" }, { id: "c" }];
  const p = pageOf(rows, 2, (r) => r.id);
  assert.deepEqual(p.items.map((r) => r.id), ["a", "b"]);
  assert.deepEqual(decodeCursor(p.nextCursor!), { k: "b", id: "b" });
  assert.equal(pageOf(rows, 3, (r) => r.id).nextCursor, null);
});

test("beforeTimeCursor: rows before the cursor's time (then id) for newest-first lists; a key that is not a time is a VALIDATION error", () => {
  assert.deepEqual(beforeTimeCursor(undefined, "receivedAt"), {});
  const at = "2026-12-04T10:00:00.000Z";
  assert.deepEqual(beforeTimeCursor(encodeCursor({ k: at, id: "m1" }), "receivedAt"), { OR: [{ receivedAt: { lt: new Date(at) } }, { receivedAt: new Date(at), id: { lt: "m1" } }] });
  for (const bad of [encodeCursor({ k: "yesterday", id: "m1" }), "zzz!", encodeCursor({ k: "2026-13-45T99:00:00.000Z", id: "x" })]) {
    assert.throws(() => beforeTimeCursor(bad, "createdAt"), (e: unknown) => e instanceof AppError && e.code === "VALIDATION", bad);
  }
});
