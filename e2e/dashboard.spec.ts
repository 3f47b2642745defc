// The dashboard at / (issue 15 item 1): each condition that needs attention, seeded in the database,
// is listed with a link to the page where it is fixed; the counts link to their lists. And one full
// flow by keyboard alone — configuration → service → connector → Test → the run on the dashboard.
// The e2e database is shared by every spec of the run: assertions look for this spec's own names,
// never at global counts.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { createHash, randomBytes } from "node:crypto";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

const upstream = `http://127.0.0.1:${process.env.PATCHBAY_E2E_UPSTREAM_PORT}`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TLS = { tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } };

let n = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++n}`;
/** Names chosen in a <select> by keyboard: no spaces, so nothing but arrows is needed. */
const slug = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++n}`;

async function seedService() {
  const config = await db().authConfig.create({ data: { name: unique("Dash open"), protocol: "NONE", subProtocol: "NONE", settings: TLS, secrets: {} } });
  return db().service.create({ data: { name: unique("Dash svc"), authConfigId: config.id } });
}

/** Opens the dashboard and follows the attention item's link; returns the main region of the page reached. */
async function follow(page: Page, title: string): Promise<Locator> {
  await page.goto("/");
  const attention = page.getByRole("region", { name: "Needs attention" });
  const link = attention.getByRole("link", { name: title, exact: true });
  await expect(link).toBeVisible();
  await link.click();
  return page.getByRole("main");
}

