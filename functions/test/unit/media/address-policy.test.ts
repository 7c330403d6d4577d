import { isPublicAddress } from "../../../src/media/address-policy";

describe("which addresses media fetches may reach", () => {
  it.each(["8.8.8.8", "142.250.74.78", "2606:4700:4700::1111", "2a00:1450:4001:82a::200e"])("%s is public", (a) => {
    expect(isPublicAddress(a)).toBe(true);
  });
  it.each([
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "255.255.255.255",
    "224.0.0.251",
    "192.0.2.1",
    "198.18.0.1",
    "240.0.0.1",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "64:ff9b::a9fe:a9fe",
    "2002:a9fe:a9fe::1",
    "2001:db8::1",
    "not an address",
  ])("%s is refused", (a) => {
    expect(isPublicAddress(a)).toBe(false);
  });
  it("allows loopback only when told to (tests, the local stack)", () => {
    expect(isPublicAddress("127.0.0.1", { allowLoopback: true })).toBe(true);
    expect(isPublicAddress("::1", { allowLoopback: true })).toBe(true);
    expect(isPublicAddress("10.0.0.1", { allowLoopback: true })).toBe(false);
  });
});
