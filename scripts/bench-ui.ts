// npm run bench:ui — the admin UI in Chromium against the built app (issue 15, "Benchmark"), started
// exactly as `npm start` runs it on a fresh data folder and database, signed in as an admin:
//
// 1. First-load JavaScript per page route (target ≤ 200 KB gzip): every page under app/ is opened
//    in a fresh browser context (empty cache); the scripts its HTML references (<script src>, script
//    preloads) are the first load, summed after gzip -9 (as `next build` reports them). Scripts the
//    page fetches later on its own (dynamic imports such as CodeMirror) are listed apart as "lazy".
// 2. The Test dialog showing a 10 MB JSON response (target: the main thread never blocked > 200 ms):
//    a connector whose upstream (a node:http server in this process) answers ~10 MB of minified
//    JSON; from the click on Send until the viewer shows it plus SETTLE_MS, the page's Long Tasks
//    (PerformanceObserver "longtask") give the longest task and the total blocking time (Σ of each
//    task's time over 50 ms). Baseline side by side in the same run: a 10 KB document, same steps.
//    Each round opens a fresh context (cold cache: CodeMirror's chunk is fetched and compiled too).
//
// Settings: BENCH_ROUNDS (3 rounds per document, alternating), SETTLE_MS (2000). Informational: the
// exit code is 0 unless the benchmark itself breaks (no build, a page that errors, a failed test).
// --conditions=react-server lets the seeding code (`import "server-only"` modules) load here.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, readdirSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { chromium, type Browser, type BrowserContext } from "@playwright/test";
import { freePort, ROOT, seconds, startPatchbay, state, runBench } from "./bench-processes";

const ROUNDS = Math.max(1, Math.round(seconds("BENCH_ROUNDS", 3, 1)));
const SETTLE_MS = seconds("SETTLE_MS", 2000);
const JS_TARGET_KB = 200;
const BLOCK_TARGET_MS = 200;
const PASSWORD = randomBytes(12).toString("hex");
const EMAIL = "admin@bench.test";
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** Minified JSON of about `bytes` bytes: { count, items: [...] }, as an upstream API would send. */
function jsonDocument(bytes: number): Buffer {
  const items: string[] = [];
  let size = 30;
  for (let i = 0; size < bytes - 200; i++) {
    const s = JSON.stringify({ id: i, name: `item ${i}`, email: `user${i}@example.test`, active: i % 3 !== 0, score: i * 1.5, tags: ["a", "b"], note: "lorem ipsum dolor sit amet ".repeat(3) });
    items.push(s);
    size += s.length + 1;
  }
  return Buffer.from(`{"count":${items.length},"items":[${items.join(",")}]}`);
}

const DOCS = [
  { key: "10kb", label: "10 KB JSON (baseline)", body: jsonDocument(10 * 1024) },
  // Just under the Test dialog's 10 MiB cap (lib/http/execute.ts), so it is shown, not cut.
  { key: "10mb", label: "10 MB JSON", body: jsonDocument(10 * 1024 * 1024 - 64 * 1024) },
] as const;

type TSeeded = { ids: Record<string, string>; connectors: Record<string, string>; listenerPath: string };

