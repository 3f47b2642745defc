// The one table (issue 15): sort by a header (aria-sort follows, a second click reverses), paging
// with Next / Previous and "x–y of N", and the empty state's next step, on two lists — API tokens
// (sorted and paged in memory) and connectors (by the query). A member's tokens and a search over
// names seeded here are the only rows those lists show, whatever other specs add to the shared
// database. Then: row actions of a wide table in view at 1024×768, and readable audit details.
import { createHash } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

const tag = `${Date.now().toString(36)}${process.pid}`;
let n = 0;
const unique = (prefix: string) => `${prefix} ${tag}-${++n}`;
const pad = (i: number) => String(i).padStart(2, "0");
const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
const BASE = Date.UTC(2026, 0, 1);

/** The rows of the table named `label` (its scroll region carries the name). */
const rowsOf = (page: Page, label: string) => page.getByRole("region", { name: label, exact: true }).locator("tbody tr");
const pager = (page: Page, label: string) => page.getByRole("navigation", { name: `Pages of ${label}`, exact: true });

async function seedService() {
  const config = await db().authConfig.create({
    data: { name: unique("Tables open"), protocol: "NONE", subProtocol: "NONE", settings: { tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } }, secrets: {} },
  });
  return db().service.create({ data: { name: unique("Tables svc"), authConfigId: config.id } });
}

test("API tokens: sort by a header, page through 55 tokens; with none, the empty state names the next step", async ({ page, browser }) => {
  const member = await seedUser();
  const names = Array.from({ length: 55 }, (_, i) => `Tbl token ${tag} ${pad(i)}`);
  await db().apiToken.createMany({
    data: names.map((name, i) => ({ name, tokenHash: sha256(`${name} not a real token`), prefix: `pb_tbl${pad(i)}xx`, userId: member.id, createdAt: new Date(BASE + i * 60_000) })),
  });
  await signIn(page, member.email, member.password);
  await page.goto("/api-tokens");
  const rows = rowsOf(page, "API tokens");

  // Newest first by default.
  await expect(rows.first()).toHaveAttribute("data-testid", `api-token-row-${names[54]}`);
  await expect(page.getByRole("columnheader", { name: /Created/ })).toHaveAttribute("aria-sort", "descending");
  await expect(page.getByRole("columnheader", { name: /Name/ })).not.toHaveAttribute("aria-sort");

  // A header sorts; the second click reverses.
  await page.getByRole("link", { name: "Sort by Name, ascending" }).click();
  await expect(page).toHaveURL(/sort=name&dir=asc/);
  await expect(rows.first()).toHaveAttribute("data-testid", `api-token-row-${names[0]}`);
  await expect(page.getByRole("columnheader", { name: /Name/ })).toHaveAttribute("aria-sort", "ascending");
  await expect(page.getByRole("columnheader", { name: /Created/ })).not.toHaveAttribute("aria-sort");
  await page.getByRole("link", { name: "Sort by Name, descending" }).click();
  await expect(page).toHaveURL(/sort=name&dir=desc/);
  await expect(rows.first()).toHaveAttribute("data-testid", `api-token-row-${names[54]}`);
  await expect(page.getByRole("columnheader", { name: /Name/ })).toHaveAttribute("aria-sort", "descending");

  // Pages of 50, keeping the sort.
  await expect(pager(page, "API tokens")).toContainText("1–50 of 55 tokens · page 1 of 2");
  await expect(rows).toHaveCount(50);
  await expect(pager(page, "API tokens").getByRole("link", { name: "Previous" })).toHaveCount(0);
  await pager(page, "API tokens").getByRole("link", { name: "Next" }).click();
  await expect(pager(page, "API tokens")).toContainText("51–55 of 55 tokens · page 2 of 2");
  await expect(page).toHaveURL(/sort=name&dir=desc&page=2/);
  await expect(rows).toHaveCount(5);
  await expect(rows.first()).toHaveAttribute("data-testid", `api-token-row-${names[4]}`);
  await expect(pager(page, "API tokens").getByRole("link", { name: "Next" })).toHaveCount(0);
  await pager(page, "API tokens").getByRole("link", { name: "Previous" }).click();
  await expect(pager(page, "API tokens")).toContainText("1–50 of 55 tokens · page 1 of 2");
  await expect(rows.first()).toHaveAttribute("data-testid", `api-token-row-${names[54]}`);

  // Another member has none: no table, and the text names the button that creates one.
  const other = await seedUser();
  const context = await browser.newContext();
  const fresh = await context.newPage();
  await signIn(fresh, other.email, other.password);
  await fresh.goto("/api-tokens");
  await expect(fresh.getByText("No API tokens yet. Create one to call the REST API: choose Create token above.")).toBeVisible();
  await expect(fresh.getByRole("region", { name: "API tokens", exact: true })).toHaveCount(0);
  await fresh.getByRole("button", { name: "Create token" }).click();
  await expect(fresh.getByRole("dialog", { name: "Create API token" })).toBeVisible();
  await context.close();
});

