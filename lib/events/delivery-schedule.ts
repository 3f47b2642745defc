// When to attempt a delivery again, and what an attempt's outcome means (SPEC §9, issue 12
// item 6). Pure: the caller passes `now` and, in tests, `random`.
//
// Schedule: the Standard Webhooks example schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h,
// 10 h, 14 h, 20 h, 24 h) plus one more attempt 24 h later: 11 attempts. Each delay is jittered
// by ±20 %, so the Standard Webhooks schedule alone (75 h 35 min 5 s nominal) could end after
// only 60 h 28 min; with the extra attempt the last one comes at least 79 h 40 min after the
// first even when every delay is drawn 20 % short (nominal 99 h 35 min 5 s, at most 119 h 30 min).
//
// Retry-After (seconds or an HTTP-date, RFC 9110 §10.2.3) is honoured, capped at 24 h, and only
// ever postpones: the next attempt is at the later of the jittered schedule delay and the
// Retry-After time. A receiver answering "Retry-After: 0" (or a date in the past) therefore does
// not shrink the schedule into a burst that burns every attempt in seconds. A header that is
// neither form (garbage, negative, fractional, an impossible date) is ignored.
//
// Outcomes: 2xx delivered; 410 Gone stops and disables the subscription's delivery; everything
// else — 1xx, 3xx (redirects are not followed), other 4xx, 5xx, timeouts, network errors,
// outbound-policy refusals — is a failed attempt, retried on the schedule, dead-lettered after
// the last attempt.

/** The delay before each attempt, from the failure of the previous one; [0] is the first attempt. */
export const RETRY_SCHEDULE_MS: readonly number[] = Object.freeze([
  0,
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  14 * 3_600_000,
  20 * 3_600_000,
  24 * 3_600_000,
  24 * 3_600_000,
]);

/** Attempts in all, the first included; after the last failed one the delivery is dead-lettered. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length;

/** ±20 %. */
export const JITTER = 0.2;

/** The longest wait a Retry-After header can impose. */
export const RETRY_AFTER_CAP_MS = 24 * 3_600_000;

/** One attempt, as the sender saw it: a response with a status, or none (timeout, network error…). */
export type TAttemptOutcome = { status: number } | { error: string };

export type TAttemptClass = "delivered" | "retry" | "gone";

export function classify(outcome: TAttemptOutcome): TAttemptClass {
  if (!("status" in outcome)) return "retry";
  const { status } = outcome;
  if (status >= 200 && status <= 299) return "delivered";
  if (status === 410) return "gone";
  return "retry";
}

export type TNextAttemptInput = {
  /** How many attempts have been made, the one that just failed included (1 = the first). */
  attempt: number;
  /** When that attempt failed. */
  now: Date;
  /** The failed response's Retry-After header, if any. */
  retryAfter?: string | null;
  /** [0, 1); Math.random by default. */
  random?: () => number;
};

/** When to make the next attempt; null when `attempt` was the last: dead-letter the delivery. */
export function nextAttemptAt({ attempt, now, retryAfter, random = Math.random }: TNextAttemptInput): Date | null {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer ≥ 1, got ${attempt}`);
  if (attempt >= MAX_ATTEMPTS) return null;
  const base = RETRY_SCHEDULE_MS[attempt]!;
  let delay = Math.round(base * jitterFactor(random()));
  const asked = retryAfter == null ? null : parseRetryAfter(retryAfter, now);
  if (asked !== null) delay = Math.max(delay, asked);
  return new Date(now.getTime() + delay);
}

/** 1 ± JITTER for r in [0, 1); r outside that range is clamped. */
export function jitterFactor(r: number): number {
  const u = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0.5;
  return 1 + (2 * u - 1) * JITTER;
}

/**
 * The wait a Retry-After header asks for, in ms from `now`, capped at RETRY_AFTER_CAP_MS (0 for a
 * date already past); null when the header is neither delay-seconds nor an HTTP-date.
 */
export function parseRetryAfter(header: string, now: Date): number | null {
  const text = header.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, RETRY_AFTER_CAP_MS);
  const at = parseHttpDate(text, now);
  if (at === null) return null;
  return Math.min(Math.max(0, at.getTime() - now.getTime()), RETRY_AFTER_CAP_MS);
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAY = "(?:mon|tue|wed|thu|fri|sat|sun)";
const LONG_DAY = "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
const MON = "(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)";
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
// IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
const IMF = new RegExp(`^${DAY}, (\\d{2}) ${MON} (\\d{4}) ${TIME} GMT$`, "i");
// obsolete RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MON}-(\\d{2}) ${TIME} GMT$`, "i");
// obsolete asctime: Sun Nov  6 08:49:37 1994
const ASCTIME = new RegExp(`^${DAY} ${MON} ( \\d|\\d{2}) ${TIME} (\\d{4})$`, "i");

