import { etagOf, ifMatchHolds } from "../../../src/domain/etag";

const v = { seconds: 1_763_880_000, nanoseconds: 123_000, updatedAtIso: "2025-11-23T06:40:00.000Z" };

describe("ETags", () => {
  it("quotes the update time with nanosecond padding", () => {
    expect(etagOf(v)).toBe('"1763880000.000123000"');
  });

  it("accepts the ETag (quoted, bare or weak), the updatedAt time, a list, or *", () => {
    for (const header of [
      '"1763880000.000123000"',
      "1763880000.000123000",
      'W/"1763880000.000123000"',
      "2025-11-23T06:40:00.000Z",
      '"old", "1763880000.000123000"',
      "*",
    ]) {
      expect(ifMatchHolds(header, v)).toBe(true);
    }
  });

  it("refuses any other version", () => {
    for (const header of ['"1763880000.000124000"', "2025-11-23T06:40:00.001Z", '"1763880000"', ""]) {
      expect(ifMatchHolds(header, v)).toBe(false);
    }
  });
});
