// The first minutes of a new installation: setup, sign-in, a member, and what a member may not see.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { signIn, signOut } from "./fixtures/auth";
import { db, uniqueEmail } from "./fixtures/db";

/** The setup page exists only here (before the first admin): e2e/a11y.spec.ts covers every other page. */
async function expectNoSeriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test("first-run setup, a member with a temporary password, and the member refused the Users page", async ({ page }) => {
  expect(await db().user.count()).toBe(0);
  const adminEmail = uniqueEmail("first-admin");
  const adminPassword = "first admin password";

  // Anonymous visitors are sent to sign-in, which sends them on to setup while no user exists.
  await page.goto("/users");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Welcome to Patchbay" })).toBeVisible();
  await expectNoSeriousViolations(page);
  await page.emulateMedia({ colorScheme: "dark" });
  await expectNoSeriousViolations(page);
  await page.emulateMedia({ colorScheme: "light" });

  // Field errors before anything is sent.
  await page.getByRole("button", { name: "Create admin" }).click();
  await expect(page.getByText("Enter a name")).toBeVisible();

  await page.getByLabel("Name").fill("First Admin");
  await page.getByLabel("Email").fill(adminEmail);
  await page.getByLabel("Password").fill(adminPassword);
  await page.getByRole("button", { name: "Create admin" }).click();
  await expect(page).toHaveURL(/\/login\?setup=done/);
  await expect(page.getByRole("status").filter({ hasText: "Admin account created" })).toBeVisible();

  // Setup is gone once a user exists.
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/login$/);

  await signIn(page, adminEmail, adminPassword);
  // A new admin lands on the dashboard: nothing yet, each count offers the next step.
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  await expect(page.getByText("Nothing needs attention.")).toBeVisible();
  await page.getByRole("link", { name: "Create a configuration" }).click();
  await expect(page).toHaveURL(/\/auth-configs\/new$/);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Authentication" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Audit" })).toBeVisible();
  await nav.getByRole("link", { name: "Users" }).click();
  await expect(page).toHaveURL(/\/users$/);

  // Create a member; the temporary password is shown once.
  const memberEmail = uniqueEmail("member");
  await page.getByRole("button", { name: "Create user" }).click();
  const dialog = page.getByRole("dialog", { name: "Create user" });
  await dialog.getByLabel("Name").fill("Mia Member");
  await dialog.getByLabel("Email").fill(memberEmail);
  await dialog.getByLabel("Role").selectOption("MEMBER");
  await dialog.getByRole("button", { name: "Create" }).click();
  const temporary = (await dialog.getByTestId("temporary-password").textContent())!.trim();
  expect(temporary).toMatch(/^\w{4}-\w{4}-\w{4}-\w{4}$/);
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId(`user-row-${memberEmail}`)).toContainText("Mia Member");

  const stored = await db().user.findUniqueOrThrow({ where: { email: memberEmail } });
  expect(stored.role).toBe("MEMBER");
  expect(stored.passwordHash).not.toContain(temporary);

  await signOut(page);

  // The member signs in with the temporary password and must choose a new one first.
  await page.getByLabel("Email").fill(memberEmail);
  await page.getByLabel("Password").fill(temporary);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account\?must-change=1/);
  await expect(page.getByTestId("must-change-password")).toBeVisible();
  await page.goto("/users");
  await expect(page).toHaveURL(/\/account\?must-change=1/);

  const newPassword = "member chosen password";
  await page.getByLabel("Current password", { exact: true }).fill(temporary);
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("Confirm new password", { exact: true }).fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/login\?password-changed=1/);

  await signIn(page, memberEmail, newPassword);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toHaveCount(0);

  // Typing the address does not help: the Users page refuses members.
  const response = await page.goto("/users");
  expect(response?.status()).toBe(403);
  await expect(page.getByTestId("forbidden")).toContainText("for administrators");
  await page.goto("/audit");
  await expect(page.getByTestId("forbidden")).toBeVisible();
});
