import assert from "node:assert/strict";
import { test } from "node:test";
import { forEachDay, hourKey, hourKeySql, hourOf } from "./db-hours";

test("hour keys and epoch hours convert both ways; anything else is refused", () => {
  const hour = Date.parse("2026-12-03T20:00:00.000Z");
  assert.equal(hourKey(hour), "2026-12-03T20");
  assert.equal(hourOf("2026-12-03T20"), hour);
  assert.throws(() => hourOf("2026-12-03 20"), /unexpected row time/);
  assert.throws(() => hourOf("2026-13-03T20", "event"), /unexpected event time/);
});

test("the hour key's SQL takes a column name only", () => {
  assert.match(hourKeySql("createdAt").sql, /"createdAt"/);
  assert.throws(() => hourKeySql('at") OR 1=1 --'), /not a column name/);
});

test("forEachDay covers [from, to) in day-long slices, the last one cut at `to`", async () => {
  const from = Date.parse("2026-12-01T00:00:00Z");
  const slices: Array<[string, string]> = [];
  await forEachDay(from, from + 2.5 * 86_400_000, async (s, e) => void slices.push([s.toISOString(), e.toISOString()]));
  assert.deepEqual(slices, [
    ["2026-12-01T00:00:00.000Z", "2026-12-02T00:00:00.000Z"],
    ["2026-12-02T00:00:00.000Z", "2026-12-03T00:00:00.000Z"],
    ["2026-12-03T00:00:00.000Z", "2026-12-03T12:00:00.000Z"],
  ]);
});
