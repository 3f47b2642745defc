import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { AppError } from "@/lib/errors";
import {
  checkDatePattern,
  checkGmtDateTemplate,
  checkTimeZone,
  encodeDateForUrl,
  expandGmtDate,
  formatJavaPattern,
  parseItemDate,
} from "./gmt-date";

const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

/** `fn` throws AppError VALIDATION whose message holds every part. */
function assertValidation(fn: () => unknown, ...parts: (string | RegExp)[]) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AppError, `expected an AppError, got ${String(e)}`);
    assert.equal(e.code, "VALIDATION");
    for (const p of parts) {
      if (typeof p === "string") assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
      else assert.match(e.message, p);
    }
    return true;
  });
}

const ISO_Z = "yyyy-MM-dd'T'HH:mm:ss'Z'";
const SQL_MS = "yyyy-MM-dd HH:mm:ss.SSS";
const RFC_1123 = "EEE, dd MMM yyyy HH:mm:ss zzz";
const DMY = "dd/MM/yyyy";
const ISO_OFFSET = "yyyy-MM-dd'T'HH:mm:ssXXX";

// [instant, pattern, zone, text]: formatJavaPattern(instant) = text, parseItemDate(text) = instant.
const BOTH_WAYS: [string, string, string, string][] = [
  ["2026-12-03T10:15:30.000Z", ISO_Z, "GMT", "2026-12-03T10:15:30Z"],
  ["2026-12-03T10:15:30.000Z", ISO_Z, "UTC", "2026-12-03T10:15:30Z"],
  // The quoted 'Z' is literal text: the zone decides (as in Java).
  ["2026-12-03T09:15:30.000Z", ISO_Z, "Europe/Berlin", "2026-12-03T10:15:30Z"],
  ["2026-12-03T04:45:30.000Z", ISO_Z, "+05:30", "2026-12-03T10:15:30Z"],
  ["2026-12-03T10:15:30.123Z", SQL_MS, "GMT", "2026-12-03 10:15:30.123"],
  ["2026-12-03T10:15:30.123Z", SQL_MS, "America/New_York", "2026-12-03 05:15:30.123"],
  ["2026-07-01T12:00:00.007Z", SQL_MS, "America/New_York", "2026-07-01 08:00:00.007"],
  ["2026-12-03T10:15:30.123Z", SQL_MS, "Asia/Kolkata", "2026-12-03 15:45:30.123"],
  ["2026-12-03T10:15:30.000Z", RFC_1123, "GMT", "Thu, 03 Dec 2026 10:15:30 GMT"],
  ["2026-12-03T10:15:30.000Z", RFC_1123, "UTC", "Thu, 03 Dec 2026 10:15:30 UTC"],
  ["2026-07-01T12:00:00.000Z", RFC_1123, "GMT", "Wed, 01 Jul 2026 12:00:00 GMT"],
  ["2026-12-03T00:00:00.000Z", DMY, "UTC", "03/12/2026"],
  ["2026-12-02T23:00:00.000Z", DMY, "Europe/Berlin", "03/12/2026"],
  ["2026-12-03T05:00:00.000Z", DMY, "America/New_York", "03/12/2026"],
  ["2026-12-03T10:15:30.000Z", ISO_OFFSET, "GMT", "2026-12-03T10:15:30Z"],
  ["2026-12-03T10:15:30.000Z", ISO_OFFSET, "Europe/Berlin", "2026-12-03T11:15:30+01:00"],
  ["2026-07-01T12:00:00.000Z", ISO_OFFSET, "Europe/Berlin", "2026-07-01T14:00:00+02:00"],
  ["2026-07-01T12:00:00.000Z", ISO_OFFSET, "America/New_York", "2026-07-01T08:00:00-04:00"],
  ["2026-12-03T10:15:30.000Z", ISO_OFFSET, "Asia/Kolkata", "2026-12-03T15:45:30+05:30"],
  ["2026-12-03T10:15:30.000Z", "dd MMMM yyyy hh:mm:ss a", "GMT", "03 December 2026 10:15:30 AM"],
  ["2026-12-03T22:15:30.000Z", "dd MMMM yyyy hh:mm:ss a", "GMT", "03 December 2026 10:15:30 PM"],
  ["2026-12-03T10:15:30.000Z", "yyyyMMddHHmmss", "GMT", "20261203101530"],
  ["2026-12-03T10:15:30.000Z", "yyyy-MM-dd'T'HH:mm:ssZ", "Asia/Tokyo", "2026-12-03T19:15:30+0900"],
  ["2026-12-03T10:15:30.000Z", "yyyy-MM-dd'T'HH:mm:ss'['VV']'", "Europe/Berlin", "2026-12-03T11:15:30[Europe/Berlin]"],
];

