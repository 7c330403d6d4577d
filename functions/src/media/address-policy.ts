import ipaddr from "ipaddr.js";

/**
 * Whether Postcast may connect to an address: only globally routable unicast. Loopback, private,
 * link-local (169.254.169.254, the cloud metadata service), carrier-grade NAT, multicast,
 * unspecified, documentation and other reserved ranges are refused, for IPv4 and IPv6, and IPv6
 * forms that embed an IPv4 address (mapped, NAT64, 6to4, Teredo) are refused outright.
 */
export function isPublicAddress(address: string, options: { allowLoopback?: boolean } = {}): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (options.allowLoopback && range === "loopback") return true;
  return range === "unicast";
}
