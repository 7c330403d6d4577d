/**
 * The SSRF address suite: URLs of internal addresses in every spelling a client might try, with
 * the port of a canary server on loopback (so a fetch that got through would be seen). Media
 * fetches and webhook endpoints are both checked against it.
 */
export function internalUrls(port: () => number, path = "/canary.jpg"): [string, () => string][] {
  return [
    ["loopback", () => `http://127.0.0.1:${port()}${path}`],
    ["loopback, other address", () => `http://127.1.2.3:${port()}${path}`],
    ["loopback as a decimal number", () => `http://2130706433:${port()}${path}`],
    ["loopback in octal", () => `http://0177.0.0.1:${port()}${path}`],
    ["loopback in hex", () => `http://0x7f.0.0.1:${port()}${path}`],
    ["IPv6 loopback", () => `http://[::1]:${port()}${path}`],
    ["IPv4-mapped IPv6 loopback", () => `http://[::ffff:127.0.0.1]:${port()}${path}`],
    ["a DNS name that resolves to loopback", () => `http://localhost:${port()}${path}`],
    ["unspecified", () => `http://0.0.0.0:${port()}${path}`],
    ["private 10/8", () => "http://10.0.0.1/a.jpg"],
    ["private 172.16/12", () => "http://172.16.5.4/a.jpg"],
    ["private 192.168/16", () => "http://192.168.1.1/a.jpg"],
    ["carrier-grade NAT", () => "http://100.64.0.1/a.jpg"],
    ["cloud metadata", () => "http://169.254.169.254/computeMetadata/v1/"],
    ["metadata as a decimal number", () => "http://2852039166/latest/meta-data/"],
    ["multicast", () => "http://224.0.0.1/a.jpg"],
    ["IPv6 unique local", () => "http://[fd00:ec2::254]/a.jpg"],
    ["IPv6 link-local", () => "http://[fe80::1]/a.jpg"],
    ["IPv6 unspecified", () => "http://[::]/a.jpg"],
    ["IPv4-mapped private", () => "http://[::ffff:10.0.0.1]/a.jpg"],
    ["NAT64 of metadata", () => "http://[64:ff9b::a9fe:a9fe]/a.jpg"],
  ];
}
