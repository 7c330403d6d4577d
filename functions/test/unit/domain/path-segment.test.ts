import { isDocumentId, isPlainSegment } from "../../../src/domain/path-segment";

describe("path segments", () => {
  it.each(["6f1c2d3e-0000-4000-8000-000000000000", "rh_abc", "key_1", "urn:li:person:1", "é", "a.b", "..."])(
    "accepts %s as a plain segment and document id",
    (value) => {
      expect(isPlainSegment(value)).toBe(true);
      expect(isDocumentId(value)).toBe(true);
    },
  );

  it.each(["", ".", "..", "a/b", "/", "a\\b", "a\u0000b", "a\nb", "\u007f", "x".repeat(1501), "é".repeat(751)])(
    "refuses %j",
    (value) => {
      expect(isPlainSegment(value)).toBe(false);
      expect(isDocumentId(value)).toBe(false);
    },
  );

  it("counts the limit in UTF-8 bytes, as Firestore does", () => {
    expect(isDocumentId("x".repeat(1500))).toBe(true);
    expect(isDocumentId("é".repeat(750))).toBe(true);
  });

  it("refuses Firestore's reserved __…__ ids as document ids only", () => {
    for (const value of ["__x__", "__name__", "____"]) {
      expect(isPlainSegment(value)).toBe(true);
      expect(isDocumentId(value)).toBe(false);
    }
    expect(isDocumentId("__x")).toBe(true);
    expect(isDocumentId("x__")).toBe(true);
  });
});