// Europe/Berlin, 2026: CET → CEST at 01:00Z on 29 March (02:00 → 03:00 local), back at 01:00Z on 25 October.
const BERLIN_FORMAT: [string, string][] = [
  ["2026-03-29T00:59:59.000Z", "2026-03-29T01:59:59+01:00"],
  ["2026-03-29T01:00:00.000Z", "2026-03-29T03:00:00+02:00"],
  ["2026-10-25T00:30:00.000Z", "2026-10-25T02:30:00+02:00"],
  ["2026-10-25T01:30:00.000Z", "2026-10-25T02:30:00+01:00"],
  ["2026-10-25T02:00:00.000Z", "2026-10-25T03:00:00+01:00"],
];

describe("formatJavaPattern", () => {
  test("known answers (Java DateTimeFormatter.ofPattern, Locale.US)", () => {
    for (const [instant, pattern, zone, text] of BOTH_WAYS) {
      assert.equal(formatJavaPattern(at(instant), pattern, zone), text, `${instant} with ${pattern} in ${zone}`);
    }
  });

  test("the zone defaults to GMT", () => {
    assert.equal(formatJavaPattern(at("2026-12-03T23:59:59Z"), RFC_1123), "Thu, 03 Dec 2026 23:59:59 GMT");
    assert.equal(formatJavaPattern(at("2026-12-03T23:59:59Z"), "zzz"), "GMT");
  });

  test("names are English (Locale.US)", () => {
    const d = at("2026-12-03T22:15:30Z");
    assert.equal(formatJavaPattern(d, "EEEE MMMM d yyyy G, h:mm a, QQQ", "UTC"), "Thursday December 3 2026 AD, 10:15 PM, Q4");
    assert.equal(formatJavaPattern(d, "LLL E", "UTC"), "Dec Thu");
  });

  test("DST edges in Europe/Berlin", () => {
    for (const [instant, text] of BERLIN_FORMAT) {
      assert.equal(formatJavaPattern(at(instant), ISO_OFFSET, "Europe/Berlin"), text, instant);
    }
  });

  test("zone names: as Java for GMT/UTC/offsets; the zone id where CLDR English has no short name (js-joda deviation)", () => {
    const d = at("2026-12-03T10:15:30Z");
    assert.equal(formatJavaPattern(d, "zzz", "GMT"), "GMT");
    assert.equal(formatJavaPattern(d, "zzz", "UTC"), "UTC");
    assert.equal(formatJavaPattern(d, "zzz", "Z"), "Z");
    assert.equal(formatJavaPattern(d, "zzz", "+02:00"), "+02:00");
    assert.equal(formatJavaPattern(d, "O", "Europe/Berlin"), "GMT+1");
    // Java prints "CET" here; pinned so that a library upgrade that changes it is noticed.
    assert.equal(formatJavaPattern(d, "zzz", "Europe/Berlin"), "Europe/Berlin");
  });

  test("an empty pattern writes nothing, as in Java", () => {
    assert.equal(formatJavaPattern(at("2026-12-03T10:15:30Z"), ""), "");
  });

  test("invalid patterns → VALIDATION naming the pattern and why", () => {
    const d = at("2026-12-03T10:15:30Z");
    const cases: [string, string][] = [
      ["yyyy-MM-ddd", "Too many pattern letters: d"],
      ["yyyy-MM-dd'T", "incomplete string literal"],
      ["yyyy-MM-dd{", "reserved character"],
      ["yyyy-MM-dd b", "Unknown pattern letter: b"],
      ["v", "Unknown pattern letter: v"],
      ["pp", "Pad letter"],
    ];
    for (const [pattern, why] of cases) {
      assertValidation(() => formatJavaPattern(d, pattern), `Invalid date pattern ${JSON.stringify(pattern)}`, why);
    }
  });

  test("an unknown zone → VALIDATION naming it", () => {
    assertValidation(() => formatJavaPattern(at("2026-12-03T10:15:30Z"), ISO_Z, "Mars/Olympus"), `"Mars/Olympus"`);
  });

  test("an invalid Date is a programming error (TypeError)", () => {
    assert.throws(() => formatJavaPattern(new Date(NaN), ISO_Z), TypeError);
  });
});

