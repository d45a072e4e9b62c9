import dns from "node:dns";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

// Endpoint URLs come from merchants, so every delivery could be aimed at our own
// network (DESIGN.md "Delivery policy"). Save time rejects what the URL shows;
// connect time (guardedLookup) rejects what DNS answers, which defeats rebinding.

export interface GuardOptions {
  /** CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS: loopback receivers (and plain http to them) for development. */
  allowLoopback: boolean;
}

export const MAX_ENDPOINT_URL_LENGTH = 2048;

export class BlockedAddressError extends Error {
  override name = "BlockedAddressError";
  readonly kind = "blocked_address";
  readonly code = "ERR_BLOCKED_ADDRESS";
  constructor(
    readonly hostname: string,
    readonly reason: string,
  ) {
    super(`${hostname} resolves to a forbidden ${reason}`);
  }
}

// Cloud metadata and host-agent addresses. Most already fall in link-local or
// private ranges; listing them gives a clearer reason and covers the public ones (Azure).
const METADATA_ADDRESSES = new Set(
  [
    "169.254.169.254", // AWS, GCP, Azure IMDS, OpenStack, DigitalOcean
    "169.254.170.2", // AWS ECS task metadata
    "169.254.169.123", // AWS time sync
    "169.254.169.253", // AWS VPC DNS
    "168.63.129.16", // Azure wire server (a public address)
    "100.100.100.200", // Alibaba Cloud
    "192.0.0.192", // Oracle Cloud
    "fd00:ec2::254", // AWS IMDS over IPv6
    "fd00:ec2::23", // AWS DNS over IPv6
  ].map((address) => ipaddr.parse(address).toNormalizedString()),
);

const IPV4_REASONS: Record<string, string> = {
  unspecified: "unspecified address",
  broadcast: "broadcast address",
  multicast: "multicast address",
  linkLocal: "link-local address",
  loopback: "loopback address",
  carrierGradeNat: "carrier-grade NAT address",
  private: "private address",
  reserved: "reserved or documentation address",
  as112: "reserved (AS112) address",
  amt: "reserved (AMT) address",
};

const IPV6_REASONS: Record<string, string> = {
  unspecified: "unspecified address",
  linkLocal: "link-local address",
  multicast: "multicast address",
  loopback: "loopback address",
  uniqueLocal: "unique-local address",
  deprecatedSiteLocal: "site-local address",
  discard: "discard-only address",
  rfc6145: "IPv4-translated address",
  rfc6052: "local-use NAT64 address",
  teredo: "Teredo tunnel address",
  benchmarking: "benchmarking address",
  amt: "reserved (AMT) address",
  as112v6: "reserved (AS112) address",
  deprecatedOrchid: "ORCHID address",
  orchid2: "ORCHID address",
  droneRemoteIdProtocolEntityTags: "reserved (DRIP) address",
  segmentRouting: "segment-routing address",
  reserved: "reserved or documentation address",
};

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");
const NAT64_WELL_KNOWN = ipaddr.parseCIDR("64:ff9b::/96");
const SIX_TO_FOUR = ipaddr.parseCIDR("2002::/16");
const IPV4_COMPATIBLE = ipaddr.parseCIDR("::/96");

function ipv4Reason(address: ipaddr.IPv4, options: GuardOptions): string | null {
  const text = address.toString();
  if (METADATA_ADDRESSES.has(text)) return `metadata address ${text}`;
  const range = address.range();
  if (range === "unicast") return null;
  if (range === "loopback" && options.allowLoopback) return null;
  return `${IPV4_REASONS[range] ?? `${range} address`} ${text}`;
}

