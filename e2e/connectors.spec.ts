// Connectors: the wizard (path parameters listed live, header/query rows, JSON body), then the
// list's search, service filter, Copy and Delete.
import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

let n = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++n}`;

async function seedService() {
  const config = await db().authConfig.create({
    data: { name: unique("Open"), protocol: "NONE", subProtocol: "NONE", settings: { tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } }, secrets: {} },
  });
  return db().service.create({ data: { name: unique("CRM"), authConfigId: config.id } });
}

test("build a connector in the wizard, then find, copy and delete it in the list", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const service = await seedService();
  const other = await seedService();
  await signIn(page, admin.email, admin.password);
  await page.goto("/connectors/new");

  const name = unique("Update customer");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Description").fill("Changes one customer's e-mail address");
  await page.getByLabel("Service", { exact: true }).selectOption({ label: service.name });
  await page.getByLabel("Method").selectOption("PATCH");
  await page.getByLabel("URL", { exact: true }).fill("https://api.example.com/customers/{customerId}/notes/{noteId}");
  await expect(page.getByTestId("path-params")).toContainText("customerId");
  await expect(page.getByTestId("path-params")).toContainText("noteId");
  await expect(page.getByLabel("Authentication configuration")).toHaveValue(""); // the service's

  await page.getByRole("button", { name: "Add header" }).click();
  await page.getByLabel("Header name").fill("X-Tenant");
  await page.getByLabel("Header value").fill("acme");
  await page.getByRole("button", { name: "Add query parameter" }).click();
  await page.getByLabel("Parameter name").fill("notify");
  await page.getByLabel("Default value").fill("true");
  await page.getByLabel("Required").check();
  await page.getByLabel("Body type").selectOption("JSON");
  await page.getByLabel("Body description").fill("{ not json");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText(/Not valid JSON/)).toBeVisible();
  await page.getByLabel("Body description").fill('{ "email": "new@example.com" }');
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/connectors\/[^/]+$/);
  await expect(page.getByTestId("connector-meta")).toContainText(`by ${admin.name}`);

  const stored = await db().connector.findUniqueOrThrow({ where: { name } });
  expect(stored).toMatchObject({
    method: "PATCH",
    urlTemplate: "https://api.example.com/customers/{customerId}/notes/{noteId}",
    authorId: admin.id,
    authConfigId: null,
    headers: [{ name: "X-Tenant", value: "acme", description: "" }],
    queryParams: [{ name: "notify", description: "", defaultValue: "true", required: true }],
    bodyType: "JSON",
    bodyDescription: '{ "email": "new@example.com" }',
  });

  // The list: search matches method and service, the filter narrows by service.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Connectors" }).click();
  await page.getByLabel("Search").fill("patch");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByTestId(`connector-row-${name}`)).toBeVisible();
  await page.getByLabel("Search").fill(service.name);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByTestId(`connector-row-${name}`)).toBeVisible();
  await page.getByLabel("Filter by service").selectOption({ label: other.name });
  await expect(page.getByText("No connector matches.")).toBeVisible();
  await page.goto("/connectors?q=" + encodeURIComponent(name));

  // Copy opens the copy for editing.
  await page.getByRole("button", { name: `Copy ${name}` }).click();
  await expect(page.getByRole("heading", { name: `Copy of ${name}` })).toBeVisible();
  expect(await db().connector.count({ where: { name: `Copy of ${name}` } })).toBe(1);

  // Delete asks first.
  await page.goto("/connectors?q=" + encodeURIComponent(name));
  await page.getByRole("button", { name: `Delete Copy of ${name}` }).click();
  await page.getByRole("dialog", { name: `Delete "Copy of ${name}"?` }).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByTestId(`connector-row-Copy of ${name}`)).toHaveCount(0);
  expect(await db().connector.count({ where: { name: `Copy of ${name}` } })).toBe(0);
  await expect(page.getByTestId(`connector-row-${name}`)).toBeVisible();
});
