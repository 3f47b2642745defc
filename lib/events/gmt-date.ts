// Dates for polling subscriptions (seed 004, SAP Open Connectors events). Pure: no I/O.
//
// - `${gmtDate:<pattern>}` in a resource URL is the previous successful poll time in GMT, written
//   with a Java `DateTimeFormatter.ofPattern` pattern (expandGmtDate).
// - An item's updated/created date field is read with its pattern and time zone (parseItemDate).
//
// Java semantics come from js-joda (a port of java.time), not a hand-written formatter:
// `DateTimeFormatter.ofPattern(pattern)` with ResolverStyle.SMART (Java's default for ofPattern) and
// Locale.US for names (EEE → "Thu", MMM → "Dec", a → "PM", G → "AD"). Deviations from Java 17 found
// with js-joda 6.3 / @js-joda/locale 5.1 (CLDR 36):
// - `zzz` prints the CLDR short name when English has one ("GMT", "UTC", "Z" for a zero offset,
//   "+02:00" for an offset), else the zone id: Europe/Berlin → "Europe/Berlin" (Java: "CET"/"CEST");
//   America/New_York → "ET" (Java: "EST"/"EDT"). `${gmtDate:…}` always uses GMT, so it is unaffected.
//   js-joda's `zzz` parser reads names and ids but not offsets; Java's also reads "+05:30", "Z" and
//   "GMT+02:00". So for parsing, each `z…` run becomes `[z…][VV]` (a name or id, else an offset or
//   "Z"), still required unless the pattern made it optional: what `zzz` writes reads back.
//   The US names CLDR English has read as their metazone's main zone, as in Java ("EST", "EDT",
//   "ET" → America/New_York, whose rules then decide the offset; "PST" → America/Los_Angeles).
//   Java also reads names CLDR English lacks ("CEST" fails here). Long names (zzzz) outside the US
//   metazones read as one zone of their metazone: today's rules, but past dates may differ.
// - Adjacent numbers ending in a fraction without a separator (`yyyyMMddHHmmssSSS`) format, but do
//   not parse ("number text exceeds length"); Java 9+ parses them. checkDatePattern reports it.
// - Pattern letters added after Java 8 are unknown: `v` (generic zone name), `B` (day period),
//   `g` (modified Julian day): such patterns are invalid here.
// - Sub-millisecond digits (`SSSSSS`) are read, then dropped: a Date holds milliseconds.
//
// Time zones are ids as `ZoneId.of` takes them, case-sensitive: "UTC", "GMT", "Europe/Berlin",
// "+02:00", "UTC+2"; empty means UTC. "SYSTEM" (the host's zone) is refused. A local date-time that
// a DST change skips is moved forward by the gap (Berlin 02:30 on the spring-forward day → 03:30
// CEST); one that occurs twice takes the earlier offset (CEST) — both as Java's ZonedDateTime.of.

import {
  ChronoField,
  DateTimeFormatter,
  Instant,
  LocalDateTime,
  TemporalQueries,
  ZoneId,
  ZoneOffset,
  ZonedDateTime,
  type TemporalField,
} from "@js-joda/core";
import "@js-joda/timezone";
// Locale comes from @js-joda/locale; the prebuilt en-US package only registers its CLDR data (it
// exports nothing), so it is a side-effect import. Both work under tsx (CJS) and bundlers (ESM).
import { Locale } from "@js-joda/locale";
import "@js-joda/locale_en-us";
import { AppError } from "@/lib/errors";

/** Formats for a date field besides Java patterns: seconds ("epoch" is the same) or milliseconds since 1970. */
export const EPOCH_FORMATS = ["epoch", "epochSeconds", "epochMillis"] as const;

const OPEN = "${gmtDate:";
const MAX_VALUE_CHARS = 60;
const MAX_PATTERN_CHARS = 100;
const MAX_REASON_CHARS = 200;
/** Date's range: ±100,000,000 days from 1970 (about years −271821 to 275760). */
const MAX_DATE_MS = 8.64e15;

// ---------------------------------------------------------------------------------------------
// Patterns and zones (compiled once per distinct text: polling formats the same few patterns often)

