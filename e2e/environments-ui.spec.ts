// Environments in the UI (SPEC §7, §13): create one, give it a plain and a secret variable,
// override a Basic configuration's Username (and Password) in it, copy it (secret values are not
// copied and show "needs a value"), delete the copy after confirming; secret values never reach a
// page (rendered DOM, HTML, RSC payload) nor the audit log. The header's Environment switcher is
// remembered per user across reloads; members see environments read-only.
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

let n = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++n}`;
const VARIABLE_CANARY = `CANARY-envvar-${Date.now().toString(36)}`;
const PASSWORD_CANARY = `CANARY-envpass-${Date.now().toString(36)}`;
const CANARIES = [VARIABLE_CANARY, PASSWORD_CANARY];

/** A Basic configuration seeded in the database (its password is not needed to override it). */
function seedBasic(name: string) {
  return db().authConfig.create({
    data: {
      name,
      protocol: "HTTP",
      subProtocol: "BASIC",
      settings: { username: "default-user", preemptive: true, tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } },
      secrets: {},
      testUrl: "http://127.0.0.1:9/basic",
    },
  });
}

/** Neither the rendered page nor its HTML or RSC payload holds a secret. */
async function expectNoSecrets(page: Page, path: string) {
  const dom = await page.content();
  const html = await (await page.request.get(path)).text();
  const rsc = await (await page.request.get(path, { headers: { RSC: "1" } })).text();
  for (const c of CANARIES) {
    expect(dom, "rendered page").not.toContain(c);
    expect(html, "page HTML").not.toContain(c);
    expect(rsc, "RSC payload").not.toContain(c);
  }
}

test("an admin creates an environment, sets variables and overrides, copies it and deletes the copy", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const config = await seedBasic(unique("Staging Basic"));
  await signIn(page, admin.email, admin.password);

  // Navigation: "Environments" between "Connectors" and "Events" (then "API tokens").
  const nav = page.getByRole("navigation", { name: "Main" });
  const links = await nav.getByRole("link").allTextContents();
  expect(links.indexOf("Environments")).toBe(links.indexOf("Connectors") + 1);
  expect(links.indexOf("Events")).toBe(links.indexOf("Environments") + 1);
  expect(links.indexOf("Listeners")).toBe(links.indexOf("Events") + 1);
  expect(links.indexOf("API tokens")).toBe(links.indexOf("Listeners") + 1);
  await nav.getByRole("link", { name: "Environments", exact: true }).click();
  await expect(page).toHaveURL(/\/environments$/);
  await expect(page.getByRole("heading", { name: "Environments", level: 1 })).toBeVisible();

  // Create "Staging X …": the dialog opens the new environment's page.
  const name = unique("Staging X");
  await page.getByRole("button", { name: "Create environment" }).click();
  let dialog = page.getByRole("dialog", { name: "Create environment" });
  await dialog.getByLabel("Name", { exact: true }).fill(name);
  await dialog.getByLabel("Description", { exact: true }).fill("Pre-production");
  await dialog.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page).toHaveURL(/\/environments\/[^/?]+$/);
  const main = page.getByRole("main");
  await expect(main.getByRole("heading", { name, level: 1 })).toBeVisible();
  const envId = new URL(page.url()).pathname.split("/").pop()!;
  const path = `/environments/${envId}`;

  // A second environment with the same name is refused on the Name field.
  await page.goto("/environments");
  await page.getByRole("button", { name: "Create environment" }).click();
  dialog = page.getByRole("dialog", { name: "Create environment" });
  await dialog.getByLabel("Name", { exact: true }).fill(name);
  await dialog.getByRole("button", { name: "Create", exact: true }).click();
  await expect(dialog.getByText("This name is already used")).toBeVisible();
  await expect(dialog.getByRole("alert")).toContainText("already exists");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await page.getByTestId(`environment-row-${name}`).getByRole("link", { name, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${path}$`));

  // Variables: a plain one and a secret one; names are A-Z, 0-9 and _ only.
  const variables = main.getByRole("group", { name: "Variables", exact: true });
  await variables.getByRole("button", { name: "Add variable" }).click();
  await variables.getByLabel("Name", { exact: true }).last().fill("base-url");
  await variables.getByLabel("Value", { exact: true }).last().fill("https://staging.example.test");
  await main.getByRole("button", { name: "Save variables" }).click();
  await expect(variables.getByText("Use A-Z, 0-9 and _ only")).toBeVisible();
  await variables.getByLabel("Name", { exact: true }).last().fill("BASE_URL");
  await variables.getByRole("button", { name: "Add variable" }).click();
  await variables.getByLabel("Name", { exact: true }).last().fill("API_SECRET");
  await variables.getByLabel("Secret", { exact: true }).last().check();
  await variables.getByLabel("Value", { exact: true }).last().fill(VARIABLE_CANARY);
  await main.getByRole("button", { name: "Save variables" }).click();
  await expect(main.getByRole("status").filter({ hasText: /^Saved$/ })).toBeVisible();

  const stored = await db().envVariable.findMany({ where: { environmentId: envId }, orderBy: { name: "asc" } });
  expect(stored.map((v) => [v.name, v.secret])).toEqual([["API_SECRET", true], ["BASE_URL", false]]);
  expect(stored[1].value).toBe("https://staging.example.test");
  expect(stored[0].value).not.toContain(VARIABLE_CANARY); // sealed

  // After a reload: the plain value is shown, the secret only as "set" (write-only).
  await page.reload();
  await expect(variables.getByTestId("variable-state-API_SECRET")).toHaveText("set");
  await expect(variables.getByRole("group", { name: "variable BASE_URL" }).getByLabel("Value", { exact: true })).toHaveValue("https://staging.example.test");
  await expect(variables.getByRole("button", { name: "Replace value of API_SECRET" })).toBeVisible();
  await expectNoSecrets(page, path);

  // Extensions: override the Basic configuration's Username (a bad value first) and Password.
  const fieldset = main.getByRole("group", { name: config.name, exact: true });
  await expect(fieldset.getByRole("link", { name: `Open configuration ${config.name}` })).toHaveAttribute("href", `/auth-configs/${config.id}`);
  const username = fieldset.getByRole("group", { name: "Username", exact: true });
  await expect(username).toContainText("default-user");
  await expect(username.getByLabel("Override for Username")).toBeDisabled();
  await username.getByRole("checkbox", { name: "Use default for Username" }).uncheck();
  await username.getByLabel("Override for Username").fill("bad:user");
  await fieldset.getByRole("button", { name: "Save", exact: true }).click();
  await expect(fieldset.getByRole("alert")).toContainText("Username");
  await expect(username).toContainText("cannot contain ':'");
  expect(await db().envOverride.count({ where: { environmentId: envId } })).toBe(0);

  await username.getByLabel("Override for Username").fill("staging-user");
  const password = fieldset.getByRole("group", { name: "Password", exact: true });
  await password.getByRole("checkbox", { name: "Use default for Password" }).uncheck();
  await password.getByLabel("Override for Password").fill(PASSWORD_CANARY);
  await fieldset.getByRole("button", { name: "Save", exact: true }).click();
  await expect(fieldset.getByRole("status").filter({ hasText: /^Saved$/ })).toBeVisible();
  await expect(main.getByLabel("Configuration", { exact: true }).locator("option", { hasText: `${config.name} (2 overridden)` })).toHaveCount(1);

  const overrides = await db().envOverride.findMany({ where: { environmentId: envId }, orderBy: { fieldId: "asc" } });
  expect(overrides.map((o) => o.fieldId)).toEqual(["password", "username"]);
  expect(JSON.parse(overrides[1].value!)).toBe("staging-user");
  expect(overrides[0].value).not.toContain(PASSWORD_CANARY); // sealed

  // The filter shows only that configuration; after a reload the override is there, the password only as "set".
  await main.getByLabel("Configuration", { exact: true }).selectOption({ label: `${config.name} (2 overridden)` });
  await page.reload();
  await expect(username.getByRole("checkbox", { name: "Use default for Username" })).not.toBeChecked();
  await expect(username.getByLabel("Override for Username")).toHaveValue("staging-user");
  await expect(password.getByTestId("override-state-Password")).toHaveText("set");
  await expect(password.getByRole("button", { name: "Replace Password" })).toBeVisible();
  await expectNoSecrets(page, path);
  const audit = JSON.stringify(await db().auditEntry.findMany({ where: { objectId: envId } }));
  expect(audit).toContain("username");
  for (const c of CANARIES) expect(audit, "audit log").not.toContain(c);

  // The list counts overrides and variables.
  await page.goto("/environments");
  const row = page.getByTestId(`environment-row-${name}`);
  await expect(row.getByRole("cell").nth(1)).toHaveText("Pre-production");
  await expect(row.getByRole("cell").nth(2)).toHaveText("2");
  await expect(row.getByRole("cell").nth(3)).toHaveText("2");
  await expect(row.getByTestId("needs-value")).toHaveCount(0);

  // Copy: opens "Copy of …"; secret values are not copied and need a value.
  await row.getByRole("button", { name: `Copy ${name}`, exact: true }).click();
  const copyName = `Copy of ${name}`;
  await expect(page).toHaveURL(/\/environments\/[^/?]+\?copied=1$/);
  await expect(main.getByRole("heading", { name: copyName, level: 1 })).toBeVisible();
  await expect(main.getByRole("status").filter({ hasText: "Secret values were not copied" })).toContainText("2 need a value");
  await expect(main.getByTestId("variable-state-API_SECRET")).toHaveText("needs a value");
  const copyFieldset = main.getByRole("group", { name: config.name, exact: true });
  await expect(copyFieldset.getByLabel("Override for Username")).toHaveValue("staging-user");
  await expect(copyFieldset.getByTestId("override-state-Password")).toHaveText("needs a value");
  const copyId = new URL(page.url()).pathname.split("/").pop()!;
  await expectNoSecrets(page, `/environments/${copyId}`);

  await page.goto("/environments");
  const copyRow = page.getByTestId(`environment-row-${copyName}`);
  await expect(copyRow.getByTestId("needs-value")).toHaveText("needs a value (2)");

  // Delete the copy after confirming; its overrides and variables go with it.
  await copyRow.getByRole("button", { name: `Delete ${copyName}`, exact: true }).click();
  const confirm = page.getByRole("dialog", { name: `Delete "${copyName}"?` });
  await expect(confirm).toContainText("overrides");
  await expect(confirm).toContainText("OAuth2 tokens");
  await confirm.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(confirm).toBeHidden();
  await expect(copyRow).toHaveCount(0);
  await expect(page.getByTestId(`environment-row-${name}`)).toBeVisible();
  expect(await db().environment.findUnique({ where: { id: copyId } })).toBeNull();
  expect(await db().envOverride.count({ where: { environmentId: copyId } })).toBe(0);
  expect(await db().envVariable.count({ where: { environmentId: copyId } })).toBe(0);
});

