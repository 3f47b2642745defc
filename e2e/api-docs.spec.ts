// The API page (SPEC §8): the reference rendered offline by Swagger UI from files this app serves
// (no request leaves for another host), the OpenAPI document downloaded from the page, "Try it
// out" with a token entered under Authorize, and the Swagger UI files only for signed-in users.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { displayPrefix, generateToken, hashToken } from "../lib/api-tokens/format";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

const appOrigin = `http://127.0.0.1:${process.env.PATCHBAY_E2E_PORT}`;
const ASSETS = ["/api-docs/assets/swagger-ui-bundle.js", "/api-docs/assets/swagger-ui.css"];

/** Origins of every request the page makes, other than the app's own (data: URLs excluded). */
function foreignRequests(page: import("@playwright/test").Page): string[] {
  const foreign: string[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.protocol === "data:") return;
    if (url.origin !== appOrigin) foreign.push(r.url());
  });
  return foreign;
}

test("the API page shows the reference from the app's own files and downloads the OpenAPI document", async ({ page }) => {
  const member = await seedUser();
  const foreign = foreignRequests(page);
  const assets: string[] = [];
  page.on("response", (r) => {
    if (new URL(r.url()).pathname.startsWith("/api-docs/assets/")) assets.push(`${new URL(r.url()).pathname} ${r.status()}`);
  });
  await signIn(page, member.email, member.password);
  await page.goto("/api");
  await expect(page).toHaveTitle(/API reference/);
  await expect(page.getByRole("heading", { name: "API reference", level: 1, exact: true })).toBeVisible();
  const intro = page.getByRole("region", { name: "Calling the API" });
  await expect(intro.getByRole("link", { name: "API tokens" })).toHaveAttribute("href", "/api-tokens");
  await expect(intro.getByText("Authorization: Bearer <token>")).toBeVisible();

  const reference = page.getByTestId("api-reference");
  await expect(reference.getByText("Run a connector", { exact: true })).toBeVisible();
  await expect(reference.getByText("List connectors", { exact: true })).toBeVisible();
  await expect(reference.locator('[data-path="/connectors/{id}/openapi.json"]').first()).toBeVisible();
  await expect(page.getByTestId("api-reference-error")).toHaveCount(0);
  expect(assets.sort()).toEqual(expect.arrayContaining(ASSETS.map((a) => `${a} 200`)));

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download OpenAPI document" }).click()]);
  expect(download.suggestedFilename()).toBe("patchbay-openapi.json");
  const spec = JSON.parse(readFileSync((await download.path())!, "utf8"));
  expect(spec.openapi).toBe("3.1.0");
  expect(spec.servers[0].url).toBe(`${appOrigin}/api/v1`);
  expect(spec.paths["/connectors/{id}/run"].post.summary).toBe("Run a connector");
  expect(spec.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });

  expect(foreign, "requests to other hosts").toEqual([]);
});

test("Try it out calls the API with the token entered under Authorize", async ({ page }) => {
  const member = await seedUser();
  const token = generateToken();
  await db().apiToken.create({ data: { name: "api docs e2e", tokenHash: hashToken(token), prefix: displayPrefix(token), userId: member.id } });
  const tag = Date.now().toString(36);
  const config = await db().authConfig.create({
    data: { name: `Docs open ${tag}`, protocol: "NONE", subProtocol: "NONE", settings: { tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } }, secrets: {} },
  });
  const service = await db().service.create({ data: { name: `Docs svc ${tag}`, authConfigId: config.id } });
  await db().connector.create({ data: { name: `Docs connector ${tag}`, serviceId: service.id, method: "GET", urlTemplate: "https://docs.example/x", headers: [], queryParams: [], formParams: [] } });
  const foreign = foreignRequests(page);

  await signIn(page, member.email, member.password);
  await page.goto("/api");
  const reference = page.getByTestId("api-reference");
  await expect(reference.getByText("Run a connector", { exact: true })).toBeVisible();

  await reference.locator(".auth-wrapper button.authorize").click();
  await page.getByLabel("auth-bearer-value").fill(token);
  await page.getByRole("button", { name: "Apply credentials" }).click();
  await page.locator(".modal-ux .btn-done").click();

  const list = reference.locator(".opblock.opblock-get").filter({ has: page.locator('[data-path="/connectors"]') }).first();
  await list.locator(".opblock-summary-control").click();
  await list.getByRole("button", { name: "Try it out" }).click();
  const answer = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/v1/connectors");
  await list.getByRole("button", { name: "Execute" }).click();
  const res = await answer;
  expect(res.status()).toBe(200);
  expect((await res.request().allHeaders())["authorization"]).toBe(`Bearer ${token}`);
  await expect(list.locator(".live-responses-table tbody .response-col_status")).toHaveText("200");
  expect(page.url()).not.toContain(token);
  expect(foreign, "requests to other hosts").toEqual([]);
});

test("the Swagger UI files need a session; only the two allowed names are served", async ({ page, playwright }) => {
  const anonymous = await playwright.request.newContext({ baseURL: appOrigin });
  for (const path of ASSETS) {
    const res = await anonymous.get(path, { maxRedirects: 0 });
    expect([401, 302, 303, 307], path).toContain(res.status());
    expect(await res.text()).not.toContain("SwaggerUIBundle");
  }
  await anonymous.dispose();

  const member = await seedUser();
  await signIn(page, member.email, member.password);
  const js = await page.request.get(ASSETS[0]);
  expect(js.status()).toBe(200);
  expect(js.headers()["content-type"]).toMatch(/^text\/javascript/);
  expect(js.headers()["x-content-type-options"]).toBe("nosniff");
  expect(js.headers()["cache-control"]).toMatch(/max-age=\d{6,}/);
  expect(await js.text()).toContain("SwaggerUIBundle");
  const css = await page.request.get(ASSETS[1]);
  expect(css.status()).toBe(200);
  expect(css.headers()["content-type"]).toMatch(/^text\/css/);
  expect(css.headers()["x-content-type-options"]).toBe("nosniff");
  const again = await page.request.get(ASSETS[1], { headers: { "if-none-match": css.headers()["etag"] } });
  expect(again.status()).toBe(304);
  for (const name of ["swagger-ui.js", "package.json", "index.html", "..%2Fpackage.json", "..%2F..%2Fpackage.json"]) {
    expect((await page.request.get(`/api-docs/assets/${name}`)).status(), name).toBe(404);
  }
});
