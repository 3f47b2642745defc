// When a failed job runs again (pg-boss's retryDelay / retryBackoff). Pure.

/** A day: no retry waits longer. */
export const MAX_RETRY_DELAY_MS = 24 * 3600_000;

/** Delay before the attempt after `attempt` (1-based) failed: fixed, or doubled per attempt. */
export function retryDelayMs(attempt: number, delayMs: number, backoff: boolean): number {
  const ms = backoff ? delayMs * 2 ** Math.max(0, attempt - 1) : delayMs;
  return Math.min(MAX_RETRY_DELAY_MS, Math.max(0, ms));
}

/** Whether a job that has started `attempt` attempts may run again. */
export const mayRetry = (attempt: number, retryLimit: number) => attempt <= retryLimit;
