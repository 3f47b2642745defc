// Sign-in guards: anonymous redirects, wrong passwords, rate limiting, deactivated accounts.
import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

test("anonymous visits to any page redirect to sign-in", async ({ page }) => {
  for (const path of ["/", "/users", "/audit", "/account", "/setup"]) {
    await page.goto(path);
    await expect(page, `visiting ${path}`).toHaveURL(/\/login(\?|$)/);
  }
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("a wrong password says so, and repeated failures lock the account for a while", async ({ page }) => {
  const user = await seedUser();
  await page.goto("/login");
  const attempt = async (password: string) => {
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
  };

  await attempt("not the password");
  await expect(page.getByTestId("form-error")).toHaveText("Wrong email or password.");
  for (let i = 2; i <= 5; i++) {
    await attempt(`wrong password ${i}`);
    await expect(page.getByTestId("form-error")).toHaveText("Wrong email or password.");
  }
  // The sixth try is refused before the password is even checked, the right one included.
  await attempt(user.password);
  await expect(page.getByTestId("form-error")).toContainText(
    /Too many failed sign-in attempts for this account\. Try again in \d+ minutes?\./,
  );
  await expect(page).toHaveURL(/\/login/);
  expect(await db().signInFailure.count({ where: { key: `account:${user.email}` } })).toBe(5);
});

test("an unknown email gets the same message as a wrong password", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("nobody-here@example.test");
  await page.getByLabel("Password").fill("whatever password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("form-error")).toHaveText("Wrong email or password.");
});

test("a deactivated user cannot sign in, and an open session ends when the admin deactivates it", async ({ page, browser }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const member = await seedUser();

  const memberContext = await browser.newContext();
  const memberPage = await memberContext.newPage();
  await signIn(memberPage, member.email, member.password);

  await signIn(page, admin.email, admin.password);
  await page.goto("/users");
  await page.getByRole("button", { name: `Deactivate ${member.email}` }).click();
  await expect(page.getByRole("status").filter({ hasText: `${member.email} deactivated.` })).toBeVisible();
  await expect(page.getByTestId(`user-row-${member.email}`)).toContainText("Deactivated");

  await memberPage.goto("/account");
  await expect(memberPage).toHaveURL(/\/login/);
  await memberPage.getByLabel("Email").fill(member.email);
  await memberPage.getByLabel("Password").fill(member.password);
  await memberPage.getByRole("button", { name: "Sign in" }).click();
  await expect(memberPage.getByTestId("form-error")).toHaveText("Wrong email or password.");
  await memberContext.close();
});