/** An admin and one row of each kind a page with an [id] shows, through the app's own Prisma client. */
async function seed(upstream: string): Promise<TSeeded> {
  const { setupFirstAdmin } = await import("@/lib/users/manage");
  const { getDb } = await import("@/lib/db");
  const db = getDb();
  try {
    await setupFirstAdmin({ name: "Bench Admin", email: EMAIL, password: PASSWORD });
    const config = await db.authConfig.create({ data: { name: "Bench open", protocol: "NONE", subProtocol: "NONE", settings: { tls: { clientCertMode: "NONE", clientCertPem: "", caBundlePem: "" } }, secrets: {} } });
    const service = await db.service.create({ data: { name: "Bench service", authConfigId: config.id } });
    const connectors: Record<string, string> = {};
    let connectorId = "";
    for (const d of DOCS) {
      const name = `Bench ${d.key} JSON`;
      const c = await db.connector.create({
        data: { name, serviceId: service.id, method: "GET", urlTemplate: `${upstream}/${d.key}.json`, headers: [], queryParams: [], bodyType: "NONE", formParams: [], timeoutMs: 60_000 },
      });
      connectors[d.key] = name;
      connectorId = c.id;
    }
    const environment = await db.environment.create({ data: { name: "Bench environment" } });
    const sub = await db.eventSubscription.create({ data: { name: "Bench webhook", serviceId: service.id, type: "WEBHOOK", callbackUrl: "http://127.0.0.1:9/hook", paused: true } });
    const event = await db.event.create({
      data: { subscriptionId: sub.id, resource: "webhook.received", type: "RECEIVED", payload: '{"order":"A-1","lines":[{"sku":"X","qty":2}]}', occurredAt: new Date(), deliveryStatus: "delivered" },
    });
    const listenerPath = "bench-ui";
    const listener = await db.listener.create({ data: { name: "Bench listener", path: listenerPath, pathKey: listenerPath, methods: '["POST"]' } });
    return { ids: { authConfig: config.id, service: service.id, connector: connectorId, environment: environment.id, subscription: sub.id, event: event.id, listener: listener.id }, connectors, listenerPath };
  } finally {
    await db.$disconnect();
  }
}

/** Every page route under app/ (route groups dropped), e.g. /listeners/[id]/[messageId]. */
function pageRoutes(dir = path.join(ROOT, "app"), prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    if (d.isFile()) return d.name === "page.tsx" ? [prefix || "/"] : [];
    if (!d.isDirectory() || d.name.startsWith("_")) return [];
    const segment = /^\(.*\)$/.test(d.name) ? "" : `/${d.name}`;
    return pageRoutes(path.join(dir, d.name), prefix + segment);
  });
}

/** The URL to open for a route, its [params] filled from the seeded rows (null: nothing to show). */
function urlFor(route: string, ids: Record<string, string>): string | null {
  const parents: Record<string, string> = { "auth-configs": "authConfig", services: "service", connectors: "connector", environments: "environment", events: "subscription", listeners: "listener" };
  const parts = route.split("/").filter(Boolean);
  const out: string[] = [];
  for (const [i, p] of parts.entries()) {
    if (!p.startsWith("[")) out.push(p);
    else if (i === 1 && parents[parts[0]]) out.push(ids[parents[parts[0]]]);
    else if (p === "[eventId]") out.push(ids.event);
    else if (p === "[messageId]" && ids.message) out.push(ids.message);
    else return null;
  }
  return `/${out.join("/")}`;
}

const sizes = new Map<string, { raw: number; gzip: number }>();
/** A script's size as served and after gzip -9; fetched with the page's cookies (some assets need a session). */
async function jsSize(context: BrowserContext, url: string): Promise<{ raw: number; gzip: number }> {
  let s = sizes.get(url);
  if (!s) {
    const res = await context.request.get(url);
    if (!res.ok()) throw new Error(`${url}: HTTP ${res.status()}`);
    const body = await res.body();
    s = { raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
    sizes.set(url, s);
  }
  return s;
}

/** The scripts a page's HTML references: <script src> (not nomodule) and <link rel=preload|modulepreload as=script>. */
function htmlScripts(html: string, base: string): string[] {
  const found = new Set<string>();
  const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1]?.replace(/&amp;/g, "&");
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
    if (/\snomodule\b/i.test(tag)) continue; // polyfills for old browsers: Chromium never fetches them
    const src = attr(tag, "src");
    if (src) found.add(new URL(src, base).href);
  }
  for (const tag of html.match(/<link\b[^>]*>/g) ?? []) {
    const rel = attr(tag, "rel") ?? "";
    const href = attr(tag, "href");
    if (href && (rel === "modulepreload" || (rel === "preload" && attr(tag, "as") === "script"))) found.add(new URL(href, base).href);
  }
  return [...found];
}

type TRouteJs = { route: string; url: string; files: number; gzip: number; raw: number; lazyFiles: number; lazyGzip: number };

