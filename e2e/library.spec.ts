// The connectors library: Export the selected connectors, import the file into a database that
// no longer has them (same connectors back), then import again and resolve the name conflicts.
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

const PNG_1X1 = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const tag = `${Date.now().toString(36)}`;

async function snapshot(serviceName: string) {
  const rows = await db().connector.findMany({ where: { service: { name: serviceName } }, orderBy: { name: "asc" }, include: { service: { include: { authConfig: true } } } });
  return rows.map((c) => ({
    name: c.name,
    method: c.method,
    urlTemplate: c.urlTemplate,
    headers: c.headers,
    queryParams: c.queryParams,
    bodyType: c.bodyType,
    bodyDescription: c.bodyDescription,
    timeoutMs: c.timeoutMs,
    service: [c.service.name, c.service.productName, c.service.apiVersion, c.service.logo ? Buffer.from(c.service.logo).toString("base64") : null],
    auth: [c.service.authConfig.name, c.service.authConfig.subProtocol, c.service.authConfig.settings],
  }));
}

test("export selected connectors, import them into a database without them, then resolve conflicts on a second import", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const config = await db().authConfig.create({
    data: { name: `Lib open ${tag}`, protocol: "NONE", subProtocol: "NONE", settings: { tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } }, secrets: {} },
  });
  const service = await db().service.create({ data: { name: `Lib svc ${tag}`, productName: "Lib", apiVersion: "v3", authConfigId: config.id, logo: new Uint8Array(PNG_1X1), logoContentType: "image/png" } });
  const names = [`Lib list ${tag}`, `Lib create ${tag}`];
  await db().connector.create({ data: { name: names[0], serviceId: service.id, method: "GET", urlTemplate: "https://lib.example/items/{id}", headers: [{ name: "Accept", value: "application/json", description: "" }], queryParams: [{ name: "q", description: "", defaultValue: "x", required: true }], formParams: [] } });
  await db().connector.create({ data: { name: names[1], serviceId: service.id, method: "POST", urlTemplate: "https://lib.example/items", headers: [], queryParams: [], formParams: [], bodyType: "JSON", bodyDescription: '{"a":1}', timeoutMs: 4000 } });
  const before = await snapshot(service.name);

  await signIn(page, admin.email, admin.password);
  await page.goto(`/connectors?q=${encodeURIComponent(service.name)}`);
  for (const n of names) await page.getByLabel(`Select ${n}`).check();
  await expect(page.getByText("Export downloads the 2 selected connectors.")).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export" }).click()]);
  const text = readFileSync((await download.path())!, "utf8");
  const file = JSON.parse(text);
  expect(file).toMatchObject({ format: "patchbay-connectors-library", version: 1 });
  expect(file.connectors.map((c: { name: string }) => c.name).sort()).toEqual([...names].sort());
  expect(text).not.toContain("pb1.");
  const saved = path.join(os.tmpdir(), `library-${tag}.json`);
  writeFileSync(saved, text);

  // The database no longer has them: import brings the same connectors back.
  await db().connector.deleteMany({ where: { serviceId: service.id } });
  await db().service.delete({ where: { id: service.id } });
  await db().authConfig.delete({ where: { id: config.id } });
  await page.reload();
  await page.getByRole("button", { name: "Import" }).click();
  let dialog = page.getByRole("dialog", { name: "Import connectors library" });
  await dialog.getByLabel("Library file").setInputFiles(saved);
  await expect(dialog.getByTestId("import-summary")).toHaveText("4 items in the file; no name is taken.");
  await dialog.getByRole("button", { name: "Import" }).click();
  await expect(dialog.getByRole("status").filter({ hasText: "Imported" })).toHaveText("Imported 1 authentication configuration, 1 service and 2 connectors.");
  expect(await snapshot(service.name)).toEqual(before);
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(page.getByTestId(`connector-row-${names[0]}`)).toBeVisible();

  // Second import: every name is taken. Keep the rest, import one connector under a new name.
  await page.getByRole("button", { name: "Import" }).click();
  dialog = page.getByRole("dialog", { name: "Import connectors library" });
  await dialog.getByLabel("Library file").setInputFiles(saved);
  await expect(dialog.getByTestId("import-summary")).toContainText("4 names are already taken");
  await dialog.getByLabel(`What to do with ${names[1]}`).selectOption("rename");
  await dialog.getByLabel(`New name for ${names[1]}`).fill(names[0]); // taken: refused, nothing written
  await dialog.getByRole("button", { name: "Import" }).click();
  await expect(dialog.getByTestId("import-error")).toContainText(`"${names[0]}" is taken too. Nothing was imported.`);
  await dialog.getByLabel(`New name for ${names[1]}`).fill(`${names[1]} v2`);
  await dialog.getByRole("button", { name: "Import" }).click();
  await expect(dialog.getByRole("status").filter({ hasText: "Imported" })).toHaveText("Imported 0 authentication configurations, 0 services and 1 connector; skipped 3.");
  const copy = await db().connector.findUniqueOrThrow({ where: { name: `${names[1]} v2` }, include: { service: true } });
  expect(copy.service.name).toBe(service.name);
  expect(await db().auditEntry.count({ where: { action: "import", objectName: `${names[1]} v2` } })).toBe(1);
});

test("a file that is not a library is refused with the reason", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  await signIn(page, admin.email, admin.password);
  await page.goto("/connectors");
  await page.getByRole("button", { name: "Import" }).click();
  const dialog = page.getByRole("dialog", { name: "Import connectors library" });
  await dialog.getByLabel("Library file").setInputFiles({ name: "x.json", mimeType: "application/json", buffer: Buffer.from('{"format":"something-else","version":1}') });
  await expect(dialog.getByTestId("import-error")).toContainText("Not a Patchbay connectors library");
  await expect(dialog.getByRole("button", { name: "Import" })).toHaveCount(0);
});
