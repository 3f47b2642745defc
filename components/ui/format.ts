/** "2026-11-22 16:05 UTC": the same on server and client, so hydration never disagrees. */
export function formatUtc(value: Date | string, withSeconds = false): string {
  const iso = typeof value === "string" ? value : value.toISOString();
  return `${iso.replace("T", " ").slice(0, withSeconds ? 19 : 16)} UTC`;
}
