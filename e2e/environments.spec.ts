// Environments end to end (SPEC §7, issue 11): the same configuration and connector run against
// different targets by overriding single fields. A Basic configuration tested with No environment
// and in "Staging" against lighttpd (an independent server) — each passes with its own
// credentials; a connector URL {{BASE_URL}}/… resolved per environment, and the missing-variable
// error; an OAuth2 client-credentials configuration whose Client ID is overridden in Staging (through
// the extensions API) obtains a separate token from the authorization server. Canary: secret
// overrides and secret variables reach no page, API response, export or log line.
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { startLighttpd, INTEROP_USER, STAGING_USER, type TLighttpd } from "../lib/testing/lighttpd";
import { createApiToken as createToken, signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";
import { OAUTH_CLIENTS, OAUTH_PATHS, type OAuthStats } from "./oauth/clients";

const appOrigin = `http://127.0.0.1:${process.env.PATCHBAY_E2E_PORT}`;
const issuer = `http://127.0.0.1:${process.env.PATCHBAY_E2E_OAUTH_PORT}`;
const serverLog = `${process.env.PATCHBAY_E2E_DATA_DIR}/server.log`;
const SECRET_VARIABLE = "canary-secret-variable-41f0d9e2";

let n = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++n}`;

let lighttpd: TLighttpd;
test.beforeAll(async () => {
  lighttpd = await startLighttpd();
});
test.afterAll(async () => {
  await lighttpd?.stop();
});

test.describe.configure({ mode: "serial" });

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${appOrigin}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

async function chooseEnvironment(page: Page, name: string | null) {
  const select = page.getByLabel("Environment", { exact: true });
  await select.selectOption({ label: name ?? "No environment" });
  await expect(select).toHaveValue(name === null ? "" : /.+/);
  // The choice is saved by a server action: the switcher is aria-busy until it is stored and the
  // page refreshed. Navigating before that would test in the previous environment.
  await expect(select).not.toHaveAttribute("aria-busy", "true");
}

async function testConfig(page: Page, expected: RegExp) {
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await expect(page.getByTestId("test-result")).toContainText(expected, { timeout: 30_000 });
}

async function createEnvironment(page: Page, name: string): Promise<string> {
  await page.goto("/environments");
  await page.getByRole("button", { name: "Create environment" }).click();
  const dialog = page.getByRole("dialog", { name: "Create environment" });
  await dialog.getByLabel("Name", { exact: true }).fill(name);
  await dialog.getByLabel("Description", { exact: true }).fill("Promotion target");
  await dialog.getByRole("button", { name: "Create", exact: true }).click();
  // Creating opens the new environment's page.
  await expect(page).toHaveURL(/\/environments\/[^/]+$/);
  return (await db().environment.findUniqueOrThrow({ where: { name } })).id;
}

/** On an environment's page: overrides one field of a configuration (Use default unchecked). */
async function override(config: ReturnType<Page["getByRole"]>, label: string, value: string) {
  const field = config.getByRole("group", { name: label, exact: true });
  await field.getByRole("checkbox", { name: `Use default for ${label}` }).uncheck();
  const replace = field.getByRole("button", { name: `Replace ${label}` });
  if (await replace.isVisible()) await replace.click();
  await field.getByLabel(`Override for ${label}`, { exact: true }).fill(value);
}

test("Basic per environment against lighttpd; {{BASE_URL}} per environment; a missing variable is named; secrets never shown", async ({ page }) => {
  test.setTimeout(120_000);
  const admin = await seedUser({ role: "ADMIN" });
  await signIn(page, admin.email, admin.password);

  // The configuration, with its defaults (alice, /basic/).
  const configName = unique("Basic lighttpd");
  await page.goto("/auth-configs/new");
  await page.getByLabel("Name", { exact: true }).fill(configName);
  await page.getByLabel("Protocol", { exact: true }).selectOption({ label: "HTTP" });
  await page.getByLabel("Sub-protocol", { exact: true }).selectOption({ label: "Basic" });
  await page.getByLabel("Username", { exact: true }).fill(INTEROP_USER.username);
  await page.getByLabel("Password", { exact: true }).fill(INTEROP_USER.password);
  await page.getByLabel("Test URL").fill(`${lighttpd.http}/basic/ok.txt`);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/auth-configs\/[0-9a-f-]{36}$/);
  const configUrl = page.url();

  // "Staging": its own username, password and Test URL (/staging/ lets only that account in).
  const staging = unique("Staging");
  const stagingId = await createEnvironment(page, staging);
  await page.goto(`/environments/${stagingId}`);
  const fields = page.getByRole("group", { name: configName, exact: true });
  await override(fields, "Username", STAGING_USER.username);
  await override(fields, "Password", STAGING_USER.password);
  await override(fields, "Test URL", `${lighttpd.http}/staging/ok.txt`);
  await fields.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: /^Saved$/ }).first()).toBeVisible();

  // Variables: BASE_URL, and a secret one sent in a header.
  const vars = page.getByRole("group", { name: "Variables", exact: true });
  await vars.getByRole("button", { name: "Add variable" }).click();
  await vars.getByLabel("Name", { exact: true }).last().fill("BASE_URL");
  await vars.getByLabel("Value", { exact: true }).last().fill(`${lighttpd.http}/staging`);
  await vars.getByRole("button", { name: "Add variable" }).click();
  await vars.getByLabel("Name", { exact: true }).last().fill("TOKEN");
  await vars.getByLabel("Secret", { exact: true }).last().check();
  await vars.getByLabel("Value", { exact: true }).last().fill(SECRET_VARIABLE);
  await page.getByRole("button", { name: "Save variables" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" }).first()).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("variable-state-TOKEN")).toHaveText("set");
  expect(await page.content()).not.toContain(SECRET_VARIABLE);

  // Test in No environment: alice at /basic/; in Staging: bob at /staging/. Each with its own credentials.
  await page.goto(configUrl);
  await chooseEnvironment(page, null);
  await testConfig(page, /Success: 200 OK.*\(No environment\)/);
  await chooseEnvironment(page, staging);
  await expect(page.getByTestId("environment-banner")).toHaveText(`Environment: ${staging}`);
  await expect(page.getByTestId("provenance-username")).toContainText(STAGING_USER.username);
  await expect(page.getByTestId("provenance-password")).toContainText("set");
  await testConfig(page, new RegExp(`Success: 200 OK.*\\(environment ${staging}\\)`));

  // A connector whose URL is {{BASE_URL}}/ok.txt with a secret variable in a header.
  const service = await db().service.create({ data: { name: unique("Lighttpd svc"), authConfig: { connect: { name: configName } } } });
  const connector = await db().connector.create({
    data: {
      name: unique("Base URL"),
      serviceId: service.id,
      method: "GET",
      urlTemplate: "{{BASE_URL}}/ok.txt",
      headers: [{ name: "X-Token", value: "{{TOKEN}}", description: "" }],
      queryParams: [],
      bodyType: "NONE",
      formParams: [],
      timeoutMs: 30_000,
    },
  });
  const send = async () => {
    await page.goto("/connectors?q=" + encodeURIComponent(connector.name));
    await page.getByRole("button", { name: `Test ${connector.name}` }).click();
    const dialog = page.getByRole("dialog", { name: "Test connector" });
    await dialog.getByRole("button", { name: "Send" }).click();
    return dialog;
  };
  let dialog = await send();
  await expect(dialog.getByTestId("test-environment")).toHaveText(`Environment: ${staging}`);
  await expect(dialog.getByTestId("response-status")).toHaveText("200 OK", { timeout: 30_000 });
  await expect(dialog.getByTestId("response-environment")).toHaveText(`Ran in environment ${staging}`);
  await expect(dialog).toContainText("hello from staging");
  const dom = await page.content();
  expect(dom).not.toContain(SECRET_VARIABLE);

  // No environment: {{BASE_URL}} has no value anywhere — a validation error naming it, nothing sent.
  await chooseEnvironment(page, null);
  dialog = await send();
  await expect(dialog).toContainText("{{BASE_URL}} is an environment variable: choose an environment that defines BASE_URL", { timeout: 30_000 });

  // An environment without the variable: the error names the variable and the environment.
  const empty = unique("Empty");
  await createEnvironment(page, empty);
  await chooseEnvironment(page, empty);
  dialog = await send();
  await expect(dialog).toContainText(`The environment "${empty}" has no variable BASE_URL`, { timeout: 30_000 });

  // Canary: no page, extensions document, export or log line carries a secret override or variable.
  for (const url of [configUrl, `/environments/${stagingId}`, "/environments", "/audit"]) {
    const html = await (await page.request.get(url)).text();
    const rsc = await (await page.request.get(url, { headers: { RSC: "1" } })).text();
    for (const canary of [STAGING_USER.password, SECRET_VARIABLE]) {
      expect(html, url).not.toContain(canary);
      expect(rsc, url).not.toContain(canary);
    }
  }
  const token = await createToken(page, unique("env canary"));
  for (const path of [`/environments/${stagingId}/extensions`, "/environments", "/library", "/auth-configs"]) {
    const res = await api(token, "GET", path);
    expect(res.status, path).toBe(200);
    expect(res.text, path).not.toContain(STAGING_USER.password);
    expect(res.text, path).not.toContain(SECRET_VARIABLE);
  }
  const doc = JSON.parse((await api(token, "GET", `/environments/${stagingId}/extensions?authConfigId=${(await db().authConfig.findUniqueOrThrow({ where: { name: configName } })).id}`)).text);
  const password = doc.connections[0].fields.find((f: { id: string }) => f.id === "password");
  expect(password).toEqual({ id: "password", useDefault: false, usesEncryption: true, encryptedValueSet: true, componentOverride: false });
  const log = readFileSync(serverLog, "utf8");
  expect(log).not.toContain(STAGING_USER.password);
  expect(log).not.toContain(SECRET_VARIABLE);
  const runs = await db().run.findMany({ where: { connectorId: connector.id } });
  expect(JSON.stringify(runs)).not.toContain(SECRET_VARIABLE);
});

test("OAuth2 client credentials: a Client ID overridden in Staging (extensions API) is a separate connection with its own token", async ({ page }) => {
  test.setTimeout(120_000);
  const admin = await seedUser({ role: "ADMIN" });
  await signIn(page, admin.email, admin.password);
  const stats = async () => ((await (await fetch(`${issuer}${OAUTH_PATHS.stats}`)).json()) as OAuthStats).grants.client_credentials ?? 0;

  const configName = unique("CC per environment");
  await page.goto("/auth-configs/new");
  await page.getByLabel("Name", { exact: true }).fill(configName);
  await page.getByLabel("Protocol", { exact: true }).selectOption({ label: "OAuth2" });
  await page.getByLabel("Sub-protocol", { exact: true }).selectOption({ label: "Client Credentials" });
  await page.getByLabel("Token URL").fill(`${issuer}${OAUTH_PATHS.token}`);
  await page.getByLabel("Client ID").fill(OAUTH_CLIENTS.cc.clientId);
  await page.getByLabel("Client secret").fill(OAUTH_CLIENTS.cc.clientSecret);
  await page.getByLabel("Scope").fill("api:read");
  await page.getByLabel("Client authentication").selectOption({ label: "In the body" });
  await page.getByLabel("Test URL").fill(`${issuer}${OAUTH_PATHS.whoami}`);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/auth-configs\/[0-9a-f-]{36}$/);
  const configUrl = page.url();
  const configId = configUrl.split("/").pop()!;

  const staging = unique("Staging");
  const envId = await createEnvironment(page, staging);
  const token = await createToken(page, unique("extensions"));
  // PATCH through the extensions API: Client ID as a value, Client secret encrypted.
  const patched = await api(token, "PATCH", `/environments/${envId}/extensions`, {
    connections: [
      {
        id: configId,
        fields: [
          { id: "clientId", value: OAUTH_CLIENTS.ccStaging.clientId, useDefault: false },
          { id: "clientSecret", value: OAUTH_CLIENTS.ccStaging.clientSecret, usesEncryption: true, useDefault: false },
        ],
      },
    ],
  });
  expect(patched.status, patched.text).toBe(200);
  expect(patched.text).not.toContain(OAUTH_CLIENTS.ccStaging.clientSecret);

  const before = await stats();
  await page.goto(configUrl);
  await chooseEnvironment(page, null);
  await testConfig(page, /Token obtained\..*Success: 200 OK.*\(No environment\)/);
  await chooseEnvironment(page, staging);
  await expect(page.getByTestId("connection-environment")).toContainText(`Environment ${staging} has its own connection with its own tokens`);
  await testConfig(page, new RegExp(`Token obtained\\..*Success: 200 OK.*\\(environment ${staging}\\)`));
  expect(await stats()).toBe(before + 2);

  // Two token sets: the defaults' and Staging's, each for its own client.
  const rows = await db().oAuthToken.findMany({ where: { authConfigId: configId }, orderBy: { connection: "asc" } });
  expect(rows.map((r) => r.connection)).toEqual(["", envId]);

  // A connector run through the API in each environment uses that environment's token.
  const service = await db().service.create({ data: { name: unique("Whoami svc"), authConfigId: configId } });
  const connector = await db().connector.create({
    data: { name: unique("Whoami"), serviceId: service.id, method: "GET", urlTemplate: `${issuer}${OAUTH_PATHS.whoami}`, headers: [], queryParams: [], bodyType: "NONE", formParams: [], timeoutMs: 30_000 },
  });
  for (const [environment, clientId] of [
    [undefined, OAUTH_CLIENTS.cc.clientId],
    [staging, OAUTH_CLIENTS.ccStaging.clientId],
    [envId, OAUTH_CLIENTS.ccStaging.clientId],
  ] as const) {
    const res = await api(token, "POST", `/connectors/${connector.id}/run`, environment ? { environment } : {});
    expect(res.status, res.text).toBe(200);
    expect(JSON.parse(res.text).body.client_id).toBe(clientId);
  }
  expect(await stats()).toBe(before + 2); // cached tokens reused
  const unknown = await api(token, "POST", `/connectors/${connector.id}/run`, { environment: "No such environment" });
  expect(unknown.status).toBe(400);
  expect(JSON.parse(unknown.text).error.code).toBe("VALIDATION");

  // The run log records the environment (and the refused run, with its error code).
  const logged = async () =>
    (await db().run.findMany({ where: { connectorId: connector.id }, select: { environmentId: true, errorCode: true } })).map((r) => `${r.environmentId ?? "none"} ${r.errorCode ?? "ok"}`).sort();
  await expect.poll(logged).toEqual([`${envId} ok`, `${envId} ok`, "none VALIDATION", "none ok"].sort());

  for (const url of [configUrl, `/environments/${envId}`]) {
    const html = await (await page.request.get(url)).text();
    expect(html).not.toContain(OAUTH_CLIENTS.ccStaging.clientSecret);
  }
  const doc = await api(token, "GET", `/environments/${envId}/extensions`);
  expect(doc.text).not.toContain(OAUTH_CLIENTS.ccStaging.clientSecret);
  expect(readFileSync(serverLog, "utf8")).not.toContain(OAUTH_CLIENTS.ccStaging.clientSecret);
});
