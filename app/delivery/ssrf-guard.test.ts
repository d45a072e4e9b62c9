import { describe, expect, it } from "vitest";
import { BlockedAddressError, checkEndpointUrl, forbiddenAddressReason, guardedLookup } from "./ssrf-guard";

const strict = { allowLoopback: false };
const dev = { allowLoopback: true };

describe("forbiddenAddressReason", () => {
  it.each([
    ["10.1.2.3", "private address 10.1.2.3"],
    ["172.16.0.1", "private address 172.16.0.1"],
    ["172.31.255.255", "private address 172.31.255.255"],
    ["192.168.1.1", "private address 192.168.1.1"],
    ["127.0.0.1", "loopback address 127.0.0.1"],
    ["127.8.9.10", "loopback address 127.8.9.10"],
    ["169.254.10.20", "link-local address 169.254.10.20"],
    ["169.254.169.254", "metadata address 169.254.169.254"],
    ["169.254.170.2", "metadata address 169.254.170.2"],
    ["168.63.129.16", "metadata address 168.63.129.16"],
    ["100.100.100.200", "metadata address 100.100.100.200"],
    ["100.64.0.1", "carrier-grade NAT address 100.64.0.1"],
    ["100.127.255.254", "carrier-grade NAT address 100.127.255.254"],
    ["224.0.0.1", "multicast address 224.0.0.1"],
    ["239.255.255.250", "multicast address 239.255.255.250"],
    ["0.0.0.0", "unspecified address 0.0.0.0"],
    ["0.1.2.3", "unspecified address 0.1.2.3"],
    ["255.255.255.255", "broadcast address 255.255.255.255"],
    ["192.0.2.10", "reserved or documentation address 192.0.2.10"],
    ["198.51.100.7", "reserved or documentation address 198.51.100.7"],
    ["203.0.113.9", "reserved or documentation address 203.0.113.9"],
    ["198.18.0.1", "reserved or documentation address 198.18.0.1"],
    ["240.0.0.1", "reserved or documentation address 240.0.0.1"],
    ["192.0.0.192", "metadata address 192.0.0.192"],
    ["::1", "loopback address ::1"],
    ["::", "unspecified address ::"],
    ["fe80::1", "link-local address fe80::1"],
    ["fc00::1", "unique-local address fc00::1"],
    ["fd12:3456::1", "unique-local address fd12:3456::1"],
    ["fd00:ec2::254", "metadata address fd00:ec2::254"],
    ["ff02::1", "multicast address ff02::1"],
    ["fec0::1", "site-local address fec0::1"],
    ["2001:db8::1", "reserved or documentation address 2001:db8::1"],
    ["2001:2::1", "benchmarking address 2001:2::1"],
    ["2001::1", "Teredo tunnel address 2001::1"],
    ["::ffff:127.0.0.1", "IPv4-mapped loopback address 127.0.0.1 (::ffff:7f00:1)"],
    ["::ffff:7f00:1", "IPv4-mapped loopback address 127.0.0.1 (::ffff:7f00:1)"],
    ["[::ffff:169.254.169.254]", "IPv4-mapped metadata address 169.254.169.254 (::ffff:a9fe:a9fe)"],
    ["::ffff:10.0.0.1", "IPv4-mapped private address 10.0.0.1 (::ffff:a00:1)"],
    ["::7f00:1", "IPv4-compatible address ::7f00:1"],
    ["::ffff:0:a00:1", "IPv4-translated address ::ffff:0:a00:1"],
    ["64:ff9b::a9fe:a9fe", "NAT64-embedded metadata address 169.254.169.254 (64:ff9b::a9fe:a9fe)"],
    ["64:ff9b::7f00:1", "NAT64-embedded loopback address 127.0.0.1 (64:ff9b::7f00:1)"],
    ["2002:c0a8:101::1", "6to4-embedded private address 192.168.1.1 (2002:c0a8:101::1)"],
    ["64:ff9b:1::1", "local-use NAT64 address 64:ff9b:1::1"],
    ["not-an-ip", 'unparseable address "not-an-ip"'],
  ])("refuses %s", (ip, reason) => {
    expect(forbiddenAddressReason(ip, strict)).toBe(reason);
  });

  it.each(["93.184.215.14", "1.1.1.1", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"])(
    "allows the public address %s",
    (ip) => {
      expect(forbiddenAddressReason(ip, strict)).toBeNull();
      expect(forbiddenAddressReason(ip, dev)).toBeNull();
    },
  );

  it("allows only loopback when the development setting is on", () => {
    expect(forbiddenAddressReason("127.0.0.1", dev)).toBeNull();
    expect(forbiddenAddressReason("::1", dev)).toBeNull();
    expect(forbiddenAddressReason("::ffff:127.0.0.1", dev)).toBeNull();
    expect(forbiddenAddressReason("10.0.0.1", dev)).toBe("private address 10.0.0.1");
    expect(forbiddenAddressReason("169.254.169.254", dev)).toBe("metadata address 169.254.169.254");
    expect(forbiddenAddressReason("0.0.0.0", dev)).toBe("unspecified address 0.0.0.0");
    expect(forbiddenAddressReason("64:ff9b::7f00:1", dev)).toBe("NAT64-embedded loopback address 127.0.0.1 (64:ff9b::7f00:1)");
  });
});

describe("checkEndpointUrl", () => {
  it("accepts a public https URL and returns it parsed", () => {
    const result = checkEndpointUrl("  https://api.bsp.example/hooks/cart?x=1  ", strict);
    expect(result).toEqual({ ok: true, url: new URL("https://api.bsp.example/hooks/cart?x=1") });
  });

  it.each([
    ["https://127.0.0.1/hook", "URL host is not allowed: loopback address 127.0.0.1"],
    ["https://2130706433/", "URL host is not allowed: loopback address 127.0.0.1"],
    ["https://0177.0.0.1/", "URL host is not allowed: loopback address 127.0.0.1"],
    ["https://0x7f.1/", "URL host is not allowed: loopback address 127.0.0.1"],
    ["https://0x7f000001/", "URL host is not allowed: loopback address 127.0.0.1"],
    ["https://127.1/", "URL host is not allowed: loopback address 127.0.0.1"],
    ["https://3232235777/", "URL host is not allowed: private address 192.168.1.1"],
    ["https://0xa9fea9fe/latest/meta-data", "URL host is not allowed: metadata address 169.254.169.254"],
    ["https://169.254.169.254/", "URL host is not allowed: metadata address 169.254.169.254"],
    ["https://0/", "URL host is not allowed: unspecified address 0.0.0.0"],
    ["https://10.0.0.5:8443/x", "URL host is not allowed: private address 10.0.0.5"],
    ["https://100.64.1.1/", "URL host is not allowed: carrier-grade NAT address 100.64.1.1"],
    ["https://[::1]/", "URL host is not allowed: loopback address ::1"],
    ["https://[fe80::1]/", "URL host is not allowed: link-local address fe80::1"],
    ["https://[fc00::1]/", "URL host is not allowed: unique-local address fc00::1"],
    ["https://[::ffff:127.0.0.1]/", "URL host is not allowed: IPv4-mapped loopback address 127.0.0.1 (::ffff:7f00:1)"],
    ["https://[::ffff:169.254.169.254]/", "URL host is not allowed: IPv4-mapped metadata address 169.254.169.254 (::ffff:a9fe:a9fe)"],
    ["https://[::127.0.0.1]/", "URL host is not allowed: IPv4-compatible address ::7f00:1"],
    ["https://[fd00:ec2::254]/", "URL host is not allowed: metadata address fd00:ec2::254"],
    ["http://api.bsp.example/hook", "URL must start with https://"],
    ["ftp://api.bsp.example/hook", "URL must start with https:// (got ftp://)"],
    ["javascript:alert(1)", "URL must start with https:// (got javascript://)"],
    ["https://user:pass@api.bsp.example/", "URL must not contain a user name or password"],
    ["https://token@api.bsp.example/", "URL must not contain a user name or password"],
    ["api.bsp.example/hook", "URL is not a valid absolute URL"],
    ["https://", "URL is not a valid absolute URL"],
    ["", "URL is empty"],
    [`https://api.bsp.example/${"a".repeat(2048)}`, "URL must be at most 2048 characters"],
  ])("refuses %s", (raw, reason) => {
    expect(checkEndpointUrl(raw, strict)).toEqual({ ok: false, reason });
  });

  it("accepts http:// only for loopback hosts, and only with the development setting", () => {
    expect(checkEndpointUrl("http://127.0.0.1:8080/inbox", dev).ok).toBe(true);
    expect(checkEndpointUrl("http://[::1]:8080/inbox", dev).ok).toBe(true);
    expect(checkEndpointUrl("http://localhost:8080/inbox", dev).ok).toBe(true);
    expect(checkEndpointUrl("https://127.0.0.1/inbox", dev).ok).toBe(true);
    expect(checkEndpointUrl("http://api.bsp.example/hook", dev)).toEqual({ ok: false, reason: "URL must start with https://" });
    expect(checkEndpointUrl("http://10.0.0.1/hook", dev)).toEqual({ ok: false, reason: "URL must start with https://" });
    expect(checkEndpointUrl("https://10.0.0.1/hook", dev)).toEqual({ ok: false, reason: "URL host is not allowed: private address 10.0.0.1" });
    expect(checkEndpointUrl("http://127.0.0.1:8080/inbox", strict)).toEqual({ ok: false, reason: "URL must start with https://" });
  });

  it("leaves names to the connect-time check", () => {
    expect(checkEndpointUrl("https://localhost/hook", strict).ok).toBe(true);
  });
});

function lookupAll(lookup: ReturnType<typeof guardedLookup>, hostname: string, all = true) {
  return new Promise<{ error: Error | null; addresses: string[] }>((resolve) => {
    lookup(hostname, { all }, (error, address) => {
      const addresses = typeof address === "string" ? [address] : address.map((a) => a.address);
      resolve({ error, addresses });
    });
  });
}

describe("guardedLookup", () => {
  it("fails the connection when a name resolves to loopback", async () => {
    const { error, addresses } = await lookupAll(guardedLookup(strict), "localhost");
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect((error as BlockedAddressError).kind).toBe("blocked_address");
    expect(error!.message).toMatch(/^localhost resolves to a forbidden loopback address (127\.0\.0\.1|::1)$/);
    expect(addresses).toEqual([]);
  });

  it("fails for an IP literal passed as a name as well", async () => {
    const { error } = await lookupAll(guardedLookup(dev), "169.254.169.254");
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(error!.message).toBe("169.254.169.254 resolves to a forbidden metadata address 169.254.169.254");
  });

  it("resolves loopback names with the development setting, in both callback shapes", async () => {
    const all = await lookupAll(guardedLookup(dev), "localhost", true);
    expect(all.error).toBeNull();
    expect(all.addresses.length).toBeGreaterThan(0);
    for (const address of all.addresses) expect(["127.0.0.1", "::1"]).toContain(address);

    const single = await lookupAll(guardedLookup(dev), "localhost", false);
    expect(single.error).toBeNull();
    expect(single.addresses).toHaveLength(1);
    expect(["127.0.0.1", "::1"]).toContain(single.addresses[0]);
  });
});
