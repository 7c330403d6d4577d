import { parseContentRange, storedRange } from "../../../src/domain/content-range";

describe("parseContentRange (Cloud Storage's resumable protocol)", () => {
  it.each([
    ["bytes 0-99/1000", { kind: "chunk", first: 0, last: 99, total: 1000 }],
    ["bytes 100-199/*", { kind: "chunk", first: 100, last: 199, total: null }],
    ["bytes 999-999/1000", { kind: "chunk", first: 999, last: 999, total: 1000 }],
    ["bytes */1000", { kind: "status", total: 1000 }],
    ["bytes */*", { kind: "status", total: null }],
  ])("reads %s", (header, range) => {
    expect(parseContentRange(header)).toEqual(range);
  });

  it.each([
    "bytes=0-99/1000",
    "bytes 99-0/1000",
    "bytes 0-1000/1000",
    "bytes 0-/1000",
    "items 0-9/10",
    "bytes -1-9/10",
    "",
  ])("refuses %j", (header) => {
    expect(parseContentRange(header)).toBeNull();
  });

  it("answers the stored range as a 308's Range header, none before the first byte", () => {
    expect(storedRange(0)).toBeNull();
    expect(storedRange(5000)).toBe("bytes=0-4999");
  });
});
