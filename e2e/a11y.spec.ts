// Accessibility as a test (issue 15): axe-core over every page and every dialog, in both themes,
// with 0 serious or critical violations. Each page or dialog is checked with every rule in Light
// (pinned on a dark system), then the theme is switched to Dark the way the Theme switch does it
// (pinned on a light system) and the rules that depend on colours run again: the markup is the same,
// only the theme's variables change. So a rule that follows the system instead of the switch shows
// up too (System's own dark palette is the same values: lib/ui/theme-contrast.test.ts checks that;
// e2e/theme.spec.ts checks that a pinned theme is rendered by the server).
// First-run setup (/setup) exists only before the first admin: e2e/first-run.spec.ts covers that page.
import { randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

const appOrigin = `http://127.0.0.1:${process.env.PATCHBAY_E2E_PORT}`;
const upstream = `http://127.0.0.1:${process.env.PATCHBAY_E2E_UPSTREAM_PORT}`;
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
/** The rules whose outcome depends on colours: all that can change between the two themes. */
const COLOUR_RULES = ["color-contrast", "link-in-text-block"];

let n = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++n}`;

type TSeed = Awaited<ReturnType<typeof seed>>;
let seeded: TSeed;
let session: Awaited<ReturnType<BrowserContext["storageState"]>>["cookies"];

async function seed() {
  const admin = await seedUser({ role: "ADMIN", name: unique("A11y admin") });
  const member = await seedUser({ role: "MEMBER", name: unique("A11y member") });
  const config = await db().authConfig.create({
    data: { name: unique("A11y config"), protocol: "NONE", subProtocol: "NONE", settings: { tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } }, secrets: {} },
  });
  const service = await db().service.create({ data: { name: unique("A11y service"), authConfigId: config.id } });
  const connector = await db().connector.create({
    data: {
      name: unique("A11y connector"),
      serviceId: service.id,
      method: "POST",
      urlTemplate: `${upstream}/echo/{item}`,
      headers: [{ name: "Accept", value: "application/json", description: "What the upstream answers" }],
      queryParams: [{ name: "q", description: "A search", defaultValue: "x", required: false }],
      formParams: [],
      bodyType: "JSON",
      bodyDescription: '{"hello":"world"}',
      timeoutMs: 10_000,
    },
  });
  // Runs, so that the charts and their text alternatives are on the pages.
  const base = { source: "test", connectorId: connector.id, connectorName: connector.name, userId: admin.id, requestBytes: 100, responseBytes: 200 };
  const now = Date.now();
  await db().run.createMany({
    data: [
      { ...base, at: new Date(now - 3_600_000), status: 200, durationMs: 40 },
      { ...base, at: new Date(now - 1_800_000), status: 503, durationMs: 90 },
      { ...base, at: new Date(now - 60_000), status: null, errorCode: "TIMEOUT", durationMs: 10_000 },
    ],
  });
  const environment = await db().environment.create({ data: { name: unique("A11y env"), description: "For the accessibility check" } });
  await db().envVariable.create({ data: { environmentId: environment.id, name: "BASE_URL", value: "https://a11y.example" } });
  const subscription = await db().eventSubscription.create({
    data: { name: unique("A11y subscription"), serviceId: service.id, type: "WEBHOOK", callbackUrl: `${upstream}/none` },
  });
  const at = new Date(now - 120_000);
  const event = await db().event.create({
    data: {
      subscriptionId: subscription.id,
      resource: "webhook.received",
      type: "RECEIVED",
      payload: '{"order":"A-1","lines":[{"sku":"X","qty":2}]}',
      occurredAt: at,
      deliveryStatus: "dead",
      attemptCount: 1,
      roundAttempts: 1,
      lastAttemptAt: at,
      lastStatusCode: 500,
      lastError: "The callback answered 500",
      attempts: { create: [{ number: 1, at, statusCode: 500, durationMs: 12, responseExcerpt: "boom" }] },
    },
  });
  const path = `a11y-${Date.now().toString(36)}-${++n}`;
  const listener = await db().listener.create({ data: { name: unique("A11y listener"), path, pathKey: path, methods: '["POST"]' } });
  // A real message, received as any sender's would be.
  const res = await fetch(`${appOrigin}/api/hooks/${path}?source=a11y`, { method: "POST", body: '{"hello":"listener"}', headers: { "content-type": "application/json" } });
  expect(res.status, "the listener stores the message").toBe(202);
  const message = await db().inboundMessage.findFirstOrThrow({ where: { listenerId: listener.id } });
  const token = await db().apiToken.create({
    data: { name: unique("A11y token"), tokenHash: randomBytes(32).toString("hex"), prefix: "pb_a11y", userId: admin.id, expiresAt: new Date(now + 90 * 86_400_000) },
  });
  return { admin, member, config, service, connector, environment, subscription, event, listener, message, token };
}

test.beforeAll(async ({ browser }) => {
  seeded = await seed();
  // Signed in once; every test starts from these cookies.
  const context = await browser.newContext({ baseURL: appOrigin });
  await signIn(await context.newPage(), seeded.admin.email, seeded.admin.password);
  session = (await context.storageState()).cookies;
  await context.close();
});

type TScope = { include?: string; exclude?: string[] };

/** Serious or critical violations in the theme shown now, one readable line each: rule, help, and where. */
async function seriousViolations(page: Page, scope: TScope, rules?: string[]): Promise<string[]> {
  // Only violations are needed: axe then skips detailing every pass, most of its time on a big page.
  let axe = new AxeBuilder({ page }).options({ resultTypes: ["violations"] });
  axe = rules ? axe.withRules(rules) : axe.withTags(TAGS);
  if (scope.include) axe = axe.include(scope.include);
  for (const selector of scope.exclude ?? []) axe = axe.exclude(selector);
  const { violations } = await axe.analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((node) => `    at ${node.target.join(" ")}: ${(node.failureSummary ?? "").replace(/\s*\n\s*/g, " ")}`).join("\n")}`);
}

