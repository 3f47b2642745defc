// Dark mode (issue 15): "Theme" in the account menu pins Light or Dark at once and for the next
// visit (rendered on the server: no flash), and System follows the system's setting, live.
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { seedUser } from "./fixtures/db";

// --bg of each theme (app/globals.css), as the browser reports the page's background.
const LIGHT_BG = "rgb(246, 247, 249)";
const DARK_BG = "rgb(15, 20, 26)";

const background = (page: Page) => page.locator("html");
const themeCookie = async (page: Page) => (await page.context().cookies()).find((c) => c.name === "patchbay-theme");

test("the theme switch pins Light or Dark across reloads, and System follows the system setting", async ({ page }) => {
  const member = await seedUser({ role: "MEMBER" });
  await page.emulateMedia({ colorScheme: "light" });
  await signIn(page, member.email, member.password);
  const html = page.locator("html");
  const theme = page.getByRole("group", { name: "Account menu" }).getByLabel("Theme", { exact: true });

  // System by default: no data-theme, the system's setting decides, and changing it applies at once.
  await expect(theme).toHaveValue("system");
  await expect(html).not.toHaveAttribute("data-theme");
  await expect(background(page)).toHaveCSS("background-color", LIGHT_BG);
  await page.emulateMedia({ colorScheme: "dark" });
  await expect(background(page)).toHaveCSS("background-color", DARK_BG);

  // Light on a dark system: applied without a reload, kept in a cookie for a year.
  await theme.selectOption({ label: "Light" });
  await expect(html).toHaveAttribute("data-theme", "light");
  await expect(background(page)).toHaveCSS("background-color", LIGHT_BG);
  const cookie = await themeCookie(page);
  expect(cookie?.value).toBe("light");
  expect(cookie?.sameSite).toBe("Lax");
  expect(cookie?.path).toBe("/");
  expect(cookie!.expires * 1000 - Date.now()).toBeGreaterThan(360 * 86_400_000);

  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "light");
  await expect(theme).toHaveValue("light");
  await expect(background(page)).toHaveCSS("background-color", LIGHT_BG);

  // Dark on a light system: the server renders it (the HTML already carries it: no flash of light).
  await page.emulateMedia({ colorScheme: "light" });
  await theme.selectOption({ label: "Dark" });
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(background(page)).toHaveCSS("background-color", DARK_BG);
  const served = await (await page.request.get("/account")).text();
  expect(served).toMatch(/<html[^>]*\sdata-theme="dark"/);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account", exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(html).toHaveAttribute("data-theme", "dark");
  await page.reload();
  await expect(theme).toHaveValue("dark");
  await expect(background(page)).toHaveCSS("background-color", DARK_BG);

  // The sign-in page follows the same cookie.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(background(page)).toHaveCSS("background-color", DARK_BG);

  // Back to System: the cookie goes, the attribute goes, the system decides again.
  await signIn(page, member.email, member.password);
  await theme.selectOption({ label: "System" });
  await expect(html).not.toHaveAttribute("data-theme");
  expect(await themeCookie(page)).toBeUndefined();
  await expect(background(page)).toHaveCSS("background-color", LIGHT_BG);
  await page.emulateMedia({ colorScheme: "dark" });
  await expect(background(page)).toHaveCSS("background-color", DARK_BG);
  await page.reload();
  await expect(theme).toHaveValue("system");
  await expect(html).not.toHaveAttribute("data-theme");
  await expect(background(page)).toHaveCSS("background-color", DARK_BG);
});

test("the theme switch is a labelled control reachable by keyboard", async ({ page }) => {
  const member = await seedUser({ role: "MEMBER" });
  await page.emulateMedia({ colorScheme: "light" });
  await signIn(page, member.email, member.password);
  const theme = page.getByLabel("Theme", { exact: true });
  await theme.focus();
  await expect(theme).toBeFocused();
  await page.keyboard.press("ArrowDown"); // a focused <select> changes value with the arrow keys
  await expect(theme).toHaveValue("light");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
});
