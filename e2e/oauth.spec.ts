// OAuth2 against a real authorization server (oidc-provider from npm, e2e/oauth/provider.ts): the
// browser flow Connect → provider login/consent → callback → connected; a connector using the token;
// forced expiry → refresh with rotation; a revoked access token → refresh on 401; a replayed refresh
// token → invalid_grant → "Needs reconnect" → Reconnect; client credentials; callbacks with replayed,
// foreign, expired and unknown state refused. Password and Service Account against the e2e upstream.
// No token or client secret in any page or in the server's log.
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";
import { OAUTH_CLIENTS, OAUTH_PATHS, type OAuthIssued, type OAuthStats } from "./oauth/clients";
import { UPSTREAM } from "./upstream/credentials";

const issuer = `http://127.0.0.1:${process.env.PATCHBAY_E2E_OAUTH_PORT}`;
const upstream = `http://127.0.0.1:${process.env.PATCHBAY_E2E_UPSTREAM_PORT}`;
const appOrigin = `http://127.0.0.1:${process.env.PATCHBAY_E2E_PORT}`;
const serverLog = `${process.env.PATCHBAY_E2E_DATA_DIR}/server.log`;

let n = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++n}`;

async function stats(): Promise<OAuthStats> {
  return (await fetch(`${issuer}${OAUTH_PATHS.stats}`)).json() as Promise<OAuthStats>;
}
const grants = async (type: string) => (await stats()).grants[type] ?? 0;

/** Every secret the app must never show or log: client secrets, the user's password, and every token the provider issued. */
async function canaries(): Promise<string[]> {
  const issued = (await (await fetch(`${issuer}${OAUTH_PATHS.issued}`)).json()) as OAuthIssued;
  const secrets = [OAUTH_CLIENTS.web.clientSecret, OAUTH_CLIENTS.cc.clientSecret, UPSTREAM.oauthPassword.clientSecret, UPSTREAM.oauthPassword.password];
  return [...secrets, ...issued.tokens];
}

/** The page's HTML and RSC payload, and the server log so far, hold none of the canaries. */
async function expectNothingLeaked(page: Page, urls: string[]) {
  const all = await canaries();
  expect(all.length).toBeGreaterThan(4);
  for (const url of urls) {
    const html = await (await page.request.get(url)).text();
    const rsc = await (await page.request.get(url, { headers: { RSC: "1" } })).text();
    for (const c of all) {
      expect(html, `HTML of ${url}`).not.toContain(c);
      expect(rsc, `RSC of ${url}`).not.toContain(c);
    }
  }
  const log = readFileSync(serverLog, "utf8");
  for (const c of all) expect(log, "server log").not.toContain(c);
  // What the browser rendered, too (dialogs, banners).
  const dom = await page.content();
  for (const c of all) expect(dom, "rendered page").not.toContain(c);
}

/** At the provider: its development login (any user) and consent pages, as far as it shows them. */
async function passProvider(page: Page, login: string) {
  await page.waitForURL((u) => u.href.startsWith(issuer));
  const loginField = page.getByPlaceholder("Enter any login");
  const consent = page.getByRole("button", { name: "Continue" });
  for (let step = 0; step < 4; step++) {
    // The provider may show its login, its consent, or send the browser straight back.
    await expect.poll(async () => !page.url().startsWith(issuer) || (await loginField.isVisible()) || (await consent.isVisible())).toBe(true);
    if (!page.url().startsWith(issuer)) return;
    if (await loginField.isVisible()) {
      await loginField.fill(login);
      await page.getByPlaceholder("and password").fill("any password");
      await page.getByRole("button", { name: "Sign-in" }).click();
      await expect(loginField).toHaveCount(0);
    } else {
      await consent.click();
      await expect(consent).toHaveCount(0);
    }
  }
}

async function newConfig(page: Page, name: string, subProtocol: string) {
  await page.goto("/auth-configs/new");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Protocol", { exact: true }).selectOption({ label: "OAuth2" });
  await page.getByLabel("Sub-protocol", { exact: true }).selectOption({ label: subProtocol });
}

async function save(page: Page): Promise<string> {
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/auth-configs\/[0-9a-f-]{36}$/);
  return page.url().split("/").at(-1)!;
}

async function authCodeConfig(page: Page, name: string, opts: { shared: boolean }) {
  await newConfig(page, name, "Authorization Code");
  await expect(page.getByLabel("Redirect URL")).toHaveValue(`${appOrigin}/api/oauth/callback`);
  await expect(page.getByLabel("Redirect URL")).toHaveAttribute("readonly", "");
  await expect(page.getByLabel("PKCE")).toBeChecked();
  await page.getByLabel("Authorization URL").fill(`${issuer}${OAUTH_PATHS.authorization}`);
  await page.getByLabel("Token URL").fill(`${issuer}${OAUTH_PATHS.token}`);
  await page.getByLabel("Client ID").fill(OAUTH_CLIENTS.web.clientId);
  await page.getByLabel("Client secret").fill(OAUTH_CLIENTS.web.clientSecret);
  await page.getByLabel("Scope").fill("api:read offline_access");
  await page.getByLabel("Audience").fill("https://api.example.test");
  // An extra authorization parameter: the provider then always asks for consent.
  await page.getByRole("button", { name: "Add authorization parameter" }).click();
  await page.getByRole("group", { name: "authorization parameter 1" }).getByLabel("Parameter name").fill("prompt");
  await page.getByRole("group", { name: "authorization parameter 1" }).getByLabel("Parameter value").fill("consent");
  await expect(page.getByLabel("Client authentication")).toHaveValue("BASIC");
  if (!opts.shared) await page.getByLabel("Shared credentials").uncheck();
  await page.getByLabel("Test URL").fill(`${issuer}${OAUTH_PATHS.whoami}`);
  return save(page);
}

async function seedConnector(authConfigId: string) {
  const service = await db().service.create({ data: { name: unique("OAuth svc"), authConfigId } });
  return db().connector.create({
    data: { name: unique("Whoami"), serviceId: service.id, method: "GET", urlTemplate: `${issuer}${OAUTH_PATHS.whoami}`, headers: [], queryParams: [], bodyType: "NONE", formParams: [], timeoutMs: 30_000 },
  });
}

async function sendFromList(page: Page, connectorName: string) {
  await page.goto("/connectors?q=" + encodeURIComponent(connectorName));
  await page.getByRole("button", { name: `Test ${connectorName}` }).click();
  const dialog = page.getByRole("dialog", { name: "Test connector" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Send" }).click();
  return dialog;
}

test.describe.configure({ mode: "serial" });

test("Authorization Code: Connect through the provider, use the token, refresh on expiry and on 401, reconnect after invalid_grant", async ({ page }) => {
  test.setTimeout(120_000);
  const admin = await seedUser({ role: "ADMIN" });
  await signIn(page, admin.email, admin.password);
  const name = unique("Provider code");
  const id = await authCodeConfig(page, name, { shared: true });
  await expect(page.getByTestId("secret-state-Client secret")).toHaveText("set");
  await expect(page.getByTestId("connection-state")).toContainText("Not connected");

  // Connect → provider login and consent → callback → back on the configuration, connected.
  const authRequest = page.waitForRequest((r) => r.url().startsWith(`${issuer}${OAUTH_PATHS.authorization}?`));
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  const authUrl = new URL((await authRequest).url());
  expect(Object.fromEntries([...authUrl.searchParams].filter(([k]) => k !== "state" && k !== "code_challenge"))).toEqual({
    response_type: "code",
    client_id: OAUTH_CLIENTS.web.clientId,
    redirect_uri: `${appOrigin}/api/oauth/callback`,
    scope: "api:read offline_access",
    audience: "https://api.example.test",
    code_challenge_method: "S256",
    prompt: "consent",
  });
  expect(authUrl.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(authUrl.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await passProvider(page, "alice");
  await expect(page).toHaveURL(new RegExp(`/auth-configs/${id}\\?connect=`));
  await expect(page.getByRole("status").filter({ hasText: "Connected (shared credentials)" })).toContainText(/The access token expires at .* UTC\. Scope: api:read/);
  await expect(page.getByTestId("connection-state")).toContainText("Connected");
  await expect(page.getByTestId("connection-state")).toContainText("Refreshed automatically");
  const audit = await db().auditEntry.findFirst({ where: { action: "connect", objectId: id }, orderBy: { at: "desc" } });
  expect(audit?.details).toEqual({ ok: true });

  // A connector using the token: the provider's own API recognises it as alice's.
  const connector = await seedConnector(id);
  let dialog = await sendFromList(page, connector.name);
  await expect(dialog.getByTestId("response-status")).toHaveText("200 OK", { timeout: 30_000 });
  await expect(dialog.getByTestId("json-tree")).toContainText('"alice"');

  // Forced expiry: the next request refreshes first, and the rotated refresh token is stored.
  const before = await db().oAuthToken.findFirstOrThrow({ where: { authConfigId: id, ownerKey: "shared" } });
  await db().oAuthToken.update({ where: { id: before.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
  const refreshes = await grants("refresh_token");
  dialog = await sendFromList(page, connector.name);
  await expect(dialog.getByTestId("response-status")).toHaveText("200 OK", { timeout: 30_000 });
  expect(await grants("refresh_token")).toBe(refreshes + 1);
  const after = await db().oAuthToken.findFirstOrThrow({ where: { id: before.id } });
  expect(after.refreshToken).not.toBe(before.refreshToken);
  expect(after.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);

  // The provider revokes the access token: the API answers 401, one refresh, the request is retried.
  await fetch(`${issuer}${OAUTH_PATHS.revokeAccessTokens}`, { method: "POST" });
  dialog = await sendFromList(page, connector.name);
  await expect(dialog.getByTestId("response-status")).toHaveText("200 OK", { timeout: 30_000 });
  expect(await grants("refresh_token")).toBe(refreshes + 2);

  // Test on the configuration: refreshes and calls the Test URL; shows expiry and scope, never the token.
  await page.goto(`/auth-configs/${id}`);
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await expect(page.getByTestId("test-result")).toContainText(/Token obtained\. The access token expires at .* UTC\. Scope: api:read( offline_access)?\. Success: 200 OK/, { timeout: 30_000 });
  expect(await grants("refresh_token")).toBe(refreshes + 3);
  await expectNothingLeaked(page, [`/auth-configs/${id}`, "/auth-configs", "/connectors", "/audit"]);

  // Someone replays an old refresh token at the provider: it revokes the whole grant. The next
  // refresh gets invalid_grant → "Needs reconnect" with the provider's words, on the page and in the list.
  const issued = (await (await fetch(`${issuer}${OAUTH_PATHS.issued}`)).json()) as OAuthIssued;
  const basic = Buffer.from(`${OAUTH_CLIENTS.web.clientId}:${OAUTH_CLIENTS.web.clientSecret}`).toString("base64");
  const replay = await fetch(`${issuer}${OAUTH_PATHS.token}`, {
    method: "POST",
    headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: issued.refreshTokens.at(-2)! }),
  });
  expect(replay.status).toBe(400);
  await db().oAuthToken.update({ where: { id: before.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
  dialog = await sendFromList(page, connector.name);
  await expect(dialog.getByTestId("test-error")).toContainText(`"${name}" needs reconnect: The provider refused the refresh token (invalid_grant`, { timeout: 30_000 });
  await expect(dialog.getByRole("link", { name: "Reconnect" })).toHaveAttribute("href", `/auth-configs/${id}`);
  await page.goto("/auth-configs");
  await expect(page.getByTestId(`auth-config-row-${name}`).getByText("Needs reconnect")).toBeVisible();
  await page.goto(`/auth-configs/${id}`);
  await expect(page.getByTestId("needs-reconnect")).toContainText("invalid_grant");

  // Reconnect: the provider asks for consent again (prompt=consent); the flag is cleared.
  await page.getByRole("button", { name: "Reconnect" }).click();
  await passProvider(page, "alice");
  await expect(page).toHaveURL(new RegExp(`/auth-configs/${id}\\?connect=`));
  await expect(page.getByRole("status").filter({ hasText: "Connected (shared credentials)" })).toBeVisible();
  await expect(page.getByTestId("needs-reconnect")).toHaveCount(0);
  dialog = await sendFromList(page, connector.name);
  await expect(dialog.getByTestId("response-status")).toHaveText("200 OK", { timeout: 30_000 });
  await expectNothingLeaked(page, [`/auth-configs/${id}`, "/auth-configs"]);
});

test("the callback refuses replayed, foreign, expired and unknown states; members connect their own account", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const admin = await seedUser({ role: "ADMIN" });
  const member = await seedUser({ role: "MEMBER" });
  await signIn(page, admin.email, admin.password);
  const name = unique("Per-user code");
  const id = await authCodeConfig(page, name, { shared: false });
  const connector = await seedConnector(id);

  // The member has no tokens yet: "Connect this configuration first", with a link.
  const memberContext = await browser.newContext();
  const memberPage = await memberContext.newPage();
  await signIn(memberPage, member.email, member.password);
  const dialog = await sendFromList(memberPage, connector.name);
  await expect(dialog.getByTestId("test-error")).toContainText(`Connect this configuration first: "${name}" has no token for your account yet.`);
  await dialog.getByRole("link", { name: "Connect" }).click();
  await expect(memberPage).toHaveURL(new RegExp(`/auth-configs/${id}$`));
  await expect(memberPage.getByTestId("connection-state")).toContainText("Not connected");

  // The member connects; the callback URL the provider sent is kept to be replayed.
  const callbacks: string[] = [];
  memberPage.on("request", (r) => {
    if (r.url().startsWith(`${appOrigin}/api/oauth/callback`)) callbacks.push(r.url());
  });
  await memberPage.getByRole("button", { name: "Connect", exact: true }).click();
  await memberPage.waitForURL((u) => u.href.startsWith(issuer));
  await passProvider(memberPage, "bob");
  await expect(memberPage.getByRole("status").filter({ hasText: "Connected (your account)" })).toBeVisible();
  expect(callbacks).toHaveLength(1);
  expect(new URL(callbacks[0]).searchParams.get("code")).toBeTruthy();

  // Replayed: the same callback again.
  await memberPage.goto(callbacks[0]);
  await expect(memberPage.getByRole("heading", { name: "Authorization already used" })).toBeVisible();
  await expect(memberPage.getByRole("alert")).toContainText("start again with Connect");

  // Foreign: the admin starts Connect; the member (signed in as themselves) arrives with that state.
  await page.goto(`/auth-configs/${id}`);
  await page.route(`${issuer}/**`, (route) => route.abort());
  const toProvider = page.waitForRequest((r) => r.url().startsWith(issuer));
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  const adminState = new URL((await toProvider).url()).searchParams.get("state")!;
  expect(adminState).toBeTruthy();
  const foreign = await memberPage.goto(`/api/oauth/callback?code=stolen&state=${encodeURIComponent(adminState)}`);
  expect(foreign?.status()).toBe(403);
  await expect(memberPage.getByRole("heading", { name: "Started by another user" })).toBeVisible();

  // Expired: more than 10 minutes old (moved back in the database).
  await db().oAuthState.updateMany({ where: { userId: admin.id, usedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
  const expired = await page.request.get(`/api/oauth/callback?code=x&state=${encodeURIComponent(adminState)}`);
  expect(expired.status()).toBe(400);
  expect(await expired.text()).toContain("Authorization expired");

  // Unknown state, and none at all: a plain page, no stack trace.
  const unknown = await memberPage.goto("/api/oauth/callback?code=x&state=made-up");
  expect(unknown?.status()).toBe(400);
  await expect(memberPage.getByRole("heading", { name: "Unknown authorization response" })).toBeVisible();
  const body = await memberPage.content();
  expect(body).not.toMatch(/at \w+ \(|node_modules|Error:/);

  // The provider's own errors reach the configuration page as an error banner. The provider's page
  // is stood in for (not aborted: an aborted navigation commits an error page that can interrupt
  // the next goto), and reached before the callback is visited.
  await page.unroute(`${issuer}/**`);
  await page.route(`${issuer}/**`, (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<p>The provider's login page</p>" }));
  await page.goto(`/auth-configs/${id}`);
  const denied = page.waitForRequest((r) => r.url().startsWith(issuer));
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  const state = new URL((await denied).url()).searchParams.get("state")!;
  await page.waitForURL((u) => u.href.startsWith(issuer));
  await page.goto(`/api/oauth/callback?error=access_denied&error_description=${encodeURIComponent("The user cancelled")}&state=${encodeURIComponent(state)}`);
  await expect(page).toHaveURL(new RegExp(`/auth-configs/${id}\\?connect=`));
  await expect(page.getByTestId("connect-error")).toHaveText("The provider did not authorize Patchbay (access_denied: The user cancelled).");
  await expectNothingLeaked(memberPage, [`/auth-configs/${id}`]);
  await memberContext.close();
});

test("Client Credentials: the token is fetched by Test and used, secret in the body", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  await signIn(page, admin.email, admin.password);
  await newConfig(page, unique("Provider cc"), "Client Credentials");
  await page.getByLabel("Token URL").fill(`${issuer}${OAUTH_PATHS.token}`);
  await page.getByLabel("Client ID").fill(OAUTH_CLIENTS.cc.clientId);
  await page.getByLabel("Client secret").fill(OAUTH_CLIENTS.cc.clientSecret);
  await page.getByLabel("Scope").fill("api:read");
  await page.getByLabel("Client authentication").selectOption({ label: "In the body" });
  await page.getByLabel("Test URL").fill(`${issuer}${OAUTH_PATHS.whoami}`);
  const before = await grants("client_credentials");
  // Unsaved values first, then saved: both obtain a token from the provider.
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await expect(page.getByTestId("test-result")).toContainText(/Token obtained\. The access token expires at .* UTC\. Scope: api:read\. Success: 200 OK/, { timeout: 30_000 });
  const id = await save(page);
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await expect(page.getByTestId("test-result")).toContainText("Success: 200 OK", { timeout: 30_000 });
  expect(await grants("client_credentials")).toBe(before + 2);
  await page.reload();
  await expect(page.getByTestId("connection-state")).toContainText("Token cached");
  // A connector reuses the cached token: no new grant.
  const connector = await seedConnector(id);
  const dialog = await sendFromList(page, connector.name);
  await expect(dialog.getByTestId("response-status")).toHaveText("200 OK", { timeout: 30_000 });
  await expect(dialog.getByTestId("json-tree")).toContainText('"ClientCredentials"');
  expect(await grants("client_credentials")).toBe(before + 2);
  await expectNothingLeaked(page, [`/auth-configs/${id}`]);
});

test("Password and Service Account: configured in the browser, Test obtains a token; the private key is never shown back", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  await signIn(page, admin.email, admin.password);
  const pw = UPSTREAM.oauthPassword;
  await newConfig(page, unique("Password grant"), "Password");
  await page.getByLabel("Token URL").fill(`${upstream}/oauth/token`);
  await page.getByLabel("Client ID").fill(pw.clientId);
  await page.getByLabel("Client secret").fill(pw.clientSecret);
  await page.getByLabel("Username").fill(pw.username);
  await page.getByLabel("Password", { exact: true }).fill(pw.password);
  await page.getByLabel("Scope").fill("profile");
  await page.getByLabel("Test URL").fill(`${upstream}/oauth/api`);
  const pwId = await save(page);
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await expect(page.getByTestId("test-result")).toContainText(/Token obtained\. The access token expires at .* UTC\. Scope: profile\. Success: 200 OK/, { timeout: 30_000 });

  const keyFile = path.join(process.env.PATCHBAY_E2E_CERT_DIR!, "service-account.json");
  const key = JSON.parse(readFileSync(keyFile, "utf8")) as { client_email: string; private_key: string; private_key_id: string };
  await newConfig(page, unique("Service account"), "Service Account");
  await page.getByLabel("Key file").setInputFiles({ name: "not-json.json", mimeType: "application/json", buffer: Buffer.from("nope") });
  await expect(page.getByText("The file is not JSON")).toBeVisible();
  await page.getByLabel("Key file").setInputFiles(keyFile);
  await expect(page.getByTestId("key-file-facts")).toContainText(key.client_email);
  await expect(page.getByTestId("key-file-facts")).toContainText(key.private_key_id);
  await page.getByLabel("Scope").fill("sa.read");
  await page.getByLabel("Test URL").fill(`${upstream}/oauth/api`);
  const saId = await save(page);
  await expect(page.getByTestId("secret-state-Key file")).toHaveText("set");
  await page.getByRole("button", { name: "Test", exact: true }).click();
  await expect(page.getByTestId("test-result")).toContainText(/Token obtained\. .* Scope: sa\.read\. Success: 200 OK/, { timeout: 30_000 });
  const keyBody = key.private_key.split("\n")[1];
  for (const url of [`/auth-configs/${saId}`, `/auth-configs/${pwId}`]) {
    const html = await (await page.request.get(url)).text();
    const rsc = await (await page.request.get(url, { headers: { RSC: "1" } })).text();
    expect(html).not.toContain(keyBody);
    expect(rsc).not.toContain(keyBody);
    expect(html).not.toContain(pw.password);
  }
  expect(readFileSync(serverLog, "utf8")).not.toContain(keyBody);
});
