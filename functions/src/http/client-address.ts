/**
 * Which address a request comes from, for the anonymous rate-limit tier and the request log.
 *
 * X-Forwarded-For is a list the client starts and every proxy appends to, so only its right-most
 * entries are facts: the left-most is whatever the client wrote. Cloud Functions (2nd gen, served
 * by Cloud Run) sits behind Google's front end, which appends the address that connected to it
 * (https://cloud.google.com/functions/docs/reference/headers: "X-Forwarded-For: clientIp, proxy1Ip,
 * proxy2Ip"; a direct request arrives with the client alone, `x-forwarded-for: 67.142.181.51`, in
 * GoogleCloudPlatform/functions-framework#34). An external Application Load Balancer appends
 * `<client-ip>,<load-balancer-ip>` (https://cloud.google.com/load-balancing/docs/https#x-forwarded-for_header).
 *
 * Express's `trust proxy` as a function of the hop index (0 is the socket's peer, then the list
 * right to left) trusts exactly `hops` proxies: req.ip is then the address the outermost trusted
 * proxy saw, and anything a client prepends is never read.
 */
export function trustProxyHops(hops: () => number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops();
}
