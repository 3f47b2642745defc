// The Test Connector dialog against the local upstream (e2e/upstream/server.ts): what the upstream
// received is what "Request sent" shows, secrets masked; files, huge and silent upstreams, the
// outbound policy, Cancel.
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

const upstream = `http://127.0.0.1:${process.env.PATCHBAY_E2E_UPSTREAM_PORT}`;
const MASK = "••••••";

let n = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++n}`;

type TEcho = { method: string; target: string; headers: Array<[string, string]>; bodyBase64: string };

/** The response body via "Download raw": exactly the bytes the upstream answered. */
async function downloadRaw(page: Page): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download raw" }).click()]);
  return readFileSync((await download.path())!);
}

async function seedConnector(over: { method?: string; urlTemplate: string; bodyType?: string; formParams?: unknown[]; timeoutMs?: number }) {
  const config = await db().authConfig.create({
    data: { name: unique("Open"), protocol: "NONE", subProtocol: "NONE", settings: { tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } }, secrets: {} },
  });
  const service = await db().service.create({ data: { name: unique("Svc"), authConfigId: config.id } });
  return db().connector.create({
    data: {
      name: unique("Conn"),
      serviceId: service.id,
      method: over.method ?? "GET",
      urlTemplate: over.urlTemplate,
      headers: [],
      queryParams: [],
      bodyType: over.bodyType ?? "NONE",
      formParams: (over.formParams ?? []) as object[],
      timeoutMs: over.timeoutMs ?? 30_000,
    },
  });
}

async function openFromList(page: Page, name: string) {
  await page.goto("/connectors?q=" + encodeURIComponent(name));
  await page.getByRole("button", { name: `Test ${name}` }).click();
  const dialog = page.getByRole("dialog", { name: "Test connector" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("test-name")).toHaveText(name);
  return dialog;
}

test("from nothing to a tested connector by keyboard: the upstream got exactly what Request sent shows", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const apiKey = `canary-key-${Date.now()}`;
  await signIn(page, admin.email, admin.password);

  // Authentication configuration: API key in X-Api-Key, no prefix.
  const configName = unique("Echo key");
  await page.goto("/auth-configs/new");
  await page.getByLabel("Name", { exact: true }).fill(configName);
  await page.getByLabel("Protocol", { exact: true }).selectOption({ label: "HTTP" });
  await page.getByLabel("Sub-protocol", { exact: true }).selectOption({ label: "API Key" });
  await page.getByLabel("Header name", { exact: true }).fill("X-Api-Key");
  await page.getByLabel("Prefix", { exact: true }).fill("");
  await page.getByLabel("API key", { exact: true }).fill(apiKey);
  await page.getByLabel("API key", { exact: true }).press("Enter");
  await expect(page).toHaveURL(/\/auth-configs\/[0-9a-f-]{36}$/);

  // Service, by keyboard.
  const serviceName = unique("Echo");
  await page.goto("/services/new");
  await page.getByLabel("Name", { exact: true }).fill(serviceName);
  await page.getByLabel("Authentication configuration").selectOption({ label: configName });
  await page.getByLabel("Name", { exact: true }).press("Enter");
  await expect(page).toHaveURL(/\/services$/);

  // Connector with path, query, header and JSON body; tested before saving.
  const name = unique("Create item");
  await page.goto("/connectors/new");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Service", { exact: true }).selectOption({ label: serviceName });
  await page.getByLabel("Method").selectOption("POST");
  await page.getByLabel("URL", { exact: true }).fill(`${upstream}/echo/items/{itemId}`);
  await page.getByRole("button", { name: "Add header" }).press("Enter");
  await page.getByLabel("Header name").fill("X-Tenant");
  await page.getByLabel("Header value").fill("acme");
  await page.getByRole("button", { name: "Add query parameter" }).press("Enter");
  await page.getByLabel("Parameter name").fill("tag");
  await page.getByLabel("Default value").fill("a b");
  await page.getByRole("button", { name: "Add query parameter" }).press("Enter");
  await page.getByLabel("Parameter name").nth(1).fill("page");
  await page.getByLabel("Required").nth(1).check();
  await page.getByLabel("Body type").selectOption("JSON");
  await page.getByLabel("Body description").fill('{"hello":"wörld"}');
  await page.getByRole("button", { name: "Test", exact: true }).press("Enter");

  const dialog = page.getByRole("dialog", { name: "Test connector" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("test-url")).toContainText("{itemId}");
  await expect(dialog.getByRole("group", { name: "Overwrite config parameters" }).getByLabel("X-Tenant")).toHaveValue("acme");
  await expect(dialog.getByLabel("X-Api-Key (authentication)")).toHaveValue("");
  await expect(dialog.getByRole("group", { name: "Query parameters" }).getByLabel("tag")).toHaveValue("a b");

  // Required inputs and invalid JSON are flagged before anything is sent.
  await dialog.getByRole("button", { name: "Send" }).press("Enter");
  await expect(dialog.getByTestId("test-error")).toContainText("Enter itemId");
  await dialog.getByRole("group", { name: "Path parameters" }).getByLabel("itemId").fill("a/b c");
  await dialog.getByRole("group", { name: "Query parameters" }).getByLabel("page").fill("2");
  await dialog.getByRole("group", { name: "Overwrite config parameters" }).getByLabel("X-Tenant").fill("globex");
  const body = dialog.getByLabel("Request body");
  await body.fill('{"hello": "wörld", ');
  await expect(dialog.getByText(/Not valid JSON/)).toBeVisible();
  await body.fill('{"hello": "wörld", "n": 1.50}');
  await expect(dialog.getByText("Valid JSON.")).toBeVisible();
  await body.press("Tab");
  await expect(dialog.getByRole("button", { name: "Send" })).toBeFocused();
  await page.keyboard.press("Enter");

  await expect(dialog.getByTestId("response-status")).toHaveText("200 OK", { timeout: 30_000 });
  await expect(dialog.getByTestId("json-tree")).toContainText('"target"');
  const echo = JSON.parse((await downloadRaw(page)).toString()) as TEcho;
  expect(echo.method).toBe("POST");
  expect(echo.target).toBe("/echo/items/a%2Fb%20c?tag=a%20b&page=2");
  expect(Buffer.from(echo.bodyBase64, "base64").toString()).toBe('{"hello": "wörld", "n": 1.50}');
  const received = new Map(echo.headers.map(([k, v]) => [k.toLowerCase(), v]));
  expect(received.get("x-api-key")).toBe(apiKey);
  expect(received.get("x-tenant")).toBe("globex");
  expect(received.get("content-type")).toBe("application/json");

  // "Request sent": every header the upstream received, in order, the key masked.
  await dialog.getByRole("tab", { name: "Request sent" }).press("Enter");
  await expect(dialog.getByTestId("sent-line")).toHaveText(`POST ${upstream}/echo/items/a%2Fb%20c?tag=a%20b&page=2`);
  const rows = await dialog.getByTestId("sent-headers").getByRole("row").all();
  const shown = await Promise.all(rows.map(async (r) => [await r.getByRole("rowheader").textContent(), await r.getByRole("cell").textContent()]));
  expect(shown).toEqual(echo.headers.map(([k, v]) => [k, k.toLowerCase() === "x-api-key" ? MASK : v]));
  const curl = await dialog.getByTestId("curl").innerText();
  expect(curl).toContain(`-H 'X-Api-Key: ${MASK}'`);
  expect(curl).toContain(`--data-raw '{"hello": "wörld", "n": 1.50}'`);
  expect(await page.content()).not.toContain(apiKey);

  // The audit log records the test.
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  const entry = await db().auditEntry.findFirst({ where: { action: "test", objectType: "Connector", objectName: name }, orderBy: { at: "desc" } });
  expect(entry?.details).toMatchObject({ status: 200, saved: false });
});

test("a member tests a saved Form connector from the list, uploading a file", async ({ page }) => {
  const member = await seedUser({ role: "MEMBER" });
  const c = await seedConnector({
    method: "POST",
    urlTemplate: `${upstream}/echo/upload`,
    bodyType: "FORM",
    formParams: [{ name: "title", type: "text", description: "" }, { name: "doc", type: "file", description: "The document" }],
  });
  await signIn(page, member.email, member.password);
  const dialog = await openFromList(page, c.name);
  const form = dialog.getByRole("group", { name: "Form parameters" });
  await form.getByLabel("title").fill("Quarterly ✓");
  await form.getByLabel("doc").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("line 1\r\n--not a boundary\r\n") });
  await dialog.getByRole("button", { name: "Send" }).click();
  await expect(dialog.getByTestId("response-status")).toHaveText("200 OK", { timeout: 30_000 });
  const echo = JSON.parse((await downloadRaw(page)).toString()) as TEcho;
  const type = echo.headers.find(([k]) => k.toLowerCase() === "content-type")![1];
  const boundary = /boundary=(.+)$/.exec(type)![1];
  // Parsed back with the platform's multipart parser.
  const parsed = await new Response(Buffer.from(echo.bodyBase64, "base64"), { headers: { "content-type": type } }).formData();
  expect(parsed.get("title")).toBe("Quarterly ✓");
  const file = parsed.get("doc") as File;
  expect(file.name).toBe("notes.txt");
  expect(file.type).toBe("text/plain");
  expect(await file.text()).toBe("line 1\r\n--not a boundary\r\n");
  expect(boundary.length).toBeGreaterThan(20);
  await dialog.getByRole("tab", { name: "Request sent" }).click();
  await expect(dialog.getByTestId("curl")).toContainText("-F 'doc=@notes.txt;type=text/plain'");
});

test("a 20 MB answer is cut at 10 MB, 8 MB of JSON opens in the viewer with folding, the page stays responsive; images are previewed", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const big = await seedConnector({ urlTemplate: `${upstream}/big` });
  const bigJson = await seedConnector({ urlTemplate: `${upstream}/big-json` });
  const image = await seedConnector({ urlTemplate: `${upstream}/image.png` });
  await signIn(page, admin.email, admin.password);
  let dialog = await openFromList(page, big.name);
  await dialog.getByRole("button", { name: "Send" }).click();
  await expect(dialog.getByRole("alert")).toContainText("Response too large", { timeout: 60_000 });
  await expect(dialog.getByTestId("response-size")).toHaveText("10.0 MB");
  // Cut JSON is shown as text, only its start.
  await expect(dialog.getByTestId("response-text")).toBeVisible();
  await expect(dialog.getByText(/Showing the first 256\.0 KB of 10\.0 MB \(truncated\)/)).toBeVisible();
  // Responsive: the main thread answers and the tabs still switch at once.
  expect(await page.evaluate(() => new Promise<number>((r) => requestAnimationFrame(() => r(1))))).toBe(1);
  await dialog.getByRole("tab", { name: "Request sent" }).click();
  await expect(dialog.getByTestId("sent-line")).toHaveText(`GET ${upstream}/big`);
  await page.keyboard.press("Escape");

  // Valid JSON just under the cap: indented in a worker, then shown by CodeMirror, which puts only
  // the lines in view in the DOM; its fold gutter folds a block into one placeholder.
  dialog = await openFromList(page, bigJson.name);
  await dialog.getByRole("button", { name: "Send" }).click();
  const tree = dialog.getByTestId("json-tree");
  const viewer = tree.getByRole("textbox", { name: "Response body" });
  await expect(viewer).toBeVisible({ timeout: 60_000 });
  await expect(dialog.getByRole("alert")).toHaveCount(0);
  await expect(viewer).toHaveAttribute("aria-readonly", "true");
  await expect(tree).toContainText('"count": 45000');
  await expect(tree).toContainText('"name": "item 0"');
  expect(await tree.locator(".cm-line").count()).toBeLessThan(400);
  expect(await page.evaluate(() => new Promise<number>((r) => requestAnimationFrame(() => r(1))))).toBe(1);
  // The first fold marker belongs to the whole document, or — while the background parse has not
  // reached the end of 8 MB yet — to the first item: folding either hides item 0's lines.
  await tree.locator('.cm-foldGutter [title="Fold line"]').first().click();
  await expect(tree.locator(".cm-foldPlaceholder")).toHaveCount(1);
  await expect(tree).not.toContainText('"id": 0,');
  // The placeholder ("…") unfolds it again.
  await tree.locator(".cm-foldPlaceholder").click();
  await expect(tree.locator(".cm-foldPlaceholder")).toHaveCount(0);
  await expect(tree).toContainText('"name": "item 0"');
  // By keyboard: the read-only viewer takes focus and Ctrl+End scrolls it to the last item.
  await viewer.focus();
  await page.keyboard.press("Control+End");
  await expect(tree).toContainText('"name": "item 44999"');
  expect(await page.evaluate(() => new Promise<number>((r) => requestAnimationFrame(() => r(1))))).toBe(1);
  await page.keyboard.press("Escape");

  dialog = await openFromList(page, image.name);
  await dialog.getByRole("button", { name: "Send" }).click();
  await expect(dialog.getByRole("img", { name: /Response image \(image\/png/ })).toBeVisible({ timeout: 30_000 });
});

test("errors in plain words: no answer in time, the outbound policy; Cancel stops a running test", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const silent = await seedConnector({ urlTemplate: `${upstream}/hang`, timeoutMs: 1_000 });
  const tag = `cancel-${Date.now().toString(36)}`;
  const slow = await seedConnector({ urlTemplate: `${upstream}/hang?tag=${tag}`, timeoutMs: 120_000 });
  const internal = await seedConnector({ urlTemplate: "http://10.255.255.1/status" });
  await signIn(page, admin.email, admin.password);

  let dialog = await openFromList(page, silent.name);
  await dialog.getByRole("button", { name: "Send" }).click();
  await expect(dialog.getByTestId("test-error")).toHaveText("No response within 1 s", { timeout: 30_000 });
  await page.keyboard.press("Escape");

  dialog = await openFromList(page, internal.name);
  await dialog.getByRole("button", { name: "Send" }).click();
  await expect(dialog.getByTestId("test-error")).toContainText("10.255.255.1 is a private address");
  await expect(dialog.getByTestId("test-error")).toContainText("to PATCHBAY_OUTBOUND_ALLOW to allow it");
  await page.keyboard.press("Escape");

  dialog = await openFromList(page, slow.name);
  await dialog.getByRole("button", { name: "Send" }).click();
  await expect(dialog.getByRole("progressbar", { name: "Sending" })).toBeVisible();
  // Cancelled once the request is with the upstream (a cancel before the server got the request
  // would leave it nothing to stop, and no audit entry).
  await expect.poll(async () => ((await (await fetch(`${upstream}/hang-count?tag=${tag}`)).json()) as { count: number }).count, { timeout: 15_000 }).toBe(1);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog.getByRole("status").filter({ hasText: "Cancelled" })).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Send" })).toBeEnabled();
  // The server stopped waiting too (request.signal), long before the connector's 2-minute timeout.
  await expect
    .poll(async () => (await db().auditEntry.findFirst({ where: { objectType: "Connector", objectName: slow.name, action: "test" } }))?.details, { timeout: 15_000 })
    .toMatchObject({ error: "CANCELLED" });
});