async function setTheme(page: Page, theme: "light" | "dark") {
  // The pinned theme is the opposite of the system's, so following the system would show.
  await page.emulateMedia({ colorScheme: theme === "light" ? "dark" : "light" });
  await page.evaluate((t) => {
    document.documentElement.dataset.theme = t;
  }, theme);
  await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
}

/** Every rule in Light, then the colour rules in Dark; back to Light for what the test does next. */
async function expectNoSeriousViolations(page: Page, scope: TScope = {}) {
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  const light = await seriousViolations(page, scope);
  await setTheme(page, "dark");
  const dark = await seriousViolations(page, scope, COLOUR_RULES);
  await setTheme(page, "light");
  const all = [...light.map((v) => `light: ${v}`), ...dark.map((v) => `dark: ${v}`)];
  expect(all, `axe found ${all.length} serious or critical violation(s):\n${all.join("\n")}`).toEqual([]);
}

async function ready(page: Page) {
  await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
  await page.waitForLoadState("load");
}

/** A dialog opened by the button named `trigger`, checked by itself (the page behind is checked on its own). */
async function openDialog(page: Page, trigger: string, title: string | RegExp): Promise<Locator> {
  await page.getByRole("button", { name: trigger, exact: true }).first().click();
  const dialog = page.getByRole("dialog", { name: title });
  await expect(dialog).toBeVisible();
  return dialog;
}

const DIALOG = { include: '[role="dialog"]' };

type TPage = { name: string; path: (s: TSeed) => string; exclude?: string[] };

const PAGES: TPage[] = [
  { name: "dashboard", path: () => "/" },
  { name: "authentication list", path: () => "/auth-configs" },
  { name: "new authentication configuration", path: () => "/auth-configs/new" },
  { name: "authentication configuration", path: (s) => `/auth-configs/${s.config.id}` },
  { name: "services list", path: () => "/services" },
  { name: "new service", path: () => "/services/new" },
  { name: "service", path: (s) => `/services/${s.service.id}` },
  { name: "connectors list", path: () => "/connectors" },
  { name: "new connector", path: () => "/connectors/new" },
  { name: "connector", path: (s) => `/connectors/${s.connector.id}` },
  { name: "environments list", path: () => "/environments" },
  { name: "environment", path: (s) => `/environments/${s.environment.id}` },
  { name: "events list", path: () => "/events" },
  { name: "new subscription", path: () => "/events/new" },
  { name: "subscription", path: (s) => `/events/${s.subscription.id}` },
  { name: "event", path: (s) => `/events/${s.subscription.id}/${s.event.id}` },
  { name: "listeners list", path: () => "/listeners" },
  { name: "new listener", path: () => "/listeners/new" },
  { name: "listener", path: (s) => `/listeners/${s.listener.id}` },
  { name: "edit listener", path: (s) => `/listeners/${s.listener.id}/edit` },
  { name: "listener message", path: (s) => `/listeners/${s.listener.id}/${s.message.id}` },
  { name: "API tokens", path: () => "/api-tokens" },
  // Swagger UI's own markup is third-party (its light-only colours among them): the check covers
  // this app's chrome and the page's own sections around it.
  { name: "API reference", path: () => "/api", exclude: ["#swagger-ui"] },
  { name: "users", path: () => "/users" },
  { name: "audit", path: () => "/audit" },
  { name: "account", path: () => "/account" },
  { name: "not found", path: () => "/connectors/no-such-connector" },
];