describe("expandGmtDate", () => {
  const poll = at("2026-12-03T10:15:30.123Z");

  test("the seed's URL", () => {
    assert.equal(
      expandGmtDate("/hubs/crm/contacts?where=lastUpdated>'${gmtDate:yyyy-MM-dd'T'HH:mm:ss'Z'}'", poll),
      "/hubs/crm/contacts?where=lastUpdated>'2026-12-03T10:15:30Z'",
    );
  });

  test("always GMT", () => {
    assert.equal(expandGmtDate("${gmtDate:yyyy-MM-dd HH:mm zzz}", at("2026-12-31T23:30:00Z")), "2026-12-31%2023:30%20GMT");
    assert.equal(expandGmtDate("${gmtDate:HH:mmXXX}", at("2026-07-01T00:00:00Z")), "00:00Z");
  });

  test("the value is URL-encoded except ':'", () => {
    const cases: [string, string][] = [
      [RFC_1123, "Thu%2C%2003%20Dec%202026%2010:15:30%20GMT"],
      [SQL_MS, "2026-12-03%2010:15:30.123"],
      [DMY, "03%2F12%2F2026"],
      ["yyyy-MM-dd'T'HH:mm:ssxxx", "2026-12-03T10:15:30%2B00:00"],
      ["yyyy-MM-dd'&x='HH", "2026-12-03%26x%3D10"],
      ["yyyy'?#'", "2026%3F%23"],
    ];
    for (const [pattern, expected] of cases) assert.equal(expandGmtDate(`\${gmtDate:${pattern}}`, poll), expected, pattern);
  });

  test("every placeholder is replaced; the rest of the template is left as it is", () => {
    const template = "/a/{{TENANT}}/b?from=${gmtDate:yyyy-MM-dd}&to=%20${gmtDate:HH:mm:ss}&q=$&x={y}";
    assert.equal(expandGmtDate(template, poll), "/a/{{TENANT}}/b?from=2026-12-03&to=%2010:15:30&q=$&x={y}");
    assert.equal(expandGmtDate("/contacts?page=1", poll), "/contacts?page=1");
    assert.equal(expandGmtDate("", poll), "");
  });

  test("a '}' inside a quoted literal belongs to the pattern", () => {
    assert.equal(expandGmtDate("x=${gmtDate:yyyy'}'}!", poll), "x=2026%7D!");
    // '' is a quote in Java patterns; encodeURIComponent leaves ' as it is (as it does ! ( ) *).
    assert.equal(expandGmtDate("x=${gmtDate:yyyy''MM}", poll), "x=2026'12");
  });

  test("epoch placeholders (extension: these names are not valid Java patterns)", () => {
    assert.equal(expandGmtDate("since=${gmtDate:epoch}", poll), "since=1796292930");
    assert.equal(expandGmtDate("since=${gmtDate:epochSeconds}", poll), "since=1796292930");
    assert.equal(expandGmtDate("since=${gmtDate:epochMillis}", poll), "since=1796292930123");
  });

  test("invalid templates → VALIDATION naming the pattern; nothing is replaced", () => {
    assertValidation(() => expandGmtDate("a=${gmtDate:yyyy}&b=${gmtDate:yyyy-MM-ddd}", poll), `Invalid date pattern "yyyy-MM-ddd"`, "Too many pattern letters");
    assertValidation(() => expandGmtDate("a=${gmtDate:yyyy-MM-dd", poll), "not closed");
    assertValidation(() => expandGmtDate("a=${gmtDate:}", poll), `Invalid date pattern ""`, "empty");
    assertValidation(() => expandGmtDate("a=${gmtDate:'now'}", poll), `Invalid date pattern "'now'"`, "no date or time fields");
    assertValidation(() => expandGmtDate("a=${gmtDate:yyyy'}", poll), `Invalid date pattern "yyyy'"`, "incomplete string literal");
  });

  test("an invalid previous poll time is a programming error (TypeError)", () => {
    assert.throws(() => expandGmtDate("${gmtDate:yyyy}", new Date(NaN)), TypeError);
  });

  test("property: each placeholder becomes the URL-encoded GMT text, decoding back to formatJavaPattern's", () => {
    const patterns = [ISO_Z, SQL_MS, RFC_1123, DMY, ISO_OFFSET, "yyyy-MM-dd'T'HH:mm:ssZ", "yyyyMMdd HHmmss", "EEEE, MMMM d, yyyy h:mm a"];
    fc.assert(
      fc.property(
        fc.date({ min: at("1970-01-01T00:00:00Z"), max: at("2199-12-31T23:59:59Z"), noInvalidDate: true }),
        fc.constantFrom(...patterns),
        fc.string({ unit: fc.constantFrom("a", "/", "?", "&", "=", "{", "'", " ", "%") }),
        (date, pattern, around) => {
          const out = expandGmtDate(`${around}\${gmtDate:${pattern}}${around}`, date);
          assert.ok(out.startsWith(around) && out.endsWith(around), `text around the placeholder changed: ${out}`);
          const value = out.slice(around.length, out.length - around.length);
          assert.match(value, /^(?:[A-Za-z0-9\-._~!*()':]|%[0-9A-F]{2})*$/);
          assert.equal(decodeURIComponent(value), formatJavaPattern(date, pattern, "GMT"));
        },
      ),
    );
  });
});

describe("encodeDateForUrl", () => {
  test("encodeURIComponent, ':' kept", () => {
    assert.equal(encodeDateForUrl("2026-12-03T10:15:30+02:00"), "2026-12-03T10:15:30%2B02:00");
    assert.equal(encodeDateForUrl("a b,c/d"), "a%20b%2Cc%2Fd");
  });
});

describe("checkGmtDateTemplate", () => {
  test("valid templates have no problems", () => {
    for (const t of ["", "/contacts", "/c?where=lastUpdated>'${gmtDate:yyyy-MM-dd'T'HH:mm:ss'Z'}'", "${gmtDate:epochMillis}&${gmtDate:" + RFC_1123 + "}"]) {
      assert.deepEqual(checkGmtDateTemplate(t), [], t);
    }
  });

  test("each problem is listed, naming the pattern", () => {
    const problems = checkGmtDateTemplate("a=${gmtDate:yyyy-MM-ddd}&b=${gmtDate:v}&c=${gmtDate:yyyy}");
    assert.equal(problems.length, 2, problems.join(" | "));
    assert.match(problems[0], /^Invalid date pattern "yyyy-MM-ddd": Too many pattern letters/);
    assert.match(problems[1], /^Invalid date pattern "v": Unknown pattern letter: v/);
  });

  test("an unclosed placeholder", () => {
    const problems = checkGmtDateTemplate("/c?from=${gmtDate:yyyy-MM-dd");
    assert.equal(problems.length, 1, problems.join(" | "));
    assert.match(problems[0], /"\$\{gmtDate:" at character 9 is not closed with "\}"/);
  });

  test("near misses: no pattern, wrong case", () => {
    for (const t of ["/c?from=${gmtDate}", "/c?from=${gmtdate:yyyy}", "/c?from=${GMTDate:yyyy}", "/c?from=${ gmtDate:yyyy}"]) {
      const problems = checkGmtDateTemplate(t);
      assert.equal(problems.length, 1, `${t}: ${problems.join(" | ")}`);
      assert.match(problems[0], /at character 9: write "\$\{gmtDate:<pattern>\}"/);
    }
  });
});

describe("parseItemDate", () => {
  test("known answers (the other way)", () => {
    for (const [instant, pattern, zone, text] of BOTH_WAYS) {
      assert.equal(iso(parseItemDate(text, pattern, zone)), instant, `${text} with ${pattern} in ${zone}`);
    }
  });

  test("an offset or zone in the text wins over the configured zone", () => {
    assert.equal(iso(parseItemDate("2026-12-03T11:15:30+01:00", ISO_OFFSET, "America/New_York")), "2026-12-03T10:15:30.000Z");
    assert.equal(iso(parseItemDate("2026-12-03T10:15:30Z", ISO_OFFSET, "Asia/Tokyo")), "2026-12-03T10:15:30.000Z");
    assert.equal(iso(parseItemDate("Thu, 03 Dec 2026 10:15:30 GMT", RFC_1123, "Europe/Berlin")), "2026-12-03T10:15:30.000Z");
    assert.equal(iso(parseItemDate("Thu, 03 Dec 2026 10:15:30 CET", RFC_1123, "UTC")), "2026-12-03T09:15:30.000Z");
    assert.equal(iso(parseItemDate("Thu, 03 Dec 2026 10:15:30 PST", RFC_1123, "UTC")), "2026-12-03T18:15:30.000Z");
    assert.equal(iso(parseItemDate("Thu, 03 Dec 2026 10:15:30 Europe/Berlin", RFC_1123, "UTC")), "2026-12-03T09:15:30.000Z");
    // Offset and zone id both present: the offset fixes the instant (Java's ZonedDateTime.from).
    const withBoth = "yyyy-MM-dd'T'HH:mm:ssXXX'['VV']'";
    assert.equal(iso(parseItemDate("2026-10-25T02:30:00+01:00[Europe/Berlin]", withBoth, "UTC")), "2026-10-25T01:30:00.000Z");
  });

  test("zzz reads what Java's zzz reads: names, ids, offsets, Z, GMT+hh:mm", () => {
    const cases: [string, string][] = [
      ["Thu, 03 Dec 2026 10:15:30 +05:30", "2026-12-03T04:45:30.000Z"],
      ["Thu, 03 Dec 2026 10:15:30 Z", "2026-12-03T10:15:30.000Z"],
      ["Thu, 03 Dec 2026 10:15:30 GMT+02:00", "2026-12-03T08:15:30.000Z"],
      ["Thu, 03 Dec 2026 10:15:30 UTC-03:00", "2026-12-03T13:15:30.000Z"],
      // US metazone names stand for their main zone (as Java), whatever zone js-joda's name table picks.
      ["Thu, 03 Dec 2026 10:15:30 ET", "2026-12-03T15:15:30.000Z"],
      ["Wed, 01 Jul 2026 10:15:30 EDT", "2026-07-01T14:15:30.000Z"],
      ["Thu, 31 Dec 1970 19:00:00 ET", "1971-01-01T00:00:00.000Z"],
      ["Thu, 31 Dec 1970 19:00:00 Eastern Time", "1971-01-01T00:00:00.000Z"],
      ["Wed, 01 Jul 2026 10:15:30 PT", "2026-07-01T17:15:30.000Z"],
      // As Java: "EST" stands for America/New_York, whose rules give -04:00 in July.
      ["Wed, 01 Jul 2026 10:15:30 EST", "2026-07-01T14:15:30.000Z"],
      ["Thu, 03 Dec 2026 10:15:30 EST", "2026-12-03T15:15:30.000Z"],
      // The id itself is kept, though it shares the "ET" name.
      ["Thu, 31 Dec 1970 19:00:00 America/Kentucky/Monticello", "1971-01-01T01:00:00.000Z"],
    ];
    for (const [text, expected] of cases) {
      const pattern = text.includes("Eastern Time") ? "EEE, dd MMM yyyy HH:mm:ss zzzz" : RFC_1123;
      assert.equal(iso(parseItemDate(text, pattern, "Asia/Tokyo")), expected, text);
    }
    assertValidation(() => parseItemDate("Thu, 03 Dec 2026 10:15:30 ", RFC_1123, "UTC"), "no time zone where the pattern has z");
    assertValidation(() => parseItemDate("Thu, 03 Dec 2026 10:15:30 Nowhere", RFC_1123, "UTC"), "character 27");
    // Made optional by the pattern: the configured zone applies.
    assert.equal(iso(parseItemDate("2026-12-03 10:15", "yyyy-MM-dd HH:mm[ zzz]", "Europe/Berlin")), "2026-12-03T09:15:00.000Z");
    assert.equal(iso(parseItemDate("2026-12-03 10:15 GMT", "yyyy-MM-dd HH:mm[ zzz]", "Europe/Berlin")), "2026-12-03T10:15:00.000Z");
  });

  test("empty zone = UTC; zone ids and offsets", () => {
    assert.equal(iso(parseItemDate("2026-12-03 10:15:30.123", SQL_MS, "")), "2026-12-03T10:15:30.123Z");
    assert.equal(iso(parseItemDate("2026-12-03 10:15:30.123", SQL_MS, "Etc/UTC")), "2026-12-03T10:15:30.123Z");
    assert.equal(iso(parseItemDate("2026-12-03 10:15:30.123", SQL_MS, "+02:00")), "2026-12-03T08:15:30.123Z");
    assert.equal(iso(parseItemDate("2026-12-03 10:15:30.123", SQL_MS, "UTC-3")), "2026-12-03T13:15:30.123Z");
    assert.equal(iso(parseItemDate("2026-12-03 10:15:30.123", SQL_MS, " Europe/Berlin ")), "2026-12-03T09:15:30.123Z");
  });

  test("DST edges in Europe/Berlin (as Java's ZonedDateTime.of)", () => {
    const berlin = (text: string) => iso(parseItemDate(text, SQL_MS, "Europe/Berlin"));
    assert.equal(berlin("2026-03-29 01:59:59.999"), "2026-03-29T00:59:59.999Z");
    // 02:00–03:00 does not exist that day: moved forward by the gap.
    assert.equal(berlin("2026-03-29 02:30:00.000"), "2026-03-29T01:30:00.000Z");
    assert.equal(berlin("2026-03-29 03:00:00.000"), "2026-03-29T01:00:00.000Z");
    // 02:00–03:00 happens twice on 25 October: the earlier offset (CEST).
    assert.equal(berlin("2026-10-25 02:30:00.000"), "2026-10-25T00:30:00.000Z");
    assert.equal(berlin("2026-10-25 03:00:00.000"), "2026-10-25T02:00:00.000Z");
    // With an offset the text is not ambiguous.
    for (const [instant, text] of BERLIN_FORMAT) {
      assert.equal(iso(parseItemDate(text, ISO_OFFSET, "Europe/Berlin")), instant, text);
    }
  });

  test("a date alone is the start of that day in the zone", () => {
    assert.equal(iso(parseItemDate("29/03/2026", DMY, "Europe/Berlin")), "2026-03-28T23:00:00.000Z");
    assert.equal(iso(parseItemDate("30/03/2026", DMY, "Europe/Berlin")), "2026-03-29T22:00:00.000Z");
    assert.equal(iso(parseItemDate("25/10/2026", DMY, "Europe/Berlin")), "2026-10-24T22:00:00.000Z");
    assert.equal(iso(parseItemDate("03/12/2026", DMY, "")), "2026-12-03T00:00:00.000Z");
    // São Paulo, 4 November 2018: clocks went from 00:00 to 01:00, so the day started at 01:00 (-02:00).
    assert.equal(iso(parseItemDate("04/11/2018", DMY, "America/Sao_Paulo")), "2018-11-04T03:00:00.000Z");
    assert.equal(iso(parseItemDate("2026-12-03+05:00", "yyyy-MM-ddXXX", "UTC")), "2026-12-02T19:00:00.000Z");
  });

  test("epoch seconds and milliseconds: numbers and numeric strings", () => {
    const cases: [unknown, string, string][] = [
      [1796292930, "epoch", "2026-12-03T10:15:30.000Z"],
      ["1796292930", "epochSeconds", "2026-12-03T10:15:30.000Z"],
      [" 1796292930 ", "EPOCHSECONDS", "2026-12-03T10:15:30.000Z"],
      [1796292930.5, "epochSeconds", "2026-12-03T10:15:30.500Z"],
      ["1796292930.123", "epoch", "2026-12-03T10:15:30.123Z"],
      [0, "epoch", "1970-01-01T00:00:00.000Z"],
      ["-1", "epochSeconds", "1969-12-31T23:59:59.000Z"],
      [1796292930123, "epochMillis", "2026-12-03T10:15:30.123Z"],
      ["1796292930123", "epochMillis", "2026-12-03T10:15:30.123Z"],
      ["+1796292930123.9", "epochMillis", "2026-12-03T10:15:30.123Z"],
    ];
    for (const [value, format, expected] of cases) {
      assert.equal(iso(parseItemDate(value, format, "Europe/Berlin")), expected, `${JSON.stringify(value)} as ${format}`);
    }
  });

  test("SMART resolving, as Java's ofPattern: a day past the month's end is clamped", () => {
    assert.equal(iso(parseItemDate("2026-02-30", "yyyy-MM-dd", "UTC")), "2026-02-28T00:00:00.000Z");
  });

  test("pattern formats read numbers as their text", () => {
    assert.equal(iso(parseItemDate(20261203, "yyyyMMdd", "UTC")), "2026-12-03T00:00:00.000Z");
  });

  test("values that do not fit → VALIDATION naming the value and the format", () => {
    const cases: [unknown, string, string, string][] = [
      ["2026-02-32", "yyyy-MM-dd", "UTC", "Invalid value for DayOfMonth"],
      ["2026-12-03 10:15:30.1", SQL_MS, "UTC", "character 21"],
      ["2026-12-03 10:15:30.1234", SQL_MS, "UTC", `character 24 ("4")`],
      ["Wed, 03 Dec 2026 10:15:30 GMT", RFC_1123, "UTC", "DayOfWeek"],
      ["thu, 03 dec 2026 10:15:30 GMT", RFC_1123, "UTC", "character 1"],
      ["2026-12-03T10:15:30", ISO_Z, "UTC", "ends before the pattern"],
      ["", ISO_Z, "UTC", "empty"],
      [null, ISO_Z, "UTC", "expected text, got null"],
      [{ at: 1 }, ISO_Z, "UTC", "expected text, got object"],
      [true, "epoch", "UTC", "expected a number of seconds"],
      ["12:00", "epochMillis", "UTC", "expected a number of milliseconds"],
      ["1e3", "epoch", "UTC", "expected a number"],
      [Number.NaN, "epoch", "UTC", "Cannot read date NaN"],
      [1e16, "epochMillis", "UTC", "outside the range"],
      ["2026-12", "yyyy-MM", "UTC", "no full date"],
      ["2026-12-03 10:15", "yyyy-MM-dd hh:mm", "UTC", "no complete time"],
    ];
    for (const [value, format, zone, why] of cases) {
      assertValidation(() => parseItemDate(value, format, zone), "Cannot read date", `with format ${JSON.stringify(format)}`, why);
    }
  });

  test("a long value is shortened to 60 characters in the message", () => {
    const value = "2026-12-03T10:15:30Z" + "x".repeat(200);
    assert.throws(
      () => parseItemDate(value, ISO_Z, "UTC"),
      (e: unknown) => {
        assert.ok(e instanceof AppError, `expected an AppError, got ${String(e)}`);
        const quotedValue = /^Cannot read date "([^"]*)"/.exec(e.message)?.[1];
        assert.ok(quotedValue !== undefined, `no quoted value in ${e.message}`);
        assert.ok(quotedValue.length <= 60, `value in the message is ${quotedValue.length} characters`);
        assert.ok(quotedValue.endsWith("…"), `shortened value not marked: ${quotedValue}`);
        assert.ok(e.message.length < 250, `message too long: ${e.message.length}`);
        assert.match(e.message, /unparsed|character 21/);
        return true;
      },
    );
  });

  test("an invalid pattern or zone → VALIDATION naming it", () => {
    assertValidation(() => parseItemDate("2026", "yyyy-MM-ddd", "UTC"), `Invalid date pattern "yyyy-MM-ddd"`);
    assertValidation(() => parseItemDate("2026", "", "UTC"), "the format is empty");
    assertValidation(() => parseItemDate("2026-12-03", "yyyy-MM-dd", "Europe/Berln"), `Unknown time zone "Europe/Berln"`);
    assertValidation(() => parseItemDate(1, "epoch", "utc"), `Unknown time zone "utc"`, `did you mean "UTC"`);
  });

  test("property: format then parse gives the same instant, to the pattern's precision", () => {
    const second = (d: Date) => Math.floor(d.getTime() / 1000) * 1000;
    const patterns: [string, (d: Date) => number][] = [
      [ISO_Z, second],
      [SQL_MS, (d) => d.getTime()],
      [RFC_1123, second],
      [ISO_OFFSET, second],
      ["yyyy-MM-dd'T'HH:mm:ss.SSSXXX'['VV']'", (d) => d.getTime()],
      ["yyyyMMddHHmmss", second],
      ["EEEE, MMMM d, yyyy hh:mm:ss a", second],
      ["yyyy-DDD HH:mm:ss.SSS", (d) => d.getTime()],
    ];
    const zones = ["GMT", "UTC", "", "Z", "GMT+2", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Kolkata", "+05:30", "-03:00", "Australia/Lord_Howe"];
    fc.assert(
      fc.property(
        fc.date({ min: at("1971-01-01T00:00:00Z"), max: at("2199-12-31T23:59:59.999Z"), noInvalidDate: true }),
        fc.constantFrom(...patterns),
        fc.constantFrom(...zones),
        (date, [pattern, precision], zone) => {
          const text = formatJavaPattern(date, pattern, zone || "UTC");
          const parsed = parseItemDate(text, pattern, zone);
          const expected = precision(date);
          // Wall-clock text without an offset is ambiguous when clocks go back: the earlier reading is taken.
          const earlierReading =
            expected - parsed.getTime() > 0 &&
            expected - parsed.getTime() <= 3_600_000 &&
            formatJavaPattern(parsed, pattern, zone || "UTC") === text;
          assert.ok(parsed.getTime() === expected || earlierReading, `${text} (${pattern}, ${JSON.stringify(zone)}) read as ${iso(parsed)}, expected ${new Date(expected).toISOString()}`);
        },
      ),
      { numRuns: 500 },
    );
  });

  test("property: a date-only pattern reads the start of the day the zone had", () => {
    const zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati", "-09:30"];
    fc.assert(
      fc.property(
        fc.date({ min: at("1971-01-01T00:00:00Z"), max: at("2199-12-31T23:59:59.999Z"), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (date, zone) => {
          const parsed = parseItemDate(formatJavaPattern(date, DMY, zone), DMY, zone);
          const day = formatJavaPattern(date, "yyyy-MM-dd", zone);
          assert.equal(formatJavaPattern(parsed, "yyyy-MM-dd HH:mm:ss.SSS", zone), `${day} 00:00:00.000`, `${iso(date)} in ${zone}`);
          assert.ok(parsed <= date && date.getTime() - parsed.getTime() < 25 * 3_600_000, `${iso(parsed)} is not the start of ${iso(date)}'s day in ${zone}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("property: epoch formats round trip", () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.boolean(), (ms, asString) => {
        const millis = asString ? String(ms) : ms;
        assert.equal(parseItemDate(millis, "epochMillis", "").getTime(), ms);
        const s = Math.floor(ms / 1000);
        assert.equal(parseItemDate(asString ? String(s) : s, "epochSeconds", "").getTime(), s * 1000);
      }),
    );
  });
});

describe("checkDatePattern", () => {
  test("usable formats", () => {
    for (const p of [ISO_Z, SQL_MS, RFC_1123, DMY, ISO_OFFSET, "yyyyMMdd", "yyyy-DDD", "epoch", "epochSeconds", "epochMillis", "dd MMM yyyy hh:mm a"]) {
      assert.equal(checkDatePattern(p), null, p);
    }
  });

  test("unusable formats, with why", () => {
    const cases: [string, string][] = [
      ["", "empty"],
      ["yyyy-MM-ddd", "Too many pattern letters"],
      ["'today'", "no date or time fields"],
      ["yyyy-MM", "no full date"],
      ["HH:mm", "no full date"],
      ["yyyy-MM-dd hh:mm", "no complete time"],
      ["YYYY-MM-dd", "Y is the week-based year"],
      // js-joda cannot split digits next to fraction digits (Java 9+ can).
      ["yyyyMMddHHmmssSSS", "cannot be read back"],
    ];
    for (const [pattern, why] of cases) {
      const problem = checkDatePattern(pattern) ?? "(none)";
      assert.ok(problem.startsWith(`Invalid date pattern ${JSON.stringify(pattern)}`), `${pattern}: ${problem}`);
      assert.ok(problem.includes(why), `${pattern}: ${problem}`);
    }
  });
});

describe("checkTimeZone", () => {
  test("zone ids and offsets; empty is UTC", () => {
    for (const z of ["", "UTC", "GMT", "Z", "Europe/Berlin", "America/New_York", "+02:00", "-0530", "UTC+2", "GMT-03:00", "Etc/GMT+5", "CET"]) {
      assert.equal(checkTimeZone(z), null, JSON.stringify(z));
    }
  });

  test("unknown zones, with why", () => {
    const cases: [string, RegExp][] = [
      ["Europe/Berln", /^Unknown time zone "Europe\/Berln": use an IANA id/],
      ["europe/berlin", /did you mean "Europe\/Berlin"/],
      ["+25:00", /not in the range -18 to 18/],
      ["SYSTEM", /depends on the server/],
      ["Mars", /Unknown time zone "Mars"/],
    ];
    for (const [zone, why] of cases) assert.match(checkTimeZone(zone) ?? "(none)", why, zone);
  });
});
