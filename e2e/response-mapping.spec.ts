// Response mapping (SPEC §5.2, §8): rows of Output name + JSON path in the wizard, checked on save;
// the Test connector dialog shows the outputs picked from the upstream's JSON answer, only when the
// connector has a mapping.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

const upstream = `http://127.0.0.1:${process.env.PATCHBAY_E2E_UPSTREAM_PORT}`;

let n = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++n}`;

async function seedService() {
  const config = await db().authConfig.create({
    data: { name: unique("Open"), protocol: "NONE", subProtocol: "NONE", settings: { tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } }, secrets: {} },
  });
  return db().service.create({ data: { name: unique("Echo"), authConfigId: config.id } });
}

/** The inputs of the n-th mapping row (1-based), as the wizard labels them. */
function outputRow(page: Page, i: number) {
  const row = page.getByRole("group", { name: `output ${i}`, exact: true });
  return { name: row.getByLabel("Output name", { exact: true }), path: row.getByLabel("JSON path", { exact: true }) };
}

/** The value shown for one output, by its name. */
function outputValue(outputs: Locator, name: string) {
  return outputs.getByRole("row").filter({ has: outputs.page().getByRole("rowheader", { name, exact: true }) }).getByRole("cell");
}

test("mapping rows are checked on save; Test shows the outputs of the upstream's JSON", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const service = await seedService();
  const plain = await db().connector.create({
    data: { name: unique("No mapping"), serviceId: service.id, method: "GET", urlTemplate: `${upstream}/echo/plain`, headers: [], queryParams: [], formParams: [] },
  });
  await signIn(page, admin.email, admin.password);

  const name = unique("Echo outputs");
  await page.goto("/connectors/new");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Service", { exact: true }).selectOption({ label: service.name });
  await page.getByLabel("URL", { exact: true }).fill(`${upstream}/echo/mapping`);
  const section = page.getByRole("group", { name: "Response mapping" });
  await expect(section.getByText("No outputs.")).toBeVisible();

  // An invalid path and a repeated name: field errors on their rows, nothing saved.
  await page.getByRole("button", { name: "Add output" }).click();
  await outputRow(page, 1).name.fill("verb");
  await outputRow(page, 1).path.fill("$.method[");
  await page.getByRole("button", { name: "Add output" }).click();
  await outputRow(page, 2).name.fill("verb");
  await outputRow(page, 2).path.fill("$.target");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(outputRow(page, 1).path).toHaveAttribute("aria-invalid", "true");
  await expect(outputRow(page, 1).path).toHaveAccessibleDescription(/^Not a valid JSONPath \(RFC 9535\)/);
  await expect(outputRow(page, 2).name).toHaveAccessibleDescription('"verb" is used twice');
  await expect(outputRow(page, 1).name).not.toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/connectors\/new$/);
  expect(await db().connector.count({ where: { name } })).toBe(0);

  // Fixed, plus an output the answer does not have and one removed again.
  await outputRow(page, 1).path.fill("$.method");
  await outputRow(page, 2).name.fill("target");
  await page.getByRole("button", { name: "Add output" }).click();
  await outputRow(page, 3).name.fill("missing");
  await outputRow(page, 3).path.fill("$.nothing.here");
  await page.getByRole("button", { name: "Add output" }).click();
  await outputRow(page, 4).name.fill("dropped");
  await page.getByRole("button", { name: "Remove output 4" }).click();
  await expect(outputRow(page, 4).name).toHaveCount(0);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/connectors\/(?!new$)[^/?]+$/);
  await expect(page.getByTestId("connector-meta")).toBeVisible();

  const stored = await db().connector.findUniqueOrThrow({ where: { name } });
  expect(stored.responseMapping).toEqual([
    { name: "verb", path: "$.method" },
    { name: "target", path: "$.target" },
    { name: "missing", path: "$.nothing.here" },
  ]);
  // The saved rows come back into the wizard.
  await expect(outputRow(page, 2).path).toHaveValue("$.target");

  // Test from the wizard: the outputs of the echo's JSON answer, each as JSON text.
  await page.getByRole("button", { name: "Test", exact: true }).click();
  let dialog = page.getByRole("dialog", { name: "Test connector" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Send" }).click();
  await expect(dialog.getByTestId("response-status")).toHaveText("200 OK", { timeout: 30_000 });
  let outputs = dialog.getByRole("region", { name: "Outputs" });
  await expect(outputs).toBeVisible();
  await expect(outputs.getByRole("row")).toHaveCount(3);
  await expect(outputValue(outputs, "verb")).toHaveText('"GET"');
  await expect(outputValue(outputs, "target")).toHaveText('"/echo/mapping"');
  await expect(outputValue(outputs, "missing")).toHaveText("null");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // Test of the saved connector from the list: the same outputs.
  await page.goto("/connectors?q=" + encodeURIComponent(name));
  await page.getByRole("button", { name: `Test ${name}` }).click();
  dialog = page.getByRole("dialog", { name: "Test connector" });
  await dialog.getByRole("button", { name: "Send" }).click();
  await expect(dialog.getByTestId("response-status")).toHaveText("200 OK", { timeout: 30_000 });
  outputs = dialog.getByRole("region", { name: "Outputs" });
  await expect(outputValue(outputs, "verb")).toHaveText('"GET"');
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // Without a mapping there is no Outputs section.
  await page.goto("/connectors?q=" + encodeURIComponent(plain.name));
  await page.getByRole("button", { name: `Test ${plain.name}` }).click();
  dialog = page.getByRole("dialog", { name: "Test connector" });
  await dialog.getByRole("button", { name: "Send" }).click();
  await expect(dialog.getByTestId("response-status")).toHaveText("200 OK", { timeout: 30_000 });
  await expect(dialog.getByTestId("json-tree")).toBeVisible();
  await expect(dialog.getByRole("region", { name: "Outputs" })).toHaveCount(0);
});