const UTC_ZONE = ZoneId.of("UTC");
const GMT_ZONE = ZoneId.of("GMT");
// Two sample times that differ in every field (weekday, AM/PM, quarter, week …). In the region
// "UTC", not the offset Z: zzz writes "UTC", which zzz reads back ("Z" it does not).
const SAMPLE_A = ZonedDateTime.of(2001, 2, 3, 4, 5, 6, 789_000_000, UTC_ZONE);
const SAMPLE_B = ZonedDateTime.of(2012, 11, 14, 21, 32, 43, 210_000_000, UTC_ZONE);

type TCompiled =
  | {
      formatter: DateTimeFormatter;
      /** The formatter for reading: zone names (z) also accept offsets and "Z". */
      parser: DateTimeFormatter;
      /** The pattern has a zone name outside optional sections: reading without one fails. */
      zoneRequired: boolean;
      /** Writes the same text for any time (no date or time field). */
      constant: boolean;
    }
  | { problem: string };

const CACHE_LIMIT = 500;
const patternCache = new Map<string, TCompiled>();
const zoneCache = new Map<string, ZoneId | string>();

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

function errorMessage(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  // js-joda appends the cause's stack to the message after a "-------" line.
  return message.split("\n-------\n")[0].replace(/\s+/g, " ").trim();
}

function cap(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A value or pattern quoted for a message, at most `max` characters inside the quotes. */
function quoted(text: string, max: number): string {
  return JSON.stringify(cap(text, max));
}

function compile(pattern: string): TCompiled {
  const hit = patternCache.get(pattern);
  if (hit) return hit;
  let compiled: TCompiled;
  try {
    const formatter = DateTimeFormatter.ofPattern(pattern).withLocale(Locale.US);
    // Some problems (a field the locale data cannot print) only show when formatting.
    const constant = SAMPLE_A.format(formatter) === SAMPLE_B.format(formatter);
    const { pattern: parsePattern, zoneRequired } = zoneNamesForParsing(pattern);
    let parser = formatter;
    if (parsePattern !== pattern) {
      try {
        parser = DateTimeFormatter.ofPattern(parsePattern).withLocale(Locale.US);
      } catch {
        // A pad modifier before z (pz) cannot take a section: read with the pattern as it is.
      }
    }
    compiled = { formatter, parser, zoneRequired, constant };
  } catch (e) {
    compiled = { problem: cap(errorMessage(e), MAX_REASON_CHARS) };
  }
  return remember(patternCache, pattern, compiled);
}

/**
 * The pattern for reading: each run of z outside quotes becomes `[z…][VV]`, so that what Java's
 * zone-name parser reads besides names (ids, offsets, "Z", "GMT+02:00") reads here too.
 */
function zoneNamesForParsing(pattern: string): { pattern: string; zoneRequired: boolean } {
  let out = "";
  let depth = 0;
  let zoneRequired = false;
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === "'") {
      const close = pattern.indexOf("'", i + 1);
      const end = close < 0 ? pattern.length : close + 1;
      out += pattern.slice(i, end);
      i = end;
    } else if (c === "z") {
      let end = i;
      while (pattern[end] === "z") end++;
      out += `[${pattern.slice(i, end)}][VV]`;
      if (depth === 0) zoneRequired = true;
      i = end;
    } else {
      if (c === "[") depth++;
      else if (c === "]") depth = Math.max(0, depth - 1);
      out += c;
      i++;
    }
  }
  return { pattern: out, zoneRequired };
}

function patternMessage(pattern: string, why: string): string {
  return `Invalid date pattern ${quoted(pattern, MAX_PATTERN_CHARS)}: ${why}`;
}

type TPattern = Exclude<TCompiled, { problem: string }>;

/** The compiled Java pattern, or an AppError naming the pattern. */
function compiled(pattern: string): TPattern {
  const c = compile(pattern);
  if ("problem" in c) throw new AppError("VALIDATION", patternMessage(pattern, c.problem));
  return c;
}

const javaFormatter = (pattern: string) => compiled(pattern).formatter;

