// The charts' text alternatives (issue 15, pictures): runs per connector, deliveries per
// subscription and messages per listener are drawn with uPlot on a canvas hidden from assistive
// technology; each figure is named by its caption, and its summary sentence and its "Numbers per …"
// table say what was seeded here. Rows are written directly to the database, all at one instant a
// minute ago (so they share one bucket) plus one three days ago (counted in "Last 7 days" only).
import { expect, test, type Locator, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

let n = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++n}`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The chart's row header for the bucket holding `at`: "2026-03-10 15:00–16:00 UTC" (6-hour buckets for 7 days). */
function bucketLabel(at: Date, hours: 1 | 6): string {
  const start = Math.floor(at.getTime() / (hours * HOUR)) * hours * HOUR;
  const iso = (t: number) => new Date(t).toISOString();
  const end = iso(start + hours * HOUR).slice(11, 16);
  return `${iso(start).slice(0, 10)} ${iso(start).slice(11, 16)}–${end === "00:00" ? "24:00" : end} UTC`;
}

type TNumbers = { headers: string[]; rows: { label: string; cells: Record<string, string> }[] };

/** The numbers table as text: its column headers and, per row, the row header and the cells by column. */
function readNumbers(table: Locator): Promise<TNumbers> {
  return table.evaluate((t) => {
    const headers = [...t.querySelectorAll("thead th")].map((th) => th.textContent ?? "");
    const rows = [...t.querySelectorAll("tbody tr")].map((tr) => {
      const cells = [...tr.querySelectorAll("th, td")].map((c) => c.textContent ?? "");
      return { label: cells[0], cells: Object.fromEntries(headers.map((h, i) => [h, cells[i]])) };
    });
    return { headers, rows };
  });
}

/** Column sums of a numbers table, for the count columns. */
function sums(numbers: TNumbers, columns: string[]): Record<string, number> {
  return Object.fromEntries(columns.map((c) => [c, numbers.rows.reduce((s, r) => s + Number(r.cells[c]), 0)]));
}

/** The figure by its caption, with the canvas drawn and hidden from assistive technology and the picture named. */
async function openFigure(page: Page, caption: string, imageName: string): Promise<Locator> {
  const figure = page.getByRole("figure", { name: caption, exact: true });
  await expect(figure).toBeVisible();
  await expect(figure.locator("canvas").first()).toBeVisible({ timeout: 15_000 });
  await expect(figure.locator("canvas").first()).toHaveAttribute("aria-hidden", "true");
  await expect(figure.getByRole("img", { name: imageName, exact: true })).toBeVisible();
  await figure.getByText("Numbers per hour", { exact: true }).click();
  return figure;
}

async function seedService() {
  const config = await db().authConfig.create({
    data: { name: unique("Open"), protocol: "NONE", subProtocol: "NONE", settings: { tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } }, secrets: {} },
  });
  return db().service.create({ data: { name: unique("Charts API"), authConfigId: config.id } });
}

test("a connector's runs: summary, numbers per hour and per 6 hours", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const service = await seedService();
  const connector = await db().connector.create({
    data: { name: unique("Conn"), serviceId: service.id, method: "GET", urlTemplate: "http://127.0.0.1:9/none", headers: [], queryParams: [], bodyType: "NONE", formParams: [], timeoutMs: 30_000 },
  });
  const at = new Date(Date.now() - 60_000);
  const old = new Date(at.getTime() - 3 * DAY);
  const base = { source: "api", connectorId: connector.id, connectorName: connector.name, userId: null, tokenId: null, environmentId: null, errorCode: null, requestBytes: 0, responseBytes: 0, at };
  await db().run.createMany({
    data: [
      { ...base, status: 200, durationMs: 10 },
      { ...base, status: 201, durationMs: 20 },
      { ...base, status: 500, durationMs: 40 },
      { ...base, status: null, errorCode: "TIMEOUT", durationMs: 300 },
      { ...base, at: old, status: 200, durationMs: 50 },
    ],
  });
  await signIn(page, admin.email, admin.password);
  await page.goto(`/connectors/${connector.id}`);

  const figure = await openFigure(page, "Runs over time", "Chart: runs per hour by outcome and latency p50/p95, last 24 hours. The numbers are in the table below.");
  // Nearest rank over 10, 20, 40, 300 ms: p50 is the 2nd, p95 the 4th.
  await expect(figure.getByTestId("runs-summary")).toHaveText("Last 24 hours: 4 runs, error rate 50%, p50 20 ms, p95 300 ms.");
  const table = figure.getByRole("table", { name: "Runs per hour, last 24 hours" });
  await expect(table).toBeVisible();
  const day = await readNumbers(table);
  expect(day.headers).toEqual(["Time (UTC)", "Runs", "OK", "4xx/5xx", "No answer", "p50", "p95"]);
  expect(day.rows).toHaveLength(24);
  expect(day.rows.filter((r) => r.cells.Runs !== "0")).toEqual([
    { label: bucketLabel(at, 1), cells: { "Time (UTC)": bucketLabel(at, 1), Runs: "4", OK: "2", "4xx/5xx": "1", "No answer": "1", p50: "20 ms", p95: "300 ms" } },
  ]);
  expect(day.rows.filter((r) => r.cells.Runs === "0").every((r) => r.cells.p50 === "—" && r.cells.p95 === "—")).toBe(true);

  await figure.getByRole("button", { name: "Last 7 days" }).click();
  await expect(figure.getByTestId("runs-summary")).toHaveText("Last 7 days: 5 runs, error rate 40%, p50 40 ms, p95 300 ms.");
  const weekTable = figure.getByRole("table", { name: "Runs per 6 hours, last 7 days" });
  await expect(weekTable).toBeVisible(); // the table stays open across the switch
  const week = await readNumbers(weekTable);
  expect(week.rows).toHaveLength(28);
  expect(sums(week, ["Runs", "OK", "4xx/5xx", "No answer"])).toEqual({ Runs: 5, OK: 3, "4xx/5xx": 1, "No answer": 1 });
  expect(week.rows.find((r) => r.label === bucketLabel(old, 6))?.cells.Runs).toBe("1");
});

test("a subscription's deliveries: events by outcome and their attempts", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const service = await seedService();
  // Paused, with events that no delivery job waits for: nothing changes them while the test runs.
  const sub = await db().eventSubscription.create({ data: { name: unique("Charts sub"), serviceId: service.id, type: "WEBHOOK", callbackUrl: "http://127.0.0.1:9/hook", paused: true } });
  const at = new Date(Date.now() - 60_000);
  const old = new Date(at.getTime() - 3 * DAY);
  const event = (deliveryStatus: string, attemptCount: number, when = at) => ({ subscriptionId: sub.id, resource: "orders", type: "RECEIVED", payload: "{}", occurredAt: when, createdAt: when, deliveryStatus, attemptCount });
  await db().event.createMany({ data: [event("delivered", 1), event("delivered", 2), event("held", 0), event("dead", 8), event("delivered", 1, old)] });
  await signIn(page, admin.email, admin.password);
  await page.goto(`/events/${sub.id}`);

  const figure = await openFigure(page, "Deliveries over time", "Chart: events per hour by delivery outcome, with delivery attempts, last 24 hours. The numbers are in the table below.");
  await expect(figure.getByTestId("deliveries-summary")).toHaveText("Last 24 hours: 4 events, 2 delivered, 1 waiting, 1 dead-lettered, 11 delivery attempts.");
  const day = await readNumbers(figure.getByRole("table", { name: "Events per hour, last 24 hours" }));
  expect(day.headers).toEqual(["Time (UTC)", "Events", "Delivered", "Waiting", "Dead letter", "Attempts"]);
  expect(day.rows).toHaveLength(24);
  expect(day.rows.filter((r) => r.cells.Events !== "0")).toEqual([
    { label: bucketLabel(at, 1), cells: { "Time (UTC)": bucketLabel(at, 1), Events: "4", Delivered: "2", Waiting: "1", "Dead letter": "1", Attempts: "11" } },
  ]);

  await figure.getByRole("button", { name: "Last 7 days" }).click();
  await expect(figure.getByTestId("deliveries-summary")).toHaveText("Last 7 days: 5 events, 3 delivered, 1 waiting, 1 dead-lettered, 12 delivery attempts.");
  const week = await readNumbers(figure.getByRole("table", { name: "Events per 6 hours, last 7 days" }));
  expect(week.rows).toHaveLength(28);
  expect(sums(week, ["Events", "Delivered", "Waiting", "Dead letter", "Attempts"])).toEqual({ Events: 5, Delivered: 3, Waiting: 1, "Dead letter": 1, Attempts: 12 });
});

test("a listener's messages by hand-off outcome", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const path = `e2e-charts-${Date.now().toString(36)}-${++n}`;
  const listener = await db().listener.create({ data: { name: unique("Charts listener"), path, pathKey: path.toLowerCase(), methods: '["POST"]', target: "STORE" } });
  const at = new Date(Date.now() - 60_000);
  const old = new Date(at.getTime() - 3 * DAY);
  const message = (status: string, receivedAt = at) => ({ listenerId: listener.id, method: "POST", path: `/api/hooks/${path}`, headers: "[]", body: Buffer.from("{}"), size: 2, receivedAt, status });
  await db().inboundMessage.createMany({ data: [message("stored"), message("stored"), message("delivered"), message("failed"), message("dead"), message("stored", old)] });
  await signIn(page, admin.email, admin.password);
  await page.goto(`/listeners/${listener.id}`);

  const figure = await openFigure(page, "Messages over time", "Chart: messages per hour by hand-off outcome, last 24 hours. The numbers are in the table below.");
  await expect(figure.getByTestId("messages-summary")).toHaveText("Last 24 hours: 5 messages, 1 handed on, 2 stored, 0 waiting, 2 failed or dead-lettered.");
  const day = await readNumbers(figure.getByRole("table", { name: "Messages per hour, last 24 hours" }));
  expect(day.headers).toEqual(["Time (UTC)", "Messages", "Handed on", "Stored", "Waiting", "Failed"]);
  expect(day.rows.filter((r) => r.cells.Messages !== "0")).toEqual([
    { label: bucketLabel(at, 1), cells: { "Time (UTC)": bucketLabel(at, 1), Messages: "5", "Handed on": "1", Stored: "2", Waiting: "0", Failed: "2" } },
  ]);

  await figure.getByRole("button", { name: "Last 7 days" }).click();
  await expect(figure.getByTestId("messages-summary")).toHaveText("Last 7 days: 6 messages, 1 handed on, 3 stored, 0 waiting, 2 failed or dead-lettered.");
  const week = await readNumbers(figure.getByRole("table", { name: "Messages per 6 hours, last 7 days" }));
  expect(sums(week, ["Messages", "Handed on", "Stored", "Waiting", "Failed"])).toEqual({ Messages: 6, "Handed on": 1, Stored: 3, Waiting: 0, Failed: 2 });
});
