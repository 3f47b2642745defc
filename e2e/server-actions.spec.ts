// Server actions check the caller: a captured action request replayed without the session writes nothing.
import { expect, test, request as playwrightRequest, type Page } from "@playwright/test";
import { signIn } from "./fixtures/auth";
import { db, seedUser, uniqueEmail } from "./fixtures/db";

type TCaptured = { url: string; headers: Record<string, string>; body: string };

/** Fills the Create user dialog and captures the action request it sends, which never reaches the server. */
async function captureCreateUser(page: Page, name: string, email: string): Promise<TCaptured> {
  let captured: TCaptured | undefined;
  await page.route("**/users", async (route) => {
    const req = route.request();
    if (req.method() === "POST" && req.headers()["next-action"]) {
      captured = { url: req.url(), headers: req.headers(), body: req.postData() ?? "" };
      await route.abort();
    } else {
      await route.continue();
    }
  });
  await page.getByRole("button", { name: "Create user" }).click();
  const dialog = page.getByRole("dialog", { name: "Create user" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect.poll(() => captured).toBeTruthy();
  await page.unroute("**/users");
  return captured!;
}

test("replaying the create-user action without a session writes no row", async ({ page, baseURL, context }) => {
  const admin = await seedUser({ role: "ADMIN" });
  await signIn(page, admin.email, admin.password);
  await page.goto("/users");

  // Capture the action request the form sends, and stop it from reaching the server.
  const email = uniqueEmail("replayed");
  const captured = await captureCreateUser(page, "Replayed User", email);
  expect(captured.body).toContain(email);

  const replayHeaders = Object.fromEntries(
    Object.entries(captured.headers).filter(([k]) => ["next-action", "content-type", "accept", "next-router-state-tree"].includes(k)),
  );

  // Without cookies: refused, nothing written.
  const anonymous = await playwrightRequest.newContext({ baseURL });
  const res = await anonymous.post(captured.url, { headers: replayHeaders, data: captured.body });
  expect(await res.text()).toContain("UNAUTHENTICATED");
  await anonymous.dispose();
  expect(await db().user.count({ where: { email } })).toBe(0);

  // The same request with the admin's session does create the user: the replay itself was well-formed.
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const signedIn = await playwrightRequest.newContext({ baseURL });
  const ok = await signedIn.post(captured.url, { headers: { ...replayHeaders, cookie }, data: captured.body });
  expect(ok.status()).toBe(200);
  await signedIn.dispose();
  expect(await db().user.count({ where: { email } })).toBe(1);
});

test("a member's session cannot run admin actions", async ({ page, baseURL, context }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const member = await seedUser();
  await signIn(page, admin.email, admin.password);
  await page.goto("/users");

  const email = uniqueEmail("by-member");
  const captured = await captureCreateUser(page, "Member Made", email);

  await context.clearCookies();
  await signIn(page, member.email, member.password);
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const headers = Object.fromEntries(
    Object.entries(captured.headers).filter(([k]) => ["next-action", "content-type", "accept"].includes(k)),
  );
  const api = await playwrightRequest.newContext({ baseURL });
  const res = await api.post(captured.url, { headers: { ...headers, cookie }, data: captured.body });
  expect(await res.text()).toContain("Only administrators can do this.");
  await api.dispose();
  expect(await db().user.count({ where: { email } })).toBe(0);
});
