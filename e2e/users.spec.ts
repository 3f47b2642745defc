// An admin manages users: role changes, password resets, deletion; the audit log records it all.
import { expect, test } from "@playwright/test";
import { signIn, signOut } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

test("change a role, reset a password and delete a user, each recorded in the audit log", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const member = await seedUser();
  await signIn(page, admin.email, admin.password);
  await page.goto("/users");

  await page.getByLabel(`Role of ${member.email}`).selectOption("ADMIN");
  await expect(page.getByRole("status").filter({ hasText: `${member.email} is now an admin.` })).toBeVisible();
  expect((await db().user.findUniqueOrThrow({ where: { id: member.id } })).role).toBe("ADMIN");
  await page.getByLabel(`Role of ${member.email}`).selectOption("MEMBER");
  await expect(page.getByRole("status").filter({ hasText: `${member.email} is now a member.` })).toBeVisible();

  await page.getByRole("button", { name: `Reset password of ${member.email}` }).click();
  const resetDialog = page.getByRole("dialog", { name: "Password reset" });
  const temporary = (await resetDialog.getByTestId("temporary-password").textContent())!.trim();
  await resetDialog.getByRole("button", { name: "Done" }).click();
  expect((await db().user.findUniqueOrThrow({ where: { id: member.id } })).mustChangePassword).toBe(true);

  // Keyboard only: the delete confirmation opens, focuses inside the dialog, and confirms with Enter.
  await page.getByRole("button", { name: `Delete ${member.email}` }).focus();
  await page.keyboard.press("Enter");
  const confirm = page.getByRole("dialog", { name: `Delete ${member.email}?` });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Delete" }).focus();
  await page.keyboard.press("Enter");
  await expect(confirm).toBeHidden();
  await expect(page.getByTestId(`user-row-${member.email}`)).toHaveCount(0);
  expect(await db().user.count({ where: { id: member.id } })).toBe(0);

  const entries = await db().auditEntry.findMany({ where: { objectId: member.id }, orderBy: { at: "asc" } });
  expect(entries.map((e) => e.action)).toEqual(["update", "update", "reset-password", "delete"]);
  expect(entries.every((e) => e.actorEmail === admin.email)).toBe(true);
  expect(JSON.stringify(entries)).not.toContain(temporary);

  // The admin's own row has no delete or deactivate buttons; the action refuses anyway.
  await expect(page.getByRole("button", { name: `Delete ${admin.email}` })).toHaveCount(0);
  await signOut(page);
});

test("the audit page pages through entries and filters by object type", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const type = `Probe${Date.now()}`;
  await db().auditEntry.createMany({
    data: Array.from({ length: 55 }, (_, i) => ({ action: "create", objectType: type, objectName: `probe-${String(i).padStart(2, "0")}`, actorEmail: admin.email })),
  });
  await signIn(page, admin.email, admin.password);
  await page.goto("/audit");
  await page.getByLabel("Object type").selectOption(type);
  await expect(page).toHaveURL(new RegExp(`type=${type}`));
  await expect(page.getByText("1–50 of 55 entries · page 1 of 2")).toBeVisible();
  await expect(page.locator("tbody tr")).toHaveCount(50);
  await page.getByRole("navigation", { name: "Pages of Audit entries" }).getByRole("link", { name: "Next" }).click();
  await expect(page.getByText("51–55 of 55 entries · page 2 of 2")).toBeVisible();
  await expect(page.locator("tbody tr")).toHaveCount(5);
  await expect(page.locator("tbody")).not.toContainText("User");
});

test("a user changes their own password; the old one stops working", async ({ page }) => {
  const user = await seedUser();
  await signIn(page, user.email, user.password);
  await page.goto("/account");
  await page.getByLabel("Current password", { exact: true }).fill("not my password");
  await page.getByLabel("New password", { exact: true }).fill("a brand new password");
  await page.getByLabel("Confirm new password", { exact: true }).fill("a brand new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("The current password is not right", { exact: true })).toBeVisible();

  await page.getByLabel("Current password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/login\?password-changed=1/);

  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("form-error")).toHaveText("Wrong email or password.");
  await signIn(page, user.email, "a brand new password");
});
