// Response mapping: the RFC 9535 examples (§1.5, the bookstore), how many nodes become one output,
// and which rows the schema refuses.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { jsonPathProblem, outputsOf, ZMappingRow, ZResponseMapping } from "./mapping";
import { ZConnectorInput } from "./schema";

// RFC 9535 §1.5, Figure 1.
const BOOKSTORE = {
  store: {
    book: [
      { category: "reference", author: "Nigel Rees", title: "Sayings of the Century", price: 8.95 },
      { category: "fiction", author: "Evelyn Waugh", title: "Sword of Honour", price: 12.99 },
      { category: "fiction", author: "Herman Melville", title: "Moby Dick", isbn: "0-553-21311-3", price: 8.99 },
      { category: "fiction", author: "J. R. R. Tolkien", title: "The Lord of the Rings", isbn: "0-395-19395-8", price: 22.99 },
    ],
    bicycle: { color: "red", price: 399 },
  },
};
const [rees, waugh, melville, tolkien] = BOOKSTORE.store.book;
const AUTHORS = ["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"];

/** The output of one row over the bookstore. */
const pick = (path: string, body: unknown = BOOKSTORE) => outputsOf([ZMappingRow.parse({ name: "out", path })], body).out;

/** Several nodes in an order RFC 9535 leaves open (members of an object): compared as a set. */
const sorted = (v: unknown) => (v as unknown[]).map((x) => JSON.stringify(x)).sort();

describe("RFC 9535 §1.5 examples (Table 2)", () => {
  test("$.store.book[*].author: the authors of all books in the store", () => {
    assert.deepEqual(pick("$.store.book[*].author"), AUTHORS);
  });

  test("$..author: all authors", () => {
    assert.deepEqual(pick("$..author"), AUTHORS);
  });

  test("$.store.*: all things in the store, which are some books and a red bicycle", () => {
    assert.deepEqual(sorted(pick("$.store.*")), sorted([BOOKSTORE.store.book, BOOKSTORE.store.bicycle]));
  });

  test("$.store..price: the prices of everything in the store", () => {
    assert.deepEqual((pick("$.store..price") as number[]).toSorted((a, b) => a - b), [8.95, 8.99, 12.99, 22.99, 399]);
  });

  test("$..book[2]: the third book; $..book[2].author its author; $..book[2].publisher nothing", () => {
    assert.deepEqual(pick("$..book[2]"), melville);
    assert.equal(pick("$..book[2].author"), "Herman Melville");
    assert.equal(pick("$..book[2].publisher"), null);
  });

  test("$..book[-1]: the last book in order", () => {
    assert.deepEqual(pick("$..book[-1]"), tolkien);
  });

  test("$..book[0,1] and $..book[:2]: the first two books", () => {
    assert.deepEqual(pick("$..book[0,1]"), [rees, waugh]);
    assert.deepEqual(pick("$..book[:2]"), [rees, waugh]);
  });

  test("$..book[?@.isbn]: all books with an ISBN number", () => {
    assert.deepEqual(pick("$..book[?@.isbn]"), [melville, tolkien]);
  });

  test("$..book[?@.price<10]: all books cheaper than 10", () => {
    assert.deepEqual(pick("$..book[?@.price<10]"), [rees, melville]);
  });

  test("$..*: all member values and array elements contained in the input value", () => {
    // store 1 + book, bicycle 2 + four books 4 + their members 4+4+5+5 + the bicycle's 2
    assert.equal((pick("$..*") as unknown[]).length, 27);
  });
});

