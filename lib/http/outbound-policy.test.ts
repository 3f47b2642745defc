import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "@/lib/errors";
import { checkAddress, checkUrl, parseOutboundAllow } from "./outbound-policy";

// Each URL goes through the WHATWG parser first, as in the executor: the parser turns decimal,
// octal, hex and short IPv4 spellings into dotted quads and compresses IPv6, and the check runs
// on that. `address` stands for what DNS returned when the URL names a host.
function run(url: string, allow = "", address?: string): void {
  const host = checkUrl(url).hostname;
  checkAddress({ address: address ?? host.replace(/^\[|\]$/g, ""), host, policy: parseOutboundAllow(allow) });
}

type TCase = { url: string; allow?: string; address?: string; blocked?: RegExp };
const PASS = undefined;

const LOOP = /loopback address/;
const PRIV = /private address/;
const META = /cloud metadata address/;

const CASES: TCase[] = [
  // IPv4 spellings of loopback and "this host"
  { url: "http://127.0.0.1/", blocked: LOOP },
  { url: "http://127.255.255.254:8080/x", blocked: LOOP },
  { url: "http://2130706433/", blocked: LOOP },
  { url: "http://0177.0.0.1/", blocked: LOOP },
  { url: "http://0x7f.0.0.1/", blocked: LOOP },
  { url: "http://0x7f000001/", blocked: LOOP },
  { url: "http://127.1/", blocked: LOOP },
  { url: "http://0/", blocked: /unspecified address/ },
  { url: "http://0.0.0.0/", blocked: /unspecified address/ },
  { url: "http://[::]/", blocked: /unspecified address/ },
  { url: "http://[::1]/", blocked: LOOP },
  // private, shared, link-local, multicast, broadcast, reserved
  { url: "http://10.0.0.1/", blocked: PRIV },
  { url: "http://172.16.5.4/", blocked: PRIV },
  { url: "http://172.31.255.255/", blocked: PRIV },
  { url: "http://192.168.1.1/", blocked: PRIV },
  { url: "http://0xc0a80101/", blocked: PRIV },
  { url: "http://100.64.0.1/", blocked: /carrier-grade NAT address/ },
  { url: "http://100.127.255.255/", blocked: /carrier-grade NAT address/ },
  { url: "http://169.254.1.1/", blocked: /link-local address/ },
  { url: "http://224.0.0.1/", blocked: /multicast address/ },
  { url: "http://239.255.255.250/", blocked: /multicast address/ },
  { url: "http://255.255.255.255/", blocked: /broadcast address/ },
  { url: "http://240.0.0.1/", blocked: /reserved address/ },
  { url: "http://198.18.0.1/", blocked: /benchmarking address/ },
  { url: "http://192.0.2.1/", blocked: /documentation address/ },
  { url: "http://[fe80::1]/", blocked: /link-local address/ },
  { url: "http://[fc00::1]/", blocked: /private \(unique local\) address/ },
  { url: "http://[fd12:3456::1]/", blocked: /private \(unique local\) address/ },
  { url: "http://[fec0::1]/", blocked: /site-local address/ },
  { url: "http://[ff02::1]/", blocked: /multicast address/ },
  { url: "http://[2001:db8::1]/", blocked: /documentation address/ },
  { url: "http://[100::1]/", blocked: /reserved address/ },
  // cloud metadata
  { url: "http://169.254.169.254/latest/meta-data/", blocked: META },
  { url: "http://169.254.170.2/v2/credentials", blocked: META },
  { url: "http://100.100.100.200/", blocked: META },
  { url: "http://[fd00:ec2::254]/", blocked: META },
  { url: "http://2852039166/", blocked: META },
  // IPv6 transition formats carrying a blocked IPv4
  { url: "http://[::ffff:127.0.0.1]/", blocked: /IPv4-mapped, carrying 127\.0\.0\.1\) is a loopback/ },
  { url: "http://[::ffff:7f00:1]/", blocked: LOOP },
  { url: "http://[::ffff:10.0.0.1]/", blocked: PRIV },
  { url: "http://[::ffff:169.254.169.254]/", blocked: META },
  { url: "http://[::ffff:0.0.0.0]/", blocked: /unspecified address/ },
  { url: "http://[::ffff:0:127.0.0.1]/", blocked: /IPv4-translated.*loopback/ },
  { url: "http://[::127.0.0.1]/", blocked: /IPv4-compatible, carrying 127\.0\.0\.1/ },
  { url: "http://[::10.0.0.1]/", blocked: PRIV },
  { url: "http://[::169.254.169.254]/", blocked: META },
  { url: "http://[64:ff9b::127.0.0.1]/", blocked: /NAT64, carrying 127\.0\.0\.1/ },
  { url: "http://[64:ff9b::10.1.1.1]/", blocked: PRIV },
  { url: "http://[64:ff9b::169.254.169.254]/", blocked: META },
  { url: "http://[64:ff9b:1::a9fe:a9fe]/", blocked: META },
  { url: "http://[64:ff9b:1::808:808]/", blocked: /reserved address/ },
  { url: "http://[2002:7f00:1::]/", blocked: /6to4, carrying 127\.0\.0\.1/ },
  { url: "http://[2002:c0a8:101::1]/", blocked: PRIV },
  { url: "http://[2002:a9fe:a9fe::1]/", blocked: META },
  // Teredo: client IPv4 = last 32 bits XOR 0xffffffff (127.0.0.1 -> 80ff:fffe)
  { url: "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", blocked: /Teredo, carrying 127\.0\.0\.1/ },
  { url: "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/", blocked: PRIV },
  { url: "http://[2001:0:4136:e378:8000:63bf:5601:5601]/", blocked: META },
  // public addresses pass, including public IPv4 inside transition formats
  { url: "http://8.8.8.8/", blocked: PASS },
  { url: "https://93.184.216.34:8443/path", blocked: PASS },
  { url: "http://172.32.0.1/", blocked: PASS },
  { url: "http://100.128.0.1/", blocked: PASS },
  { url: "http://11.0.0.1/", blocked: PASS },
  { url: "http://[2606:4700:4700::1111]/", blocked: PASS },
  { url: "http://[::ffff:8.8.8.8]/", blocked: PASS },
  { url: "http://[64:ff9b::8.8.8.8]/", blocked: PASS },
  { url: "http://[2002:808:808::1]/", blocked: PASS },
  { url: "http://[2001:0:4136:e378:8000:63bf:f7f7:f7f7]/", blocked: PASS },
  { url: "http://api.example.com/", address: "93.184.216.34", blocked: PASS },
  // allowlisted CIDRs and addresses
  { url: "http://127.0.0.1/", allow: "127.0.0.0/8", blocked: PASS },
  { url: "http://127.1/", allow: "127.0.0.1", blocked: PASS },
  { url: "http://[::1]/", allow: "::1", blocked: PASS },
  { url: "http://[::1]/", allow: "[::1]", blocked: PASS },
  { url: "http://10.0.0.5/", allow: "192.168.0.0/16, 10.0.0.0/8", blocked: PASS },
  { url: "http://10.1.0.5/", allow: "10.0.0.0/16", blocked: PRIV },
  { url: "http://[::ffff:10.0.0.5]/", allow: "10.0.0.0/8", blocked: PASS },
  { url: "http://[fd12::1]/", allow: "fc00::/7", blocked: PASS },
  { url: "http://127.0.0.2/", allow: "127.0.0.1", blocked: LOOP },
  // metadata: a covering CIDR or host name does not open it, the exact address does
  { url: "http://169.254.169.254/", allow: "169.254.0.0/16", blocked: META },
  { url: "http://169.254.169.254/", allow: "0.0.0.0/0", blocked: META },
  { url: "http://169.254.169.254/", allow: "169.254.169.254/16", blocked: META },
  { url: "http://100.100.100.200/", allow: "100.64.0.0/10", blocked: META },
  { url: "http://[fd00:ec2::254]/", allow: "fd00::/8", blocked: META },
  { url: "http://[::ffff:169.254.169.254]/", allow: "::ffff:0:0/96", blocked: META },
  { url: "http://169.254.169.254/", allow: "169.254.169.254", blocked: PASS },
  { url: "http://169.254.169.254/", allow: "169.254.169.254/32", blocked: PASS },
  { url: "http://[fd00:ec2::254]/", allow: "fd00:ec2::254/128", blocked: PASS },
  { url: "http://[::ffff:169.254.169.254]/", allow: "169.254.169.254", blocked: PASS },
  { url: "http://[64:ff9b::169.254.169.254]/", allow: "169.254.169.254", blocked: META },
  { url: "http://meta.internal/", allow: "meta.internal", address: "169.254.169.254", blocked: META },
  // allowlisted host names
  { url: "http://api.internal/", address: "10.0.0.7", blocked: /api\.internal resolves to 10\.0\.0\.7, a private/ },
  { url: "http://api.internal/", allow: "api.internal", address: "10.0.0.7", blocked: PASS },
  { url: "http://API.Internal./", allow: "api.INTERNAL", address: "10.0.0.7", blocked: PASS },
  { url: "http://a.b.corp.example/", allow: "*.corp.example", address: "10.0.0.7", blocked: PASS },
  { url: "http://corp.example/", allow: "*.corp.example", address: "10.0.0.7", blocked: PRIV },
  { url: "http://evilcorp.example/", allow: "*.corp.example", address: "10.0.0.7", blocked: PRIV },
  { url: "http://api.internal/", allow: "other.internal", address: "127.0.0.1", blocked: LOOP },
  { url: "http://api.internal/", allow: "api.internal", address: "::ffff:127.0.0.1", blocked: PASS },
];

