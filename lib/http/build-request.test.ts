import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "@/lib/errors";
import { buildRequest, pathParamNames, type TBuildInputs, type TConnectorDef } from "./build-request";

function def(over: Partial<TConnectorDef> = {}): TConnectorDef {
  return { method: "GET", urlTemplate: "https://api.example/items", headers: [], queryParams: [], bodyType: "NONE", formParams: [], ...over };
}

/** Runs fn, asserts it throws a VALIDATION AppError, and returns its fieldErrors. */
function fieldErrors(fn: () => unknown): Record<string, string[]> {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof AppError, `expected AppError, got ${String(e)}`);
    assert.equal(e.code, "VALIDATION");
    return e.fieldErrors ?? {};
  }
  assert.fail("expected a VALIDATION error");
}

function header(headers: Array<[string, string]>, name: string): string[] {
  return headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
}

async function parseForm(req: { headers: Array<[string, string]>; body?: Uint8Array | null }): Promise<FormData> {
  const ct = header(req.headers, "content-type");
  assert.equal(ct.length, 1);
  assert.ok(req.body);
  return new Response(new Uint8Array(req.body), { headers: { "content-type": ct[0] } }).formData();
}

describe("pathParamNames", () => {
  test("lists {name} segments in order, once each, and skips {{VAR}}", () => {
    assert.deepEqual(pathParamNames("{{BASE_URL}}/orgs/{org}/repos/{repo}/x/{org}?q={{Q}}"), ["org", "repo"]);
  });
  test("no placeholders, no names", () => {
    assert.deepEqual(pathParamNames("https://api.example/a?b=c"), []);
  });
});

describe("path parameters", () => {
  const tpl = def({ urlTemplate: "https://api.example/users/{id}/files" });
  const cases: Array<[string, string]> = [
    ["a/b", "a%2Fb"],
    ["a?b", "a%3Fb"],
    ["a#b", "a%23b"],
    ["100%", "100%25"],
    ["a b", "a%20b"],
    ["a+b", "a%2Bb"],
    ["é", "%C3%A9"],
    ["😀", "%F0%9F%98%80"],
  ];
  for (const [value, encoded] of cases) {
    test(`${JSON.stringify(value)} is percent-encoded and keeps the URL structure`, () => {
      const req = buildRequest(tpl, { pathParams: { id: value } });
      assert.equal(req.url, `https://api.example/users/${encoded}/files`);
      const u = new URL(req.url);
      assert.equal(u.search, "");
      assert.equal(u.hash, "");
      assert.equal(decodeURIComponent(u.pathname.split("/")[2]), value);
    });
  }
  test("a missing parameter is a validation error naming it, for every missing one", () => {
    const errs = fieldErrors(() => buildRequest(def({ urlTemplate: "https://h.example/{a}/{b}" }), { pathParams: { b: "" } }));
    assert.deepEqual(errs, { "pathParams.a": ["Enter a"], "pathParams.b": ["Enter b"] });
  });
  test('"." and ".." cannot climb the path (the URL parser would resolve them)', () => {
    for (const v of [".", ".."]) {
      const errs = fieldErrors(() => buildRequest(tpl, { pathParams: { id: v } }));
      assert.ok(errs["pathParams.id"]);
    }
    // Two params that together form ".." count too; a dot inside a longer segment is fine.
    assert.ok(fieldErrors(() => buildRequest(def({ urlTemplate: "https://h.example/x/{a}{b}/y" }), { pathParams: { a: ".", b: "." } }))["pathParams.a"]);
    assert.equal(buildRequest(tpl, { pathParams: { id: "..json" } }).url, "https://api.example/users/..json/files");
  });
  test("the fragment of the template is dropped and the query goes before it", () => {
    const req = buildRequest(def({ urlTemplate: "https://h.example/p#frag", queryParams: [{ name: "a", defaultValue: "1", required: false }] }), {});
    assert.equal(req.url, "https://h.example/p?a=1");
  });
  test("a URL that is not absolute http(s) is refused", () => {
    assert.ok(fieldErrors(() => buildRequest(def({ urlTemplate: "/relative" }), {})).url);
    assert.ok(fieldErrors(() => buildRequest(def({ urlTemplate: "file:///etc/passwd" }), {})).url);
  });
});

