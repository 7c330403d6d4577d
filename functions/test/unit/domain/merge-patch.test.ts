import { mergePatch } from "../../../src/domain/merge-patch";

describe("mergePatch (RFC 7396)", () => {
  it("merges objects, removes on null, replaces anything else (arrays whole)", () => {
    const target = { a: "b", c: { d: "e", f: "g" }, list: [1, 2, 3] };
    expect(mergePatch(target, { a: "z", c: { f: null, h: 1 }, list: [4] })).toEqual({
      a: "z",
      c: { d: "e", h: 1 },
      list: [4],
    });
    // The RFC's own examples.
    expect(mergePatch({ a: "b" }, { a: "c" })).toEqual({ a: "c" });
    expect(mergePatch({ a: "b" }, { b: "c" })).toEqual({ a: "b", b: "c" });
    expect(mergePatch({ a: "b" }, { a: null })).toEqual({});
    expect(mergePatch({ a: [{ b: "c" }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatch({ a: "foo" }, "bar")).toBe("bar");
    expect(mergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });

  it("leaves the target untouched", () => {
    const target = { a: { b: 1 } };
    mergePatch(target, { a: { b: 2 } });
    expect(target).toEqual({ a: { b: 1 } });
  });

  it("keeps a __proto__ key a plain key: nothing reaches any prototype", () => {
    const patch = JSON.parse('{"__proto__":{"polluted":true},"a":{"__proto__":{"x":1}}}') as unknown;
    const merged = mergePatch({ a: {} }, patch) as Record<string, unknown>;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(["a", "__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged.a)).toBe(Object.prototype);
  });
});
