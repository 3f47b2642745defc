"use client";
// "Theme" in the account menu: System / Light / Dark. Applied at once on <html>, remembered in a
// cookie that the root layout reads, so the next page load is rendered in the same theme.
import { useId, useState } from "react";
import { THEME_CHOICES, parseThemePreference, themeAttribute, themeCookie, type TThemePreference } from "@/lib/ui/theme";

export function ThemeSwitch({ initial }: { initial: TThemePreference }) {
  const id = useId();
  const [value, setValue] = useState<TThemePreference>(initial);
  return (
    <div className="sidebar-field theme-switch">
      <label htmlFor={id}>Theme</label>
      <select
        id={id}
        value={value}
        onChange={(e) => {
          const next = parseThemePreference(e.target.value);
          setValue(next);
          document.cookie = themeCookie(next);
          const attribute = themeAttribute(next);
          if (attribute) document.documentElement.dataset.theme = attribute;
          else delete document.documentElement.dataset.theme;
        }}
      >
        {THEME_CHOICES.map((c) => (
          <option key={c.value} value={c.value}>{c.label}</option>
        ))}
      </select>
    </div>
  );
}
