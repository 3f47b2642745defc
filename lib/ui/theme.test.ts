import assert from "node:assert/strict";
import { test } from "node:test";
import { THEME_COOKIE, parseThemePreference, themeAttribute, themeCookie } from "./theme";

test("the cookie's value is read as a preference; anything else is System", () => {
  assert.equal(parseThemePreference("dark"), "dark");
  assert.equal(parseThemePreference("light"), "light");
  for (const v of [undefined, null, "", "system", "DARK", "blue"]) assert.equal(parseThemePreference(v), "system");
});

test("only a pinned theme sets <html data-theme>", () => {
  assert.equal(themeAttribute("dark"), "dark");
  assert.equal(themeAttribute("light"), "light");
  assert.equal(themeAttribute("system"), undefined);
});

test("the switch keeps a pinned theme for a year and forgets it for System", () => {
  assert.equal(themeCookie("dark"), `${THEME_COOKIE}=dark; path=/; max-age=31536000; samesite=lax`);
  assert.equal(themeCookie("system"), `${THEME_COOKIE}=; path=/; max-age=0; samesite=lax`);
});