function embeddedIpv4(address: ipaddr.IPv6, at: "low" | "6to4"): ipaddr.IPv4 {
  const parts = address.parts;
  const [hi, lo] = at === "low" ? [parts[6], parts[7]] : [parts[1], parts[2]];
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

function ipv6Reason(address: ipaddr.IPv6, options: GuardOptions): string | null {
  const text = address.toString();
  if (METADATA_ADDRESSES.has(address.toNormalizedString())) return `metadata address ${text}`;
  if (address.isIPv4MappedAddress()) {
    const inner = ipv4Reason(address.toIPv4Address(), options);
    return inner && `IPv4-mapped ${inner} (${text})`;
  }
  const range = address.range();
  if (range === "loopback") return options.allowLoopback ? null : `loopback address ${text}`;
  // Translation prefixes carry an IPv4 address; a public one is legitimate (DNS64 networks).
  if (address.match(NAT64_WELL_KNOWN)) {
    const inner = ipv4Reason(embeddedIpv4(address, "low"), { allowLoopback: false });
    return inner && `NAT64-embedded ${inner} (${text})`;
  }
  if (address.match(SIX_TO_FOUR)) {
    const inner = ipv4Reason(embeddedIpv4(address, "6to4"), { allowLoopback: false });
    return inner && `6to4-embedded ${inner} (${text})`;
  }
  if (range === "unspecified") return `unspecified address ${text}`;
  if (address.match(IPV4_COMPATIBLE)) return `IPv4-compatible address ${text}`;
  if (range !== "unicast") return `${IPV6_REASONS[range] ?? `${range} address`} ${text}`;
  // Outside 2000::/3 nothing is assigned for global unicast (e.g. 64:ff9b:1::/48, ::/8 leftovers).
  if (!address.match(GLOBAL_UNICAST_V6)) return `non-global address ${text}`;
  return null;
}

/** Why connecting to `ip` is forbidden, or null when it is allowed. */
export function forbiddenAddressReason(ip: string, options: GuardOptions): string | null {
  const bare = ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.parse(bare);
  } catch {
    return `unparseable address ${JSON.stringify(ip)}`;
  }
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).zoneId) return `scoped address ${bare}`;
  return address.kind() === "ipv4" ? ipv4Reason(address as ipaddr.IPv4, options) : ipv6Reason(address as ipaddr.IPv6, options);
}

function isIpLiteral(hostname: string): boolean {
  return hostname.startsWith("[") || ipaddr.IPv4.isValidFourPartDecimal(hostname);
}

function isLoopbackHost(hostname: string): boolean {
  if (hostname === "localhost") return true;
  if (!isIpLiteral(hostname)) return false;
  return ipaddr.process(hostname.replace(/^\[|\]$/g, "")).range() === "loopback";
}

/** Save-time check of an endpoint URL; sendWebhook repeats it before every attempt. */
export function checkEndpointUrl(raw: string, options: GuardOptions): { ok: true; url: URL } | { ok: false; reason: string } {
  const text = raw.trim();
  if (text === "") return { ok: false, reason: "URL is empty" };
  if (text.length > MAX_ENDPOINT_URL_LENGTH) {
    return { ok: false, reason: `URL must be at most ${MAX_ENDPOINT_URL_LENGTH} characters` };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: "URL is not a valid absolute URL" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { ok: false, reason: `URL must start with https:// (got ${url.protocol}//)` };
  }
  if (url.username !== "" || url.password !== "") {
    return { ok: false, reason: "URL must not contain a user name or password" };
  }
  if (url.hostname === "") return { ok: false, reason: "URL has no host" };
  if (url.protocol === "http:" && !(options.allowLoopback && isLoopbackHost(url.hostname))) {
    return { ok: false, reason: "URL must start with https://" };
  }
  // WHATWG parsing has already turned 2130706433, 0177.0.0.1 and 0x7f.1 into dotted form.
  if (isIpLiteral(url.hostname)) {
    const reason = forbiddenAddressReason(url.hostname, options);
    if (reason) return { ok: false, reason: `URL host is not allowed: ${reason}` };
  }
  return { ok: true, url };
}

/**
 * A `lookup` for net/tls/undici that resolves every address of the host and
 * fails the connection if any of them is forbidden, so the address actually
 * connected to is one we checked.
 */
export function guardedLookup(options: GuardOptions): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    const wanted = typeof lookupOptions === "object" && lookupOptions !== null ? lookupOptions : {};
    dns.lookup(hostname, { ...wanted, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      if (addresses.length === 0) {
        return callback(Object.assign(new Error(`${hostname} has no addresses`), { code: "ENOTFOUND" }), []);
      }
      for (const { address } of addresses) {
        const reason = forbiddenAddressReason(address, options);
        if (reason) return callback(new BlockedAddressError(hostname, reason), []);
      }
      if (wanted.all) return callback(null, addresses);
      const first = addresses[0];
      callback(null, first.address, first.family);
    });
  };
}
