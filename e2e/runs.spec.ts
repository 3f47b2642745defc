// The run log on the connector page (SPEC §8): a Test sent from the page is listed under "Recent
// runs" with its status and counted in the chart's text alternative; API runs name their caller's
// token, and a run without an answer shows its error code.
import { randomBytes } from "node:crypto";
import { expect, test, type Locator } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

const upstream = `http://127.0.0.1:${process.env.PATCHBAY_E2E_UPSTREAM_PORT}`;

let n = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++n}`;

async function seedConnector(urlTemplate: string) {
  const config = await db().authConfig.create({
    data: { name: unique("Open"), protocol: "NONE", subProtocol: "NONE", settings: { tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } }, secrets: {} },
  });
  const service = await db().service.create({ data: { name: unique("Svc"), authConfigId: config.id } });
  return db().connector.create({
    data: { name: unique("Conn"), serviceId: service.id, method: "GET", urlTemplate, headers: [], queryParams: [], bodyType: "NONE", formParams: [], timeoutMs: 30_000 },
  });
}

/** The cells of a Recent runs row, by column. */
function cells(row: Locator) {
  const cell = (i: number) => row.getByRole("cell").nth(i);
  return { time: cell(0), source: cell(1), caller: cell(2), status: cell(3), duration: cell(4), requestSize: cell(5), responseSize: cell(6) };
}

/** The sum of the "Runs" column of the chart's table (a run near an hour's end may land in either of two rows). */
async function runsInTable(section: Locator): Promise<number> {
  const counts = await section.getByTestId("runs-numbers").locator("tbody tr td:nth-of-type(1)").allTextContents();
  return counts.reduce((sum, c) => sum + Number(c), 0);
}

test("a Test sent from the connector page is listed under Recent runs and counted in the chart", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const connector = await seedConnector(`${upstream}/none`);
  await signIn(page, admin.email, admin.password);
  await page.goto(`/connectors/${connector.id}`);

  const section = page.getByRole("region", { name: "Recent runs" });
  await expect(section.getByRole("heading", { name: "Recent runs" })).toBeVisible();
  await expect(section.getByText("No runs yet. Send a Test or call the run API.")).toBeVisible();

  await page.getByRole("button", { name: "Test", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Test connector" });
  await dialog.getByRole("button", { name: "Send" }).click();
  await expect(dialog.getByTestId("response-status")).toHaveText("200 OK", { timeout: 30_000 });
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  // The run log is written in batches (every 0.5 s): wait until the run is stored, then reload.
  await expect.poll(() => db().run.count({ where: { connectorId: connector.id } }), { timeout: 10_000 }).toBe(1);
  await page.reload();

  const rows = section.getByTestId("recent-runs").locator("tbody tr");
  await expect(rows).toHaveCount(1);
  const run = cells(rows.first());
  await expect(run.time).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
  await expect(run.source).toHaveText("Test");
  await expect(run.caller).toHaveText(admin.name);
  await expect(run.status).toHaveText("200");
  await expect(run.duration).toHaveText(/^\d+ ms$/);
  await expect(run.requestSize).toHaveText("0 B");
  await expect(run.responseSize).toHaveText("11 B"); // {"ok":true}

  // The chart is drawn on the client; its text alternative has the same numbers.
  await expect(section.locator(".runs-plot canvas").first()).toBeVisible();
  await expect(section.getByRole("img", { name: /Chart: runs per hour/ })).toBeVisible();
  await expect(section.getByTestId("runs-summary")).toHaveText(/^Last 24 hours: 1 run, error rate 0%, p50 \d+ ms, p95 \d+ ms\.$/);
  await section.getByText("Numbers per hour").click();
  await expect(section.getByTestId("runs-numbers")).toBeVisible();
  await expect(section.getByTestId("runs-numbers").locator("tbody tr")).toHaveCount(24);
  expect(await runsInTable(section)).toBe(1);

  // The range switch is a pair of real buttons, usable by keyboard.
  const week = section.getByRole("button", { name: "Last 7 days" });
  await week.focus();
  await page.keyboard.press("Enter");
  await expect(week).toHaveAttribute("aria-pressed", "true");
  await expect(section.getByRole("button", { name: "Last 24 hours" })).toHaveAttribute("aria-pressed", "false");
  await expect(section.getByTestId("runs-summary")).toHaveText(/^Last 7 days: 1 run, error rate 0%/);
  // The table stays open across the switch and now has six-hour rows.
  await expect(section.getByText("Numbers per 6 hours")).toBeVisible();
  await expect(section.getByTestId("runs-numbers")).toBeVisible();
  await expect(section.getByTestId("runs-numbers").locator("tbody tr")).toHaveCount(28);
  expect(await runsInTable(section)).toBe(1);
});

test("API runs name their token, a run without an answer shows its error code, other connectors' runs are not listed", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const caller = await seedUser({ role: "MEMBER", name: unique("Caller") });
  const connector = await seedConnector(`${upstream}/none`);
  const other = await seedConnector(`${upstream}/none`);
  const prefix = `pb_${randomBytes(4).toString("hex")}`;
  const token = await db().apiToken.create({ data: { name: unique("CI deploy"), tokenHash: randomBytes(32).toString("hex"), prefix, userId: caller.id } });
  const base = { source: "api", connectorName: connector.name, userId: caller.id, tokenId: token.id, environmentId: null, requestBytes: 2048, responseBytes: 0 };
  const now = Date.now();
  await db().run.createMany({
    data: [
      { ...base, at: new Date(now - 120_000), connectorId: connector.id, status: 503, errorCode: null, durationMs: 40, responseBytes: 1536 },
      { ...base, at: new Date(now - 60_000), connectorId: connector.id, status: null, errorCode: "TIMEOUT", durationMs: 30_000 },
      { ...base, at: new Date(now - 30_000), connectorId: other.id, connectorName: other.name, status: 200, errorCode: null, durationMs: 5 },
    ],
  });
  await signIn(page, admin.email, admin.password);
  await page.goto(`/connectors/${connector.id}`);

  const section = page.getByRole("region", { name: "Recent runs" });
  const rows = section.getByTestId("recent-runs").locator("tbody tr");
  await expect(rows).toHaveCount(2);
  const newest = cells(rows.nth(0));
  await expect(newest.source).toHaveText("API");
  await expect(newest.status).toHaveText("TIMEOUT");
  await expect(newest.duration).toHaveText("30000 ms");
  await expect(newest.caller).toContainText(caller.name);
  await expect(newest.caller).toContainText(`Token ${token.name} (${prefix}…)`);
  const older = cells(rows.nth(1));
  await expect(older.status).toHaveText("503");
  await expect(older.requestSize).toHaveText("2.0 KB");
  await expect(older.responseSize).toHaveText("1.5 KB");
  await expect(section.getByTestId("runs-summary")).toHaveText("Last 24 hours: 2 runs, error rate 100%, p50 40 ms, p95 30000 ms.");
});
