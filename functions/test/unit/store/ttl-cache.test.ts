import { TtlCache } from "../../../src/store/ttl-cache";

describe("TtlCache", () => {
  it("serves a value until it expires, then loads it again", async () => {
    const cache = new TtlCache<number>(50);
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    expect(await cache.get("k", load)).toBe(1);
    expect(await cache.get("k", load)).toBe(1);
    await new Promise((r) => setTimeout(r, 70));
    expect(await cache.get("k", load)).toBe(2);
  });

  it("keeps at most maxEntries, dropping the oldest", async () => {
    const cache = new TtlCache<string>(60_000, 2);
    let loads = 0;
    const load = (v: string) => () => Promise.resolve(`${v}${++loads}`);
    await cache.get("a", load("a"));
    await cache.get("b", load("b"));
    await cache.get("c", load("c"));
    expect(await cache.get("b", load("b"))).toBe("b2");
    expect(await cache.get("a", load("a"))).toBe("a4");
  });
});