test("the Environment switcher is remembered per user; members see environments read-only", async ({ page }) => {
  const member = await seedUser({ role: "MEMBER" });
  const env = await db().environment.create({ data: { name: unique("Switch"), description: "for the switcher" } });
  await db().envVariable.create({ data: { environmentId: env.id, name: "PLAIN_VALUE", value: "visible-to-members" } });
  await signIn(page, member.email, member.password);

  const switcher = () => page.getByRole("complementary").getByRole("combobox", { name: "Environment", exact: true });
  await expect(switcher()).toHaveValue("");
  await expect(switcher().locator("option").first()).toHaveText("No environment");
  await switcher().selectOption({ label: env.name });
  await expect.poll(async () => (await db().user.findUniqueOrThrow({ where: { id: member.id } })).environmentId).toBe(env.id);
  await page.reload();
  await expect(switcher()).toHaveValue(env.id);
  await page.goto("/connectors");
  await expect(switcher()).toHaveValue(env.id);

  // Back to No environment (the switcher is a native select: focusable, chosen with the keys).
  await switcher().focus();
  await expect(switcher()).toBeFocused();
  await switcher().selectOption("");
  await expect.poll(async () => (await db().user.findUniqueOrThrow({ where: { id: member.id } })).environmentId).toBeNull();
  await page.reload();
  await expect(switcher()).toHaveValue("");

  // Members: the list and values, without Create, Edit, Copy, Delete or Save.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Environments", exact: true }).click();
  const main = page.getByRole("main");
  await expect(main.getByRole("button", { name: "Create environment" })).toHaveCount(0);
  const row = page.getByTestId(`environment-row-${env.name}`);
  await expect(row).toContainText("for the switcher");
  await expect(row.getByRole("button")).toHaveCount(0);
  await row.getByRole("link", { name: env.name, exact: true }).click();
  await expect(main.getByRole("heading", { name: env.name, level: 1 })).toBeVisible();
  await expect(main).toContainText("visible-to-members");
  await expect(main.getByRole("button", { name: "Save variables" })).toHaveCount(0);
  await expect(main.getByRole("button", { name: "Add variable" })).toHaveCount(0);
  await expect(main.getByRole("button", { name: "Save", exact: true })).toHaveCount(0);
});
