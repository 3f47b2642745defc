// Classifies one IP address for the outbound policy (lib/http/outbound-policy.ts). Pure.
// Own tables instead of ipaddr.js's range(): its names and order change between versions, and the
// policy needs to see the IPv4 address hidden inside the IPv6 transition formats.
import ipaddr from "ipaddr.js";

export type TIp = ipaddr.IPv4 | ipaddr.IPv6;

export type TCategory =
  | "loopback"
  | "private"
  | "link-local"
  | "carrier-grade NAT"
  | "multicast"
  | "unspecified"
  | "broadcast"
  | "reserved"
  | "benchmarking"
  | "documentation"
  | "site-local"
  | "unique local"
  | "cloud metadata";

type TTable = Array<[cidr: string, category: TCategory]>;

// Checked in order, first match wins (the broadcast /32 lies inside the reserved 240/4).
const V4: TTable = [
  ["255.255.255.255/32", "broadcast"],
  ["0.0.0.0/8", "unspecified"],
  ["10.0.0.0/8", "private"],
  ["172.16.0.0/12", "private"],
  ["192.168.0.0/16", "private"],
  ["100.64.0.0/10", "carrier-grade NAT"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local"],
  ["192.0.0.0/24", "reserved"],
  ["192.0.2.0/24", "documentation"],
  ["198.51.100.0/24", "documentation"],
  ["203.0.113.0/24", "documentation"],
  ["192.88.99.0/24", "reserved"], // former 6to4 relay anycast
  ["198.18.0.0/15", "benchmarking"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved"],
];

const V6: TTable = [
  ["::/128", "unspecified"],
  ["::1/128", "loopback"],
  ["fe80::/10", "link-local"],
  ["fec0::/10", "site-local"],
  ["fc00::/7", "unique local"],
  ["ff00::/8", "multicast"],
  ["100::/64", "reserved"], // discard prefix
  ["64:ff9b:1::/48", "reserved"], // local-use NAT64: translated inside somebody's network
  ["2001:db8::/32", "documentation"],
  ["3fff::/20", "documentation"],
  ["2001:2::/48", "benchmarking"],
  ["2001:10::/28", "reserved"], // ORCHID
  ["2001:20::/28", "reserved"], // ORCHIDv2
  ["5f00::/16", "reserved"], // segment routing SIDs
];

// Well-known instance metadata endpoints: AWS/GCP/Azure/Oracle (169.254.169.254), AWS ECS task
// metadata (169.254.170.2), Alibaba (100.100.100.200), Azure WireServer (168.63.129.16, public
// range but only meaningful from inside Azure), AWS IMDS over IPv6 (fd00:ec2::254).
const METADATA = ["169.254.169.254", "169.254.170.2", "100.100.100.200", "168.63.129.16", "fd00:ec2::254"].map(
  (a) => ipaddr.parse(a),
);

type TRange = { ip: TIp; bits: number; category: TCategory };
const compile = (t: TTable): TRange[] =>
  t.map(([cidr, category]) => {
    const [ip, bits] = ipaddr.parseCIDR(cidr);
    return { ip, bits, category };
  });
const V4_RANGES = compile(V4);
const V6_RANGES = compile(V6);
const GLOBAL_UNICAST = ipaddr.parseCIDR("2000::/3");

/** Same family and inside the CIDR. ipaddr.js throws on mixed families, so guard here. */
export function inRange(ip: TIp, range: TIp, bits: number): boolean {
  return ip.kind() === range.kind() && ip.match(range, bits);
}

export function sameIp(a: TIp, b: TIp): boolean {
  return a.kind() === b.kind() && a.toNormalizedString() === b.toNormalizedString();
}

/** Parses an address as the socket layer would: brackets and an IPv6 zone id allowed. */
export function parseIp(text: string): TIp | null {
  const t = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  try {
    return ipaddr.parse(t);
  } catch {
    return null;
  }
}

/** IPv4-mapped addresses reach the IPv4 host itself (same socket destination), so compare as IPv4. */
export function unmap(ip: TIp): TIp {
  return ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
}

const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
const P = (cidr: string) => ipaddr.parseCIDR(cidr) as [ipaddr.IPv6, number];
const MAPPED = P("::ffff:0:0/96");
const TRANSLATED = P("::ffff:0:0:0/96");
const NAT64 = P("64:ff9b::/96");
const NAT64_LOCAL = P("64:ff9b:1::/48");
const SIX_TO_FOUR = P("2002::/16");
const TEREDO = P("2001::/32");
const COMPATIBLE = P("::/96");

/** The IPv4 address an IPv6 transition format carries, with the format's name. */
export function embeddedIPv4(ip: ipaddr.IPv6): { v4: ipaddr.IPv4; via: string } | null {
  const p = ip.parts;
  if (ip.match(MAPPED)) return { v4: v4(p[6], p[7]), via: "IPv4-mapped" };
  if (ip.match(TRANSLATED)) return { v4: v4(p[6], p[7]), via: "IPv4-translated" };
  if (ip.match(NAT64) || ip.match(NAT64_LOCAL)) return { v4: v4(p[6], p[7]), via: "NAT64" };
  if (ip.match(SIX_TO_FOUR)) return { v4: v4(p[1], p[2]), via: "6to4" };
  // Teredo: the client's public IPv4 is the last 32 bits, inverted (RFC 4380 §4).
  if (ip.match(TEREDO)) return { v4: v4(p[6] ^ 0xffff, p[7] ^ 0xffff), via: "Teredo" };
  // ::a.b.c.d (deprecated IPv4-compatible); :: and ::1 are the IPv6 unspecified/loopback addresses.
  if (ip.match(COMPATIBLE) && !(p[6] === 0 && p[7] <= 1)) return { v4: v4(p[6], p[7]), via: "IPv4-compatible" };
  return null;
}

function ownCategory(ip: TIp): TCategory | null {
  const table = ip.kind() === "ipv4" ? V4_RANGES : V6_RANGES;
  const hit = table.find((r) => inRange(ip, r.ip, r.bits));
  if (hit) return hit.category;
  // Outside 2000::/3 nothing is globally routed, except the transition formats classified via
  // their embedded IPv4 (mapped, translated, NAT64, IPv4-compatible all live below 2000::/3).
  if (ip.kind() === "ipv6" && !ip.match(GLOBAL_UNICAST) && !embeddedIPv4(ip as ipaddr.IPv6)) return "reserved";
  return null;
}

export type TVerdict = {
  /** Why the address is blocked by default; null for a public address. */
  category: TCategory | null;
  /** The embedded IPv4 address when the verdict comes from it. */
  embedded?: { v4: ipaddr.IPv4; via: string };
  /** The address itself and its embedded IPv4: allowlist CIDRs may name either. */
  candidates: TIp[];
};

export function classify(ip: TIp): TVerdict {
  const emb = ip.kind() === "ipv6" ? embeddedIPv4(ip as ipaddr.IPv6) : null;
  const candidates: TIp[] = emb ? [ip, emb.v4] : [ip];
  const isMetadata = (a: TIp) => METADATA.some((m) => sameIp(m, a));
  if (isMetadata(ip)) return { category: "cloud metadata", candidates };
  if (emb && isMetadata(emb.v4)) return { category: "cloud metadata", embedded: emb, candidates };
  const own = ownCategory(ip);
  if (own) return { category: own, candidates };
  const inner = emb ? ownCategory(emb.v4) : null;
  if (emb && inner) return { category: inner, embedded: emb, candidates };
  return { category: null, candidates };
}
