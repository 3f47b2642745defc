// Sign-in rate limits: pure decision logic; counting lives in sign-in.ts.
// Only failures count, within a sliding window, separately per account and per client address.

export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_IP = 30;

export type TFailureCounts = {
  account: { count: number; oldest: Date | null };
  ip: { count: number; oldest: Date | null };
};

/** null when a sign-in may be tried, or the message to show when it is refused. */
export function rateLimitMessage(counts: TFailureCounts, now: Date): string | null {
  const waitFrom = (oldest: Date | null) => {
    const until = (oldest?.getTime() ?? now.getTime()) + SIGN_IN_WINDOW_MS;
    return Math.max(1, Math.ceil((until - now.getTime()) / 60000));
  };
  if (counts.account.count >= MAX_FAILURES_PER_ACCOUNT) {
    const m = waitFrom(counts.account.oldest);
    return `Too many failed sign-in attempts for this account. Try again in ${m} minute${m === 1 ? "" : "s"}.`;
  }
  if (counts.ip.count >= MAX_FAILURES_PER_IP) {
    const m = waitFrom(counts.ip.oldest);
    return `Too many failed sign-in attempts from your address. Try again in ${m} minute${m === 1 ? "" : "s"}.`;
  }
  return null;
}