describe("query parameters", () => {
  test("names and values are encoded (space %20, + & = unicode, empty value)", () => {
    const req = buildRequest(def(), { queryParams: [["q", "a b+c&d=e"], ["ü name", "😀"], ["empty", ""], ["x/y?#%", "1"]] });
    assert.equal(req.url, "https://api.example/items?q=a%20b%2Bc%26d%3De&%C3%BC%20name=%F0%9F%98%80&empty=&x%2Fy%3F%23%25=1");
    const sp = new URL(req.url).searchParams;
    assert.deepEqual([...sp], [["q", "a b+c&d=e"], ["ü name", "😀"], ["empty", ""], ["x/y?#%", "1"]]);
  });
  test("repeated names are kept in order", () => {
    const d = def({ queryParams: [{ name: "tag", defaultValue: "z", required: false }] });
    const req = buildRequest(d, { queryParams: [["tag", "b"], ["other", "1"], ["tag", "a"]] });
    assert.equal(req.url, "https://api.example/items?tag=b&tag=a&other=1");
  });
  test("defaults fill absent params; given values win; empty defaults are left out", () => {
    const d = def({
      queryParams: [
        { name: "limit", defaultValue: "10", required: false },
        { name: "page", defaultValue: "1", required: true },
        { name: "sort", defaultValue: "", required: false },
      ],
    });
    assert.equal(buildRequest(d, {}).url, "https://api.example/items?limit=10&page=1");
    assert.equal(buildRequest(d, { queryParams: [["page", "3"]] }).url, "https://api.example/items?limit=10&page=3");
  });
  test("appended after a query already in the template", () => {
    const d = def({ urlTemplate: "https://h.example/p?fixed=1", queryParams: [{ name: "a", defaultValue: "2", required: false }] });
    assert.equal(buildRequest(d, {}).url, "https://h.example/p?fixed=1&a=2");
    assert.equal(buildRequest({ ...d, urlTemplate: "https://h.example/p?" }, {}).url, "https://h.example/p?a=2");
  });
  test("a required parameter with no value is a validation error", () => {
    const d = def({ queryParams: [{ name: "key", defaultValue: "", required: true }] });
    assert.deepEqual(fieldErrors(() => buildRequest(d, {})), { "queryParams.key": ["Enter key"] });
    assert.deepEqual(fieldErrors(() => buildRequest(d, { queryParams: [["key", ""]] })), { "queryParams.key": ["Enter key"] });
  });
});

describe("environment variables", () => {
  const d = def({
    urlTemplate: "{{BASE_URL}}/v{{ VERSION }}/{id}",
    headers: [{ name: "X-Tenant", value: "t-{{TENANT}}" }],
    queryParams: [{ name: "region", defaultValue: "{{REGION}}", required: false }],
    bodyType: "JSON",
    method: "POST",
  });
  const variables = { BASE_URL: "https://h.example/api", VERSION: "2", TENANT: "acme", REGION: "eu west" };

  test("replaced in URL, header values, query defaults and the JSON body", () => {
    const req = buildRequest(d, { pathParams: { id: "{{TENANT}}" }, body: '{"t":"{{TENANT}}"}', variables });
    // A path value is data, never a variable reference: its braces are encoded.
    assert.equal(req.url, "https://h.example/api/v2/%7B%7BTENANT%7D%7D?region=eu%20west");
    assert.deepEqual(header(req.headers, "x-tenant"), ["t-acme"]);
    assert.equal(new TextDecoder().decode(req.body ?? new Uint8Array()), '{"t":"acme"}');
  });
  test("an unknown variable is a validation error naming it", () => {
    const withoutBase: Record<string, string> = { ...variables };
    delete withoutBase.BASE_URL;
    const errs = fieldErrors(() => buildRequest(d, { pathParams: { id: "1" }, variables: withoutBase }));
    assert.deepEqual(Object.keys(errs), ["url"]);
    assert.match(errs.url[0], /\{\{BASE_URL\}\}/);
    const errs2 = fieldErrors(() => buildRequest(d, { pathParams: { id: "1" }, variables: { BASE_URL: "https://h.example", VERSION: "1", REGION: "r" } }));
    assert.match(errs2["headers.X-Tenant"][0], /\{\{TENANT\}\}/);
    const errs3 = fieldErrors(() => buildRequest(d, { pathParams: { id: "1" }, body: "{{NOPE}}", variables }));
    assert.match(errs3.body[0], /\{\{NOPE\}\}/);
  });
  test("a missing variable names the variable and the environment; one without a value says so; nothing is sent literally", () => {
    const missing = fieldErrors(() => buildRequest(d, { pathParams: { id: "1" }, variables: { VERSION: "1", TENANT: "t", REGION: "r" }, environmentName: "Staging" }));
    assert.equal(missing.url[0], 'The environment "Staging" has no variable BASE_URL: define it under Environments');
    const noValue = fieldErrors(() => buildRequest(d, { pathParams: { id: "1" }, variables: { ...variables, TENANT: null }, environmentName: "Prod" }));
    assert.equal(noValue["headers.X-Tenant"][0], 'The variable TENANT has no value in the environment "Prod": enter it under Environments');
    const none = fieldErrors(() => buildRequest(d, { pathParams: { id: "1" } }));
    assert.match(none.url[0], /^\{\{BASE_URL\}\} is an environment variable: choose an environment that defines BASE_URL$/);
  });
  test("an empty value is a value (sent empty), unlike a missing one", () => {
    const req = buildRequest(def({ urlTemplate: "https://h.example/x", headers: [{ name: "X-A", value: "[{{EMPTY}}]" }] }), { variables: { EMPTY: "" }, environmentName: "E" });
    assert.deepEqual(header(req.headers, "x-a"), ["[]"]);
  });
  test("the name of an inherited property is not a variable", () => {
    assert.ok(fieldErrors(() => buildRequest(def({ urlTemplate: "https://h.example/{{toString}}" }), {})).url);
  });
});