async function measureRoute(browser: Browser, session: Awaited<ReturnType<BrowserContext["storageState"]>> | undefined, origin: string, route: string, url: string): Promise<TRouteJs> {
  const context = await browser.newContext({ baseURL: origin, storageState: session });
  try {
    const page = await context.newPage();
    const requested = new Set<string>();
    page.on("request", (r) => {
      if (r.resourceType() === "script" && r.url().startsWith(origin)) requested.add(r.url());
    });
    const res = await page.goto(url, { waitUntil: "load" });
    if (!res || res.status() >= 400) throw new Error(`${url}: HTTP ${res?.status()}`);
    if (session && new URL(page.url()).pathname === "/login") throw new Error(`${url}: redirected to the sign-in page`);
    await page.waitForLoadState("networkidle");
    const initial = htmlScripts(await res.text(), page.url()).filter((u) => u.startsWith(origin));
    const lazy = [...requested].filter((u) => !initial.includes(u));
    const sum = async (urls: string[]) => (await Promise.all(urls.map((u) => jsSize(context, u)))).reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip }), { raw: 0, gzip: 0 });
    const first = await sum(initial);
    const later = await sum(lazy);
    return { route, url, files: initial.length, gzip: first.gzip, raw: first.raw, lazyFiles: lazy.length, lazyGzip: later.gzip };
  } finally {
    await context.close();
  }
}

type TBlock = { shownMs: number; longestMs: number; tbtMs: number; tasks: number };

// Collects every long task of the page from its very start (buffered), in page time.
const LONGTASK_PROBE = `
  window.__benchTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__benchTasks.push({ start: e.startTime, duration: e.duration }); })
    .observe({ type: "longtask", buffered: true });
`;

async function measureDialog(browser: Browser, session: Awaited<ReturnType<BrowserContext["storageState"]>>, origin: string, connector: string): Promise<TBlock> {
  const context = await browser.newContext({ baseURL: origin, storageState: session });
  try {
    const page = await context.newPage();
    await page.addInitScript(LONGTASK_PROBE);
    await page.goto(`/connectors?q=${encodeURIComponent(connector)}`);
    await page.getByRole("button", { name: `Test ${connector}` }).click();
    const dialog = page.getByRole("dialog", { name: "Test connector" });
    await dialog.getByRole("button", { name: "Send" }).waitFor();
    await page.waitForTimeout(300); // the dialog's own opening is not part of the figure
    const t0 = await page.evaluate(() => performance.now());
    await dialog.getByRole("button", { name: "Send" }).click();
    const shown = dialog.locator('[data-testid="json-tree"] .cm-line', { hasText: '"count"' }).first();
    const failed = dialog.getByTestId("test-error").or(dialog.getByTestId("response-text"));
    await shown.or(failed).first().waitFor({ timeout: 180_000 });
    if (await dialog.getByTestId("test-error").isVisible()) throw new Error(`${connector}: the Test dialog says: ${await dialog.getByTestId("test-error").innerText()}`);
    if (await dialog.getByTestId("response-text").isVisible()) throw new Error(`${connector}: the body was shown as plain text, not in the JSON viewer (did the formatting worker fail? see the browser console)`);
    const t1 = await page.evaluate(() => performance.now());
    await page.waitForTimeout(SETTLE_MS);
    const all = await page.evaluate(() => (window as unknown as { __benchTasks: Array<{ start: number; duration: number }> }).__benchTasks);
    const tasks = all.filter((t) => t.start + t.duration >= t0);
    // A task already running at t0 counts only from t0 on.
    const spans = tasks.map((t) => Math.min(t.duration, t.start + t.duration - t0));
    return { shownMs: t1 - t0, longestMs: Math.max(0, ...spans), tbtMs: spans.reduce((a, d) => a + Math.max(0, d - 50), 0), tasks: spans.length };
  } finally {
    await context.close();
  }
}