test("each condition that needs attention is listed, and its link leads to where it is fixed", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const now = Date.now();

  // A configuration whose provider refused to renew the token, and one whose last test failed.
  const reconnect = await db().authConfig.create({
    data: { name: unique("Dash CRM"), protocol: "OAUTH2", subProtocol: "OAUTH2_CLIENT_CREDENTIALS", settings: { ...TLS, tokenUrl: "https://auth.example.test/token", clientId: "dash" }, secrets: {} },
  });
  const reason = `invalid_grant: refresh token revoked ${randomBytes(3).toString("hex")}`;
  await db().oAuthToken.create({ data: { authConfigId: reconnect.id, ownerKey: "shared", connection: "", accessToken: "not opened by these pages", needsReconnect: true, needsReconnectReason: reason } });
  const failedTest = await db().authConfig.create({
    data: { name: unique("Dash billing"), protocol: "NONE", subProtocol: "NONE", settings: TLS, secrets: {}, lastTestAt: new Date(now), lastTestOk: false, lastTestMessage: "401 Unauthorized" },
  });

  // Subscriptions: polls failing, delivery stopped by a 410, and one with a dead-lettered event.
  // No poll is due (nextPollAt null) and nothing is pending: the workers leave them alone.
  const service = await seedService();
  const pollError = `Connection refused ${randomBytes(3).toString("hex")}`;
  const failing = await db().eventSubscription.create({
    data: {
      name: unique("Dash orders"), serviceId: service.id, type: "POLLING", callbackUrl: "http://127.0.0.1:9/hook", refreshMinutes: 15,
      resources: JSON.stringify([{ name: "orders", url: "http://127.0.0.1:9/orders", idField: "id" }]),
      consecutiveFailures: 3, lastPollAt: new Date(now), lastPollError: pollError,
    },
  });
  const gone = `The callback answered 410 Gone ${randomBytes(3).toString("hex")}.`;
  const stopped = await db().eventSubscription.create({ data: { name: unique("Dash invoices"), serviceId: service.id, type: "WEBHOOK", callbackUrl: "http://127.0.0.1:9/gone", deliveryDisabledReason: gone } });
  const deadSub = await db().eventSubscription.create({ data: { name: unique("Dash leads"), serviceId: service.id, type: "WEBHOOK", callbackUrl: "http://127.0.0.1:9/fails" } });
  await db().event.create({
    data: { subscriptionId: deadSub.id, resource: "webhook", type: "RECEIVED", payload: "{}", occurredAt: new Date(now), deliveryStatus: "dead", attemptCount: 5, roundAttempts: 5, lastAttemptAt: new Date(now), lastStatusCode: 500, lastError: "HTTP 500" },
  });

  // A listener whose forward target gave up on a message.
  const path = `dash-${Date.now().toString(36)}-${++n}`;
  const listener = await db().listener.create({ data: { name: unique("Dash partner"), path, pathKey: path, methods: '["POST"]', target: "FORWARD", callbackUrl: "http://127.0.0.1:9/forward" } });
  await db().inboundMessage.create({
    data: { listenerId: listener.id, method: "POST", path: `/api/hooks/${path}`, headers: "[]", contentType: "application/json", body: Buffer.from("{}"), size: 2, status: "dead", attemptCount: 5, lastAttemptAt: new Date(now), lastStatusCode: 500, lastError: "HTTP 500" },
  });

  // API tokens of the signed-in admin: one expiring in 3 days, one expired 2 days ago.
  const token = (name: string, expiresAt: Date) =>
    db().apiToken.create({ data: { name, tokenHash: createHash("sha256").update(randomBytes(16)).digest("hex"), prefix: "pb_dashxxxx", userId: admin.id, expiresAt } });
  const expiring = await token(unique("Dash CI"), new Date(now + 3 * DAY + HOUR));
  const expired = await token(unique("Dash old"), new Date(now - 2 * DAY - HOUR));

  await signIn(page, admin.email, admin.password);
  await page.goto("/");
  await expect(page).toHaveTitle(/Dashboard/);
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  const attention = page.getByRole("region", { name: "Needs attention" });
  await expect(attention.getByRole("list")).toBeVisible();
  await expect(attention.getByText("Nothing needs attention.")).toHaveCount(0);
  // Severity in words, not colour alone.
  const item = attention.getByRole("listitem").filter({ has: page.getByRole("link", { name: `${reconnect.name} needs reconnect`, exact: true }) });
  await expect(item).toContainText("Error");
  await expect(item).toContainText(reason);

  let main = await follow(page, `${reconnect.name} needs reconnect`);
  await expect(page).toHaveURL(new RegExp(`/auth-configs/${reconnect.id}$`));
  await expect(main.getByRole("heading", { name: reconnect.name, level: 1 })).toBeVisible();
  await expect(main.getByTestId("needs-reconnect")).toContainText(reason);

  main = await follow(page, `${failedTest.name}: last test failed`);
  await expect(page).toHaveURL(new RegExp(`/auth-configs/${failedTest.id}$`));
  await expect(main.getByRole("heading", { name: failedTest.name, level: 1 })).toBeVisible();

  main = await follow(page, `Subscription ${failing.name} is failing`);
  await expect(page).toHaveURL(new RegExp(`/events/${failing.id}$`));
  await expect(main.getByRole("heading", { name: failing.name, level: 1 })).toBeVisible();
  await expect(main.getByText(pollError).first()).toBeVisible();

  main = await follow(page, `Delivery stopped for ${stopped.name}`);
  await expect(page).toHaveURL(new RegExp(`/events/${stopped.id}$`));
  await expect(main.getByRole("heading", { name: stopped.name, level: 1 })).toBeVisible();
  await expect(main.getByText(gone).first()).toBeVisible();

  main = await follow(page, `1 dead-lettered delivery in ${deadSub.name}`);
  await expect(page).toHaveURL(new RegExp(`/events/${deadSub.id}\\?status=dead$`));
  await expect(main.getByRole("heading", { name: deadSub.name, level: 1 })).toBeVisible();

  main = await follow(page, `Listener ${listener.name}: target failing`);
  await expect(page).toHaveURL(new RegExp(`/listeners/${listener.id}\\?status=dead$`));
  await expect(main.getByRole("heading", { name: listener.name, level: 1 })).toBeVisible();

  main = await follow(page, `API token ${expiring.name} expires in 3 days`);
  await expect(page).toHaveURL(/\/api-tokens$/);
  await expect(main.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();

  // (The token's row is not looked for: other specs may add 50 tokens meanwhile, pushing it to page 2.)
  main = await follow(page, `API token ${expired.name} expired 2 days ago`);
  await expect(page).toHaveURL(/\/api-tokens$/);
  await expect(main.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();

  // The counts link to their lists.
  await page.goto("/");
  await page.getByTestId("dashboard-count-listeners").getByRole("link").first().click();
  await expect(page).toHaveURL(/\/listeners$/);
  await expect(page.getByRole("main").getByRole("heading", { name: "Listeners", level: 1 })).toBeVisible();
});

test("a member's dashboard shows their own expiring token, not an admin's", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const member = await seedUser({ role: "MEMBER" });
  const expiresAt = new Date(Date.now() + 2 * DAY + HOUR);
  const mine = unique("Dash member token");
  const theirs = unique("Dash admin token");
  for (const [name, userId] of [[mine, member.id], [theirs, admin.id]] as const) {
    await db().apiToken.create({ data: { name, tokenHash: createHash("sha256").update(randomBytes(16)).digest("hex"), prefix: "pb_dashmemb", userId, expiresAt } });
  }
  await signIn(page, member.email, member.password);
  await page.goto("/");
  const attention = page.getByRole("region", { name: "Needs attention" });
  await expect(attention.getByRole("link", { name: `API token ${mine} expires in 2 days`, exact: true })).toBeVisible();
  await expect(attention.getByText(theirs)).toHaveCount(0);
  // Members create nothing: no next-step links.
  await expect(page.getByRole("link", { name: /^Create a/ })).toHaveCount(0);
});