describe("checkAddress on WHATWG-normalised URLs", () => {
  test("the table is large enough (control)", () => assert.ok(CASES.length >= 60, `${CASES.length} cases`));

  for (const c of CASES) {
    const name = `${c.url}${c.address ? ` -> ${c.address}` : ""}${c.allow ? ` [allow ${c.allow}]` : ""}`;
    test(`${c.blocked ? "blocks" : "passes"} ${name}`, () => {
      if (!c.blocked) return run(c.url, c.allow, c.address);
      assert.throws(
        () => run(c.url, c.allow, c.address),
        (e: unknown) => e instanceof AppError && e.code === "OUTBOUND_BLOCKED" && c.blocked!.test(e.message),
      );
    });
  }

  test("the message names the category and how to allow it", () => {
    assert.throws(() => run("http://127.0.0.1/"), {
      message: "127.0.0.1 is a loopback address; add it (or the host name) to PATCHBAY_OUTBOUND_ALLOW to allow it",
    });
  });
});

describe("checkUrl", () => {
  const blocked = ["file:///etc/passwd", "ftp://example.com/", "gopher://example.com/", "javascript:alert(1)"];
  for (const url of blocked) {
    test(`refuses ${url}`, () => assert.throws(() => checkUrl(url), { code: "OUTBOUND_BLOCKED", message: /Only http and https/ }));
  }
  test("refuses credentials in the URL without echoing them", () => {
    for (const url of ["https://user:hunter2@example.com/", "https://user@example.com/", "https://:hunter2@example.com/"]) {
      assert.throws(
        () => checkUrl(url),
        (e: unknown) => e instanceof AppError && e.code === "OUTBOUND_BLOCKED" && !e.message.includes("hunter2"),
      );
    }
  });
  test("refuses what does not parse, without echoing it", () => {
    for (const url of ["not a url", "/relative/path", "http://", "https://exa mple.com/?key=s3cret"]) {
      assert.throws(
        () => checkUrl(url),
        (e: unknown) => e instanceof AppError && e.code === "INVALID_REQUEST" && !e.message.includes("s3cret"),
      );
    }
  });
  test("accepts http and https", () => {
    assert.equal(checkUrl("HTTPS://Example.COM:443/a?b=1").href, "https://example.com/a?b=1");
    assert.equal(checkUrl("http://example.com").hostname, "example.com");
  });
});

