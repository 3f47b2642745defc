// Listener paths (path.ts): what may be stored, and that no spelling of a request target — dots,
// percent-encoding, doubled or back slashes — reaches a listener other than the one it names.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { hookPathOf, normalizeListenerPath, pathKey } from "./path";

describe("normalizeListenerPath", () => {
  test("trims, drops one leading and trailing slash and a pasted api/hooks/", () => {
    for (const [input, want] of [
      ["acme/orders", "acme/orders"],
      ["  /acme/orders/  ", "acme/orders"],
      ["/api/hooks/acme/orders", "acme/orders"],
      ["api/hooks/Acme_1/or-ders/", "Acme_1/or-ders"],
      ["x", "x"],
    ] as const) {
      assert.equal(normalizeListenerPath(input), want, input);
    }
  });

  test("refuses empty, dotted, encoded, doubled and over-long paths with a field message", () => {
    for (const [input, message] of [
      ["", "Enter the path"],
      ["  /  ", "Enter the path"],
      ["/api/hooks/", "Enter the path"],
      ["a//b", "Remove the empty segment (//)"],
      ["//a", "Remove the empty segment (//)"],
      ["a/../b", "Use letters, digits, -, _ and /"],
      ["a/./b", "Use letters, digits, -, _ and /"],
      ["..", "Use letters, digits, -, _ and /"],
      ["a%2Fb", "Use letters, digits, -, _ and /"],
      ["a b", "Use letters, digits, -, _ and /"],
      ["a\\b", "Use letters, digits, -, _ and /"],
      ["a?b", "Use letters, digits, -, _ and /"],
      ["é", "Use letters, digits, -, _ and /"],
      ["a".repeat(201), "At most 200 characters"],
    ] as const) {
      assert.deepEqual(normalizeListenerPath(input), { error: message }, input);
    }
    assert.equal(normalizeListenerPath("a".repeat(200)), "a".repeat(200));
  });

  test("paths differing only in case share one key", () => {
    assert.equal(pathKey("Acme/Orders"), pathKey("acme/orders"));
    assert.notEqual(pathKey("acme/orders"), pathKey("acme/order"));
  });
});

describe("hookPathOf", () => {
  test("table: dots, encodings, doubled slashes refused; case kept; one trailing slash tolerated", () => {
    const cases: Array<[string, string | null]> = [
      ["/api/hooks/acme/orders?x=1", "acme/orders"],
      ["/api/hooks/acme/orders#frag", "acme/orders"],
      ["/api/hooks/a/../b", null],
      ["/api/hooks/a/./b", null],
      ["/api/hooks/..", null],
      ["/api/hooks/a%2Fb", null],
      ["/api/hooks/a%2fb", null],
      ["/api/hooks/%2E%2E/b", null],
      ["/api/hooks/A/B", "A/B"],
      ["/api/hooks//a", null],
      ["/api/hooks/a//b", null],
      ["/api/hooks/a/", "a"],
      ["/api/hooks/a//", null],
      ["/api/hooks/a\\b", null],
      ["/api/hooks/", null],
      ["/api/hooks", null],
      ["/api/hooksx/a", null],
      ["/API/hooks/a", null],
      ["/api/v1/connectors", null],
      ["http://evil.example/api/hooks/a", null],
      ["/api/hooks/a?next=/api/hooks/../b", "a"],
      [`/api/hooks/${"a".repeat(201)}`, null],
    ];
    for (const [url, want] of cases) assert.equal(hookPathOf(url), want, url);
  });

  test("another prefix", () => {
    assert.equal(hookPathOf("/hooks/x/y", "/hooks/"), "x/y");
    assert.equal(hookPathOf("/api/hooks/x", "/hooks/"), null);
  });

  const tricky = fc.string({ unit: fc.constantFrom(..."aB0-_./%\\?#~:@ 2Fe"), maxLength: 40 });

  test("property: never a path with .., %, \\ or an empty segment, for any target", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), tricky.map((s) => `/api/hooks/${s}`), fc.string({ unit: "grapheme" }).map((s) => `/api/hooks/${s}`)), (url) => {
        const p = hookPathOf(url);
        if (p === null) return true;
        return !p.includes("..") && !p.includes("%") && !p.includes("\\") && p.split("/").every((seg) => seg !== "" && seg !== ".");
      }),
      { numRuns: 2000 },
    );
  });

  test("property: whatever is accepted is a path an admin could have stored, as-is", () => {
    fc.assert(
      fc.property(tricky, (s) => {
        const p = hookPathOf(`/api/hooks/${s}`);
        return p === null || normalizeListenerPath(p) === p;
      }),
      { numRuns: 2000 },
    );
  });

  test("property: every stored path is reached by its own URL", () => {
    const segment = fc.string({ unit: fc.constantFrom(..."abcXYZ019-_"), minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.boolean(), (segments, slash) => {
        const stored = segments.join("/");
        return hookPathOf(`/api/hooks/${stored}${slash ? "/" : ""}?q=1`) === stored;
      }),
    );
  });
});
