import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { attentionItems, MAX_PER_KIND, relativeDays, type TAttentionInput } from "./attention";

const NOW = new Date("2026-03-10T12:00:00.000Z");
const DAY = 86_400_000;

const empty: TAttentionInput = { now: NOW, reconnects: [], failedTests: [], subscriptions: [], deadLetters: [], listeners: [], tokens: [] };
const sub = (over: Partial<TAttentionInput["subscriptions"][number]>): TAttentionInput["subscriptions"][number] => ({
  id: "s1",
  name: "Orders",
  status: "Active",
  consecutiveFailures: 0,
  lastPollError: null,
  deliveryDisabledReason: null,
  retrying: 0,
  ...over,
});

describe("attentionItems", () => {
  test("nothing found, nothing listed", () => {
    assert.deepEqual(attentionItems(empty), []);
  });

  test("each condition becomes one item linking to where it is fixed", () => {
    const items = attentionItems({
      ...empty,
      reconnects: [{ configId: "c1", configName: "CRM", environmentName: "Production", reason: "invalid_grant" }],
      failedTests: [{ configId: "c2", configName: "Billing", at: new Date("2026-03-10T11:00:00Z"), message: "401 Unauthorized" }],
      subscriptions: [
        sub({ id: "s1", name: "Orders", status: "Failing", consecutiveFailures: 4, lastPollError: "DNS failure" }),
        sub({ id: "s2", name: "Invoices", status: "Delivery stopped", deliveryDisabledReason: "The callback answered 410 Gone." }),
        sub({ id: "s3", name: "Tickets", retrying: 2 }),
      ],
      deadLetters: [{ subscriptionId: "s4", subscriptionName: "Leads", count: 3 }],
      listeners: [{ id: "l1", name: "Partner hooks", retrying: 1, failed: 2, dead: 0 }],
      tokens: [{ id: "t1", name: "CI", expiresAt: new Date(NOW.getTime() + 3 * DAY), owner: null }],
    });
    const byKind = new Map(items.map((i) => [i.kind, i]));
    assert.equal(items.length, 8, "one item per condition");
    assert.deepEqual(byKind.get("auth-reconnect"), {
      kind: "auth-reconnect",
      title: "CRM needs reconnect in Production",
      detail: "The provider refused to renew the token: invalid_grant",
      href: "/auth-configs/c1",
      severity: "error",
    });
    assert.equal(byKind.get("auth-test-failed")?.detail, "401 Unauthorized Tested 2026-03-10 11:00 UTC.");
    assert.equal(byKind.get("auth-test-failed")?.href, "/auth-configs/c2");
    assert.equal(byKind.get("subscription-failing")?.title, "Subscription Orders is failing");
    assert.equal(byKind.get("subscription-failing")?.detail, "4 polls in a row failed: DNS failure");
    assert.equal(byKind.get("subscription-stopped")?.href, "/events/s2");
    assert.equal(byKind.get("subscription-retrying")?.href, "/events/s3?status=retrying");
    assert.equal(byKind.get("dead-letters")?.title, "3 dead-lettered deliveries in Leads");
    assert.equal(byKind.get("dead-letters")?.href, "/events/s4?status=dead");
    assert.equal(byKind.get("listener-failing")?.href, "/listeners/l1?status=failed");
    assert.equal(byKind.get("listener-failing")?.detail, "Messages not handed on: 2 failed, 1 retrying.");
    assert.equal(byKind.get("token-expiring")?.title, "API token CI expires in 3 days");
    assert.equal(byKind.get("token-expiring")?.href, "/api-tokens");
  });

  test("errors come before warnings", () => {
    const items = attentionItems({
      ...empty,
      failedTests: [{ configId: "c2", configName: "Billing", at: null, message: null }],
      tokens: [{ id: "t1", name: "Old", expiresAt: new Date(NOW.getTime() - DAY), owner: "Ann" }],
    });
    assert.deepEqual(items.map((i) => [i.kind, i.severity]), [["token-expired", "error"], ["auth-test-failed", "warning"]]);
    assert.equal(items[0].title, "API token Old (Ann) expired 1 day ago");
    assert.equal(items[1].detail, "", "no message and no time: nothing to add");
  });

  test("paused subscriptions need no attention; a dead-lettered count of 0 is no item", () => {
    const items = attentionItems({
      ...empty,
      subscriptions: [sub({ status: "Paused", consecutiveFailures: 5, retrying: 3 })],
      deadLetters: [{ subscriptionId: "s1", subscriptionName: "Orders", count: 0 }],
      listeners: [{ id: "l1", name: "Quiet", retrying: 0, failed: 0, dead: 0 }],
    });
    assert.deepEqual(items, []);
  });

  test("a listener with dead letters links to them and is an error; retrying alone is a warning", () => {
    const [dead, retrying] = attentionItems({
      ...empty,
      listeners: [
        { id: "l1", name: "A", retrying: 1, failed: 1, dead: 1 },
        { id: "l2", name: "B", retrying: 4, failed: 0, dead: 0 },
      ],
    });
    assert.equal(dead.href, "/listeners/l1?status=dead");
    assert.equal(dead.severity, "error");
    assert.equal(retrying.href, "/listeners/l2?status=retrying");
    assert.equal(retrying.severity, "warning");
  });

  test("tokens are listed soonest first", () => {
    const items = attentionItems({
      ...empty,
      tokens: [
        { id: "t1", name: "Later", expiresAt: new Date(NOW.getTime() + 6 * DAY), owner: null },
        { id: "t2", name: "Sooner", expiresAt: new Date(NOW.getTime() + 2 * DAY), owner: null },
      ],
    });
    assert.deepEqual(items.map((i) => i.title), ["API token Sooner expires in 2 days", "API token Later expires in 6 days"]);
  });

  test("each kind shows at most MAX_PER_KIND items, then one that links to the list", () => {
    const failedTests = Array.from({ length: MAX_PER_KIND + 3 }, (_, i) => ({ configId: `c${i}`, configName: `Config ${i}`, at: null, message: "refused" }));
    const items = attentionItems({ ...empty, failedTests });
    assert.equal(items.length, MAX_PER_KIND + 1, "capped, plus the overflow item");
    const last = items[items.length - 1];
    assert.equal(last.title, "3 more configurations failed the last test");
    assert.equal(last.href, "/auth-configs");
    assert.equal(items[0].title, "Config 0: last test failed", "the given (newest first) order is kept");
  });
});

describe("relativeDays", () => {
  test("whole days, both ways", () => {
    assert.equal(relativeDays(new Date(NOW.getTime() + 2 * 3_600_000), NOW), "today");
    assert.equal(relativeDays(new Date(NOW.getTime() + DAY), NOW), "in 1 day");
    assert.equal(relativeDays(new Date(NOW.getTime() - 3 * DAY), NOW), "3 days ago");
  });
});
