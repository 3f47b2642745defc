// Services: create with a logo, the logo served safely, deletion refused while connectors use it.
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, request as playwrightRequest, test } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

const PNG_1X1 = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

let n = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++n}`;

async function seedAuthConfig() {
  return db().authConfig.create({
    data: {
      name: unique("Open"),
      protocol: "NONE",
      subProtocol: "NONE",
      settings: { tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } },
      secrets: {},
    },
  });
}

test("create a service with a logo; the logo is served with its checked type to signed-in users only", async ({ page, baseURL }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const config = await seedAuthConfig();
  const dir = os.tmpdir();
  const png = path.join(dir, `logo-${Date.now()}.png`);
  const svg = path.join(dir, `logo-${Date.now()}.png.svg`);
  writeFileSync(png, PNG_1X1);
  writeFileSync(svg, '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

  await signIn(page, admin.email, admin.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Services" }).click();
  await expect(page.getByRole("heading", { name: "Services" })).toBeVisible();
  await page.getByRole("link", { name: "Create" }).click();
  await expect(page.getByRole("heading", { name: "New service" })).toBeVisible();
  const name = unique("Billing");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Product name").fill("Stripe");
  await page.getByLabel("Product version").fill("2024");
  await page.getByLabel("API version").fill("v1");
  await page.getByLabel("Logo").setInputFiles(svg);
  await expect(page.getByText("The logo must be a PNG, JPEG or WebP image.")).toBeVisible();
  await page.getByLabel("Logo").setInputFiles(png);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Choose an authentication configuration")).toBeVisible();
  await page.getByLabel("Authentication configuration").selectOption({ label: config.name });
  await page.getByRole("button", { name: "Save" }).click();

  await expect(page).toHaveURL(/\/services$/);
  const row = page.getByTestId(`service-row-${name}`);
  await expect(row).toContainText("Stripe 2024");
  await expect(row).toContainText("v1");
  await expect(row).toContainText(config.name);
  const src = await row.getByRole("img", { name: `${name} logo` }).getAttribute("src");
  const logo = await page.request.get(src!);
  expect(logo.status()).toBe(200);
  expect(logo.headers()["content-type"]).toBe("image/png");
  expect(logo.headers()["x-content-type-options"]).toBe("nosniff");
  expect(Buffer.from(await logo.body()).equals(PNG_1X1)).toBe(true);

  const anonymous = await playwrightRequest.newContext({ baseURL });
  expect((await anonymous.get(src!)).status()).toBe(401);
  await anonymous.dispose();

  // Edit: remove the logo.
  await row.getByRole("link", { name: `Edit ${name}` }).click();
  await page.getByLabel("Remove logo").check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/services$/);
  await expect(page.getByTestId(`service-row-${name}`).getByRole("img")).toHaveCount(0);
  const audit = await db().auditEntry.findMany({ where: { objectType: "Service", objectName: name }, orderBy: { at: "asc" } });
  expect(audit.map((a) => a.action)).toEqual(["create", "update"]);
});

test("a service used by a connector cannot be deleted; once unused it can", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const config = await seedAuthConfig();
  const service = await db().service.create({ data: { name: unique("Used"), authConfigId: config.id } });
  const connector = await db().connector.create({
    data: { name: unique("List invoices"), serviceId: service.id, method: "GET", urlTemplate: "https://api.example.com/invoices", headers: [], queryParams: [], formParams: [] },
  });
  await signIn(page, admin.email, admin.password);
  await page.goto("/services");
  await page.getByRole("button", { name: `Delete ${service.name}` }).click();
  const dialog = page.getByRole("dialog", { name: `Delete "${service.name}"?` });
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(dialog.getByTestId("form-error")).toContainText(`used by 1 connector ("${connector.name}")`);
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await db().connector.delete({ where: { id: connector.id } });
  await page.getByRole("button", { name: `Delete ${service.name}` }).click();
  await page.getByRole("dialog", { name: `Delete "${service.name}"?` }).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByTestId(`service-row-${service.name}`)).toHaveCount(0);
  expect(await db().service.count({ where: { id: service.id } })).toBe(0);
});