test("connectors: the query sorts and pages a search's 55 results; a search without match offers to clear it", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const service = await seedService();
  const prefix = `Tbl ${tag}`;
  const names = Array.from({ length: 55 }, (_, i) => `${prefix} c${pad(i)}`);
  await db().connector.createMany({
    data: names.map((name, i) => ({ name, serviceId: service.id, method: "GET", urlTemplate: `https://tables.example/${i}`, headers: [], queryParams: [], formParams: [], createdAt: new Date(BASE + i * 60_000) })),
  });
  await signIn(page, admin.email, admin.password);
  await page.goto(`/connectors?q=${encodeURIComponent(prefix)}`);
  const rows = rowsOf(page, "Connectors");

  await expect(rows.first()).toHaveAttribute("data-testid", `connector-row-${names[54]}`);
  await expect(page.getByRole("columnheader", { name: /Created/ })).toHaveAttribute("aria-sort", "descending");
  await page.getByRole("link", { name: "Sort by Name, ascending" }).click();
  await expect(page).toHaveURL(/sort=name&dir=asc/);
  await expect(rows.first()).toHaveAttribute("data-testid", `connector-row-${names[0]}`);
  await expect(page.getByRole("columnheader", { name: /Name/ })).toHaveAttribute("aria-sort", "ascending");
  await page.getByRole("link", { name: "Sort by Name, descending" }).click();
  await expect(rows.first()).toHaveAttribute("data-testid", `connector-row-${names[54]}`);
  await expect(page.getByRole("columnheader", { name: /Name/ })).toHaveAttribute("aria-sort", "descending");

  // Paging keeps the search and the sort.
  await expect(pager(page, "Connectors")).toContainText("1–50 of 55 connectors · page 1 of 2");
  await expect(rows).toHaveCount(50);
  await pager(page, "Connectors").getByRole("link", { name: "Next" }).click();
  await expect(pager(page, "Connectors")).toContainText("51–55 of 55 connectors · page 2 of 2");
  await expect(rows).toHaveCount(5);
  await expect(rows.first()).toHaveAttribute("data-testid", `connector-row-${names[4]}`);
  expect(new URL(page.url()).searchParams.get("q")).toBe(prefix);
  await pager(page, "Connectors").getByRole("link", { name: "Previous" }).click();
  await expect(pager(page, "Connectors")).toContainText("1–50 of 55 connectors · page 1 of 2");

  // Selection for Export: the header box selects the page.
  await page.getByLabel("Select all on this page").check();
  await expect(page.getByText("Export downloads the 50 selected connectors.")).toBeVisible();

  // No match: the empty state says so and offers the way back.
  await page.goto(`/connectors?q=${encodeURIComponent(`${prefix} no such connector`)}`);
  await expect(page.getByText("No connector matches.")).toBeVisible();
  await expect(page.getByRole("region", { name: "Connectors", exact: true })).toHaveCount(0);
  await page.getByRole("link", { name: "Clear the search and the filter" }).click();
  await expect(page).toHaveURL(/\/connectors$/);
  await expect(page.getByLabel("Search")).toHaveValue("");
  await expect(page.getByRole("region", { name: "Connectors", exact: true })).toBeVisible();
});

test("at 1024×768 a wide connectors table keeps its row actions in view without scrolling the page sideways", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const service = await seedService();
  const name = unique("Wide connector with a rather long name");
  await db().connector.create({
    data: {
      name,
      description: "Lists every invoice of a customer across all of their accounts, including the archived ones, page by page.",
      serviceId: service.id,
      method: "DELETE",
      urlTemplate: `https://api.very-long-host-name.example.com/v2/customers/{customerId}/accounts/{accountId}/invoices/{invoiceId}/lines?${"expand=everything&".repeat(8)}`,
      headers: [],
      queryParams: [],
      formParams: [],
    },
  });
  await page.setViewportSize({ width: 1024, height: 768 });
  await signIn(page, admin.email, admin.password);
  await page.goto(`/connectors?q=${encodeURIComponent(name)}`);
  const row = page.getByTestId(`connector-row-${name}`);
  for (const action of ["Test", "Edit", "Copy", "Delete"]) {
    await expect(row.getByRole(action === "Edit" ? "link" : "button", { name: `${action} ${name}`, exact: true })).toBeInViewport();
  }
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(sideways, "the page does not scroll sideways").toBeLessThanOrEqual(0);
});

test("audit details read as a key/value list and the object links to its page, except after a delete", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const service = await seedService();
  const long = `value-${"x".repeat(300)}`;
  const update = await db().auditEntry.create({
    data: {
      action: "update",
      objectType: "Service",
      objectId: service.id,
      objectName: service.name,
      actorEmail: admin.email,
      details: { fields: ["name", "apiVersion"], role: { from: "MEMBER", to: "ADMIN" }, secretsReplaced: [], note: long },
    },
  });
  const removed = await db().auditEntry.create({
    data: { action: "delete", objectType: "Service", objectId: service.id, objectName: unique("Removed svc"), actorEmail: admin.email, details: { connectors: 0 } },
  });
  await signIn(page, admin.email, admin.password);
  await page.goto("/audit");
  await expect(page.getByRole("columnheader", { name: /When/ })).toHaveAttribute("aria-sort", "descending");

  const row = page.getByTestId(`audit-row-${update.id}`);
  await expect(row.getByRole("link", { name: service.name, exact: true })).toHaveAttribute("href", `/services/${service.id}`);
  // Keys in alphabetical order on both databases (jsonb reorders them).
  await expect(row.getByRole("term")).toHaveText(["Fields", "Note", "Role", "From", "To", "Secrets replaced"]);
  await expect(row.getByRole("definition").first()).toHaveText("name, apiVersion");
  await expect(row).toContainText(long);
  await expect(row).not.toContainText("{");
  await expect(row).not.toContainText('"');
  // A long value wraps inside the table instead of widening the page.
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(sideways, "the page does not scroll sideways").toBeLessThanOrEqual(0);

  const gone = page.getByTestId(`audit-row-${removed.id}`);
  await expect(gone).toContainText(removed.objectName!);
  await expect(gone.getByRole("link")).toHaveCount(0);

  await page.getByRole("link", { name: "Sort by When, ascending" }).click();
  await expect(page).toHaveURL(/sort=at&dir=asc/);
  await expect(page.getByRole("columnheader", { name: /When/ })).toHaveAttribute("aria-sort", "ascending");
});