const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);
const kb = (n: number) => (n / 1024).toFixed(1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function main(): Promise<number> {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    console.error("No production build (.next/BUILD_ID is missing): run npm run build first, then npm run bench:ui.");
    return 1;
  }
  if (!existsSync("/usr/bin/chromium")) {
    console.error("Chromium is not at /usr/bin/chromium (the e2e suite's browser); install it to run npm run bench:ui.");
    return 1;
  }

  const upstreamServer = createServer((req, res) => {
    const doc = DOCS.find((d) => req.url === `/${d.key}.json`);
    if (!doc) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json", "content-length": doc.body.length }).end(doc.body);
  });
  await new Promise<void>((r) => upstreamServer.listen(0, "127.0.0.1", () => r()));
  const upstream = `http://127.0.0.1:${(upstreamServer.address() as { port: number }).port}`;

  const tempDir = (state.tempDir = await mkdtemp(path.join(os.tmpdir(), "patchbay-bench-ui-")));
  const port = await freePort();
  const appEnv: Record<string, string> = {
    PATCHBAY_DATA_DIR: tempDir,
    DATABASE_URL: `file:${path.join(tempDir, "patchbay.db")}`,
    PATCHBAY_SECRET_KEY: randomBytes(32).toString("base64"),
    CHECKPOINT_DISABLE: "1",
    PATCHBAY_URL: `http://127.0.0.1:${port}`,
    PATCHBAY_OUTBOUND_ALLOW: "127.0.0.1", // the upstream of this benchmark listens on loopback
  };
  const { setEnvForTests } = await import("@/lib/env");
  setEnvForTests({ PATCHBAY_SECRET_KEYS_OLD: undefined, PATCHBAY_ADMIN_EMAIL: undefined, PATCHBAY_ADMIN_PASSWORD: undefined, PATCHBAY_ADMIN_NAME: undefined, ...appEnv });
  try {
    execFileSync(path.join(ROOT, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], { cwd: ROOT, env: process.env, stdio: "pipe" });
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`prisma migrate deploy failed:\n${err.stdout?.toString() ?? ""}${err.stderr?.toString() ?? ""}`);
  }
  const seeded = await seed(upstream);
  process.stdout.write("starting Patchbay (production build) ... ");
  const patchbay = await startPatchbay(appEnv, port, createWriteStream(path.join(tempDir, "server.log")), { dev: false, cpuProf: "" });
  console.log("listening");
  const origin = patchbay.origin;
  // A real message, received as any sender's would be, for the message page.
  const hook = await fetch(`${origin}/api/hooks/${seeded.listenerPath}`, { method: "POST", body: '{"hello":"listener"}', headers: { "content-type": "application/json" } });
  const messageId = ((await hook.json().catch(() => ({}))) as { id?: string }).id;
  if (hook.status === 202 && messageId) seeded.ids.message = messageId;

  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  try {
    const signIn = await browser.newContext({ baseURL: origin });
    const page = await signIn.newPage();
    await page.goto("/login");
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("signed-in-as").waitFor({ timeout: 30_000 });
    const session = await signIn.storageState();
    await signIn.close();
    console.log(`Patchbay UI benchmark — ${origin}, Chromium ${browser.version()}, node ${process.version}, ${os.availableParallelism()} CPUs, load average ${os.loadavg().map((v) => v.toFixed(2)).join(" ")}\n`);

    // --- 1. first-load JavaScript per route ---
    console.log(pad("route", 36) + lpad("files", 6) + lpad("raw KB", 9) + lpad("gzip KB", 9) + lpad("/ target", 10) + "  verdict" + lpad("lazy files", 12) + lpad("lazy gzip KB", 14));
    console.log("-".repeat(36 + 6 + 9 + 9 + 10 + 9 + 12 + 14));
    const rows: TRouteJs[] = [];
    for (const route of pageRoutes().sort()) {
      const signedOut = route === "/login" || route === "/setup";
      const url = urlFor(route, seeded.ids);
      if (route === "/setup" || !url) {
        console.log(pad(route, 36) + "  skipped (" + (route === "/setup" ? "only before the first admin exists" : "nothing seeded to show") + ")");
        continue;
      }
      const r = await measureRoute(browser, signedOut ? undefined : session, origin, route, url);
      rows.push(r);
      const ok = r.gzip <= JS_TARGET_KB * 1024;
      console.log(
        pad(route, 36) + lpad(String(r.files), 6) + lpad(kb(r.raw), 9) + lpad(kb(r.gzip), 9) + lpad((r.gzip / (JS_TARGET_KB * 1024)).toFixed(2), 10) +
          `  ${ok ? "PASS" : "FAIL"}   ` + lpad(String(r.lazyFiles), 10) + lpad(r.lazyFiles ? kb(r.lazyGzip) : "", 14),
      );
    }
    const worst = rows.reduce((a, r) => (r.gzip > a.gzip ? r : a), rows[0]);

    // --- 2. the Test dialog's main thread while it shows the response ---
    console.log(`\nTest dialog, Send → the viewer shows the response, + ${SETTLE_MS} ms; ${ROUNDS} rounds per document, alternating, each in a fresh context`);
    const results = new Map<string, TBlock[]>(DOCS.map((d) => [d.key, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const d of r % 2 === 0 ? DOCS : [...DOCS].reverse()) results.get(d.key)!.push(await measureDialog(browser, session, origin, seeded.connectors[d.key]));
    }
    console.log(pad("document", 24) + lpad("bytes", 11) + lpad("shown after", 13) + lpad("longest task", 14) + lpad("max", 8) + lpad("TBT", 9) + lpad("max", 8) + lpad("tasks", 7) + lpad("longest / base", 16) + "  verdict");
    console.log(pad("", 24) + lpad("", 11) + lpad("ms, median", 13) + lpad("ms, median", 14) + lpad("ms", 8) + lpad("ms, med", 9) + lpad("ms", 8));
    console.log("-".repeat(24 + 11 + 13 + 14 + 8 + 9 + 8 + 7 + 16 + 9));
    const base = median(results.get("10kb")!.map((x) => x.longestMs));
    for (const d of DOCS) {
      const xs = results.get(d.key)!;
      const longest = Math.max(...xs.map((x) => x.longestMs));
      const med = median(xs.map((x) => x.longestMs));
      console.log(
        pad(d.label, 24) + lpad(String(d.body.length), 11) + lpad(median(xs.map((x) => x.shownMs)).toFixed(0), 13) + lpad(med.toFixed(0), 14) + lpad(longest.toFixed(0), 8) +
          lpad(median(xs.map((x) => x.tbtMs)).toFixed(0), 9) + lpad(Math.max(...xs.map((x) => x.tbtMs)).toFixed(0), 8) + lpad(String(Math.max(...xs.map((x) => x.tasks))), 7) +
          lpad(d.key === "10kb" ? "" : base > 0 ? `×${(med / base).toFixed(1)}` : "(base 0)", 16) + `  ${d.key === "10kb" ? "info" : longest <= BLOCK_TARGET_MS ? "PASS" : "FAIL"}`,
      );
    }
    const big = results.get("10mb")!;
    const bigLongest = Math.max(...big.map((x) => x.longestMs));
    console.log("\nsummary");
    console.log(`  first-load JS, largest route: ${worst.route} ${kb(worst.gzip)} KB gzip (target ≤ ${JS_TARGET_KB} KB): ${rows.filter((r) => r.gzip > JS_TARGET_KB * 1024).length} of ${rows.length} routes over the target`);
    console.log(`  Test dialog, 10 MB JSON: longest main-thread task ${bigLongest.toFixed(0)} ms over ${ROUNDS} rounds (target ≤ ${BLOCK_TARGET_MS} ms): ${bigLongest <= BLOCK_TARGET_MS ? "PASS" : "FAIL"}; 10 KB baseline median ${base.toFixed(0)} ms`);
    console.log("  (long tasks are those over 50 ms; 0 means none. TBT: total blocking time, Σ(task − 50 ms). Informational: never fails on speed.)");
    console.log(`  Patchbay wrote ${patchbay.errors()} line(s) to stderr${patchbay.errors() ? ` (last: ${patchbay.log.at(-1)})` : ""}.`);
  } finally {
    await browser.close();
    upstreamServer.close();
  }
  return 0;
}

await runBench(main);
