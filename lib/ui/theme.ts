// The colour theme preference (issue 15): System follows prefers-color-scheme, Light and Dark pin
// one. Kept in a cookie so the server renders <html data-theme> right away: no flash of the other theme.

export const THEME_COOKIE = "patchbay-theme";
export const THEME_COOKIE_MAX_AGE = 60 * 60 * 24 * 365;

export type TThemePreference = "system" | "light" | "dark";

export const THEME_CHOICES: ReadonlyArray<{ value: TThemePreference; label: string }> = [
  { value: "system", label: "System" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

/** The cookie's value as a preference; anything unknown (or no cookie) is System. */
export function parseThemePreference(value: string | undefined | null): TThemePreference {
  return value === "light" || value === "dark" ? value : "system";
}

/** <html data-theme>: set only for a pinned theme; without it the media query decides. */
export function themeAttribute(preference: TThemePreference): "light" | "dark" | undefined {
  return preference === "system" ? undefined : preference;
}

/** The Set-Cookie text the switch writes with document.cookie (System removes the cookie). */
export function themeCookie(preference: TThemePreference): string {
  return preference === "system"
    ? `${THEME_COOKIE}=; path=/; max-age=0; samesite=lax`
    : `${THEME_COOKIE}=${preference}; path=/; max-age=${THEME_COOKIE_MAX_AGE}; samesite=lax`;
}
