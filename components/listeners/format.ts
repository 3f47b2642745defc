// Small display helpers of the Listeners pages, the same on server and client.
import type { TListenerRow } from "@/lib/listeners/store";

/** "512 bytes", "1.5 KB", "10 MB" (binary multiples, as the size limit is counted). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} byte${n === 1 ? "" : "s"}`;
  const [value, unit] = n < 1024 * 1024 ? [n / 1024, "KB"] : [n / (1024 * 1024), "MB"];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

/** Where a listener hands its messages: the connector's name, or the callback URL's host. */
export function targetDetail(l: Pick<TListenerRow, "target" | "connectorName" | "callbackUrl">): string | null {
  if (l.target === "CONNECTOR") return l.connectorName;
  if (l.target === "FORWARD" && l.callbackUrl) {
    try {
      return new URL(l.callbackUrl).host;
    } catch {
      return l.callbackUrl;
    }
  }
  return null;
}