/** Moves the focus with Tab (and, should it never arrive, Shift+Tab) until `target` has it. */
async function tabTo(page: Page, target: Locator, max = 250) {
  await expect(target).toBeVisible();
  for (const key of ["Tab", "Shift+Tab"]) {
    for (let i = 0; i < max; i++) {
      if (await target.evaluate((el) => el === document.activeElement)) return;
      await page.keyboard.press(key);
    }
  }
  throw new Error("the keyboard never reached the element");
}

/** Chooses an option of a <select> with the arrow keys (a closed select on Linux changes at once). */
async function chooseByKeyboard(page: Page, select: Locator, label: string) {
  await tabTo(page, select);
  const { options, current } = await select.evaluate((el) => {
    const s = el as HTMLSelectElement;
    return { options: [...s.options].map((o) => o.text), current: s.selectedIndex };
  });
  const wanted = options.indexOf(label);
  expect(wanted, `option ${label}`).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < Math.abs(wanted - current); i++) await page.keyboard.press(wanted > current ? "ArrowDown" : "ArrowUp");
  await expect.poll(() => select.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.text)).toBe(label);
}

async function typeInto(page: Page, field: Locator, text: string) {
  await tabTo(page, field);
  await page.keyboard.type(text);
  await expect(field).toHaveValue(text);
}