describe("headers", () => {
  const d = def({ headers: [{ name: "Accept", value: "application/xml" }, { name: "X-Key", value: "k" }, { name: "accept", value: "text/plain" }] });

  test("connector headers in order, overwrites by name case-insensitively, new ones appended", () => {
    const req = buildRequest(d, { headers: { ACCEPT: "application/json", "X-New": "n" } });
    assert.deepEqual(req.headers, [["Accept", "application/json"], ["X-Key", "k"], ["X-New", "n"]]);
  });
  test("CR, LF and NUL in values are rejected without echoing the value", () => {
    for (const bad of ["a\r\nSet-Cookie: x=secret", "a\nb", "a\rb", "a\0b"]) {
      const errs = fieldErrors(() => buildRequest(d, { headers: { "X-Key": bad } }));
      assert.match(errs["headers.X-Key"][0], /line break or NUL/, JSON.stringify(bad));
      assert.doesNotMatch(JSON.stringify(errs), /secret|a\\n|a\\r/);
    }
    // An environment variable cannot smuggle a line break either.
    const viaVar = def({ headers: [{ name: "X-V", value: "{{V}}" }] });
    assert.ok(fieldErrors(() => buildRequest(viaVar, { variables: { V: "x\r\nEvil: 1" } }))["headers.X-V"]);
  });
  test("header names must be RFC 7230 tokens", () => {
    for (const bad of ["Bad Name", "X:Y", "X\r\nY", "", "Ä"]) {
      const errs = fieldErrors(() => buildRequest(def({ headers: [{ name: bad, value: "v" }] }), {}));
      assert.ok(errs[`headers.${bad}`], JSON.stringify(bad));
    }
    assert.deepEqual(buildRequest(def({ headers: [{ name: "X-Ok_1.!#$%&'*+^`|~", value: "v" }] }), {}).headers, [["X-Ok_1.!#$%&'*+^`|~", "v"]]);
  });
  test("values beyond latin1 are rejected (they would be garbled on the wire)", () => {
    assert.ok(fieldErrors(() => buildRequest(d, { headers: { "X-Key": "😀" } }))["headers.X-Key"]);
  });
});