test.use({ colorScheme: "dark" });
// Two full axe runs per test on pages as large as an environment's extensions (every configuration's
// fields) take a while on a busy 2-core machine.
test.describe.configure({ timeout: 120_000 });
test.beforeEach(async ({ context }) => {
  await context.addCookies([{ name: "patchbay-theme", value: "light", url: appOrigin, sameSite: "Lax" }]);
});
const signedIn = (context: BrowserContext) => context.addCookies(session);

test("page: sign in", async ({ page }) => {
  await page.goto("/login");
  await ready(page);
  await expectNoSeriousViolations(page);
  // With a field error and the form's alert showing.
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter your password")).toBeVisible();
  await expectNoSeriousViolations(page);
});

for (const p of PAGES) {
  test(`page: ${p.name}`, async ({ page, context }) => {
    await signedIn(context);
    await page.goto(p.path(seeded));
    await ready(page);
    await expectNoSeriousViolations(page, { exclude: p.exclude });
  });
}

test.describe("dialogs", () => {
  test.beforeEach(async ({ context }) => signedIn(context));

  test("dialog: create environment, then the toast", async ({ page }) => {
    await page.goto("/environments");
    await ready(page);
    const dialog = await openDialog(page, "Create environment", "Create environment");
    await expectNoSeriousViolations(page, DIALOG);
    await dialog.getByRole("button", { name: "Create", exact: true }).click(); // empty: field errors
    await expect(dialog.getByText(/enter a name/i).first()).toBeVisible();
    await expectNoSeriousViolations(page, DIALOG);
    await dialog.getByLabel("Name", { exact: true }).fill(unique("A11y new env"));
    await dialog.getByRole("button", { name: "Create", exact: true }).click();
    // The toast, checked while it shows (8 s); the environment's page it leads to has its own test.
    await expect(page.locator(".toast").first()).toBeVisible();
    await expectNoSeriousViolations(page, { include: ".toasts" });
  });

  test("dialog: edit environment", async ({ page }) => {
    await db().environment.update({ where: { id: seeded.environment.id }, data: { updatedAt: new Date() } });
    await page.goto("/environments");
    await ready(page);
    await openDialog(page, `Edit ${seeded.environment.name}`, "Edit environment");
    await expectNoSeriousViolations(page, DIALOG);
  });

  test("dialog: create API token, then the token shown once", async ({ page }) => {
    await page.goto("/api-tokens");
    await ready(page);
    const dialog = await openDialog(page, "Create token", "Create API token");
    await expectNoSeriousViolations(page, DIALOG);
    await dialog.getByLabel("Name", { exact: true }).fill(unique("A11y new token"));
    await dialog.getByRole("button", { name: "Create", exact: true }).click();
    await expect(dialog.getByLabel("API token", { exact: true })).toBeVisible();
    await expectNoSeriousViolations(page, DIALOG);
  });

  test("dialog: create user, then the temporary password", async ({ page }) => {
    await page.goto("/users");
    await ready(page);
    const dialog = await openDialog(page, "Create user", "Create user");
    await expectNoSeriousViolations(page, DIALOG);
    await dialog.getByLabel("Name").fill(unique("A11y created"));
    await dialog.getByLabel("Email").fill(`a11y-${Date.now().toString(36)}-${++n}@example.test`);
    await dialog.getByRole("button", { name: "Create", exact: true }).click();
    await expect(dialog.getByTestId("temporary-password")).toBeVisible();
    await expectNoSeriousViolations(page, DIALOG);
  });

  test("dialog: password reset", async ({ page }) => {
    // A member of its own: the list shows the newest first, and other specs add users all the time.
    const member = await seedUser({ role: "MEMBER", name: unique("A11y reset") });
    await page.goto("/users");
    await ready(page);
    await page.getByRole("button", { name: `Reset password of ${member.email}`, exact: true }).click();
    await expect(page.getByRole("dialog", { name: "Password reset" })).toBeVisible();
    await expectNoSeriousViolations(page, DIALOG);
  });

  test("dialog: Test connector, before and after Send", async ({ page }) => {
    await page.goto(`/connectors?q=${encodeURIComponent(seeded.connector.name)}`);
    await ready(page);
    const dialog = await openDialog(page, `Test ${seeded.connector.name}`, "Test connector");
    await expectNoSeriousViolations(page, DIALOG);
    await dialog.getByRole("button", { name: "Send", exact: true }).click(); // {item} empty: field error
    await expect(dialog.getByTestId("test-error")).toBeVisible();
    await expectNoSeriousViolations(page, DIALOG);
    await dialog.getByLabel("item", { exact: true }).fill("a11y");
    await dialog.getByRole("button", { name: "Send", exact: true }).click();
    await expect(dialog.getByText("200", { exact: false }).first()).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Download raw" })).toBeVisible();
    await expectNoSeriousViolations(page, DIALOG);
  });

  test("dialog: import connectors library", async ({ page }) => {
    await page.goto("/connectors");
    await ready(page);
    await openDialog(page, "Import", "Import connectors library");
    await expectNoSeriousViolations(page, DIALOG);
  });

  // Destructive actions ask first; each confirmation is checked and then cancelled. Lists show the
  // newest or last changed first and other specs add rows all the time: `touch` brings the seeded
  // row back to page 1 first.
  const now = () => new Date();
  const confirmations: Array<{ name: string; path: (s: TSeed) => string; trigger: (s: TSeed) => string; title: (s: TSeed) => string; touch?: (s: TSeed) => Promise<unknown> }> = [
    {
      name: "delete authentication configuration",
      path: () => "/auth-configs",
      trigger: (s) => `Delete ${s.config.name}`,
      title: (s) => `Delete "${s.config.name}"?`,
      touch: (s) => db().authConfig.update({ where: { id: s.config.id }, data: { updatedAt: now() } }),
    },
    {
      name: "delete service",
      path: () => "/services",
      trigger: (s) => `Delete ${s.service.name}`,
      title: (s) => `Delete "${s.service.name}"?`,
      touch: (s) => db().service.update({ where: { id: s.service.id }, data: { updatedAt: now() } }),
    },
    { name: "delete connector", path: (s) => `/connectors?q=${encodeURIComponent(s.connector.name)}`, trigger: (s) => `Delete ${s.connector.name}`, title: (s) => `Delete "${s.connector.name}"?` },
    {
      name: "delete environment",
      path: () => "/environments",
      trigger: (s) => `Delete ${s.environment.name}`,
      title: (s) => `Delete "${s.environment.name}"?`,
      touch: (s) => db().environment.update({ where: { id: s.environment.id }, data: { updatedAt: now() } }),
    },
    { name: "delete subscription", path: (s) => `/events/${s.subscription.id}`, trigger: (s) => `Delete ${s.subscription.name}`, title: (s) => `Delete "${s.subscription.name}"?` },
    { name: "delete listener", path: (s) => `/listeners/${s.listener.id}`, trigger: (s) => `Delete ${s.listener.name}`, title: (s) => `Delete "${s.listener.name}"?` },
    {
      name: "revoke API token",
      path: () => "/api-tokens",
      trigger: (s) => `Revoke ${s.token.name}`,
      title: (s) => `Revoke "${s.token.name}"?`,
      touch: (s) => db().apiToken.update({ where: { id: s.token.id }, data: { createdAt: now() } }),
    },
    {
      name: "delete user",
      path: () => "/users",
      trigger: (s) => `Delete ${s.member.email}`,
      title: (s) => `Delete ${s.member.email}?`,
      touch: (s) => db().user.update({ where: { id: s.member.id }, data: { createdAt: now() } }),
    },
  ];
  for (const c of confirmations) {
    test(`dialog: ${c.name}`, async ({ page }) => {
      await c.touch?.(seeded);
      await page.goto(c.path(seeded));
      await ready(page);
      const dialog = await openDialog(page, c.trigger(seeded), c.title(seeded));
      await expectNoSeriousViolations(page, DIALOG);
      await dialog.getByRole("button", { name: "Cancel", exact: true }).click();
      await expect(dialog).toHaveCount(0);
    });
  }
});
