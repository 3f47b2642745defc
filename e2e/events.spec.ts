// Events in the UI (SPEC §9, issue 12): a polling subscription created in the browser against a
// local upstream started here, whose deliveries a local receiver verifies with the Standard Webhooks
// reference library using the key Generate showed; Poll now, events and attempts, Redeliver (same
// webhook-id). A webhook subscription with HMAC-SHA256 sender verification: a signed POST to its
// Inbound URL is stored (202) and forwarded, a wrongly signed one refused (401); Pause answers 404;
// Delete. Members see subscriptions without the admin's buttons.
//
// Locators that work on these pages:
// - The sidebar has its own "Environment" switcher: scope the form's fields to
//   page.getByRole("main") (or the form: getByRole("form", { name: "New subscription" | "Edit subscription" })).
// - Resource rows are groups "resource 1", "resource 2", … whose inputs are labelled with the column
//   name: row.getByLabel("URL", { exact: true }); page-wide, getByLabel("Resource name").first() works,
//   but "URL" needs exact: true (there is also "Callback URL").
// - "Signature key" needs exact: true (the Copy button is "Copy signature key").
// - The Events section is getByRole("region", { name: "Events", exact: true }) (its table's scroll
//   region is "Event log"); rows are getByTestId("event-row"), each with a link named
//   "<resource>.<type> <item id>" to the event's page.
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

