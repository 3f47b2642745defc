// Listeners in the UI (SPEC §10, issue 13): a listener with HMAC sender authentication and a
// connector target is created in the browser; a JSON, an XML and a binary message are sent from
// outside the browser (signed as GitHub signs, with node:crypto), a wrongly signed one is refused;
// the messages appear in the view, each run into the connector against a local upstream started
// here (the body as the connector's body, a query parameter mapped to its path parameter); the
// message page shows headers (signature redacted), the body (pretty JSON, hex for binary), Download
// raw gives the exact bytes; Replay runs the connector again. Members see it without admin buttons.
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

let n = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++n}`;

type TReceived = { method: string; url: string; body: string };
const received: TReceived[] = [];
let upstream: { url: string; close: () => Promise<void> };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

test.beforeAll(async () => {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    readBody(req).then(
      (body) => {
        received.push({ method: req.method ?? "", url: req.url ?? "", body });
        res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, path: req.url }));
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  upstream = {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
});
test.afterAll(async () => {
  await upstream?.close();
});

async function seedConnector() {
  const config = await db().authConfig.create({
    data: { name: unique("Open"), protocol: "NONE", subProtocol: "NONE", settings: { tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } }, secrets: {} },
  });
  const service = await db().service.create({ data: { name: unique("Orders API"), authConfigId: config.id } });
  return db().connector.create({
    data: { name: unique("Create order"), serviceId: service.id, method: "POST", urlTemplate: `${upstream.url}/orders/{orderId}`, headers: [], queryParams: [], bodyType: "JSON", formParams: [], responseMapping: [{ name: "path", path: "$.path" }], timeoutMs: 10_000 },
  });
}

test("a listener with HMAC authentication: messages sent from outside are stored, shown, run into a connector and replayed", async ({ page, browser, baseURL }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const connector = await seedConnector();
  const secret = `e2e-hmac-${Date.now().toString(36)}`;
  const name = unique("Partner orders");
  const path = `e2e-${Date.now().toString(36)}-${++n}/orders`;
  await signIn(page, admin.email, admin.password);

  // Navigation: "Listeners" right after "Events".
  const nav = page.getByRole("navigation", { name: "Main" });
  const links = await nav.getByRole("link").allTextContents();
  expect(links.indexOf("Listeners")).toBe(links.indexOf("Events") + 1);
  await nav.getByRole("link", { name: "Listeners", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Listeners", level: 1 })).toBeVisible();
  await page.getByRole("main").getByRole("link", { name: "New listener" }).first().click();
  await expect(page).toHaveURL(/\/listeners\/new$/);

  const main = page.getByRole("main");
  await main.getByLabel("Name", { exact: true }).fill(name);
  await main.getByLabel("Path", { exact: true }).fill(path);
  await expect(main.getByRole("group", { name: "Allowed methods" }).getByLabel("POST", { exact: true })).toBeChecked();
  await main.getByLabel("Sender authentication", { exact: true }).selectOption({ label: "HMAC signature" });
  await main.getByLabel("Header name", { exact: true }).fill("X-Hub-Signature-256");
  await main.getByLabel("Prefix", { exact: true }).fill("sha256=");
  await main.getByLabel("Secret", { exact: true }).fill(secret);
  await main.getByLabel("Target", { exact: true }).selectOption({ label: "Run a connector" });
  await main.getByLabel("Connector", { exact: true }).selectOption({ label: connector.name });
  await main.getByRole("button", { name: "Add mapping" }).click();
  const mapping = main.getByRole("group", { name: "mapping 1" });
  await mapping.getByLabel("Source", { exact: true }).selectOption({ label: "Query parameter" });
  await mapping.getByLabel("Name", { exact: true }).fill("orderId");
  await mapping.getByLabel("Connector parameter type", { exact: true }).selectOption({ label: "Path parameter" });
  await mapping.getByLabel("Connector parameter", { exact: true }).selectOption({ label: "{orderId}" });
  await main.getByRole("button", { name: "Create", exact: true }).click();

  // The listener page: its URL with Copy, a cURL example with the signature as a placeholder.
  await expect(page).toHaveURL(/\/listeners\/(?!new$)[a-z0-9]+$/);
  const listenerId = new URL(page.url()).pathname.split("/").pop()!;
  await expect(main.getByRole("heading", { name, level: 1 })).toBeVisible();
  const url = `${baseURL}/api/hooks/${path}`;
  await expect(main.getByTestId("listener-url")).toHaveValue(url);
  await expect(main.getByRole("button", { name: "Copy URL" })).toBeVisible();
  await expect(main.getByTestId("curl-example")).toContainText("X-Hub-Signature-256: sha256=");
  await expect(page.locator("body")).not.toContainText(secret); // write-only
  await expect(main.getByText("No messages yet. Send a request to the listener URL above")).toBeVisible();
  const stored = await db().listener.findUniqueOrThrow({ where: { id: listenerId } });
  expect(stored.authSecret).not.toBeNull();
  expect(stored.authSecret).not.toContain(secret); // sealed

  // Sent from outside the browser, signed as GitHub signs: JSON, XML, binary; one wrongly signed.
  const send = async (body: Buffer, contentType: string, orderId: string, sign = secret) => {
    const signature = `sha256=${createHmac("sha256", sign).update(body).digest("hex")}`;
    const res = await fetch(`${url}?orderId=${orderId}`, { method: "POST", body: new Uint8Array(body), headers: { "content-type": contentType, "x-hub-signature-256": signature } });
    return { status: res.status, json: (await res.json()) as { id?: string } };
  };
  const json = await send(Buffer.from('{"order":"A-1","lines":[{"sku":"X","qty":2}]}'), "application/json", "A-1");
  const xml = await send(Buffer.from('<order id="A-2"><line sku="Y"/></order>'), "application/xml", "A-2");
  const binary = await send(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10]), "application/octet-stream", "A-3");
  for (const r of [json, xml, binary]) expect(r.status).toBe(202);
  const refused = await send(Buffer.from("{}"), "application/json", "A-4", "wrong secret");
  expect(refused.status).toBe(401);

  // The JSON one is run into the connector (a JSON-body connector): the body as its body, orderId
  // from the query into its path. The XML and binary ones are stored all the same (a listener is a
  // mailbox), and their runs fail with the reason: they are not JSON.
  await expect.poll(() => received.filter((r) => r.url.startsWith("/orders/A-1")).length, { timeout: 30_000 }).toBe(1);
  expect(received.find((r) => r.url === "/orders/A-1")?.body).toBe('{"order":"A-1","lines":[{"sku":"X","qty":2}]}');

  // The view: three messages, newest first.
  const rows = main.getByRole("table", { name: "Messages", exact: true }).getByTestId("message-row");
  const messageIds = () => rows.evaluateAll((els) => els.map((e) => e.querySelector("[data-message-id]")?.getAttribute("data-message-id")));
  await expect
    .poll(
      async () => {
        await page.reload();
        return (await main.getByTestId("message-status").allTextContents()).join(",");
      },
      { timeout: 30_000 },
    )
    .toBe("Failed,Failed,Handed on");
  await expect(rows).toHaveCount(3);
  expect(await messageIds()).toEqual([binary.json.id, xml.json.id, json.json.id]);
  await expect(rows.nth(1)).toContainText("not valid JSON");

  // The table sorts by a column header's link (twice: ascending, then descending), in the address.
  await main.getByRole("link", { name: "Sort by Size, ascending" }).click();
  await expect(page).toHaveURL(/[?&]sort=size&dir=asc/);
  await main.getByRole("link", { name: "Sort by Size, descending" }).click();
  await expect(page).toHaveURL(/[?&]sort=size&dir=desc/);
  await expect.poll(messageIds).toEqual([json.json.id, xml.json.id, binary.json.id]);
  await page.goto(`/listeners/${listenerId}`);
  expect(received.filter((r) => !r.url.startsWith("/orders/A-1"))).toEqual([]);

  // The binary message: a hex dump and its size; Download raw gives the exact bytes.
  await rows.nth(0).getByRole("link").first().click();
  await expect(page).toHaveURL(new RegExp(`/listeners/${listenerId}/${binary.json.id}$`));
  await expect(main.getByTestId("message-body")).toHaveAttribute("data-kind", "binary");
  await expect(main.getByTestId("message-body")).toContainText("89 50 4e 47 00 ff 10");
  const raw = await page.request.get(await main.getByRole("link", { name: "Download raw" }).getAttribute("href").then((h) => h!));
  expect(raw.status()).toBe(200);
  expect([...(await raw.body())]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10]);

  // The JSON message: pretty-printed, the signature header redacted, the connector's result; Replay.
  await page.goto(`/listeners/${listenerId}/${json.json.id}`);
  await expect(main.getByTestId("message-body")).toHaveAttribute("data-kind", "json");
  await expect(main.getByTestId("message-body")).toContainText('"sku": "X"');
  const signatureRow = main.getByRole("table", { name: "Headers" }).getByTestId("header-row").filter({ hasText: "x-hub-signature-256" });
  await expect(signatureRow).toContainText("[redacted]");
  await expect(main.getByRole("region", { name: "Connector result" })).toContainText("201");
  await expect(main.getByTestId("attempt-row")).toHaveCount(1);
  await main.getByRole("button", { name: "Replay", exact: true }).click();
  await expect(main.getByRole("status").filter({ hasText: "Replay queued" })).toBeVisible();
  await expect.poll(() => received.filter((r) => r.url === "/orders/A-1").length, { timeout: 30_000 }).toBe(2);
  await expect
    .poll(
      async () => {
        await page.reload();
        return main.getByTestId("attempt-row").count();
      },
      { timeout: 30_000 },
    )
    .toBe(2);

  // A member sees the listener and its messages, without the admin's buttons.
  const member = await seedUser({ role: "MEMBER" });
  const memberContext = await browser.newContext();
  const memberPage = await memberContext.newPage();
  await signIn(memberPage, member.email, member.password);
  await memberPage.goto(`/listeners/${listenerId}`);
  await expect(memberPage.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(memberPage.getByTestId("message-row")).toHaveCount(3);
  await expect(memberPage.getByRole("button", { name: "Disable" })).toHaveCount(0);
  await memberPage.goto(`/listeners/${listenerId}/${json.json.id}`);
  await expect(memberPage.getByRole("button", { name: "Replay", exact: true })).toHaveCount(0);
  await memberContext.close();

  // Disable: the URL answers 404 and nothing more is stored.
  await page.goto(`/listeners/${listenerId}`);
  await main.getByRole("button", { name: "Disable", exact: true }).click();
  await expect(main.getByTestId("listener-status")).toHaveText("Disabled");
  await expect.poll(async () => (await send(Buffer.from("{}"), "application/json", "A-5")).status, { timeout: 10_000 }).toBe(404);
  expect(await db().inboundMessage.count({ where: { listenerId } })).toBe(3);
});