describe("outputs of a response", () => {
  test("one node is the value itself, even when that value is an array or an object", () => {
    assert.equal(pick("$.store.bicycle.color"), "red");
    assert.deepEqual(pick("$.store.bicycle"), { color: "red", price: 399 });
    assert.deepEqual(pick("$.store.book"), BOOKSTORE.store.book);
    assert.equal(pick("$", 42), 42);
  });

  test("several nodes are an array of their values, in document order", () => {
    assert.deepEqual(pick("$.store.book[*].price"), [8.95, 12.99, 8.99, 22.99]);
  });

  test("no node is null; so is a JSON null the path finds", () => {
    assert.equal(pick("$.missing"), null);
    assert.equal(pick("$.store.book[9]"), null);
    assert.equal(pick("$.a", { a: null }), null);
  });

  test("a body that is not JSON (undefined) gives null for every output", () => {
    const out = outputsOf(ZResponseMapping.parse([{ name: "a", path: "$" }, { name: "b", path: "$.x" }]), undefined);
    assert.deepEqual(out, { a: null, b: null });
  });

  test("every row gets its output, under its name", () => {
    const rows = ZResponseMapping.parse([
      { name: "firstAuthor", path: "$.store.book[0].author" },
      { name: "cheap", path: "$..book[?@.price<10].title" },
      { name: "none", path: "$.store.magazine" },
    ]);
    assert.deepEqual(outputsOf(rows, BOOKSTORE), { firstAuthor: "Nigel Rees", cheap: ["Sayings of the Century", "Moby Dick"], none: null });
  });
});

describe("rows the schema refuses", () => {
  const problem = (row: { name: string; path: string }) => {
    const res = ZMappingRow.safeParse(row);
    assert.ok(!res.success, `${JSON.stringify(row)} was accepted`);
    return res.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  test("invalid JSONPath is refused with what is wrong", () => {
    for (const path of ["$.store.book[", "$..", "$.", "$.store.book[01]", "$[-0]", "$['a'", "$.a b", "$[?@.a==1==2]", "$[?@.a == $..b]"]) {
      const [msg, ...rest] = problem({ name: "out", path });
      assert.equal(rest.length, 0, path);
      assert.match(msg, /^path: Not a valid JSONPath \(RFC 9535\): \S/, path);
    }
  });

  test("a path that does not start with $, or none at all, is refused", () => {
    assert.deepEqual(problem({ name: "out", path: "store.book" }), ["path: A JSONPath starts with $ (for example $.data.id)"]);
    assert.deepEqual(problem({ name: "out", path: "  " }), ["path: Enter the JSON path", "path: A JSONPath starts with $ (for example $.data.id)"]);
  });

  test("output names are identifiers", () => {
    assert.deepEqual(problem({ name: "", path: "$" }), ["name: Enter the output name", "name: Use letters, digits and _ (not starting with a digit)"]);
    assert.deepEqual(problem({ name: "1st", path: "$" }), ["name: Use letters, digits and _ (not starting with a digit)"]);
    assert.deepEqual(problem({ name: "first-author", path: "$" }), ["name: Use letters, digits and _ (not starting with a digit)"]);
    assert.deepEqual(ZMappingRow.parse({ name: " first_author2 ", path: " $.a " }), { name: "first_author2", path: "$.a" });
  });

  test("a name used twice is refused on the repeated row", () => {
    const res = ZResponseMapping.safeParse([
      { name: "id", path: "$.id" },
      { name: "other", path: "$.other" },
      { name: "id", path: "$.data.id" },
    ]);
    assert.ok(!res.success);
    assert.deepEqual(res.error.issues.map((i) => [i.path, i.message]), [[[2, "name"], '"id" is used twice']]);
  });

  test("the connector schema carries the rows, none by default, with errors at their place", () => {
    const base = { name: "Books", serviceId: "s", method: "GET", urlTemplate: "https://books.example/store" };
    assert.deepEqual(ZConnectorInput.parse(base).responseMapping, []);
    assert.deepEqual(ZConnectorInput.parse({ ...base, responseMapping: [{ name: "title", path: "$.title" }] }).responseMapping, [{ name: "title", path: "$.title" }]);
    const res = ZConnectorInput.safeParse({ ...base, responseMapping: [{ name: "a", path: "$.a" }, { name: "b", path: "$[" }, { name: "a", path: "$.c" }] });
    assert.ok(!res.success);
    assert.deepEqual(res.error.issues.map((i) => i.path.join(".")).sort(), ["responseMapping.1.path", "responseMapping.2.name"]);
  });
});

test("match() and search() are refused: a backtracking regular expression over upstream data could freeze the process", () => {
  for (const path of ['$.x[?match(@, "(a|a)*")]', '$[?search(@.name, "b.*")]']) {
    assert.match(jsonPathProblem(path) ?? "", /not supported/);
  }
  assert.equal(jsonPathProblem("$.items[?@.price < 10].name"), null);
});