test("keyboard only: configuration, service, connector, Test, and the run on the dashboard", async ({ page }) => {
  test.setTimeout(120_000);
  const admin = await seedUser({ role: "ADMIN" });
  await signIn(page, admin.email, admin.password);
  // Signing in lands on the dashboard; from here on only the keyboard is used.
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  const main = page.getByRole("main");
  const press = async (target: Locator, key = "Enter") => {
    await tabTo(page, target);
    await page.keyboard.press(key);
  };

  // Authentication configuration: No Authentication.
  const configName = slug("kb-config");
  await press(nav.getByRole("link", { name: "Authentication", exact: true }));
  await expect(page).toHaveURL(/\/auth-configs$/);
  await press(main.getByRole("link", { name: "Create", exact: true }));
  await expect(page).toHaveURL(/\/auth-configs\/new$/);
  await typeInto(page, main.getByLabel("Name", { exact: true }), configName);
  await chooseByKeyboard(page, main.getByLabel("Protocol", { exact: true }), "No Authentication");
  await expect(main.getByLabel("Sub-protocol", { exact: true })).toHaveValue("NONE");
  await press(main.getByRole("button", { name: "Save", exact: true }));
  await expect(page).toHaveURL(/\/auth-configs\/[0-9a-f-]{36}$/);

  // Service using it.
  const serviceName = slug("kb-service");
  await press(nav.getByRole("link", { name: "Services", exact: true }));
  await expect(page).toHaveURL(/\/services$/);
  await press(main.getByRole("link", { name: "Create", exact: true }));
  await expect(page).toHaveURL(/\/services\/new$/);
  await typeInto(page, main.getByLabel("Name", { exact: true }), serviceName);
  await chooseByKeyboard(page, main.getByLabel("Authentication configuration"), configName);
  await press(main.getByRole("button", { name: "Save", exact: true }));
  await expect(page).toHaveURL(/\/services$/);

  // Connector against the local upstream, saved.
  const name = slug("kb-connector");
  await press(nav.getByRole("link", { name: "Connectors", exact: true }));
  await expect(page).toHaveURL(/\/connectors$/);
  await press(main.getByRole("link", { name: "Create", exact: true }));
  await expect(page).toHaveURL(/\/connectors\/new$/);
  await typeInto(page, main.getByLabel("Name", { exact: true }), name);
  await chooseByKeyboard(page, main.getByLabel("Service", { exact: true }), serviceName);
  await typeInto(page, main.getByLabel("URL", { exact: true }), `${upstream}/echo/dashboard`);
  await press(main.getByRole("button", { name: "Save", exact: true }));
  await expect(page).toHaveURL(/\/connectors\/(?!new$)[^/?]+$/);
  const connectorId = new URL(page.url()).pathname.split("/").pop()!;

  // Test: Send, the answer, Escape.
  await press(main.getByRole("button", { name: "Test", exact: true }));
  const dialog = page.getByRole("dialog", { name: "Test connector" });
  await expect(dialog).toBeVisible();
  await press(dialog.getByRole("button", { name: "Send", exact: true }));
  await expect(dialog.getByTestId("response-status")).toHaveText("200 OK", { timeout: 30_000 });
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  // The run log is written in batches (every ~0.5 s): wait until this run is in it.
  await expect.poll(() => db().run.count({ where: { connectorId } }), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);

  // The dashboard counts it: newest runs first, the connector is listed with its run.
  await press(nav.getByRole("link", { name: "Dashboard", exact: true }));
  await expect(page).toHaveURL(/^[^?]*:\/\/[^/]+\/$/);
  await expect(main.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  const runs = Number(await main.getByTestId("dashboard-runs-count").textContent());
  expect(runs).toBeGreaterThanOrEqual(1);
  const table = main.getByTestId("dashboard-connectors");
  await press(table.getByRole("link", { name: "Sort by Last run, ascending" }));
  await expect(page).toHaveURL(/c_sort=last&c_dir=asc/);
  await press(table.getByRole("link", { name: "Sort by Last run, descending" }));
  await expect(page).toHaveURL(/c_sort=last&c_dir=desc/);
  const row = table.getByTestId(`dashboard-connector-row-${name}`);
  await expect(row).toBeVisible();
  expect(Number(await row.getByRole("cell").first().textContent())).toBeGreaterThanOrEqual(1);
  // And from there to the connector, where its runs are listed.
  await press(row.getByRole("link", { name, exact: true }));
  await expect(page).toHaveURL(new RegExp(`/connectors/${connectorId}$`));
  await expect(main.getByRole("region", { name: "Recent runs" })).toBeVisible();
});