describe("parseOutboundAllow", () => {
  test("reads CIDRs, addresses, names and wildcards, ignoring blanks", () => {
    const p = parseOutboundAllow(" 10.0.0.0/8 , api.Example.com., *.corp.example,,::1, [fd00::1] ,bücher.example");
    assert.deepEqual(
      p.ranges.map((r) => [r.ip.toString(), r.bits, r.exact]),
      [["10.0.0.0", 8, false], ["::1", 128, true], ["fd00::1", 128, true]],
    );
    assert.deepEqual(p.hosts, ["api.example.com", "xn--bcher-kva.example"]);
    assert.deepEqual(p.wildcards, [".corp.example"]);
  });
  test("the empty setting allows nothing internal", () => {
    const p = parseOutboundAllow("");
    assert.deepEqual([p.ranges.length, p.hosts.length, p.wildcards.length], [0, 0, 0]);
  });
  test("equal policies have equal keys, different ones different keys", () => {
    assert.equal(parseOutboundAllow("a.example,10.0.0.0/8").key, parseOutboundAllow(" 10.0.0.0/8,A.example ").key);
    assert.notEqual(parseOutboundAllow("10.0.0.0/8").key, parseOutboundAllow("10.0.0.0/9").key);
  });
  const bad = ["10.0.0.0/33", "::1/129", "10.0.0.0/x", "300.1.1.1", "0x7f.1", "127.1", "exa mple.com", "*", "host:8080", "fe80::1%eth0", "-bad.example", "a..b"];
  for (const entry of bad) {
    test(`refuses "${entry}" and names it`, () => {
      assert.throws(
        () => parseOutboundAllow(`api.example.com, ${entry}`),
        (e: unknown) => e instanceof AppError && e.code === "CONFIG" && e.message.includes(`"${entry}"`),
      );
    });
  }
});