let n = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++n}`;

type TServer = { url: string; close: () => Promise<void> };
type TDelivery = { path: string; headers: Record<string, string>; body: string };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** A local HTTP server on 127.0.0.1 (the app's outbound policy allows it in e2e), on a free port. */
async function listen(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<TServer> {
  const server = createServer((req, res) => {
    readBody(req).then((body) => handle(req, res, body), () => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

// The upstream API: GET /orders answers the current items as a top-level JSON array.
type TOrder = { id: string; total: number; updatedAt: string };
let orders: TOrder[] = [];
// The receiver: every delivery, as it came; 200 "ok".
const deliveries: TDelivery[] = [];
let upstream: TServer;
let receiver: TServer;

test.beforeAll(async () => {
  upstream = await listen((req, res) => {
    if (req.method === "GET" && req.url?.startsWith("/orders")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(orders));
    } else {
      res.writeHead(404).end();
    }
  });
  receiver = await listen((req, res, body) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    deliveries.push({ path: req.url ?? "", headers, body });
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
});
test.afterAll(async () => {
  await upstream?.close();
  await receiver?.close();
});

/** yyyy-MM-dd'T'HH:mm:ss'Z' of a moment `minutesAgo` before now. */
// Fixed once: the same item must carry the same date in every snapshot (a later one is an update).
const BASE = Date.now();
const stamp = (minutesAgo: number) => new Date(BASE - minutesAgo * 60_000).toISOString().slice(0, 19) + "Z";

async function seedService() {
  const config = await db().authConfig.create({
    data: { name: unique("Open"), protocol: "NONE", subProtocol: "NONE", settings: { tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } }, secrets: {} },
  });
  return db().service.create({ data: { name: unique("Shop"), authConfigId: config.id } });
}

/** The deliveries to `path` whose signature verifies with `key`, parsed. */
function verifiedDeliveries(path: string, key: string) {
  return deliveries
    .filter((d) => d.path === path)
    .map((d) => {
      const payload = new Webhook(key).verify(d.body, {
        "webhook-id": d.headers["webhook-id"] ?? "",
        "webhook-timestamp": d.headers["webhook-timestamp"] ?? "",
        "webhook-signature": d.headers["webhook-signature"] ?? "",
      }) as { id: string; type: string; subscriptionId: string; resource: string; occurredAt: string; data: Record<string, unknown> };
      expect(d.headers["webhook-id"]).toBe(payload.id);
      expect(d.headers["content-type"]).toContain("application/json");
      return payload;
    });
}

async function fillNewSubscription(page: Page, v: { name: string; service: string; type: "Polling" | "Webhook"; callbackUrl: string }): Promise<string> {
  const main = page.getByRole("main");
  await main.getByLabel("Name", { exact: true }).fill(v.name);
  await main.getByLabel("Service", { exact: true }).selectOption({ label: v.service });
  await expect(main.getByLabel("Environment", { exact: true })).toHaveValue("");
  await expect(main.getByLabel("Environment", { exact: true }).locator("option").first()).toHaveText("No environment (defaults)");
  await main.getByLabel("Type", { exact: true }).selectOption({ label: v.type });
  await main.getByLabel("Callback URL", { exact: true }).fill(v.callbackUrl);
  // Generate: a fresh whsec_ key in the field, to copy to the receiver before saving.
  await expect(main.getByLabel("Signature key", { exact: true })).toHaveValue("");
  await main.getByRole("button", { name: "Generate", exact: true }).click();
  const key = await main.getByLabel("Signature key", { exact: true }).inputValue();
  expect(key).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  return key;
}

/** Reloads until the Events table has a row of `eventType` (with `itemText` in it, when given). */
async function expectEventRow(page: Page, eventType: string, itemText = eventType) {
  const rows = page.getByRole("region", { name: "Events", exact: true }).getByTestId("event-row");
  await expect
    .poll(
      async () => {
        await page.reload();
        return rows.filter({ hasText: eventType }).filter({ hasText: itemText }).count();
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThan(0);
}

test("a polling subscription: created in the UI, Poll now, signed deliveries, attempts and Redeliver", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const service = await seedService();
  orders = [
    { id: "ord-1", total: 10, updatedAt: stamp(120) },
    { id: "ord-2", total: 20, updatedAt: stamp(90) },
  ];
  await signIn(page, admin.email, admin.password);

  // Navigation: "Events" right after "Environments".
  const nav = page.getByRole("navigation", { name: "Main" });
  const links = await nav.getByRole("link").allTextContents();
  expect(links.indexOf("Events")).toBe(links.indexOf("Environments") + 1);
  await nav.getByRole("link", { name: "Events", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Events", level: 1 })).toBeVisible();
  await page.getByRole("main").getByRole("link", { name: "Create", exact: true }).first().click();
  await expect(page).toHaveURL(/\/events\/new$/);

  const name = unique("Orders");
  const main = page.getByRole("main");
  const key = await fillNewSubscription(page, { name, service: service.name, type: "Polling", callbackUrl: `${receiver.url}/orders-hook` });
  await main.getByLabel("Refresh interval (minutes)", { exact: true }).fill("60");
  await main.getByLabel("Emit existing items on first poll", { exact: true }).check();
  const row = main.getByRole("group", { name: "resource 1" });
  await row.getByLabel("Resource name", { exact: true }).fill("orders");
  await row.getByLabel("URL", { exact: true }).fill(`${upstream.url}/orders?since=\${gmtDate:yyyy-MM-dd'T'HH:mm:ss'Z'}`);
  await row.getByLabel("ID field", { exact: true }).fill("id");
  await row.getByLabel("Updated date field", { exact: true }).fill("updatedAt");
  // A pattern only the server can check (the date library): its error lands on that row's input.
  await row.getByLabel("Updated date format", { exact: true }).fill("yyyy-MM-dd'T'HH:mm:ss'Z");
  await main.getByRole("button", { name: "Create", exact: true }).click();
  await expect(main.getByTestId("form-error")).toBeVisible();
  await expect(row.getByLabel("Updated date format", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/events\/new$/);
  await row.getByLabel("Updated date format", { exact: true }).fill("yyyy-MM-dd'T'HH:mm:ss'Z'");
  await main.getByRole("button", { name: "Create", exact: true }).click();

  // Created: the detail page.
  await expect(page).toHaveURL(/\/events\/(?!new$)[a-z0-9]+$/);
  const subscriptionId = new URL(page.url()).pathname.split("/").pop()!;
  await expect(main.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(main.getByTestId("subscription-status")).toHaveText("Active");
  const stored = await db().eventSubscription.findUniqueOrThrow({ where: { id: subscriptionId } });
  expect(stored.signingKey).not.toBeNull();
  expect(stored.signingKey).not.toContain(key.slice(6)); // sealed
  await expect(page.locator("body")).not.toContainText(key); // write-only

  // Poll now (the first poll may also have run on its own: whichever commits, both items are CREATED).
  await main.getByRole("button", { name: "Poll now", exact: true }).click();
  await expect(main.getByTestId("poll-result").getByRole("status")).toContainText(/orders: \d+ events? from 2 items|Nothing was recorded/);
  await expectEventRow(page, "orders.created", "ord-1");
  await expectEventRow(page, "orders.created", "ord-2");
  await expect(main.getByTestId("last-poll")).not.toHaveText("—");

  // The receiver got both, each verified with the key Generate showed.
  await expect.poll(() => verifiedDeliveries("/orders-hook", key).map((d) => `${d.type} ${d.data.id}`).sort(), { timeout: 30_000 }).toEqual([
    "orders.created ord-1",
    "orders.created ord-2",
  ]);
  const first = verifiedDeliveries("/orders-hook", key).find((d) => d.data.id === "ord-1")!;
  expect(first).toMatchObject({ subscriptionId, resource: "orders", data: { id: "ord-1", total: 10 } });

  // The upstream changes: ord-1 updated, ord-3 new. Poll now emits an update and a creation.
  orders = [
    { id: "ord-1", total: 11, updatedAt: stamp(1) },
    { id: "ord-2", total: 20, updatedAt: stamp(90) },
    { id: "ord-3", total: 30, updatedAt: stamp(2) },
  ];
  await main.getByRole("button", { name: "Poll now", exact: true }).click();
  await expect(main.getByTestId("poll-result").getByRole("status")).toContainText(/orders: \d+ events? from 3 items|Nothing was recorded/);
  await expectEventRow(page, "orders.updated", "ord-1");
  await expectEventRow(page, "orders.created", "ord-3");
  await expect.poll(() => verifiedDeliveries("/orders-hook", key).filter((d) => d.type === "orders.updated").map((d) => d.data.total), { timeout: 30_000 }).toEqual([11]);

  // The filter: Type Updated shows only the update.
  const events = page.getByRole("region", { name: "Events", exact: true });
  await events.getByLabel("Type", { exact: true }).selectOption({ label: "Updated" });
  await events.getByRole("button", { name: "Filter", exact: true }).click();
  await expect(page).toHaveURL(/[?&]type=UPDATED/);
  await expect(events.getByTestId("event-row")).toHaveCount(1);
  await expect(events.getByTestId("event-row")).toContainText("ord-1");

  // The event's page: its payload, and the attempt the receiver answered with 200.
  await events.getByRole("link", { name: "orders.updated ord-1" }).click();
  await expect(page).toHaveURL(new RegExp(`/events/${subscriptionId}/[a-z0-9]+$`));
  const eventId = new URL(page.url()).pathname.split("/").pop()!;
  await expect(main.getByTestId("event-id")).toHaveText(eventId);
  await expect(main.getByTestId("payload")).toContainText('"total": 11');
  const attempts = main.getByTestId("attempt-row");
  await expect.poll(async () => {
    await page.reload();
    return attempts.count();
  }, { timeout: 30_000 }).toBeGreaterThan(0);
  await expect(attempts.first().getByRole("cell").nth(2)).toHaveText("200");
  await expect(main.getByTestId("delivery-status")).toHaveText("Delivered");
  const before = await attempts.count();

  // Redeliver: one more attempt, with the same webhook-id.
  await main.getByRole("button", { name: "Redeliver", exact: true }).click();
  await expect(main.getByRole("status").filter({ hasText: "Queued for delivery" })).toBeVisible();
  await expect.poll(async () => {
    await page.reload();
    return attempts.count();
  }, { timeout: 30_000 }).toBeGreaterThan(before);
  await expect(attempts.last().getByRole("cell").nth(2)).toHaveText("200");
  expect(verifiedDeliveries("/orders-hook", key).filter((d) => d.id === eventId).length).toBeGreaterThanOrEqual(2);

  // The list: type, environment, status and the 24-hour count.
  await page.goto("/events");
  const listRow = page.getByTestId(`subscription-row-${name}`);
  await expect(listRow.getByRole("cell").nth(1)).toHaveText(service.name);
  await expect(listRow.getByRole("cell").nth(2)).toHaveText("Polling");
  await expect(listRow.getByRole("cell").nth(3)).toHaveText("Defaults");
  await expect(listRow.getByRole("cell").nth(4)).toHaveText("Active");
  await expect(listRow.getByRole("cell").nth(6)).toHaveText("4");
});

test("a webhook subscription: HMAC-verified inbound messages are stored and forwarded; pause, delete", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const service = await seedService();
  const secret = `hmac-secret-${Date.now().toString(36)}`;
  await signIn(page, admin.email, admin.password);
  await page.goto("/events/new");

  const name = unique("Invoices");
  const main = page.getByRole("main");
  const key = await fillNewSubscription(page, { name, service: service.name, type: "Webhook", callbackUrl: `${receiver.url}/invoices-hook` });
  await expect(main.getByLabel("Refresh interval (minutes)", { exact: true })).toHaveCount(0);
  await main.getByLabel("Sender verification", { exact: true }).selectOption({ label: "HMAC-SHA256 of the body" });
  await main.getByLabel("Signature header", { exact: true }).fill("X-Test-Signature");
  await main.getByLabel("Verification secret", { exact: true }).fill(secret);
  await main.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page).toHaveURL(/\/events\/(?!new$)[a-z0-9]+$/);
  const subscriptionId = new URL(page.url()).pathname.split("/").pop()!;
  await expect(main.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(main.getByRole("button", { name: "Poll now" })).toHaveCount(0);

  // The Inbound URL, read-only, with Copy.
  const inbound = main.getByLabel("Inbound URL", { exact: true });
  await expect(inbound).toHaveJSProperty("readOnly", true);
  const hookUrl = await inbound.inputValue();
  expect(hookUrl).toMatch(new RegExp(`/api/hooks/${subscriptionId}$`));
  await expect(main.getByRole("button", { name: "Copy inbound URL" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Events", exact: true })).toContainText("No events yet. Events appear when the service sends a webhook to the Inbound URL above.");

  const body = JSON.stringify({ event: "invoice.paid", invoice: "inv-7", amount: 42 });
  const sign = (s: string) => createHmac("sha256", s).update(body).digest("hex");
  const post = (signature: string) => fetch(hookUrl, { method: "POST", headers: { "content-type": "application/json", "x-test-signature": signature }, body });

  // A wrongly signed message: 401, nothing stored.
  const refused = await post(sign("not-the-secret"));
  expect(refused.status).toBe(401);
  expect(await db().event.count({ where: { subscriptionId } })).toBe(0);

  // A signed one: 202 with the event's id; stored, listed and forwarded, signed with our key.
  const accepted = await post(`sha256=${sign(secret)}`);
  expect(accepted.status).toBe(202);
  const { id: eventId } = (await accepted.json()) as { id: string };
  expect(eventId).toBeTruthy();
  await expectEventRow(page, "webhook.received");
  await expect.poll(() => verifiedDeliveries("/invoices-hook", key).map((d) => d.id), { timeout: 30_000 }).toEqual([eventId]);
  const delivered = verifiedDeliveries("/invoices-hook", key)[0];
  expect(delivered).toMatchObject({ id: eventId, type: "webhook.received", subscriptionId, data: { event: "invoice.paid", invoice: "inv-7", amount: 42 } });
  await page.getByRole("region", { name: "Events", exact: true }).getByRole("link", { name: `webhook.received ${eventId}` }).click();
  await expect(main.getByTestId("payload")).toContainText('"invoice": "inv-7"');

  // Edit: the secret is kept when left empty.
  await page.goto(`/events/${subscriptionId}`);
  await main.getByRole("button", { name: "Edit", exact: true }).click();
  const editForm = page.getByRole("form", { name: "Edit subscription" });
  await expect(editForm.getByText("A secret is set — leave empty to keep it")).toBeVisible();
  await expect(editForm.getByTestId("signing-key-state")).toHaveText("A key is set");
  await editForm.getByRole("button", { name: "Save", exact: true }).click();
  await expect(editForm).toHaveCount(0);
  expect((await post(`sha256=${sign(secret)}`)).status).toBe(202);

  // Pause: the inbound URL answers 404 until Resume.
  await main.getByRole("button", { name: "Pause", exact: true }).click();
  await expect(main.getByTestId("subscription-status")).toHaveText("Paused");
  await expect.poll(async () => (await post(`sha256=${sign(secret)}`)).status).toBe(404);
  await main.getByRole("button", { name: "Resume", exact: true }).click();
  await expect(main.getByTestId("subscription-status")).toHaveText("Active");
  await expect.poll(async () => (await post(`sha256=${sign(secret)}`)).status).toBe(202);

  // Delete, after confirming: back to the list, without it.
  await main.getByRole("button", { name: `Delete ${name}`, exact: true }).click();
  const confirm = page.getByRole("dialog", { name: `Delete "${name}"?` });
  await confirm.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page).toHaveURL(/\/events$/);
  await expect(page.getByTestId(`subscription-row-${name}`)).toHaveCount(0);
  expect(await db().eventSubscription.findUnique({ where: { id: subscriptionId } })).toBeNull();
  expect((await post(`sha256=${sign(secret)}`)).status).toBe(404);
});

test("members see subscriptions and events without the admin's buttons", async ({ page }) => {
  const member = await seedUser({ role: "MEMBER" });
  const service = await seedService();
  const sub = await db().eventSubscription.create({
    data: { name: unique("Read only"), serviceId: service.id, type: "WEBHOOK", callbackUrl: `${receiver.url}/member-hook` },
  });
  await signIn(page, member.email, member.password);
  await page.goto("/events");
  const main = page.getByRole("main");
  await expect(main.getByRole("link", { name: "Create", exact: true })).toHaveCount(0);
  const row = page.getByTestId(`subscription-row-${sub.name}`);
  await expect(row.getByRole("cell").nth(2)).toHaveText("Webhook");
  await row.getByRole("link", { name: sub.name, exact: true }).click();
  await expect(main.getByRole("heading", { name: sub.name, level: 1 })).toBeVisible();
  await expect(main.getByLabel("Inbound URL", { exact: true })).toHaveValue(new RegExp(`/api/hooks/${sub.id}$`));
  for (const button of ["Edit", "Pause", "Poll now", "Redeliver failed"]) await expect(main.getByRole("button", { name: button, exact: true })).toHaveCount(0);
  await expect(main.getByRole("button", { name: `Delete ${sub.name}` })).toHaveCount(0);
  expect((await page.request.get("/events/new")).status()).toBe(403);
});
