// The REST run API through the real server process (server.ts, built app): a token made in the
// UI, then Node's fetch from the test process — discovery, JSON with mapped outputs, form + file,
// text and binary bodies, an upstream that refuses, one that hangs, one whose TLS fails; the run
// log shows the API runs; the token is in no page, no server log line and no run log row.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { createApiToken as createToken, signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

const appOrigin = `http://127.0.0.1:${process.env.PATCHBAY_E2E_PORT}`;
const upstream = `http://127.0.0.1:${process.env.PATCHBAY_E2E_UPSTREAM_PORT}`;
const tlsUpstream = `https://127.0.0.1:${process.env.PATCHBAY_E2E_UPSTREAM_TLS_PORT}`;
const serverLog = `${process.env.PATCHBAY_E2E_DATA_DIR}/server.log`;

let n = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++n}`;

async function seed() {
  const config = await db().authConfig.create({
    data: { name: unique("Open"), protocol: "NONE", subProtocol: "NONE", settings: { tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } }, secrets: {} },
  });
  const service = await db().service.create({ data: { name: unique("Upstream"), authConfigId: config.id } });
  const connector = (name: string, v: { method?: string; urlTemplate: string; bodyType?: string; formParams?: object[]; responseMapping?: object[]; timeoutMs?: number; queryParams?: object[] }) =>
    db().connector.create({
      data: { name: unique(name), serviceId: service.id, method: v.method ?? "GET", urlTemplate: v.urlTemplate, headers: [], queryParams: v.queryParams ?? [], bodyType: v.bodyType ?? "NONE", formParams: v.formParams ?? [], responseMapping: v.responseMapping ?? [], timeoutMs: v.timeoutMs ?? 30_000 },
    });
  return {
    service,
    json: await connector("Echo JSON", {
      method: "POST",
      urlTemplate: `${upstream}/echo/items/{id}`,
      bodyType: "JSON",
      queryParams: [{ name: "verbose", description: "more", defaultValue: "no", required: false }],
      responseMapping: [{ name: "method", path: "$.method" }, { name: "target", path: "$.target" }, { name: "nothing", path: "$.missing" }],
    }),
    form: await connector("Echo form", { method: "POST", urlTemplate: `${upstream}/echo/upload`, bodyType: "FORM", formParams: [{ name: "note", type: "text", description: "" }, { name: "doc", type: "file", description: "" }] }),
    text: await connector("Text", { urlTemplate: `${upstream}/text` }),
    image: await connector("Image", { urlTemplate: `${upstream}/image.png` }),
    refused: await connector("Refused", { urlTemplate: "http://127.0.0.1:9/x" }),
    hang: await connector("Hang", { urlTemplate: `${upstream}/hang`, timeoutMs: 1000 }),
    tls: await connector("TLS", { urlTemplate: `${tlsUpstream}/none` }),
  };
}

test.beforeEach(async ({ context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: appOrigin });
});

test("a system outside the browser lists, describes and runs connectors with a token; runs are logged; the token never shows", async ({ page }) => {
  test.setTimeout(120_000);
  const admin = await seedUser({ role: "ADMIN" });
  const c = await seed();
  await signIn(page, admin.email, admin.password);
  const token = await createToken(page, unique("outside system"));

  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${appOrigin}/api/v1${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers as object) } });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: JSON.parse(text), text };
  };
  const run = (id: string, body: unknown) => api(`/connectors/${id}/run`, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });

  // Discovery
  const list = await api(`/connectors?serviceId=${c.service.id}&limit=2`);
  expect(list.status).toBe(200);
  expect(list.body.items).toHaveLength(2);
  expect(list.body.nextCursor).toEqual(expect.any(String));
  const next = await api(`/connectors?serviceId=${c.service.id}&limit=200&cursor=${list.body.nextCursor}`);
  expect(next.body.items).toHaveLength(5);
  const described = await api(`/connectors/${c.json.id}`);
  expect(described.body).toMatchObject({ method: "POST", pathParams: ["id"], queryParams: [{ name: "verbose", required: false, default: "no" }], body: { type: "JSON" }, outputs: [{ name: "method", path: "$.method" }, { name: "target", path: "$.target" }, { name: "nothing", path: "$.missing" }] });

  // JSON in, JSON out, mapped outputs
  const json = await run(c.json.id, { pathParams: { id: "7" }, queryParams: { verbose: "yes" }, body: { hello: "wörld" } });
  expect(json.status).toBe(200);
  expect(json.headers.get("x-request-id")).toBeTruthy();
  expect(json.body).toMatchObject({ status: 200, bodyEncoding: "json", truncated: false, outputs: { method: "POST", target: "/echo/items/7?verbose=yes", nothing: null } });
  expect(JSON.parse(Buffer.from(json.body.body.bodyBase64, "base64").toString("utf8"))).toEqual({ hello: "wörld" });

  // Form + file as multipart
  const form = new FormData();
  form.set("request", JSON.stringify({ formParams: { note: "from outside" } }));
  form.set("doc", new Blob([Buffer.from("%PDF-1.7 bytes")], { type: "application/pdf" }), "report.pdf");
  const multipart = await api(`/connectors/${c.form.id}/run`, { method: "POST", body: form });
  expect(multipart.status).toBe(200);
  const sent = Buffer.from(multipart.body.body.bodyBase64, "base64").toString("latin1");
  expect(sent).toContain('name="note"\r\n\r\nfrom outside\r\n');
  expect(sent).toContain('name="doc"; filename="report.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7 bytes\r\n');

  // Text and binary bodies; the upstream's status inside a 200
  const text = await run(c.text.id, {});
  expect(text.body).toMatchObject({ status: 503, bodyEncoding: "utf8", body: "büsy, try later" });
  const image = await run(c.image.id, {});
  expect(image.body.bodyEncoding).toBe("base64");
  expect(Buffer.from(image.body.body, "base64").subarray(1, 4).toString()).toBe("PNG");

  // No answer: 502 / 504 with the error code and a plain message
  const refused = await run(c.refused.id, {});
  expect([refused.status, refused.body.error.code]).toEqual([502, "CONNECTION_REFUSED"]);
  const hang = await run(c.hang.id, {});
  expect([hang.status, hang.body.error.code]).toEqual([504, "UPSTREAM_TIMEOUT"]);
  const tls = await run(c.tls.id, {});
  expect([tls.status, tls.body.error.code]).toEqual([502, "TLS_FAILURE"]);
  expect(tls.body.error.message).toMatch(/certificate/i);

  // The run log has the API runs (written in batches within about a second), without the token.
  await expect.poll(async () => db().run.count({ where: { connectorId: { in: [c.json.id, c.form.id, c.text.id, c.image.id, c.refused.id, c.hang.id, c.tls.id] }, source: "api" } }), { timeout: 10_000 }).toBe(7);
  const runs = await db().run.findMany({ where: { connectorId: c.refused.id } });
  expect(runs[0]).toMatchObject({ status: null, errorCode: "CONNECTION_REFUSED", source: "api" });
  expect(JSON.stringify(await db().run.findMany())).not.toContain(token);

  // The connector page says how to call it from another system, with a placeholder for the token.
  await page.goto(`/connectors/${c.json.id}`);
  const box = page.getByRole("region", { name: "Call from another system" });
  await expect(box).toContainText(`/api/v1/connectors/${c.json.id}/run`);
  await expect(box).toContainText("$PATCHBAY_TOKEN");
  await box.getByRole("button", { name: "Copy" }).click();
  await expect(box.getByRole("status")).toContainText("Copied");

  // Canary: no page shows the token, the server log never had it.
  for (const path of ["/api-tokens", `/connectors/${c.json.id}`, "/connectors", "/audit"]) {
    await page.goto(path);
    expect(await page.content(), path).not.toContain(token);
  }
  expect(readFileSync(serverLog, "utf8")).not.toContain(token);
});
