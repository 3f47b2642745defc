import assert from "node:assert/strict";
import { test } from "node:test";
import { compareValues, pageOf, readTableState, sortRows, tableHref } from "./data-table-model";

test("reads sort, direction and page with fallbacks for anything unreadable", () => {
  assert.deepEqual(readTableState({}), { sort: null, dir: "asc", page: 1 });
  assert.deepEqual(readTableState({}, "", { sort: "name" }), { sort: "name", dir: "asc", page: 1 });
  assert.deepEqual(readTableState({ sort: "created", dir: "desc", page: "3" }), { sort: "created", dir: "desc", page: 3 });
  assert.deepEqual(readTableState({ dir: "sideways", page: "-2" }), { sort: null, dir: "asc", page: 1 });
  assert.deepEqual(readTableState({ page: "abc" }), { sort: null, dir: "asc", page: 1 });
  assert.deepEqual(readTableState({ m_sort: "at", m_page: ["2", "5"] }, "m_"), { sort: "at", dir: "asc", page: 2 });
});

test("links keep the page's other parameters and replace the table's own", () => {
  assert.equal(tableHref("/audit", { type: "connector", page: "4" }, "", { page: 2 }), "/audit?type=connector&page=2");
  assert.equal(tableHref("/audit", { type: "connector", page: "4" }, "", { page: 1 }), "/audit?type=connector");
  assert.equal(tableHref("/x", {}, "", { sort: "name", dir: "desc" }), "/x?sort=name&dir=desc");
  assert.equal(tableHref("/x", { a: ["1", "2"], m_page: "3" }, "m_", { sort: "at", dir: "asc" }), "/x?a=1&a=2&m_sort=at&m_dir=asc");
  assert.equal(tableHref("/x", { q: "a b&c" }, "", {}), "/x?q=a+b%26c");
});

test("sorts strings without regard to case, numbers and dates by value, empty values last both ways", () => {
  const rows = [{ n: "beta" }, { n: "Alpha" }, { n: null }, { n: "item 10" }, { n: "item 9" }];
  assert.deepEqual(sortRows(rows, (r) => r.n, "asc").map((r) => r.n), ["Alpha", "beta", "item 9", "item 10", null]);
  assert.deepEqual(sortRows(rows, (r) => r.n, "desc").map((r) => r.n), ["item 10", "item 9", "beta", "Alpha", null]);
  const d = (s: string) => new Date(s);
  assert.ok(compareValues(d("2026-01-02"), d("2026-01-01"), "asc") > 0, "a later date sorts after an earlier one");
  assert.ok(compareValues(2, 10, "asc") < 0, "numbers compare as numbers");
  assert.equal(compareValues(undefined, null, "desc"), 0);
});

test("the sort is stable and leaves the input alone", () => {
  const rows = [{ k: 1, id: "a" }, { k: 0, id: "b" }, { k: 1, id: "c" }, { k: 0, id: "d" }];
  assert.deepEqual(sortRows(rows, (r) => r.k, "asc").map((r) => r.id), ["b", "d", "a", "c"]);
  assert.deepEqual(sortRows(rows, (r) => r.k, "desc").map((r) => r.id), ["a", "c", "b", "d"]);
  assert.deepEqual(rows.map((r) => r.id), ["a", "b", "c", "d"]);
  assert.deepEqual(sortRows(rows, undefined, "asc"), rows);
});

test("pages clamp to what exists", () => {
  assert.deepEqual(pageOf(0, 25, 1), { page: 1, pages: 1, from: 0, to: 0 });
  assert.deepEqual(pageOf(51, 25, 3), { page: 3, pages: 3, from: 51, to: 51 });
  assert.deepEqual(pageOf(51, 25, 9), { page: 3, pages: 3, from: 51, to: 51 });
  assert.deepEqual(pageOf(50, 25, 2), { page: 2, pages: 2, from: 26, to: 50 });
});