/**
 * An HTTP-date (RFC 9110 §5.6.7: IMF-fixdate, or the obsolete RFC 850 and asctime forms a
 * recipient must accept), strictly: no Date.parse guessing ("1" is not the year 2001).
 */
export function parseHttpDate(text: string, now: Date): Date | null {
  let parts: { day: string; mon: string; year: number; h: string; m: string; s: string };
  let match: RegExpExecArray | null;
  if ((match = IMF.exec(text))) {
    const [, day, mon, year, h, m, s] = match as unknown as string[];
    parts = { day: day!, mon: mon!, year: Number(year), h: h!, m: m!, s: s! };
  } else if ((match = RFC850.exec(text))) {
    const [, day, mon, yy, h, m, s] = match as unknown as string[];
    // RFC 9110: a two-digit year more than 50 years in the future is the most recent past year
    // with the same last two digits.
    const thisYear = now.getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + Number(yy);
    if (year > thisYear + 50) year -= 100;
    parts = { day: day!, mon: mon!, year, h: h!, m: m!, s: s! };
  } else if ((match = ASCTIME.exec(text))) {
    const [, mon, day, h, m, s, year] = match as unknown as string[];
    parts = { day: day!, mon: mon!, year: Number(year), h: h!, m: m!, s: s! };
  } else {
    return null;
  }
  const month = MONTHS.indexOf(parts.mon.toLowerCase());
  const [dd, hh, mi, ss] = [Number(parts.day.trim()), Number(parts.h), Number(parts.m), Number(parts.s)];
  if (hh > 23 || mi > 59 || ss > 60) return null; // 60: a leap second, read as :59
  const d = new Date(Date.UTC(parts.year, month, dd, hh, mi, Math.min(ss, 59)));
  // Date.UTC rolls 31 Feb over into March: refuse what does not round-trip.
  if (d.getUTCFullYear() !== parts.year || d.getUTCMonth() !== month || d.getUTCDate() !== dd) return null;
  return d;
}

export type TDeliveryDecision =
  | { action: "delivered" }
  | { action: "retry"; at: Date }
  | { action: "dead"; reason: string }
  | { action: "disable"; reason: string };

/** What to do after an attempt: classify it, then schedule the next one or stop. */
export function afterAttempt(input: TNextAttemptInput & { outcome: TAttemptOutcome }): TDeliveryDecision {
  const kind = classify(input.outcome);
  if (kind === "delivered") return { action: "delivered" };
  if (kind === "gone") {
    return {
      action: "disable",
      reason: "The callback answered 410 Gone: it no longer accepts these events. Delivery is stopped until it is enabled again.",
    };
  }
  const at = nextAttemptAt(input);
  if (at) return { action: "retry", at };
  return { action: "dead", reason: `Not delivered after ${MAX_ATTEMPTS} attempts: ${describeOutcome(input.outcome)}.` };
}

/** "HTTP 503", "HTTP 301 (redirects are not followed)", or the error. */
export function describeOutcome(outcome: TAttemptOutcome): string {
  if (!("status" in outcome)) return outcome.error;
  if (outcome.status >= 300 && outcome.status <= 399) return `HTTP ${outcome.status} (redirects are not followed)`;
  return `HTTP ${outcome.status}`;
}