/** Why a pattern is no use for writing a time (stricter than Java: empty or constant patterns are mistakes). */
function formatProblem(pattern: string): string | null {
  if (pattern.trim() === "") return "the pattern is empty";
  const compiled = compile(pattern);
  if ("problem" in compiled) return compiled.problem;
  if (compiled.constant) return "it writes no date or time fields (letters inside '…' are literal text)";
  return null;
}

function epochUnit(format: string): "seconds" | "millis" | null {
  const f = format.trim().toLowerCase();
  if (f === "epoch" || f === "epochseconds") return "seconds";
  if (f === "epochmillis") return "millis";
  return null;
}

let lowerCaseZoneIds: Map<string, string> | null = null;

function zoneSuggestion(zone: string): string {
  if (!lowerCaseZoneIds) {
    lowerCaseZoneIds = new Map(ZoneId.getAvailableZoneIds().map((id) => [id.toLowerCase(), id]));
    for (const id of ["UTC", "GMT", "Z"]) lowerCaseZoneIds.set(id.toLowerCase(), id);
  }
  const match = lowerCaseZoneIds.get(zone.toLowerCase());
  return match ? ` (did you mean "${match}"? Zone ids are case-sensitive)` : "";
}

function resolveZone(zone: string): ZoneId | string {
  const hit = zoneCache.get(zone);
  if (hit !== undefined) return hit;
  const id = zone.trim();
  let result: ZoneId | string;
  if (id === "") result = UTC_ZONE;
  else if (id === "SYSTEM") result = `Time zone "SYSTEM" depends on the server; name a zone such as "UTC" or "Europe/Berlin"`;
  else {
    try {
      result = ZoneId.of(id);
    } catch (e) {
      const message = errorMessage(e);
      const why = !/^Unknown time-zone ID/i.test(message)
        ? `: ${cap(message, MAX_REASON_CHARS)}`
        : `: use an IANA id such as "Europe/Berlin", "UTC" or "GMT", or an offset such as "+02:00"${zoneSuggestion(id)}`;
      result = `Unknown time zone ${quoted(id, MAX_PATTERN_CHARS)}${why}`;
    }
  }
  return remember(zoneCache, zone, result);
}

function zoneOrThrow(zone: string): ZoneId {
  const z = resolveZone(zone);
  if (typeof z === "string") throw new AppError("VALIDATION", z);
  return z;
}

function toInstant(date: Date): Instant {
  const ms = date instanceof Date ? date.getTime() : NaN;
  if (!Number.isFinite(ms)) throw new TypeError("Expected a valid Date");
  return Instant.ofEpochMilli(ms);
}

// ---------------------------------------------------------------------------------------------
// Formatting

/**
 * `instant` in `zone` (default GMT) written with a Java `DateTimeFormatter.ofPattern` pattern,
 * Locale.US. Invalid pattern or zone → AppError VALIDATION naming it. An empty pattern gives "" (as Java).
 */
export function formatJavaPattern(instant: Date, pattern: string, zone = "GMT"): string {
  const formatter = javaFormatter(pattern);
  const z = zoneOrThrow(zone);
  try {
    return toInstant(instant).atZone(z).format(formatter);
  } catch (e) {
    if (e instanceof TypeError) throw e;
    throw new AppError("VALIDATION", patternMessage(pattern, cap(errorMessage(e), MAX_REASON_CHARS)));
  }
}

// ---------------------------------------------------------------------------------------------
// `${gmtDate:<pattern>}` in URL templates

type TPlaceholder = { start: number; end: number; pattern: string };

/**
 * The `${gmtDate:…}` placeholders of a template and its problems. A placeholder ends at the first
 * `}` outside a quoted literal, so `${gmtDate:yyyy'}'}` holds the pattern `yyyy'}'`; with an
 * unbalanced quote it ends at the first `}` (and the pattern check names the quote).
 */
