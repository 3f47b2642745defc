// Authentication configurations: each sub-protocol created in the browser and tested against the
// local upstream APIs; secrets never reach the browser; deletion refused while in use.
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";
import { P12_PASSPHRASE } from "./upstream/certs";
import { UPSTREAM } from "./upstream/credentials";

const upstream = `http://127.0.0.1:${process.env.PATCHBAY_E2E_UPSTREAM_PORT}`;
const tlsUpstream = `https://127.0.0.1:${process.env.PATCHBAY_E2E_UPSTREAM_TLS_PORT}`;
const certDir = process.env.PATCHBAY_E2E_CERT_DIR!;
const cert = (f: string) => readFileSync(path.join(certDir, f), "utf8");
const CANARIES = [UPSTREAM.apiKey, UPSTREAM.basic.password, UPSTREAM.digest.password, UPSTREAM.aws.secretAccessKey, P12_PASSPHRASE, "canary-session-token-stale"];

let n = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++n}`;

async function startNew(page: Page, name: string, protocol: string, subProtocol: string) {
  await page.goto("/auth-configs/new");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Protocol", { exact: true }).selectOption({ label: protocol });
  await page.getByLabel("Sub-protocol", { exact: true }).selectOption({ label: subProtocol });
}

async function testAndExpect(page: Page, expected: RegExp, ok = true) {
  await page.getByRole("button", { name: "Test", exact: true }).click();
  const result = page.getByTestId("test-result");
  await expect(result).toContainText(expected, { timeout: 30_000 });
  await expect(result).toHaveAttribute("role", ok ? "status" : "alert");
}

async function saveNew(page: Page) {
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/auth-configs\/[0-9a-f-]{36}$/);
}

/** What the server sends for the page — its HTML and its RSC payload — carries no secret value. */
async function expectNoSecrets(page: Page) {
  const html = await (await page.request.get(page.url())).text();
  expect(html).toContain("<form");
  const rsc = await (await page.request.get(page.url(), { headers: { RSC: "1" } })).text();
  expect(rsc.length).toBeGreaterThan(100);
  for (const canary of CANARIES) {
    expect(html, "page HTML").not.toContain(canary);
    expect(rsc, "RSC payload").not.toContain(canary);
  }
}

test.describe("authentication configurations", () => {
  test.beforeEach(async ({ page }) => {
    const admin = await seedUser({ role: "ADMIN" });
    await signIn(page, admin.email, admin.password);
  });

  test("API key in a header: Test without saving, save, secret shown only as set", async ({ page }) => {
    const name = unique("API key");
    await startNew(page, name, "HTTP", "API Key");
    await expect(page.getByLabel("Header name", { exact: true })).toHaveValue("Authorization");
    await expect(page.getByLabel("Prefix", { exact: true })).toHaveValue("Bearer");
    await page.getByLabel("API key", { exact: true }).fill("not-the-key");
    await page.getByLabel("Test URL").fill(`${upstream}/api-key`);
    await testAndExpect(page, /The server answered 401 Unauthorized.*invalid api key/, false);
    await page.getByLabel("API key", { exact: true }).fill(UPSTREAM.apiKey);
    await testAndExpect(page, /Success: 200 OK in \d+ ms/);
    expect(await db().authConfig.count({ where: { name } })).toBe(0); // Test saves nothing
    await saveNew(page);

    await page.reload();
    await expect(page.getByTestId("secret-state-API key")).toHaveText("set");
    await expectNoSecrets(page);
    const row = await db().authConfig.findUniqueOrThrow({ where: { name } });
    expect(JSON.stringify(row)).not.toContain(UPSTREAM.apiKey); // encrypted at rest

    // Saving with the secret left alone keeps it: Test still passes.
    await page.getByLabel("Test URL").fill(`${upstream}/api-key?x=1`);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Saved "${name}".` })).toBeVisible();
    await testAndExpect(page, /Success: 200 OK/);
    await page.goto("/auth-configs");
    await expect(page.getByTestId(`auth-config-row-${name}`)).toContainText("Passed");
  });

  test("API key in a query parameter", async ({ page }) => {
    await startNew(page, unique("API key query"), "HTTP", "API Key");
    await page.getByLabel("Placement").selectOption({ label: "Query parameter" });
    await page.getByLabel("Query parameter name").fill("api_key");
    await page.getByLabel("API key", { exact: true }).fill(UPSTREAM.apiKey);
    await page.getByLabel("Test URL").fill(`${upstream}/api-key`);
    await testAndExpect(page, /Success: 200 OK/);
  });

  test("Basic, preemptive and after a challenge", async ({ page }) => {
    await startNew(page, unique("Basic"), "HTTP", "Basic");
    await page.getByLabel("Username").fill(UPSTREAM.basic.username);
    await page.getByLabel("Password", { exact: true }).fill(UPSTREAM.basic.password);
    await page.getByLabel("Test URL").fill(`${upstream}/basic`);
    await testAndExpect(page, /Success: 200 OK/);
    await page.getByLabel("Preemptive").uncheck();
    await testAndExpect(page, /Success: 200 OK/);
    await saveNew(page);
    await expectNoSecrets(page);
  });

  for (const alg of ["MD5", "SHA-256"]) {
    test(`Digest ${alg}`, async ({ page }) => {
      await startNew(page, unique(`Digest ${alg}`), "HTTP", "Digest");
      await page.getByLabel("Username").fill(UPSTREAM.digest.username);
      await page.getByLabel("Password", { exact: true }).fill("wrong password");
      await page.getByLabel("Test URL").fill(`${upstream}/digest?alg=${alg}`);
      await testAndExpect(page, /401 Unauthorized/, false);
      await page.getByLabel("Password", { exact: true }).fill(UPSTREAM.digest.password);
      await testAndExpect(page, /Success: 200 OK/);
      await saveNew(page);
      await expectNoSecrets(page);
    });
  }

  test("AWS Signature V4 with a custom region", async ({ page }) => {
    await startNew(page, unique("AWS"), "AWS", "Signature V4");
    await page.getByLabel("Access key ID").fill(UPSTREAM.aws.accessKeyId);
    await page.getByLabel("Secret access key").fill(UPSTREAM.aws.secretAccessKey);
    await page.getByLabel("Service", { exact: true }).selectOption("execute-api");
    await page.getByLabel("Region", { exact: true }).selectOption({ label: "Custom" });
    await page.getByLabel("Custom region").fill(UPSTREAM.aws.region);
    await page.getByLabel("Test URL").fill(`${upstream}/aws?b=2&a=1&a=0`);
    await testAndExpect(page, /Success: 200 OK/);
    await page.getByLabel("Secret access key").fill("wrong-secret");
    await testAndExpect(page, /403 Forbidden.*signature/, false);
    await page.getByLabel("Secret access key").fill(UPSTREAM.aws.secretAccessKey);
    await page.getByLabel("Session token").fill("canary-session-token-stale");
    await saveNew(page);
    await expectNoSecrets(page);
    const name = await page.getByLabel("Name", { exact: true }).inputValue();
    const stored = async () => Object.keys((await db().authConfig.findUniqueOrThrow({ where: { name } })).secrets as object).sort();
    expect(await stored()).toEqual(["secretAccessKey", "sessionToken"]);

    // An optional secret can be removed: Clear, then Save.
    await page.getByRole("button", { name: "Clear Session token" }).click();
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
    await page.reload();
    await expect(page.getByTestId("secret-state-Session token")).toHaveText("not set");
    expect(await stored()).toEqual(["secretAccessKey"]);
  });

  test("No authentication, created and tested by keyboard alone", async ({ page }) => {
    const name = unique("Open API");
    await page.goto("/auth-configs/new");
    await page.getByLabel("Name", { exact: true }).focus();
    await page.keyboard.type(name);
    await page.keyboard.press("Tab"); // Protocol
    await page.keyboard.press("ArrowDown"); // HTTP -> No Authentication
    await expect(page.getByLabel("Sub-protocol", { exact: true })).toHaveValue("NONE");
    await page.getByLabel("Test URL").focus();
    await page.keyboard.type(`${upstream}/none`);
    await page.getByRole("button", { name: "Test", exact: true }).focus();
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("test-result")).toContainText("Success: 200 OK");
    await page.keyboard.press("Tab"); // Save
    await expect(page.getByRole("button", { name: "Save" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/auth-configs\/[0-9a-f-]{36}$/);
  });

  test("client certificate from a private CA: PEM pair, PKCS#12, and the failure without it", async ({ page }) => {
    await startNew(page, unique("mTLS"), "No Authentication", "No Authentication");
    await page.getByLabel("Test URL").fill(`${tlsUpstream}/`);
    await testAndExpect(page, /certificate/i, false); // the private CA is not trusted yet
    await page.getByLabel("Trusted server certificate").fill(cert("ca.pem"));
    await testAndExpect(page, /certificate/i, false); // trusted now, but no client certificate
    await page.getByLabel("Client certificate").selectOption({ label: "PEM certificate and private key" });
    await page.getByLabel("Certificate (PEM)").fill(cert("client.pem"));
    await page.getByLabel("Private key (PEM)").fill(cert("client-key.pem"));
    await testAndExpect(page, /Success: 200 OK/);
    await saveNew(page);
    await expectNoSecrets(page);
    await expect(page.getByTestId("secret-state-Private key (PEM)")).toHaveText("set");
    expect(await page.content()).not.toContain("PRIVATE KEY");

    await page.getByLabel("Client certificate").selectOption({ label: "PKCS#12 file" });
    await page.getByLabel("PKCS#12 file").setInputFiles(path.join(certDir, "client.p12"));
    await page.getByLabel("Passphrase").fill(P12_PASSPHRASE);
    await testAndExpect(page, /Success: 200 OK/);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
    await page.reload();
    await expect(page.getByTestId("secret-state-Passphrase")).toHaveText("set");
    await expectNoSecrets(page);
  });

  test("an internal address outside the allowlist is blocked by the outbound policy", async ({ page }) => {
    await startNew(page, unique("Blocked"), "No Authentication", "No Authentication");
    await page.getByLabel("Test URL").fill(`http://127.0.0.2:${process.env.PATCHBAY_E2E_UPSTREAM_PORT}/none`);
    await testAndExpect(page, /PATCHBAY_OUTBOUND_ALLOW/, false);
    await page.getByLabel("Test URL").fill("http://169.254.169.254/latest/meta-data/");
    await testAndExpect(page, /PATCHBAY_OUTBOUND_ALLOW/, false);
  });

  test("delete is refused while a service uses the configuration, and works once unused", async ({ page }) => {
    const name = unique("In use");
    await startNew(page, name, "No Authentication", "No Authentication");
    await saveNew(page);
    const config = await db().authConfig.findUniqueOrThrow({ where: { name } });
    const service = await db().service.create({ data: { name: unique("Billing service"), authConfigId: config.id } });

    await page.goto("/auth-configs");
    await page.getByRole("button", { name: `Delete ${name}` }).click();
    const dialog = page.getByRole("dialog", { name: `Delete "${name}"?` });
    await dialog.getByRole("button", { name: "Delete" }).click();
    await expect(dialog.getByTestId("form-error")).toContainText(`in use by service "${service.name}"`);
    await dialog.getByRole("button", { name: "Cancel" }).click();

    await db().service.delete({ where: { id: service.id } });
    await page.getByRole("button", { name: `Delete ${name}` }).click();
    await page.getByRole("dialog", { name: `Delete "${name}"?` }).getByRole("button", { name: "Delete" }).click();
    await expect(page.getByTestId(`auth-config-row-${name}`)).toHaveCount(0);
    expect(await db().authConfig.count({ where: { name } })).toBe(0);
  });

  test("members can open and Test a saved configuration but not change it", async ({ page, context }) => {
    const name = unique("Member view");
    await startNew(page, name, "HTTP", "API Key");
    await page.getByLabel("API key", { exact: true }).fill(UPSTREAM.apiKey);
    await page.getByLabel("Test URL").fill(`${upstream}/api-key`);
    await saveNew(page);
    const configUrl = page.url();

    await context.clearCookies();
    const member = await seedUser();
    await signIn(page, member.email, member.password);
    await page.goto(configUrl);
    await expect(page.getByLabel("Name", { exact: true })).toBeDisabled();
    await expect(page.getByRole("button", { name: "Save" })).toHaveCount(0);
    await testAndExpect(page, /Success: 200 OK/);
    await expectNoSecrets(page);
    await page.goto("/auth-configs/new");
    await expect(page.getByTestId("forbidden")).toBeVisible();
  });
});
