import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";

// Addresses a feed fetcher must never reach unless explicitly allowed: loopback, RFC 1918, CGNAT,
// link-local (incl. cloud metadata 169.254.169.254), unique-local/link-local IPv6, multicast,
// documentation and other special-purpose ranges.
const BLOCKED_V4: [string, number][] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];
const BLOCKED_V6: [string, number][] = [
  ["::", 128],
  ["::1", 128],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
];

const blocked = new BlockList();
for (const [a, p] of BLOCKED_V4) blocked.addSubnet(a, p, "ipv4");
for (const [a, p] of BLOCKED_V6) blocked.addSubnet(a, p, "ipv6");

export interface AddressPolicy {
  /** Allow every address (tests, intranet deployments). */
  allowPrivateNetworks?: boolean;
  /** CIDRs allowed even though they are in a blocked range, e.g. ["127.0.0.0/8", "::1/128"]. */
  allowedCidrs?: string[];
}

export class BlockedAddressError extends Error {
  override readonly name = "BlockedAddressError";
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`refusing to connect to ${host} (${address}): private, loopback, link-local or reserved address`);
  }
}

/** IPv4 embedded in IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 addresses. */
function embeddedV4(addr: string): string | null {
  const m = /^(?:::ffff:|64:ff9b::)(?:0:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(addr);
  if (m) return m[1]!;
  const h = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(addr);
  if (h) {
    const hi = Number.parseInt(h[1]!, 16);
    const lo = Number.parseInt(h[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

function buildAllowList(cidrs: string[] | undefined): BlockList | null {
  if (!cidrs?.length) return null;
  const list = new BlockList();
  for (const c of cidrs) {
    const [addr, prefix] = c.split("/");
    const fam = isIP(addr ?? "");
    if (!fam) throw new Error(`invalid CIDR in allowedCidrs: ${c}`);
    list.addSubnet(addr!, Number(prefix ?? (fam === 4 ? 32 : 128)), fam === 4 ? "ipv4" : "ipv6");
  }
  return list;
}

export interface AddressChecker {
  isAllowed(address: string): boolean;
}

export function addressChecker(policy: AddressPolicy): AddressChecker {
  const allow = buildAllowList(policy.allowedCidrs);
  const isAllowed = (address: string): boolean => {
    if (policy.allowPrivateNetworks) return true;
    const raw = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
    const v4 = embeddedV4(raw);
    const addr = v4 ?? raw;
    const fam = isIP(addr);
    if (!fam) return false;
    const type = fam === 4 ? "ipv4" : "ipv6";
    if (allow?.check(addr, type)) return true;
    return !blocked.check(addr, type);
  };
  return { isAllowed };
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A dns.lookup replacement for net/tls.connect: resolves, then refuses if any resolved address is
 * not allowed. Because the socket connects to exactly what this returns, the check applies to the
 * address actually used (no time-of-check/time-of-use gap with a separate pre-resolve).
 */
export function guardedLookup(checker: AddressChecker) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number | string } | number,
    cb: LookupCallback,
  ) => {
    const opts = typeof options === "number" ? { family: options } : (options ?? {});
    dnsLookup(hostname, { all: true, family: (opts.family as number) ?? 0 }, (err, addresses) => {
      if (err) return cb(err, opts.all ? [] : "", 0);
      const list = addresses as LookupAddress[];
      const bad = list.find((a) => !checker.isAllowed(a.address));
      if (bad || list.length === 0) {
        return cb(new BlockedAddressError(hostname, bad?.address ?? "none") as NodeJS.ErrnoException, "", 0);
      }
      if (opts.all) return cb(null, list);
      const first = list[0]!;
      return cb(null, first.address, first.family);
    });
  };
}