describe("JSON body", () => {
  const post = def({ method: "POST", bodyType: "JSON" });

  test("sent byte for byte as given, with Content-Type application/json", () => {
    const text = '{ "b": 1.0, "a": [1e3, "é"] }\n';
    const req = buildRequest(post, { body: text });
    assert.deepEqual(req.body, new TextEncoder().encode(text));
    assert.deepEqual(header(req.headers, "content-type"), ["application/json"]);
  });
  test("invalid JSON is a validation error on body with the parser's message", () => {
    const errs = fieldErrors(() => buildRequest(post, { body: '{"a":' }));
    let parserMessage = "";
    try {
      JSON.parse('{"a":');
    } catch (e) {
      parserMessage = (e as Error).message;
    }
    assert.ok(errs.body[0].includes(parserMessage), errs.body[0]);
  });
  test("a Content-Type already set by a header or an overwrite is kept", () => {
    const own = def({ method: "POST", bodyType: "JSON", headers: [{ name: "content-type", value: "application/vnd.api+json" }] });
    assert.deepEqual(buildRequest(own, { body: "{}" }).headers, [["content-type", "application/vnd.api+json"]]);
    assert.deepEqual(header(buildRequest(post, { body: "{}", headers: { "Content-Type": "text/json" } }).headers, "content-type"), ["text/json"]);
  });
  test("no body and no Content-Type for an empty editor, for NONE, and GET with JSON still builds", () => {
    for (const inputs of [{}, { body: "  " }] as TBuildInputs[]) {
      const req = buildRequest(post, inputs);
      assert.equal(req.body, null);
      assert.deepEqual(header(req.headers, "content-type"), []);
    }
    const none = buildRequest(def({ method: "POST" }), { body: "{}" });
    assert.equal(none.body, null);
    assert.deepEqual(none.headers, []);
    const get = buildRequest(def({ method: "GET", bodyType: "JSON" }), { body: "[1]" });
    assert.equal(get.method, "GET");
    assert.deepEqual(get.body, new TextEncoder().encode("[1]"));
  });
});

describe("multipart/form-data body", () => {
  const form = def({ method: "POST", bodyType: "FORM", formParams: [{ name: "title", type: "text" }, { name: "doc", type: "file" }] });
  const allBytes = Uint8Array.from({ length: 512 }, (_, i) => i % 256);

  test("round-trips through a real multipart parser: text, file name, type and every byte value", async () => {
    const req = buildRequest(form, {
      formFields: [
        { name: "title", value: "Hello, wörld 😀\r\nline 2" },
        { name: "doc", file: { filename: 'my "quoted"\r\nname.bin', contentType: "application/x-test", bytes: allBytes } },
        { name: 'we"ird\nname', value: "" },
      ],
    });
    const fd = await parseForm(req);
    assert.equal(fd.get("title"), "Hello, wörld 😀\r\nline 2");
    const file = fd.get("doc");
    assert.ok(file instanceof File);
    assert.equal(file.name, 'my "quoted"\r\nname.bin');
    assert.equal(file.type, "application/x-test");
    assert.deepEqual(new Uint8Array(await file.arrayBuffer()), allBytes);
    assert.equal(fd.get('we"ird\nname'), "");
    assert.deepEqual([...fd.keys()], ["title", "doc", 'we"ird\nname']);
  });
  test("framing: given boundary, escaped names and filenames, file part has its own Content-Type", () => {
    const req = buildRequest(form, {
      formFields: [
        { name: "a", value: "1" },
        { name: 'f"', file: { filename: 'x"y.txt', contentType: "text/plain", bytes: new TextEncoder().encode("hi") } },
      ],
    }, { boundary: "BOUNDARY" });
    assert.deepEqual(header(req.headers, "content-type"), ["multipart/form-data; boundary=BOUNDARY"]);
    assert.equal(
      new TextDecoder().decode(req.body ?? new Uint8Array()),
      '--BOUNDARY\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n' +
        '--BOUNDARY\r\nContent-Disposition: form-data; name="f%22"; filename="x%22y.txt"\r\nContent-Type: text/plain\r\n\r\nhi\r\n' +
        "--BOUNDARY--\r\n",
    );
  });
  test("random boundary each time; a hand-set Content-Type is replaced (it could not name the boundary)", async () => {
    const d = { ...form, headers: [{ name: "Content-Type", value: "multipart/form-data" }] };
    const one = buildRequest(d, { formFields: [{ name: "a", value: "1" }] });
    const two = buildRequest(d, { formFields: [{ name: "a", value: "1" }] });
    assert.notEqual(header(one.headers, "content-type")[0], header(two.headers, "content-type")[0]);
    assert.match(header(one.headers, "content-type")[0], /^multipart\/form-data; boundary=\S{20,}$/);
    assert.equal((await parseForm(one)).get("a"), "1");
  });
  test("a file content type with a line break is rejected (it would forge part headers)", () => {
    const errs = fieldErrors(() =>
      buildRequest(form, { formFields: [{ name: "doc", file: { filename: "a", contentType: "text/plain\r\nX: y", bytes: new Uint8Array() } }] }),
    );
    assert.ok(errs["formFields.doc"]);
  });
  test("a given boundary that occurs in the content is refused", () => {
    assert.throws(() => buildRequest(form, { formFields: [{ name: "a", value: "x--B y" }] }, { boundary: "B" }), /boundary/);
  });
});
