// The outbound policy (SPEC §11): which URLs and which resolved addresses the server may reach.
// Pure: no I/O. lib/http/dispatcher.ts applies checkAddress at connect time, on the address the
// socket is about to use, so DNS answers that change between check and use cannot slip through.
import { domainToASCII } from "node:url";
import ipaddr from "ipaddr.js";
import { AppError } from "@/lib/errors";
import { classify, inRange, parseIp, sameIp, unmap, type TCategory, type TIp } from "./ip-classify";

export type TAllowRange = {
  readonly ip: TIp;
  readonly bits: number;
  /** A single address (bare IP, /32 or /128): the only kind of entry that opens a metadata address. */
  readonly exact: boolean;
};

export type TOutboundPolicy = {
  readonly ranges: readonly TAllowRange[];
  /** Exact host names, lower case, ASCII (punycode), no trailing dot. */
  readonly hosts: readonly string[];
  /** Suffixes from `*.example.com` entries, stored as ".example.com". */
  readonly wildcards: readonly string[];
  /** Canonical text of the entries: equal keys mean equal policies (agent cache key). */
  readonly key: string;
};

const SETTING = "PATCHBAY_OUTBOUND_ALLOW";
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** Strict IP syntax for the allowlist: four decimal parts or IPv6; no zone, no legacy 0x/octal forms. */
function strictIp(text: string): TIp | null {
  const t = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (ipaddr.IPv4.isValidFourPartDecimal(t)) return ipaddr.IPv4.parse(t);
  if (t.includes(":") && !t.includes("%") && ipaddr.IPv6.isValid(t)) return ipaddr.IPv6.parse(t);
  return null;
}

function badEntry(entry: string, why: string): AppError {
  return new AppError("CONFIG", `${SETTING}: "${entry}" ${why}`);
}

function parseRange(entry: string): TAllowRange {
  const slash = entry.lastIndexOf("/");
  const ip = strictIp(entry.slice(0, slash));
  const bitsText = entry.slice(slash + 1);
  if (!ip) throw badEntry(entry, "is not a valid CIDR: the address part must be an IPv4 (a.b.c.d) or IPv6 address");
  const max = ip.kind() === "ipv4" ? 32 : 128;
  const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!(bits >= 0 && bits <= max)) throw badEntry(entry, `is not a valid CIDR: the prefix length must be 0 to ${max}`);
  return { ip, bits, exact: bits === max };
}

/** Returns the normalised name, "*." kept for wildcards. */
function parseHostName(entry: string): string {
  const lower = entry.toLowerCase().replace(/\.$/, "");
  const wildcard = lower.startsWith("*.");
  const ascii = domainToASCII(wildcard ? lower.slice(2) : lower);
  const labels = ascii.split(".");
  if (!ascii || ascii.length > 253 || !labels.every((l) => LABEL.test(l))) {
    throw badEntry(entry, "is not a CIDR, an IP address or a host name (like api.example.com or *.example.com)");
  }
  // The URL parser reads a name ending in a numeric label as an IPv4 address (http://0x7f.1/).
  if (/^(?:0x[0-9a-f]*|\d+)$/.test(labels[labels.length - 1])) {
    throw badEntry(entry, "looks like an IP address; write IPv4 addresses as four decimal numbers (a.b.c.d)");
  }
  return wildcard ? `*.${ascii}` : ascii;
}

/** Parses PATCHBAY_OUTBOUND_ALLOW: comma-separated CIDRs, IP addresses and host names. */
export function parseOutboundAllow(text: string): TOutboundPolicy {
  const ranges: TAllowRange[] = [];
  const hosts: string[] = [];
  const wildcards: string[] = [];
  for (const raw of text.split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry.includes("/")) {
      ranges.push(parseRange(entry));
      continue;
    }
    const ip = strictIp(entry);
    if (ip) {
      ranges.push({ ip, bits: ip.kind() === "ipv4" ? 32 : 128, exact: true });
      continue;
    }
    const name = parseHostName(entry);
    if (name.startsWith("*.")) wildcards.push(name.slice(1));
    else hosts.push(name);
  }
  const key = [
    ...ranges.map((r) => `${r.ip.toNormalizedString()}/${r.bits}`),
    ...hosts,
    ...wildcards.map((w) => `*${w}`),
  ]
    .sort()
    .join(",");
  return { ranges, hosts, wildcards, key };
}

/** Checks what can be checked before any connection: scheme, credentials, syntax. */
export function checkUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // The URL is not echoed: it may carry an API key in its query.
    throw new AppError("INVALID_REQUEST", "The URL is not valid: it must be absolute, like https://api.example.com/path");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new AppError("OUTBOUND_BLOCKED", `Only http and https URLs can be requested, not ${u.protocol.slice(0, 20)}`);
  }
  if (u.username || u.password) {
    throw new AppError(
      "OUTBOUND_BLOCKED",
      "The URL contains a user name or password; put credentials in an authentication configuration instead",
    );
  }
  if (!u.hostname) throw new AppError("INVALID_REQUEST", "The URL has no host name");
  return u;
}

function normalHost(host: string): string {
  const h = host.toLowerCase().replace(/\.$/, "");
  return h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1) : h;
}

function hostAllowed(policy: TOutboundPolicy, host: string): boolean {
  const h = normalHost(host);
  return policy.hosts.includes(h) || policy.wildcards.some((w) => h.length > w.length && h.endsWith(w));
}

const describe = (c: TCategory) => {
  const noun = c === "unique local" ? "private (unique local)" : c;
  return `${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun} address`;
};

/**
 * Throws AppError("OUTBOUND_BLOCKED") unless the policy lets a connection to `address` happen.
 * `host` is the name being connected to (the URL's host); for an IP-literal URL it is the address.
 */
export function checkAddress({ address, host, policy }: { address: string; host?: string; policy: TOutboundPolicy }): void {
  const ip = parseIp(address);
  if (!ip) throw new AppError("OUTBOUND_BLOCKED", `${address} is not an IP address`);
  const verdict = classify(ip);
  if (!verdict.category) return;

  const shown = address.replace(/^\[|\]$/g, "");
  const named = host !== undefined && parseIp(normalHost(host)) === null ? normalHost(host) : null;
  const spelled = verdict.embedded
    ? `${shown} (${verdict.embedded.via}, carrying ${verdict.embedded.v4.toString()})`
    : shown;
  const subject = named
    ? `${named} resolves to ${spelled}, ${describe(verdict.category)}`
    : `${spelled} is ${describe(verdict.category)}`;

  if (verdict.category === "cloud metadata") {
    // Only an entry naming this exact address opens it: a broad CIDR or an allowlisted name
    // (whose DNS someone else may control) must not expose instance credentials by accident.
    const target = unmap(ip);
    if (policy.ranges.some((r) => r.exact && sameIp(unmap(r.ip), target))) return;
    throw new AppError(
      "OUTBOUND_BLOCKED",
      `${subject}; it stays blocked unless ${SETTING} names this exact address (${target.toString()})`,
    );
  }
  if (host !== undefined && hostAllowed(policy, host)) return;
  if (verdict.candidates.some((c) => policy.ranges.some((r) => inRange(c, r.ip, r.bits)))) return;
  const how = named ? `add the address or ${named}` : "add it (or the host name)";
  throw new AppError("OUTBOUND_BLOCKED", `${subject}; ${how} to ${SETTING} to allow it`);
}