function scanTemplate(template: string): { placeholders: TPlaceholder[]; problems: string[] } {
  const placeholders: TPlaceholder[] = [];
  const problems: string[] = [];
  let from = 0;
  for (;;) {
    const start = template.indexOf(OPEN, from);
    if (start < 0) break;
    const patternStart = start + OPEN.length;
    let close = -1;
    let inQuote = false;
    for (let i = patternStart; i < template.length; i++) {
      const c = template[i];
      if (c === "'") inQuote = !inQuote;
      else if (c === "}" && !inQuote) {
        close = i;
        break;
      }
    }
    if (close < 0) close = template.indexOf("}", patternStart);
    if (close < 0) {
      problems.push(`"${OPEN}" at character ${start + 1} is not closed with "}"`);
      break;
    }
    const pattern = template.slice(patternStart, close);
    placeholders.push({ start, end: close + 1, pattern });
    if (!epochUnit(pattern)) {
      const why = formatProblem(pattern);
      if (why) problems.push(patternMessage(pattern, why));
    }
    from = close + 1;
  }
  // Near misses: "${gmtDate}", "${gmtdate:…}", "${ gmtDate :…}".
  for (const m of template.matchAll(/\$\{\s*gmt[\s_-]?date/gi)) {
    if (!template.startsWith(OPEN, m.index)) {
      problems.push(
        `${quoted(template.slice(m.index, m.index + 20), 30)} at character ${m.index + 1}: write "\${gmtDate:<pattern>}", e.g. "\${gmtDate:yyyy-MM-dd'T'HH:mm:ss'Z'}"`,
      );
    }
  }
  return { placeholders, problems };
}

/**
 * A formatted time made safe for any part of a URL: encodeURIComponent, except that ":" stays as it
 * is. ":" is allowed unencoded in paths and queries (RFC 3986 pchar), has no meaning in query
 * parameters, and is in nearly every date — kept, URLs in the run log stay readable
 * (`updated>'2026-12-03T10:15:30Z'`). Everything else encodeURIComponent encodes stays encoded:
 * "+" (a space in form-encoded queries: "+02:00" would arrive as " 02:00"), "," "/" "&" "=" "?"
 * "#" "%" and spaces; like encodeURIComponent it leaves A–Z a–z 0–9 - _ . ~ ! ' ( ) * as they are.
 */
export function encodeDateForUrl(text: string): string {
  return encodeURIComponent(text).replace(/%3A/gi, ":");
}

/**
 * Replaces every `${gmtDate:<pattern>}` in `template` with `previousPoll` in GMT written with the
 * pattern (Java DateTimeFormatter semantics), URL-encoded by encodeDateForUrl. Besides Java
 * patterns, `epoch`/`epochSeconds` and `epochMillis` give whole seconds / milliseconds since 1970.
 * Text outside placeholders is left as it is. Any problem checkGmtDateTemplate reports → AppError
 * VALIDATION ("Invalid date pattern "…": <why>"), nothing replaced.
 */
export function expandGmtDate(template: string, previousPoll: Date): string {
  const instant = toInstant(previousPoll);
  const { placeholders, problems } = scanTemplate(template);
  if (problems.length > 0) throw new AppError("VALIDATION", problems[0]);
  if (placeholders.length === 0) return template;
  const at = instant.atZone(GMT_ZONE);
  let out = "";
  let from = 0;
  for (const { start, end, pattern } of placeholders) {
    const unit = epochUnit(pattern);
    const ms = instant.toEpochMilli();
    const text =
      unit === "seconds" ? String(Math.floor(ms / 1000)) : unit === "millis" ? String(ms) : at.format(javaFormatter(pattern));
    out += template.slice(from, start) + encodeDateForUrl(text);
    from = end;
  }
  return out + template.slice(from);
}

/** Problems with the `${gmtDate:…}` placeholders of a URL template, for the form's field errors; [] if none. */
export function checkGmtDateTemplate(template: string): string[] {
  return scanTemplate(template).problems;
}

// ---------------------------------------------------------------------------------------------
// Reading an item's date field

// Fields that, left unresolved, mean the pattern had a time that did not add up (hh without a).
const TIME_FIELDS: TemporalField[] = [
  ChronoField.HOUR_OF_DAY,
  ChronoField.CLOCK_HOUR_OF_DAY,
  ChronoField.HOUR_OF_AMPM,
  ChronoField.CLOCK_HOUR_OF_AMPM,
  ChronoField.AMPM_OF_DAY,
  ChronoField.MINUTE_OF_HOUR,
  ChronoField.SECOND_OF_MINUTE,
  ChronoField.NANO_OF_SECOND,
  ChronoField.MILLI_OF_DAY,
];

class ReadProblem extends Error {}

// CLDR metaZones, mapZone territory "001": the zone a US metazone's name stands for (Java's
// ZoneName.toZid). js-joda's name parser picks any zone of the metazone (America/Kentucky/Monticello
// for "ET", which was on Central time before 2000). Keyed by the generic short name js-joda writes.
const METAZONE_MAIN_ZONE: Record<string, string> = {
  ET: "America/New_York",
  CT: "America/Chicago",
  MT: "America/Denver",
  PT: "America/Los_Angeles",
  AKT: "America/Juneau",
  AT: "America/Halifax",
  HAT: "Pacific/Honolulu",
};
const SHORT_ZONE_NAME = DateTimeFormatter.ofPattern("zzz").withLocale(Locale.US);
const mainZoneCache = new Map<string, ZoneId>();

/** The zone a parsed zone name stands for: a US metazone's main zone, unless the text names the zone id itself. */
function mainZone(zone: ZoneId, text: string): ZoneId {
  if (zone.normalized() instanceof ZoneOffset || text.includes(zone.id())) return zone;
  let main = mainZoneCache.get(zone.id());
  if (!main) {
    const id = METAZONE_MAIN_ZONE[SAMPLE_A.withZoneSameInstant(zone).format(SHORT_ZONE_NAME)];
    main = remember(mainZoneCache, zone.id(), id ? ZoneId.of(id) : zone);
  }
  return main;
}

/** The instant `text` names with `pattern`: its offset, else its zone, else `zone`; a date alone is the start of that day. */
function readWith(pattern: TPattern, text: string, zone: ZoneId): Instant {
  const parsed = pattern.parser.parse(text);
  const date = parsed.query(TemporalQueries.localDate());
  if (!date) throw new ReadProblem("the pattern gives no full date (year, month and day of month, or year and day of year)");
  const time = parsed.query(TemporalQueries.localTime());
  if (!time && TIME_FIELDS.some((f) => parsed.isSupported(f))) {
    throw new ReadProblem("the pattern gives no complete time of day (hh and KK need a for AM/PM; HH and kk do not)");
  }
  // An offset fixes the instant, even with a zone id beside it (Java's ZonedDateTime.from).
  const offset = parsed.query(TemporalQueries.offset());
  if (offset) return (time ? LocalDateTime.of(date, time) : date.atStartOfDay()).toInstant(offset);
  const parsedZone = parsed.query(TemporalQueries.zone());
  if (!parsedZone && pattern.zoneRequired) throw new ReadProblem("no time zone where the pattern has z");
  const z = parsedZone ? mainZone(parsedZone, text) : zone;
  return (time ? ZonedDateTime.of(LocalDateTime.of(date, time), z) : date.atStartOfDay(z)).toInstant();
}

/** Why js-joda could not read `text`, without repeating the (possibly long) text. */
function parseReason(e: unknown, text: string): string {
  if (e instanceof ReadProblem) return e.message;
  let m = errorMessage(e);
  const index = (e as { errorIndex?: () => number }).errorIndex?.();
  const suffix = `: ${text}, at index: ${index}`.replace(/\s+/g, " ");
  if (m.endsWith(suffix)) m = m.slice(0, -suffix.length);
  const prefix = /^Text '[\s\S]*' could not be parsed/.exec(m);
  if (prefix) m = m.slice(prefix[0].length);
  const at = /^(?: at index|, unparsed text found at index) (\d+)$/.exec(m);
  if (at) {
    const i = Number(at[1]);
    return i >= text.length
      ? "the value ends before the pattern does"
      : `it does not match the pattern at character ${i + 1} (${quoted(text.slice(i), 20)})`;
  }
  if (/exceeds length/.test(m)) m += " (too many digits, or digits next to fraction digits SSS without a separator)";
  return cap(m.replace(/^[:,]\s*/, ""), MAX_REASON_CHARS);
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return quoted(value, MAX_VALUE_CHARS);
  if (typeof value === "number") return cap(String(value), MAX_VALUE_CHARS);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return cap(text, MAX_VALUE_CHARS);
}

function toDate(instant: Instant): Date | null {
  const seconds = instant.epochSecond();
  if (Math.abs(seconds) > MAX_DATE_MS / 1000) return null;
  const ms = instant.toEpochMilli();
  return Math.abs(ms) <= MAX_DATE_MS ? new Date(ms) : null;
}

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/**
 * An item's date field read with its format and time zone.
 * - `format`: a Java DateTimeFormatter pattern (Locale.US, SMART resolving as Java's ofPattern), or
 *   `epoch`/`epochSeconds` (seconds since 1970, fractions allowed) or `epochMillis` (milliseconds,
 *   fractions dropped); these take numbers and numeric strings.
 * - `zone`: used when the text has no offset or zone of its own (a pattern without X/x/Z/O/zzz/VV);
 *   "" = UTC. A pattern with a date only reads as the start of that day in the zone.
 * - Pattern formats take strings (finite numbers are read as their decimal text).
 * Anything wrong → AppError VALIDATION naming the value (≤ 60 characters) and the pattern.
 */
export function parseItemDate(value: unknown, format: string, zone: string): Date {
  const fail = (why: string): never => {
    throw new AppError(
      "VALIDATION",
      `Cannot read date ${describeValue(value)} with format ${quoted(format, MAX_PATTERN_CHARS)}: ${why}`,
    );
  };
  const z = zoneOrThrow(zone);
  const unit = epochUnit(format);
  if (unit) {
    let n: number;
    if (typeof value === "number") n = value;
    else if (typeof value === "string" && NUMERIC.test(value.trim())) n = Number(value.trim());
    else return fail(`expected a number of ${unit === "seconds" ? "seconds" : "milliseconds"} since 1970`);
    const ms = unit === "seconds" ? Math.round(n * 1000) : Math.trunc(n);
    if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) return fail("outside the range of dates");
    return new Date(ms + 0); // + 0: no -0
  }
  if (format.trim() === "") return fail("the format is empty");
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "number" && Number.isFinite(value)) text = String(value);
  else return fail(`expected text, got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`);
  if (text.trim() === "") return fail("the value is empty");
  const pattern = compiled(format);
  let instant: Instant;
  try {
    instant = readWith(pattern, text, z);
  } catch (e) {
    return fail(parseReason(e, text));
  }
  return toDate(instant) ?? fail("outside the range of dates");
}

// ---------------------------------------------------------------------------------------------
// Field validation

/**
 * Why `pattern` cannot be a date field's format (parseItemDate), or null. Accepts the epoch
 * formats; a Java pattern must be valid, write some field, and read back a full date (and a
 * complete time, if it has time fields) from what it writes.
 */
export function checkDatePattern(pattern: string): string | null {
  if (epochUnit(pattern)) return null;
  const why = formatProblem(pattern);
  if (why) return patternMessage(pattern, why);
  const c = compiled(pattern);
  const sample = SAMPLE_A.format(c.formatter);
  try {
    readWith(c, sample, UTC_ZONE);
  } catch (e) {
    const letters = pattern.replace(/'[^']*'?/g, "");
    const hint = letters.includes("Y") && !letters.includes("w") ? " (Y is the week-based year; the calendar year is y)" : "";
    const reason = e instanceof ReadProblem ? e.message : `a date it writes cannot be read back: ${parseReason(e, sample)}`;
    return patternMessage(pattern, reason + hint);
  }
  return null;
}

/** Why `zone` is not a usable time zone, or null ("" is UTC). */
export function checkTimeZone(zone: string): string | null {
  const z = resolveZone(zone);
  return typeof z === "string" ? z : null;
}
