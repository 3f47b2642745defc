// API tokens (SPEC §2, §8): created in the UI and shown once; the REST API accepts it as its user
// (a member may read but not import); revoking it in the UI refuses it at once with 401 and
// WWW-Authenticate: Bearer. The token is in no page, URL or server log line, and only its SHA-256
// is stored. The REST API is called from the test process with Node's fetch.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { db, seedUser } from "./fixtures/db";

const appOrigin = `http://127.0.0.1:${process.env.PATCHBAY_E2E_PORT}`;
const serverLog = `${process.env.PATCHBAY_E2E_DATA_DIR}/server.log`;
const TOKEN_SHAPE = /^pb_[0-9A-Za-z]{49}$/;

let n = 0;
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}-${++n}`;
const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

/** A call to the REST API as `token` (no Authorization header when null). */
function api(path: string, token: string | null, init: { method?: string; body?: unknown } = {}) {
  return fetch(`${appOrigin}/api/v1${path}`, {
    method: init.method ?? "GET",
    headers: {
      ...(token !== null ? { Authorization: `Bearer ${token}` } : {}),
      ...(init.body !== undefined ? { "Content-Type": "application/json" } : {}),
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
}

/** A refusal in the API's error format: `status`, `{ error: { code, message, ... } }`, X-Request-Id. */
async function expectApiError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type") ?? "").toMatch(/application\/json/);
  expect(res.headers.get("x-request-id")).toBeTruthy();
  const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
  expect(body.error?.code).toBe(code);
  expect(typeof body.error?.message).toBe("string");
}

/** Fills and submits the Create dialog; returns the token it shows once, after checking that view. */
async function createToken(page: Page, opts: { name: string; expires?: string; rateLimit?: string }): Promise<string> {
  await page.getByRole("button", { name: "Create token" }).click();
  const dialog = page.getByRole("dialog", { name: "Create API token" });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Name", { exact: true }).fill(opts.name);
  await expect(dialog.getByLabel("Expires")).toHaveValue("90d");
  if (opts.expires) await dialog.getByLabel("Expires").selectOption({ label: opts.expires });
  if (opts.rateLimit) await dialog.getByLabel("Requests per second").fill(opts.rateLimit);
  await dialog.getByRole("button", { name: "Create", exact: true }).click();

  const field = dialog.getByLabel("API token", { exact: true });
  await expect(field).toBeVisible();
  await expect(field).toHaveAttribute("readonly", "");
  const token = await field.inputValue();
  expect(token).toMatch(TOKEN_SHAPE);
  await expect(dialog.getByText("Copy this token now. You will not be able to see it again.")).toBeVisible();
  await dialog.getByRole("button", { name: "Copy" }).click();
  await expect(dialog.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  expect(page.url()).not.toContain(token);

  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  return token;
}

/** The page (rendered DOM, HTML and RSC payload), its URL and the server log hold none of `tokens`. */
async function expectNotShown(page: Page, tokens: string[]) {
  const dom = await page.content();
  const html = await (await page.request.get("/api-tokens")).text();
  const rsc = await (await page.request.get("/api-tokens", { headers: { RSC: "1" } })).text();
  const log = readFileSync(serverLog, "utf8");
  for (const t of tokens) {
    expect(dom, "rendered page").not.toContain(t);
    expect(html, "page HTML").not.toContain(t);
    expect(rsc, "RSC payload").not.toContain(t);
    expect(page.url()).not.toContain(t);
    expect(log, "server log").not.toContain(t);
  }
}

test.beforeEach(async ({ context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: appOrigin });
});

test("an admin creates a token shown once, calls the API with it, revokes it, and it is refused at once", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  await signIn(page, admin.email, admin.password);
  await page.goto("/api-tokens");
  await expect(page).toHaveTitle(/API tokens/);
  await expect(page.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();
  await expect(page.getByText("Authorization: Bearer <token>")).toBeVisible();
  await expect(page.getByRole("main").getByRole("link", { name: "API reference" })).toHaveAttribute("href", "/api");

  const name = unique("CI pipeline");
  const token = await createToken(page, { name });

  // After Done: only the prefix, and the token is nowhere in the page.
  const row = page.getByTestId(`api-token-row-${name}`);
  await expect(row).toContainText(token.slice(0, 11));
  await expect(row).not.toContainText(token);
  await expect(row.getByTestId("api-token-status")).toHaveText("active");
  await expect(page.getByRole("columnheader", { name: "Owner" })).toBeVisible();
  await expect(row).toContainText(admin.email);
  await expect(row).toContainText("Unlimited");
  await expectNotShown(page, [token]);

  // Only the SHA-256 is stored.
  const stored = await db().apiToken.findUniqueOrThrow({ where: { tokenHash: sha256(token) } });
  expect(stored).toMatchObject({ name, userId: admin.id, prefix: token.slice(0, 11), revokedAt: null, rateLimit: null });
  expect(JSON.stringify(stored)).not.toContain(token);

  // The API accepts it; a missing or malformed token is refused.
  const ok = await api("/connectors", token);
  expect(ok.status).toBe(200);
  expect(ok.headers.get("x-request-id")).toBeTruthy();
  await ok.json();
  await expectApiError(await api("/connectors", null), 401, "UNAUTHENTICATED");
  await expectApiError(await api("/connectors", `${token.slice(0, -1)}${token.endsWith("a") ? "b" : "a"}`), 401, "UNAUTHENTICATED");
  await expect.poll(async () => (await db().apiToken.findUniqueOrThrow({ where: { id: stored.id } })).lastUsedAt).not.toBeNull();

  // Revoke in the UI (confirmed first): the very next call is refused.
  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  const confirm = page.getByRole("dialog", { name: `Revoke "${name}"?` });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Revoke" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: `Revoked "${name}".` })).toBeVisible();
  await expect(row.getByTestId("api-token-status")).toHaveText("revoked");
  await expect(row.getByRole("button", { name: `Revoke ${name}` })).toHaveCount(0);

  const refused = await api("/connectors", token);
  expect(refused.headers.get("www-authenticate") ?? "").toMatch(/^Bearer\b/);
  await expectApiError(refused, 401, "UNAUTHENTICATED");

  const entries = await db().auditEntry.findMany({ where: { objectType: "ApiToken", objectId: stored.id }, orderBy: [{ at: "asc" }, { id: "asc" }] });
  expect(entries.map((e) => e.action)).toEqual(["create", "revoke"]);
  expect(entries.every((e) => e.actorEmail === admin.email)).toBe(true);
  expect(JSON.stringify(entries)).not.toContain(token);
  await expectNotShown(page, [token]);
});

test("a member's token reads connectors but may not import a library; members see only their own tokens", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const adminsToken = await db().apiToken.create({
    data: { name: unique("Admin's token"), tokenHash: sha256(unique("not a real token")), prefix: "pb_adminsxx", userId: admin.id },
  });
  const member = await seedUser();
  await signIn(page, member.email, member.password);
  await page.goto("/api-tokens");
  await expect(page.getByText("No API tokens yet. Create one to call the REST API: choose Create token above.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Create token" })).toBeVisible();

  // A refused form keeps the dialog open and says why, on the field.
  await page.getByRole("button", { name: "Create token" }).click();
  const dialog = page.getByRole("dialog", { name: "Create API token" });
  await dialog.getByRole("button", { name: "Create", exact: true }).click();
  await expect(dialog.getByText("Enter a name")).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();

  const name = unique("Reporting");
  const token = await createToken(page, { name, expires: "No expiry", rateLimit: "5" });
  const row = page.getByTestId(`api-token-row-${name}`);
  await expect(row).toContainText(token.slice(0, 11));
  await expect(row.getByRole("cell", { name: "Never" }).first()).toBeVisible(); // no expiry, not used yet
  await expect(row.getByRole("cell", { name: "5", exact: true })).toBeVisible(); // requests per second
  await expect(page.getByRole("columnheader", { name: "Owner" })).toHaveCount(0);
  await expect(page.getByTestId(`api-token-row-${adminsToken.name}`)).toHaveCount(0);
  const stored = await db().apiToken.findUniqueOrThrow({ where: { tokenHash: sha256(token) } });
  expect(stored).toMatchObject({ userId: member.id, expiresAt: null, rateLimit: 5 });

  // Reading is allowed; importing needs an admin.
  const list = await api("/connectors", token);
  expect(list.status).toBe(200);
  await list.json();
  await expectApiError(await api("/library", token, { method: "POST", body: {} }), 403, "FORBIDDEN");

  // Reopening the dialog shows an empty form, not the last token.
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(dialog.getByLabel("Name", { exact: true })).toHaveValue("");
  await expect(dialog.getByLabel("API token", { exact: true })).toHaveCount(0);
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await expectNotShown(page, [token]);
});
